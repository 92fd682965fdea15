/* Dashboard charts: the 12-month hazard trend and the map of Longyan's counties, with the open hazards and
   inspections that carry a position drawn over it (issue 13 item 7). The figures come from the page's own
   tables (the charts' text alternative) and a json_script block; no inline script. */
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

  // The hazards and inspections with a position (hazards:map_points: scoped, the latest few hundred), drawn
  // over the counties; tooltips name the hazard's code, its grade and the enterprise (no ids).
  var COLOURS = { major: "#b71c1c", general: "#f57c00", unassessed: "#616161", inspection: "#1565c0" };

  function pointSeries(el, points) {
    if (!points) { return []; }
    var label = function (name) { return el.getAttribute("data-label-" + name) || name; };
    var series = ["major", "general", "unassessed"].map(function (grade) {
      return {
        name: label(grade), type: "scatter", coordinateSystem: "geo", geoIndex: 0,
        symbolSize: grade === "major" ? 11 : 8, itemStyle: { color: COLOURS[grade], borderColor: "#fff", borderWidth: 1 },
        data: points.hazards.filter(function (h) { return h.grade === grade; }).map(function (h) {
          return { value: [h.lon, h.lat], tip: [h.code, h.grade_label || label("unassessed"), h.enterprise].join(" · "), url: h.url };
        })
      };
    });
    series.push({
      name: label("inspection"), type: "scatter", coordinateSystem: "geo", geoIndex: 0, symbol: "diamond",
      symbolSize: 8, itemStyle: { color: COLOURS.inspection, borderColor: "#fff", borderWidth: 1 },
      data: points.inspections.map(function (i) {
        return { value: [i.lon, i.lat], tip: [label("inspection"), i.on, i.enterprise].join(" · ") };
      })
    });
    return series;
  }

  function pointsNote(points) {
    var note = document.getElementById("dashboard-map-points");
    if (!note) { return; }
    if (!points) { note.textContent = note.getAttribute("data-failed"); return; }
    var text = note.getAttribute("data-summary").replace("{hazards}", points.hazards.length)
      .replace("{inspections}", points.inspections.length).replace("{limit}", points.limit);
    if (points.hazards_truncated || points.inspections_truncated) {
      text += " " + note.getAttribute("data-truncated").replace("{limit}", points.limit);
    }
    note.textContent = text;
  }

  function map() {
    var el = document.getElementById("dashboard-map");
    var dataEl = document.getElementById("dashboard-map-data");
    if (!el || !dataEl) { return; }
    var data = JSON.parse(dataEl.textContent);
    var select = document.getElementById("dashboard-map-figure");
    var getJson = function (url) {
      return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (r) {
        if (!r.ok) { throw new Error(String(r.status)); }
        return r.json();
      });
    };
    // The points are an overlay: a map without them is still the map.
    var points = el.dataset.points ? getJson(el.dataset.points).catch(function () { return null; }) : Promise.resolve(null);
    Promise.all([getJson(el.dataset.geojson), points]).then(function (loaded) {
      var geo = loaded[0];
      var positions = loaded[1];
      if (el.dataset.points) { pointsNote(positions); }
      echarts.registerMap("longyan", geo);
      var chart = echarts.init(el);
      charts.push(chart);
      var overlay = pointSeries(el, positions);
      function draw() {
        var key = select.value;
        var values = data.areas.map(function (a) { return { name: a.name, value: a.values[key] }; });
        var max = Math.max.apply(null, values.map(function (v) { return v.value; }).concat([1]));
        chart.setOption({
          animation: false,
          tooltip: { trigger: "item", renderMode: "richText", formatter: function (p) {
            if (p.seriesType === "scatter") { return p.data.tip; }
            return p.name + "：" + (p.value == null || isNaN(p.value) ? "—" : p.value);
          } },
          legend: overlay.length ? { top: 4, data: overlay.map(function (s) { return s.name; }) } : { show: false },
          visualMap: { min: 0, max: max, left: 8, bottom: 8, calculable: false, seriesIndex: 0, inRange: { color: ["#e3f2fd", "#ef6c00", "#b71c1c"] } },
          geo: { map: "longyan", roam: false, top: overlay.length ? 40 : 8, bottom: 8, label: { show: true, fontSize: 11 } },
          series: [{ type: "map", geoIndex: 0, data: values }].concat(overlay)
        }, true);
      }
      chart.on("click", function (p) { if (p.data && p.data.url) { window.location.href = p.data.url; } });
      select.addEventListener("change", draw);
      draw();
    });
  }

  trend();
  map();
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
