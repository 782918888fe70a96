// Draw the regional comparison's bar chart from the JSON the page carries (no inline script).
(function () {
  var canvas = document.getElementById("region-chart");
  var source = document.getElementById("region-chart-data");
  if (!canvas || !source) { return; }
  canvas.chart = new Chart(canvas, {
    type: "bar",
    data: JSON.parse(source.textContent),
    options: { responsive: true, maintainAspectRatio: false, animation: false,
               plugins: { legend: { position: "bottom" } } },
  });
  canvas.dataset.drawn = "true";
})();
