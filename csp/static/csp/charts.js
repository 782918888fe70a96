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
          // The y-axis says what it counts and, like Chart.js's default, starts near the data
          // rather than at zero (a count of 1,383 to 1,639 is not drawn as a flat line).
          options: { responsive: true, maintainAspectRatio: false, animation: false,
                     scales: { y: { beginAtZero: false, grace: "5%",
                                    title: { display: Boolean(data.yTitle), text: data.yTitle } } },
                     plugins: { legend: { position: "bottom", labels: { usePointStyle: true } } } },
        });
        canvas.dataset.drawn = "true";
      });
  });
})();
