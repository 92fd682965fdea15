/* The inspection form on a phone (DESIGN §3b: nothing typed is lost when the network drops).
 *
 * - Every answer, note and the other text fields are kept as a draft in localStorage while typing, with
 *   the form's key (client_key); opening the form again restores them. Photos cannot be kept this way and
 *   must be chosen again.
 * - Sending the same draft again (after a dropped connection) returns the inspection the first attempt
 *   recorded: the server knows the form's key. The inspection's page drops the draft that made it.
 * - "Use my position" asks the browser for the position only when pressed (the browser asks consent).
 */
(function () {
  "use strict";
  var PREFIX = "inspection:";

  function storage() {
    try { return window.localStorage; } catch (e) { return null; }
  }

  // The inspection's page: the draft that made it is done.
  var saved = document.getElementById("inspection-saved");
  var store = storage();
  if (saved && store) {
    var key = saved.getAttribute("data-client-key");
    var user = saved.getAttribute("data-user");
    if (key) {
      for (var i = store.length - 1; i >= 0; i--) {
        var name = store.key(i);
        if (!name || name.indexOf(PREFIX + user + ":") !== 0) { continue; }
        try {
          var data = JSON.parse(store.getItem(name) || "{}");
          if (data.client_key === key) { store.removeItem(name); }
        } catch (e) { store.removeItem(name); }
      }
    }
  }

  var form = document.querySelector("form[data-inspection-form]");
  if (!form) { return; }
  var draftKey = form.getAttribute("data-draft-key");

  function collect() {
    var data = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "file" || el.name === "csrfmiddlewaretoken") { return; }
      if (el.type === "radio") { if (el.checked) { data[el.name] = el.value; } return; }
      if (el.type === "checkbox") {
        if (el.checked) { (data[el.name] = data[el.name] || []).push(el.value); }
        return;
      }
      data[el.name] = el.value;
    });
    return data;
  }

  function restore(data) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "file" || el.name === "csrfmiddlewaretoken" || !(el.name in data)) { return; }
      var value = data[el.name];
      if (el.type === "radio") { el.checked = el.value === value; return; }
      if (el.type === "checkbox") { el.checked = Array.isArray(value) && value.indexOf(el.value) >= 0; return; }
      el.value = value;
    });
  }

  var hasErrors = form.querySelector(".invalid-feedback, .alert-danger");
  if (store && draftKey && !hasErrors) {
    var raw = store.getItem(draftKey);
    if (raw) {
      try {
        restore(JSON.parse(raw));
        var status = document.getElementById("inspection-draft-status");
        if (status) {
          status.textContent = status.getAttribute("data-restored");
          status.classList.remove("d-none");
        }
      } catch (e) { store.removeItem(draftKey); }
    }
  }

  function keep() {
    if (!store || !draftKey) { return; }
    try { store.setItem(draftKey, JSON.stringify(collect())); } catch (e) { /* storage full: nothing to do */ }
  }
  form.addEventListener("input", keep);
  form.addEventListener("change", keep);
  form.addEventListener("submit", keep);

  var button = form.querySelector("[data-use-position]");
  var note = document.getElementById("position-status");
  if (button) {
    button.addEventListener("click", function () {
      function say(name) { if (note) { note.textContent = button.getAttribute(name); } }
      if (!navigator.geolocation) { say("data-unavailable"); return; }
      say("data-locating");
      navigator.geolocation.getCurrentPosition(function (position) {
        var lat = form.querySelector("[name=latitude]");
        var lon = form.querySelector("[name=longitude]");
        if (lat) { lat.value = position.coords.latitude.toFixed(6); }
        if (lon) { lon.value = position.coords.longitude.toFixed(6); }
        if (note) { note.textContent = lat.value + ", " + lon.value; }
        keep();
      }, function () { say("data-denied"); }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    });
  }
}());
