/* "Pick on the map" on the hazard and inspection forms (issue 13 item 7): next to "use my position", a button
 * that opens Longyan's county map (the geojson the committee dashboard draws, ECharts' geo component); a tap or
 * click on the map fills the latitude and longitude fields with that point and shows it as a pin. A point
 * outside Longyan's bounds is not taken (the server refuses it too, naming the field). The fields stay
 * editable: a keyboard user types the coordinates. ECharts (1 MB) is loaded only when the map is opened.
 *
 * Markup: a button [data-map-pick] inside the form with data-geojson (the counties), data-echarts (the
 * script), data-bounds ("min lat,max lat,min lon,max lon") and the messages as data-* attributes; the form's
 * fields are [name=latitude] and [name=longitude]. No inline script or style (CSP).
 */
(function () {
  "use strict";
  var loading = null;

  function loadEcharts(src) {
    if (window.echarts) { return Promise.resolve(window.echarts); }
    if (loading) { return loading; }
    loading = new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = src;
      script.onload = function () { resolve(window.echarts); };
      script.onerror = function () { loading = null; reject(new Error("echarts")); };
      document.head.appendChild(script);
    });
    return loading;
  }

  function setup(button) {
    var form = button.closest("form");
    var lat = form && form.querySelector("[name=latitude]");
    var lon = form && form.querySelector("[name=longitude]");
    if (!lat || !lon) { return; }
    var bounds = (button.getAttribute("data-bounds") || "24.2,26.2,115.7,117.9").split(",").map(Number);
    var panel = document.createElement("div");
    panel.className = "map-pick card card-body p-2 mt-2 d-none";
    panel.setAttribute("data-testid", "map-pick");
    var chartEl = document.createElement("div");
    chartEl.className = "map-pick-chart";
    chartEl.setAttribute("role", "img");
    chartEl.setAttribute("aria-label", button.getAttribute("data-chart-label") || "");
    var status = document.createElement("p");
    status.className = "small text-body-secondary mb-1 mt-2";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    status.setAttribute("data-map-pick-status", "");
    var close = document.createElement("button");
    close.type = "button";
    close.className = "btn btn-sm btn-outline-secondary";
    close.textContent = button.getAttribute("data-close") || "";
    panel.appendChild(chartEl);
    panel.appendChild(status);
    panel.appendChild(close);
    // Inside the block of position tools, under its buttons: full width on a phone.
    var holder = button.closest("[data-position-tools]") || button.parentNode;
    holder.appendChild(panel);
    var chart = null;

    function say(key, values) {
      var message = button.getAttribute("data-" + key) || "";
      Object.keys(values || {}).forEach(function (name) { message = message.replace("{" + name + "}", values[name]); });
      status.textContent = message;
    }

    function inside(pLat, pLon) {
      return pLat >= bounds[0] && pLat <= bounds[1] && pLon >= bounds[2] && pLon <= bounds[3];
    }

    function current() {
      var a = parseFloat(lat.value);
      var b = parseFloat(lon.value);
      return isFinite(a) && isFinite(b) && inside(a, b) ? [b, a] : null;
    }

    function pin(point) {
      if (!chart) { return; }
      chart.setOption({ series: [{ id: "pin", data: point ? [{ value: point }] : [] }] });
    }

    function take(point) {
      if (!inside(point[1], point[0])) { say("outside"); return; }
      lat.value = point[1].toFixed(6);
      lon.value = point[0].toFixed(6);
      [lat, lon].forEach(function (field) {
        field.dispatchEvent(new Event("input", { bubbles: true }));
        field.dispatchEvent(new Event("change", { bubbles: true }));
      });
      pin(point);
      say("chosen", { lat: lat.value, lon: lon.value });
    }

    function draw(echarts, geo) {
      if (!echarts.getMap("longyan")) { echarts.registerMap("longyan", geo); }
      chart = echarts.init(chartEl);
      var start = current();
      chart.setOption({
        animation: false,
        geo: {
          map: "longyan", roam: true, scaleLimit: { min: 1, max: 12 },
          label: { show: true, fontSize: 11, color: "#455a64" },
          itemStyle: { areaColor: "#eef3f7", borderColor: "#90a4ae" },
          emphasis: { disabled: true }, select: { disabled: true }
        },
        series: [{
          id: "pin", type: "scatter", coordinateSystem: "geo", symbol: "pin", symbolSize: 30,
          itemStyle: { color: "#d32f2f" }, silent: true, data: start ? [{ value: start }] : []
        }]
      });
      // A tap anywhere on the map (not only on a county's label) picks that point.
      chart.getZr().on("click", function (event) {
        var point = chart.convertFromPixel({ geoIndex: 0 }, [event.offsetX, event.offsetY]);
        if (point && isFinite(point[0]) && isFinite(point[1])) { take(point); }
      });
      window.addEventListener("resize", function () { if (chart) { chart.resize(); } });
      say(start ? "chosen" : "hint", start ? { lat: lat.value, lon: lon.value } : null);
    }

    function open() {
      panel.classList.remove("d-none");
      button.setAttribute("aria-expanded", "true");
      if (chart) { chart.resize(); pin(current()); return; }
      say("loading");
      Promise.all([
        loadEcharts(button.getAttribute("data-echarts")),
        fetch(button.getAttribute("data-geojson"), { credentials: "same-origin" }).then(function (r) {
          if (!r.ok) { throw new Error(String(r.status)); }
          return r.json();
        })
      ]).then(function (loaded) { draw(loaded[0], loaded[1]); }, function () { say("failed"); });
    }

    function shut() {
      panel.classList.add("d-none");
      button.setAttribute("aria-expanded", "false");
      button.focus();
    }

    button.setAttribute("aria-expanded", "false");
    button.addEventListener("click", function () {
      if (panel.classList.contains("d-none")) { open(); } else { shut(); }
    });
    close.addEventListener("click", shut);
    // A typed point moves the pin.
    [lat, lon].forEach(function (field) { field.addEventListener("change", function () { pin(current()); }); });
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-map-pick]"), setup);
})();
