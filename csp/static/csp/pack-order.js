// Drag-and-drop for the pack order (settings/indicators): dragging a row moves it; on drop the
// new order (every adoption's id) is posted to the order form, which saves it with the same
// service as the Up/Down buttons. Without script the buttons do the same, one place at a time.
(function () {
  var table = document.getElementById("pack-order");
  var form = document.getElementById("pack-order-form");
  if (!table || !form) return;
  var body = table.tBodies[0];
  var dragged = null;
  Array.prototype.forEach.call(body.rows, function (row) {
    if (!row.dataset.adoption) return;
    row.draggable = true;
    row.addEventListener("dragstart", function (e) {
      dragged = row;
      e.dataTransfer.effectAllowed = "move";
      e.dataTransfer.setData("text/plain", row.dataset.adoption);
    });
    row.addEventListener("dragover", function (e) { e.preventDefault(); });
    row.addEventListener("drop", function (e) {
      e.preventDefault();
      if (!dragged || dragged === row) return;
      var after = e.clientY > row.getBoundingClientRect().top + row.offsetHeight / 2;
      body.insertBefore(dragged, after ? row.nextSibling : row);
      Array.prototype.forEach.call(body.rows, function (r) {
        if (!r.dataset.adoption) return;
        var input = document.createElement("input");
        input.type = "hidden";
        input.name = "order";
        input.value = r.dataset.adoption;
        form.appendChild(input);
      });
      form.submit();
    });
  });
})();
