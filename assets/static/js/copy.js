// Copy buttons next to the links of badges. They appear only where a script can write to the
// clipboard; without one the link stays in its box, ready to select and copy by hand.
(function () {
  "use strict";
  if (!navigator.clipboard || !navigator.clipboard.writeText) return;
  var buttons = document.querySelectorAll("button[data-copy]");
  Array.prototype.forEach.call(buttons, function (button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    var status = button.parentNode.parentNode.querySelector(".copy-status");
    if (!field) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(function () {
        if (status) status.textContent = button.getAttribute("data-copied");
      }, function () {
        // Refused (no permission): select the link so that the person can copy it.
        field.focus();
        field.select();
      });
    });
  });
})();
