/* Reception helpers: copy a personal link or message, print a summary.
   Buttons are hidden in the HTML and shown only when this script runs,
   so without JavaScript nothing on the page pretends to work. */
(function () {
  "use strict";

  // A page that refused the answers says why first: move to the list of problems.
  var errorSummary = document.querySelector(".error-summary");
  if (errorSummary) { errorSummary.focus(); }

  function say(text) {
    var status = document.querySelector(".copy-status");
    if (status) { status.textContent = text; }
  }

  function selectText(node) {
    var range = document.createRange();
    range.selectNodeContents(node);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  document.querySelectorAll(".js-copy").forEach(function (button) {
    var source = document.getElementById(button.getAttribute("data-copy-from"));
    if (!source) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = source.textContent.trim();
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(function () {
          say(button.getAttribute("data-copied"));
        }, function () {
          selectText(source);
          say(button.getAttribute("data-manual"));
        });
      } else {
        selectText(source);
        say(button.getAttribute("data-manual"));
      }
    });
  });

  document.querySelectorAll(".js-print").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
