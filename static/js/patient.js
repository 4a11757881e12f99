/* Comfort only: every feature here also works without JavaScript. */
(function () {
  "use strict";

  // A page that refused the answers says why first: move to the list of problems.
  var errorSummary = document.querySelector(".error-summary");
  if (errorSummary) { errorSummary.focus(); }

  var tokenMeta = document.querySelector('meta[name="csrf-token"]');

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
    // while one is on its way is sent right after it.
    var inFlight = false;
    var again = false;
    var saveNow = function () {
      say(shown, "saving");
      if (inFlight) { again = true; return; }
      if (!window.fetch || !window.FormData || !tokenMeta) { say(shown, "failed"); return; }
      inFlight = true;
      var done = function (key) {
        inFlight = false;
        if (again) { again = false; saveNow(); return; }
        say(shown, key);
      };
      fetch(safetyForm.getAttribute("action") || window.location.pathname, {
        method: "POST",
        body: new FormData(safetyForm),
        credentials: "same-origin",
        headers: { "X-Autosave": "1", "X-CSRFToken": tokenMeta.getAttribute("content") }
      }).then(function (response) {
        return response.json().then(function (reply) { return [response.status, reply]; });
      }).then(function (result) {
        var reply = result[1];
        if (result[0] === 200 && reply.saved) {
          safetyForm.querySelector("input[name=version]").value = reply.version;
          safetyForm.querySelector("input[name=base]").value = reply.base;
        }
        done(result[0] === 200 && reply.saved ? "saved" : "failed");
      }).catch(function () { done("failed"); });
    };
    shown = levelNow();
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

  // "Send my answers": one click is enough; a second one would only be refused politely.
  document.querySelectorAll("form button[data-once]").forEach(function (button) {
    button.form.addEventListener("submit", function () {
      window.setTimeout(function () { button.disabled = true; }, 0);
    });
  });

  // Autosave while typing (the "Save" buttons still do the real work without JavaScript).
  // The reply carries the new version and fingerprint, so the next save is not stale.
  // A press on a save button supersedes a waiting autosave and waits for one in flight,
  // so the two never race (SECURITY.md R4).
  document.querySelectorAll("form[data-autosave]").forEach(function (form) {
    if (!window.fetch || !window.FormData || !tokenMeta) { return; }
    var status = form.querySelector(".autosave-status");
    var timer = null;
    var inFlight = null;
    var stopped = false;
    var resuming = false;
    function say(text) { if (status) { status.textContent = text; } }
    function save() {
      timer = null;
      if (stopped) { return Promise.resolve(); }
      var data = new FormData(form);
      data.set("nav", "stay");
      inFlight = fetch(form.getAttribute("action") || window.location.pathname, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-Autosave": "1", "X-CSRFToken": tokenMeta.getAttribute("content") }
      }).then(function (response) {
        return response.json().then(function (reply) { return [response.status, reply]; });
      }).then(function (result) {
        var reply = result[1];
        if (result[0] === 200 && reply.saved) {
          form.querySelector("input[name=version]").value = reply.version;
          form.querySelector("input[name=base]").value = reply.base;
          say(form.getAttribute("data-saved-text"));
        } else if (result[0] === 409) {
          stopped = true;
          say(form.getAttribute("data-conflict-text"));
        }
      }).catch(function () { /* offline: the save button still works */ }).then(function () {
        inFlight = null;
      });
      return inFlight;
    }
    form.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(save, 2000);
    });
    form.addEventListener("submit", function (event) {
      window.clearTimeout(timer);  // the button's save supersedes a waiting autosave
      timer = null;
      if (resuming || !inFlight) { return; }
      event.preventDefault();
      var submitter = event.submitter || null;
      say(form.getAttribute("data-wait-text") || "");
      inFlight.then(function () {
        resuming = true;
        if (form.requestSubmit) { form.requestSubmit(submitter); } else { form.submit(); }
      });
    });
  });

  // A live count of characters where a limit applies. Nothing is ever cut: the server
  // says so next to the field and keeps every character typed.
  document.querySelectorAll("[data-maxchars]").forEach(function (field) {
    var counter = document.getElementById(field.id + "-count");
    if (!counter) { return; }
    var most = parseInt(field.getAttribute("data-maxchars"), 10);
    counter.hidden = false;
    function update() {
      var n = Array.from(field.value).length;
      var over = n - most;
      counter.textContent = over > 0
        ? counter.getAttribute("data-over-text").replace("{over}", String(over))
        : counter.getAttribute("data-count-text").replace("{n}", String(n));
      counter.classList.toggle("field-error", over > 0);
    }
    field.addEventListener("input", update);
    update();
  });

  // Copy the private link; print the answers.
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source || !navigator.clipboard) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(source.textContent.trim()).then(function () {
        button.textContent = button.getAttribute("data-copied");
      });
    });
  });
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
