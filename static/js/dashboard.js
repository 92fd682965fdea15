/* Dashboard charts: the 12-month hazard trend and the map of Longyan's counties. The figures come from
   the page's own tables (the charts' text alternative) and a json_script block; no inline script. */
(function () {
  "use strict";
  if (typeof echarts === "undefined") { return; }
  var charts = [];

  function trend() {
    var el = document.getElementById("dashboard-trend");
    if (!el) { return; }
    var labels = document.getElementById("dashboard-labels").dataset;
    var rows = Array.prototype.slice.call(document.querySelectorAll("[data-testid=dashboard-trend] tbody tr"));
    var chart = echarts.init(el);
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis", renderMode: "richText" }, // on the canvas: no style= attributes (CSP)
      legend: { top: 4 },
      grid: { left: 8, right: 8, bottom: 8, top: 36, containLabel: true },
      xAxis: { type: "category", data: rows.map(function (r) { return r.dataset.month.slice(2); }) },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { name: labels.found, type: "line", data: rows.map(function (r) { return +r.dataset.found; }), itemStyle: { color: "#d32f2f" } },
        { name: labels.closed, type: "line", data: rows.map(function (r) { return +r.dataset.closed; }), itemStyle: { color: "#2e7d32" } }
      ]
    });
    charts.push(chart);
  }

  function map() {
    var el = document.getElementById("dashboard-map");
    var dataEl = document.getElementById("dashboard-map-data");
    if (!el || !dataEl) { return; }
    var data = JSON.parse(dataEl.textContent);
    var select = document.getElementById("dashboard-map-figure");
    fetch(el.dataset.geojson, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (geo) {
      echarts.registerMap("longyan", geo);
      var chart = echarts.init(el);
      charts.push(chart);
      function draw() {
        var key = select.value;
        var values = data.areas.map(function (a) { return { name: a.name, value: a.values[key] }; });
        var max = Math.max.apply(null, values.map(function (v) { return v.value; }).concat([1]));
        chart.setOption({
          animation: false,
          tooltip: { trigger: "item", renderMode: "richText", formatter: function (p) { return p.name + "：" + (p.value == null || isNaN(p.value) ? "—" : p.value); } },
          visualMap: { min: 0, max: max, left: 8, bottom: 8, calculable: false, inRange: { color: ["#e3f2fd", "#ef6c00", "#b71c1c"] } },
          series: [{ type: "map", map: "longyan", roam: false, label: { show: true, fontSize: 11 }, data: values }]
        }, true);
      }
      select.addEventListener("change", draw);
      draw();
    });
  }

  trend();
  map();
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
