// The GOV.UK radios' conditional reveal (the figures under "Enter the figures", a reason under
// the others), done here rather than by GOV.UK Frontend's Radios component: that one sets
// aria-expanded on each radio, an attribute a radio may not have (axe: aria-allowed-attr).
// Without scripts every revealed box shows and the server reads the chosen answer's fields.
(function () {
  document.querySelectorAll(".govuk-radios[data-csp-conditional]").forEach(function (group) {
    var inputs = group.querySelectorAll('input[type="radio"][data-aria-controls]');
    function sync() {
      inputs.forEach(function (input) {
        var target = document.getElementById(input.getAttribute("data-aria-controls"));
        if (!target) return;
        input.setAttribute("aria-controls", target.id);
        target.classList.toggle("govuk-radios__conditional--hidden", !input.checked);
      });
    }
    group.addEventListener("change", sync);
    window.addEventListener("pageshow", sync);
    sync();
  });
})();
