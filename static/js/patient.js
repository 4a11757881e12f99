/* Comfort only: every feature here also works without JavaScript. */
(function () {
  "use strict";

  // Safety check: show "get help now" as soon as an emergency question gets "yes"
  // (the server shows it too, once the answers are saved).
  var helpBox = document.getElementById("get-help-now");
  if (helpBox) {
    document.querySelectorAll(".emergency-question input[type=radio]").forEach(function (radio) {
      radio.addEventListener("change", function () {
        var anyYes = document.querySelector(".emergency-question input[type=radio][value=yes]:checked");
        if (anyYes) {
          helpBox.hidden = false;
          helpBox.scrollIntoView({ behavior: "smooth", block: "start" });
        }
      });
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
  var tokenMeta = document.querySelector('meta[name="csrf-token"]');
  document.querySelectorAll("form[data-autosave]").forEach(function (form) {
    if (!window.fetch || !window.FormData || !tokenMeta) { return; }
    var status = form.querySelector(".autosave-status");
    var timer = null;
    var stopped = false;
    function say(text) { if (status) { status.textContent = text; } }
    function save() {
      if (stopped) { return; }
      var data = new FormData(form);
      data.set("nav", "stay");
      fetch(form.getAttribute("action") || window.location.pathname, {
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
      }).catch(function () { /* offline: the save button still works */ });
    }
    form.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(save, 2000);
    });
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
