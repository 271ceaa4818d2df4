/* Insights charts: progressive enhancement over the tables of /insights/, drawn with the vendored Chart.js.
   The tables stay the accessible source; without JavaScript (or Chart.js) the charts stay hidden. */
(function () {
  "use strict";
  function start() {
    var source = document.getElementById("insights-data");
    if (!source || typeof window.Chart === "undefined") return;
    var data = JSON.parse(source.textContent);
    var colour = "#8a1538"; // --brand in site.css
    function scale(rate) {
      return rate ? { beginAtZero: true, ticks: { callback: function (v) { return Math.round(v * 100) + " %"; } } }
                  : { beginAtZero: true };
    }
    var charts = document.querySelector(".insights-charts");
    if (charts) {
      charts.hidden = false;
      data.figures.forEach(function (figure) {
        var canvas = charts.querySelector('canvas[data-figure="' + figure.key + '"]');
        if (!canvas) return;
        canvas.parentNode.style.height = Math.max(160, data.hubs.length * 18 + 60) + "px";
        new window.Chart(canvas, {
          type: "bar",
          data: { labels: data.hubs, datasets: [{ label: figure.label, data: figure.values, backgroundColor: colour }] },
          options: { indexAxis: "y", maintainAspectRatio: false, animation: false,
                     plugins: { legend: { display: false } }, scales: { x: scale(figure.rate) } }
        });
      });
    }
    var trend = document.getElementById("trend-chart");
    var drawable = data.trend.values.some(function (v) { return v !== null; });
    if (trend && drawable) {
      trend.parentNode.hidden = false;
      // Months without a number ("<5", "–") stay gaps: a line drawn across them would invent a value.
      // Lone months between gaps get a visible point.
      new window.Chart(trend, {
        type: "line",
        data: { labels: data.trend.months,
                datasets: [{ label: data.trend.label, data: data.trend.values, borderColor: colour,
                             backgroundColor: colour, pointRadius: 4, spanGaps: false }] },
        options: { animation: false, aspectRatio: 3, plugins: { legend: { display: false } },
                   scales: { y: scale(data.trend.rate) } }
      });
    } else if (trend) {
      var note = document.getElementById("trend-empty");
      if (note) note.hidden = false;
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
