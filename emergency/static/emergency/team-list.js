/* Rescue teams: "use my location" fills the search's latitude and longitude (and 50 km if no radius). */
(function () {
  "use strict";
  var button = document.getElementById("use-location");
  if (!button) { return; }
  button.addEventListener("click", function () {
    if (!navigator.geolocation) { return; }
    navigator.geolocation.getCurrentPosition(function (pos) {
      document.getElementById("id_lat").value = pos.coords.latitude.toFixed(6);
      document.getElementById("id_lon").value = pos.coords.longitude.toFixed(6);
      var radius = document.getElementById("id_radius_km");
      if (!radius.value) { radius.value = 50; }
    });
  });
})();
