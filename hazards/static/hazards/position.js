/* "Use my position" on the hazard form (issue 13 item 7): the phone is asked for its position only when
   the button is pressed (the browser asks the person's consent then); the answer fills the latitude and
   longitude fields and fires "change", so the offline draft (offline-form.js) keeps it like any typed
   value. The messages are the button's data-* attributes; the fields stay editable by hand. */
(function () {
  "use strict";
  var tools = document.querySelector("[data-position-tools]");
  if (!tools) { return; }
  var form = tools.closest("form");
  var lat = form && form.querySelector("[data-position=latitude]");
  var lon = form && form.querySelector("[data-position=longitude]");
  var button = tools.querySelector("[data-use-position]");
  var status = tools.querySelector("[data-position-status]");
  if (!lat || !lon || !button) { return; }
  // Next to the fields it fills (the platform's field markup wraps each field in a .mb-3 block).
  var slot = lat.closest(".mb-3") || lat.parentNode;
  slot.parentNode.insertBefore(tools, slot);
  tools.classList.remove("d-none");

  function say(key) { if (status) { status.textContent = button.getAttribute("data-" + key) || ""; } }

  if (!navigator.geolocation) { button.disabled = true; say("unavailable"); return; }

  button.addEventListener("click", function () {
    button.disabled = true;
    say("asking");
    navigator.geolocation.getCurrentPosition(function (where) {
      lat.value = where.coords.latitude.toFixed(6);
      lon.value = where.coords.longitude.toFixed(6);
      lat.dispatchEvent(new Event("change", { bubbles: true }));
      lon.dispatchEvent(new Event("change", { bubbles: true }));
      button.disabled = false;
      say("done");
    }, function (error) {
      button.disabled = false;
      say(error && error.code === 1 ? "denied" : "unavailable");
    }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 });
  });
})();
