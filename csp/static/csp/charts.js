// Draw each <canvas data-src="…json"> with Chart.js from the pack's chart JSON.
(function () {
  document.querySelectorAll("canvas[data-src]").forEach(function (canvas) {
    fetch(canvas.dataset.src, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        data.datasets.forEach(function (d) { d.spanGaps = false; d.tension = 0; d.fill = false; });
        canvas.chart = new Chart(canvas, {
          type: "line",
          data: data,
          options: { responsive: true, maintainAspectRatio: false, animation: false,
                     plugins: { legend: { position: "bottom" } } },
        });
        canvas.dataset.drawn = "true";
      });
  });
})();
