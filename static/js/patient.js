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

  // Copy the private link; print the answers.
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source || !navigator.clipboard) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(source.textContent.trim()).then(function () {
        button.textContent = button.getAttribute("data-copied") || "Copied";
      });
    });
  });
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
