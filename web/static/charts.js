// Draws each element with data-chart from the JSON its data-src answers (same origin only).
(function () {
  "use strict";
  function draw(element) {
    fetch(element.dataset.src, { credentials: "same-origin" })
      .then(function (answer) { return answer.json(); })
      .then(function (data) {
        var chart = echarts.init(element);
        var bar = element.dataset.chart === "bar";
        chart.setOption({
          animation: false,
          grid: { left: 48, right: 16, top: 24, bottom: bar ? 72 : 32 },
          tooltip: { trigger: "axis" },
          xAxis: {
            type: "category",
            data: bar ? data.townships : (data.labels || data.periods),
            axisLabel: { interval: 0, rotate: bar && data.townships.length > 6 ? 40 : 0 }
          },
          yAxis: { type: "value", min: 0, max: 100 },
          series: [{ type: bar ? "bar" : "line", data: data.scores, connectNulls: false,
                     label: { show: true, position: "top" } }]
        });
        window.addEventListener("resize", function () { chart.resize(); });
        element.dataset.drawn = "true";
      });
  }
  document.querySelectorAll("[data-chart]").forEach(draw);
})();
