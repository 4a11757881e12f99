/* Comfort only: every feature here also works without JavaScript. */
(function () {
  "use strict";

  // A page that refused the answers says why first: move to the list of problems.
  var errorSummary = document.querySelector(".error-summary");
  if (errorSummary) { errorSummary.focus(); }

  var tokenMeta = document.querySelector('meta[name="csrf-token"]');

  // The page's own saves, shared with the safety check's script (static/js/safety.js).
  var VisitPrep = window.VisitPrep = {
    canSave: Boolean(window.fetch && window.FormData && tokenMeta),
    // Send a form in the background; a saved reply's version, fingerprint and answers as
    // saved go back into the form, so its next save (or its button) is not taken as stale. Gives
    // [status, reply]; rejects when the line fails.
    save: function (form, data) {
      return fetch(form.getAttribute("action") || window.location.pathname, {
        method: "POST",
        body: data || new FormData(form),
        credentials: "same-origin",
        headers: { "X-Autosave": "1", "X-CSRFToken": tokenMeta.getAttribute("content") }
      }).then(function (response) {
        return response.json().then(function (reply) { return [response.status, reply]; });
      }).then(function (result) {
        var reply = result[1];
        var seen = form.querySelector("input[name=seen]");
        if (result[0] === 200 && reply.saved && seen && reply.seen) { seen.value = reply.seen; }
        if (result[0] === 200 && reply.saved && reply.version) {
          form.querySelector("input[name=version]").value = reply.version;
          form.querySelector("input[name=base]").value = reply.base;
        }
        return result;
      });
    },
    // A press on the form's button waits for `pending()` (a promise of a save on its way,
    // or nothing), then goes on, so the page never races its own save (SECURITY.md R4).
    holdSubmit: function (form, pending) {
      var resuming = false;
      form.addEventListener("submit", function (event) {
        var wait = pending();
        if (resuming || !wait) { return; }
        event.preventDefault();
        var submitter = event.submitter || null;
        wait.then(function () {
          resuming = true;
          if (form.requestSubmit) { form.requestSubmit(submitter); } else { form.submit(); }
        });
      });
    }
  };

  // "Send my answers": one click is enough; a second one would only be refused politely.
  document.querySelectorAll("form button[data-once]").forEach(function (button) {
    button.form.addEventListener("submit", function () {
      window.setTimeout(function () { button.disabled = true; }, 0);
    });
  });

  // Autosave while typing (the "Save" buttons still do the real work without JavaScript).
  // A press on a save button supersedes a waiting autosave and waits for one in flight.
  document.querySelectorAll("form[data-autosave]").forEach(function (form) {
    if (!VisitPrep.canSave) { return; }
    var status = form.querySelector(".autosave-status");
    var timer = null;
    var inFlight = null;
    var stopped = false;
    function say(text) { if (status) { status.textContent = text; } }
    function save() {
      timer = null;
      if (stopped) { return Promise.resolve(); }
      var data = new FormData(form);
      data.set("nav", "stay");
      inFlight = VisitPrep.save(form, data).then(function (result) {
        if (result[0] === 200 && result[1].saved) {
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
    VisitPrep.holdSubmit(form, function () {
      window.clearTimeout(timer);  // the button's save supersedes a waiting autosave
      timer = null;
      if (inFlight) { say(form.getAttribute("data-wait-text") || ""); }
      return inFlight;
    });
  });

  // The body map: a tap on a drawn place ticks its labelled box (the boxes are the form,
  // for the keyboard, a screen reader and a page without JavaScript). The drawing shades
  // what is ticked and a line of words names it, however it was ticked.
  document.querySelectorAll("[data-body-map]").forEach(function (map) {
    var drawing = map.querySelector("[data-touch-map]");
    var list = map.querySelector("[data-area-list]");
    var named = map.querySelector(".map-named");
    if (!drawing || !named) { return; }
    var boxes = Array.prototype.slice.call(map.querySelectorAll("input[type=checkbox]"));
    var boxFor = function (key) {
      return boxes.filter(function (box) { return box.value === key; })[0] || null;
    };
    var labelOf = function (box) {
      var label = map.querySelector('label[for="' + box.id + '"]');
      return label ? label.textContent.trim() : box.value;
    };
    var update = function (announce) {
      var ticked = boxes.filter(function (box) { return box.checked; });
      drawing.querySelectorAll("[data-area]").forEach(function (shape) {
        var box = boxFor(shape.getAttribute("data-area"));
        shape.classList.toggle("is-ticked", Boolean(box && box.checked));
      });
      if (!announce) { return; }
      named.textContent = ticked.length
        ? named.getAttribute("data-some").replace("{places}", ticked.map(labelOf).join(", "))
        : named.getAttribute("data-none");
    };
    drawing.hidden = false;
    if (list) { list.open = false; }
    drawing.addEventListener("click", function (event) {
      var shape = event.target.closest ? event.target.closest("[data-area]") : null;
      var box = shape && boxFor(shape.getAttribute("data-area"));
      if (!box) { return; }
      box.checked = !box.checked;
      box.dispatchEvent(new Event("input", { bubbles: true }));
      box.dispatchEvent(new Event("change", { bubbles: true }));
    });
    map.addEventListener("change", function () { update(true); });
    update(false);
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
