/* Field work on a weak signal: nothing typed is lost when the network drops.
 *
 * A form marked `data-offline-form` keeps its text fields as a draft in localStorage on every
 * keystroke and restores them when the page opens again. Submitting goes through fetch(): when
 * the phone is offline (or the request fails) the submission waits and is sent again as soon as
 * the browser is back online (and every 20 s meanwhile). A random `client_key`, kept with the draft,
 * makes a retried submission return the hazard the first attempt created instead of a duplicate.
 */
(function () {
  "use strict";
  var form = document.querySelector("form[data-offline-form]");
  if (!form) { return; }
  var key = "draft:" + form.getAttribute("data-draft-key");
  var status = document.getElementById("draft-status");
  var discard = form.querySelector("[data-discard-draft]");
  var pending = false;
  var sending = false;
  var timer = null;

  function say(kind, cls) {
    if (!status) { return; }
    status.textContent = status.getAttribute("data-" + kind) || "";
    status.className = "alert py-2 small " + (cls || "alert-info");
  }

  function newKey() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    return Date.now().toString(36) + Math.random().toString(36).slice(2);
  }

  function textFields() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name !== "csrfmiddlewaretoken" && el.type !== "file" &&
        el.type !== "submit" && el.type !== "button";
    });
  }

  function save() {
    var data = {};
    textFields().forEach(function (el) {
      if (el.type === "radio" || el.type === "checkbox") {
        if (el.checked) { data[el.name] = el.value; }
      } else {
        data[el.name] = el.value;
      }
    });
    data.__pending = pending;
    try { localStorage.setItem(key, JSON.stringify(data)); } catch (e) { /* storage full: keep going */ }
    if (discard) { discard.classList.remove("d-none"); }
  }

  function clear() {
    try { localStorage.removeItem(key); } catch (e) { /* ignore */ }
  }

  function restore() {
    var raw = null;
    try { raw = localStorage.getItem(key); } catch (e) { raw = null; }
    var clientKey = form.querySelector("[name=client_key]");
    if (!raw) {
      if (clientKey && !clientKey.value) { clientKey.value = newKey(); }
      return;
    }
    var data = JSON.parse(raw);
    textFields().forEach(function (el) {
      if (!(el.name in data)) { return; }
      if (el.type === "radio" || el.type === "checkbox") {
        el.checked = data[el.name] === el.value;
      } else if (!el.value || el.name === "client_key" || el.tagName === "TEXTAREA" || el.type === "text") {
        el.value = data[el.name];
      }
    });
    if (clientKey && !clientKey.value) { clientKey.value = newKey(); }
    say("restored");
    if (discard) { discard.classList.remove("d-none"); }
    var photos = form.querySelector("input[type=file]");
    if (data.__pending && photos) { say("photos", "alert-warning"); }
  }

  function schedule() {
    pending = true;
    save();
    if (!timer) { timer = setInterval(function () { if (navigator.onLine) { send(); } }, 20000); }
  }

  function send() {
    if (sending) { return; }
    if (!navigator.onLine) { say("offline", "alert-warning"); schedule(); return; }
    sending = true;
    say("sending");
    fetch(form.getAttribute("action") || window.location.href, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch", "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (result) {
      sending = false;
      if (result.ok && result.body.ok) {
        pending = false;
        if (timer) { clearInterval(timer); timer = null; }
        clear();
        window.location.href = result.body.url;
        return;
      }
      // The server refused the input: submit normally so that it shows the errors next to the fields.
      pending = false;
      save();
      HTMLFormElement.prototype.submit.call(form);
    }).catch(function () {
      sending = false;
      say(navigator.onLine ? "failed" : "offline", "alert-warning");
      schedule();
    });
  }

  restore();
  form.addEventListener("input", save);
  form.addEventListener("change", save);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    save();
    send();
  });
  window.addEventListener("online", function () { if (pending) { send(); } });
  window.addEventListener("offline", function () { if (pending) { say("offline", "alert-warning"); } });
  if (discard) {
    discard.addEventListener("click", function () {
      clear();
      form.reset();
      var clientKey = form.querySelector("[name=client_key]");
      if (clientKey) { clientKey.value = newKey(); }
      discard.classList.add("d-none");
      if (status) { status.className = "alert d-none"; }
    });
  }
  // A draft left pending when the page was closed is sent again once the page is back and online.
  try {
    var saved = JSON.parse(localStorage.getItem(key) || "null");
    if (saved && saved.__pending) { pending = true; }
  } catch (e) { /* ignore */ }
})();
