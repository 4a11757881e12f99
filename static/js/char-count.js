// A live count of characters next to every field with a limit (data-maxchars), on patient
// and staff pages alike. Nothing is ever cut: no field has a maxlength, and the server says
// so next to the field and keeps every character typed.
(function () {
  "use strict";
  document.querySelectorAll("[data-maxchars]").forEach(function (field) {
    var counter = document.getElementById(field.id + "-count");
    if (!counter) { return; }
    var most = parseInt(field.getAttribute("data-maxchars"), 10);
    // Shown once the text nears the limit: "0 of 4000" is only noise on a short note.
    function update() {
      var n = Array.from(field.value).length;
      var over = n - most;
      counter.hidden = n < most * 0.8;
      counter.textContent = over > 0
        ? counter.getAttribute("data-over-text").replace("{over}", String(over))
        : counter.getAttribute("data-count-text").replace("{n}", String(n));
      counter.classList.toggle("field-error", over > 0);
    }
    field.addEventListener("input", update);
    update();
  });
})();
