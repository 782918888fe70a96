// "Use this draft" on the entry form: copies the engine's draft into the overview box and
// leaves it there to be read, changed and saved. Without scripts the button posts the form,
// which comes back with the draft in the box (nothing is saved either way).
(function () {
  var button = document.getElementById("use-draft");
  if (!button) return;
  button.addEventListener("click", function (event) {
    var draft = document.getElementById(button.getAttribute("data-draft"));
    var box = document.getElementById(button.getAttribute("data-target"));
    if (!draft || !box) return; // let the form post: the page does it instead
    event.preventDefault();
    box.value = draft.textContent.trim();
    box.focus();
  });
})();
