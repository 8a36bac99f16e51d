// Draws each element with data-chart from the JSON its data-src answers (same origin only).
(function () {
  "use strict";
  function draw(element) {
    fetch(element.dataset.src, { credentials: "same-origin" })
      .then(function (answer) { return answer.json(); })
      .then(function (data) {
        var chart = echarts.init(element);
        var bar = element.dataset.chart === "bar";
        var names = bar ? data.townships : (data.labels || data.periods);
        var slanted = names.length > (bar ? 6 : 8);  // too many to stand side by side
        // One line by default (scores); a line for each of data.series ({name, values}) else.
        var series = data.series ? data.series.map(function (line) {
          return { name: line.name, type: "line", data: line.values, connectNulls: false };
        }) : [{ type: bar ? "bar" : "line", data: data.scores, connectNulls: false,
                label: { show: true, position: "top" } }];
        chart.setOption({
          animation: false,
          legend: data.series ? { top: 0, data: data.series.map(function (l) { return l.name; }) }
                              : { show: false },
          grid: { left: 48, right: 16, top: data.series ? 56 : 24, bottom: slanted ? 72 : 32 },
          tooltip: { trigger: "axis" },
          xAxis: {
            type: "category",
            data: names,
            axisLabel: { interval: 0, rotate: slanted ? 40 : 0 }
          },
          yAxis: { type: "value", min: 0, max: 100 },
          series: series
        });
        window.addEventListener("resize", function () { chart.resize(); });
        element.dataset.drawn = "true";
      });
  }
  document.querySelectorAll("[data-chart]").forEach(draw);
})();
