/* The risk map's points (issue 13 item 7): open hazards with a position, coloured by grade, and inspections
   with a position, drawn by longitude and latitude (no base map: no map tiles leave the platform). The
   points come from the element's data-url (hazards:map_points, scoped and limited on the server); the
   labels are its data-label-* attributes. A click on a hazard opens it. */
(function () {
  "use strict";
  var el = document.getElementById("position-map");
  var note = document.querySelector("[data-position-summary]");
  if (!el || typeof echarts === "undefined" || !window.fetch) { return; }
  var label = function (name) { return el.getAttribute("data-label-" + name) || name; };
  var colours = { major: "#d32f2f", general: "#f57c00", unassessed: "#757575", inspection: "#1976d2" };

  fetch(el.getAttribute("data-url"), { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (response) { if (!response.ok) { throw new Error(response.status); } return response.json(); })
    .then(function (data) {
      var series = ["major", "general", "unassessed"].map(function (grade) {
        return {
          name: label(grade), type: "scatter", symbolSize: grade === "major" ? 12 : 9,
          itemStyle: { color: colours[grade] },
          data: data.hazards.filter(function (h) { return h.grade === grade; }).map(function (h) {
            return { value: [h.lon, h.lat], name: h.code + " " + h.title + " · " + h.enterprise, url: h.url };
          })
        };
      });
      series.push({
        name: label("inspection"), type: "scatter", symbol: "diamond", symbolSize: 9,
        itemStyle: { color: colours.inspection },
        data: data.inspections.map(function (i) { return { value: [i.lon, i.lat], name: i.on + " " + i.enterprise }; })
      });
      var chart = echarts.init(el);
      // On a phone the four legend entries take two lines: the plot starts below them. The axis names sit
      // beside their axes (latitude turned along the left one), never under the legend or off the bottom.
      var narrow = el.clientWidth < 520;
      chart.setOption({
        animation: false,
        // Drawn on the canvas: ECharts' HTML tooltip carries style= attributes the policy refuses.
        tooltip: { trigger: "item", renderMode: "richText", formatter: function (p) { return p.name; } },
        legend: { top: 4 },
        grid: { left: 28, right: 28, bottom: 32, top: narrow ? 64 : 40, containLabel: true },
        xAxis: { type: "value", scale: true, name: label("longitude"), nameLocation: "middle", nameGap: 26 },
        yAxis: {
          type: "value", scale: true, name: label("latitude"), nameLocation: "middle", nameRotate: 90, nameGap: 52
        },
        series: series
      });
      chart.on("click", function (p) { if (p.data && p.data.url) { window.location.href = p.data.url; } });
      window.addEventListener("resize", function () { chart.resize(); });
      if (note) {
        note.textContent = note.getAttribute("data-summary")
          .replace("{hazards}", data.hazards.length).replace("{inspections}", data.inspections.length)
          .replace("{limit}", data.limit);
      }
    })
    .catch(function () { if (note) { note.textContent = note.getAttribute("data-failed"); } });
})();
