// The figure in context as the lead types (issue 15): after a pause in typing, asks the preview
// endpoint (GET, nothing written) what the typed figure does to the pack, and writes the answer
// into the [data-preview] parts of the live region, the 24-month table and the chart. Without
// scripts the page shows the same context for the figure as saved.
(function () {
  var section = document.querySelector("[data-preview-url]");
  if (!section) return;
  var url = section.getAttribute("data-preview-url");
  var names = ["value", "numerator", "denominator"];
  var params = { value: "figure", numerator: "numerator", denominator: "denominator" };
  var inputs = names.map(function (n) { return document.getElementById("id_" + n); })
    .filter(function (el) { return el; });
  if (!inputs.length) return;
  var canvas = document.getElementById("figure-chart");
  var table = document.getElementById("figure-chart-table");
  var chart = null;
  var timer = null;
  var asked = 0;

  function pick(data, path) {
    return path.split(".").reduce(function (o, k) { return o == null ? o : o[k]; }, data);
  }

  function draw(points) {
    if (table) {
      var body = table.querySelector("tbody");
      body.textContent = "";
      points.forEach(function (p) {
        var row = document.createElement("tr");
        row.className = "govuk-table__row";
        var th = document.createElement("th");
        th.scope = "row"; th.className = "govuk-table__header"; th.textContent = p[0];
        var td = document.createElement("td");
        td.className = "govuk-table__cell govuk-table__cell--numeric"; td.textContent = p[2];
        row.appendChild(th); row.appendChild(td); body.appendChild(row);
      });
    }
    if (!canvas || typeof Chart === "undefined") return;
    var labels = points.map(function (p) { return p[0]; });
    var values = points.map(function (p) { return p[1]; });
    if (chart) {
      chart.data.labels = labels;
      chart.data.datasets[0].data = values;
      chart.update("none");
    } else {
      chart = new Chart(canvas, {
        type: "line",
        data: { labels: labels, datasets: [{ label: "Month", data: values, spanGaps: false,
                                             tension: 0, fill: false }] },
        options: { responsive: true, maintainAspectRatio: false, animation: false,
                   scales: { y: { beginAtZero: false, grace: "5%" } },
                   plugins: { legend: { display: false } } },
      });
    }
    canvas.dataset.drawn = "true";
  }

  function show(data) {
    section.querySelectorAll("[data-preview]").forEach(function (el) {
      var value = pick(data, el.getAttribute("data-preview"));
      if (el.getAttribute("data-preview") === "error") {
        el.hidden = !value;
        el.textContent = value || "";
      } else {
        el.textContent = value || el.getAttribute("data-preview-none") || "–";
      }
    });
    draw(data.chart || []);
    section.setAttribute("data-preview-state", "done");
  }

  function ask() {
    var query = new URLSearchParams();
    inputs.forEach(function (el) { query.set(params[el.id.slice(3)], el.value); });
    var mine = ++asked;
    section.setAttribute("data-preview-state", "asking");
    fetch(url + "?" + query.toString(), { credentials: "same-origin",
                                          headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data && mine === asked) show(data); })
      .catch(function () { /* the saved figure's context stays */ });
  }

  inputs.forEach(function (el) {
    el.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, 300);
    });
  });
  ask();
})();
