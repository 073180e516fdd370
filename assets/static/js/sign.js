// The signing form keeps what was typed when the language changes: the header's language links
// send the form through its own language buttons (which work without JavaScript too), so the
// page comes back in the chosen language with every field as it was.
(function () {
  "use strict";
  var form = document.getElementById("sign-form");
  if (!form || !form.requestSubmit || !document.querySelector) return;
  document.addEventListener("click", function (e) {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    var link = e.target.closest ? e.target.closest(".lang-switch a[hreflang]") : null;
    if (!link) return;
    var buttons = document.querySelectorAll('button[form="sign-form"][name="switch"][value="lang"]');
    for (var i = 0; i < buttons.length; i++) {
      if (buttons[i].lang === link.hreflang) {
        e.preventDefault();
        form.requestSubmit(buttons[i]);
        return;
      }
    }
  });
})();
