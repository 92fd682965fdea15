/* The risk map's chart: risk points per area and level, from the page's json_script block
   (#risk-chart-data); the level names are the chart element's data-label-* attributes. A click on a
   bar opens that area. */
(function () {
  "use strict";
  var el = document.getElementById("risk-chart");
  var dataEl = document.getElementById("risk-chart-data");
  if (!el || !dataEl || typeof echarts === "undefined") { return; }
  var data = JSON.parse(dataEl.textContent);
  var colours = { red: "#d32f2f", orange: "#f57c00", yellow: "#fbc02d", blue: "#1976d2" };
  var chart = echarts.init(el);
  chart.setOption({
    animation: false,
    // Drawn on the canvas: ECharts' HTML tooltip carries style= attributes the policy refuses.
    tooltip: { trigger: "axis", renderMode: "richText" },
    legend: { top: 4 },
    grid: { left: 8, right: 8, bottom: 8, top: 36, containLabel: true },
    xAxis: { type: "category", data: data.names, axisLabel: { interval: 0, rotate: data.names.length > 5 ? 30 : 0 } },
    yAxis: { type: "value", minInterval: 1 },
    series: Object.keys(colours).map(function (level) {
      return { name: el.dataset["label" + level.charAt(0).toUpperCase() + level.slice(1)], type: "bar", stack: "risk", data: data.series[level], itemStyle: { color: colours[level] } };
    })
  });
  chart.on("click", function (params) { window.location.search = "?node=" + data.ids[params.dataIndex]; });
  window.addEventListener("resize", function () { chart.resize(); });
})();
