/* The safety check page only (templates/patient/safety.html); it works without it too. */
(function () {
  "use strict";

  var VisitPrep = window.VisitPrep;  // static/js/patient.js, loaded first

  // Safety check: show what to do the moment a warning sign gets "yes", and send an
  // emergency or urgent answer to the server at once, in its own request. The message
  // says "saved" only after the server said so, and plainly when it could not save.
  // Without JavaScript, "Save and continue" saves first and the page shows the message.
  var helpBoxes = document.getElementById("get-help");
  var safetyForm = document.querySelector("form.safety-form");
  if (helpBoxes && safetyForm) {
    var shown = 0;
    var classValue = function (group, prefix) {
      for (var i = 0; i < group.classList.length; i++) {
        if (group.classList[i].indexOf(prefix) === 0) { return group.classList[i].slice(prefix.length); }
      }
      return null;
    };
    var saidYes = function (key) {
      var radio = safetyForm.querySelector('input[name="q_' + key + '"][value="yes"]');
      return Boolean(radio && radio.checked);
    };
    var levelNow = function () {
      var level = 0;
      safetyForm.querySelectorAll(".yes-no").forEach(function (group) {
        if (!group.querySelector('input[type=radio][value="yes"]:checked')) { return; }
        var own = parseInt(classValue(group, "level-") || "0", 10);
        var other = classValue(group, "with-");
        if (other && !saidYes(other)) { own = Math.min(own, 1); }
        level = Math.max(level, own);
      });
      return level;
    };
    var boxOf = function (level) {
      return helpBoxes.querySelector('section[data-level="' + level + '"]');
    };
    var say = function (level, key) {
      var box = boxOf(level);
      var status = box && box.querySelector(".help-status");
      if (status) { status.textContent = key ? helpBoxes.getAttribute("data-" + key) : ""; }
    };
    var show = function (level) {
      helpBoxes.querySelectorAll("[data-level]").forEach(function (el) {
        var own = parseInt(el.getAttribute("data-level"), 10);
        el.hidden = el.id === "help-phone" ? level < 2 : own !== level;
      });
      var seen = safetyForm.querySelector("input[name=help_seen]");
      if (seen) { seen.value = level >= 2 ? "1" : ""; }
    };
    // One save at a time, each with the version the last one returned; a change made
    // while one is on its way is sent right after it, and the button waits for them all.
    var inFlight = false;
    var again = false;
    var idle = null;  // a promise kept while saves are on their way
    var settle = null;
    var saveNow = function () {
      say(shown, "saving");
      if (inFlight) { again = true; return; }
      if (!VisitPrep.canSave) { say(shown, "failed"); return; }
      inFlight = true;
      if (!idle) { idle = new Promise(function (resolve) { settle = resolve; }); }
      var done = function (key) {
        inFlight = false;
        if (again) { again = false; saveNow(); return; }
        say(shown, key);
        idle = null;
        settle();
      };
      VisitPrep.save(safetyForm).then(function (result) {
        done(result[0] === 200 && result[1].saved ? "saved" : "failed");
      }).catch(function () { done("failed"); });
    };
    shown = levelNow();
    VisitPrep.holdSubmit(safetyForm, function () { return idle; });
    safetyForm.addEventListener("change", function (event) {
      if (!event.target.matches("input[type=radio]")) { return; }
      var before = shown;
      shown = levelNow();
      show(shown);
      // Emergency or urgent now (or a moment ago): the server must know at once.
      if (shown >= 2 || before >= 2) { saveNow(); }
      if (shown > before && shown >= 2) {
        helpBoxes.scrollIntoView({ behavior: "smooth", block: "start" });
      }
    });
  }

  // Safety check, each part: "no" to each question of the part not yet answered, in
  // sight; an answer given (a "yes" above all) is never changed.
  document.querySelectorAll("[data-safety-part]").forEach(function (part) {
    var button = part.querySelector("[data-all-no]");
    if (!button) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      part.querySelectorAll(".yes-no").forEach(function (group) {
        if (group.querySelector("input[type=radio]:checked")) { return; }
        var no = group.querySelector('input[type=radio][value="no"]');
        if (!no) { return; }
        no.checked = true;
        no.dispatchEvent(new Event("change", { bubbles: true }));
      });
    });
  });
})();
