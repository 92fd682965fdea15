/* The phone's outbox of inspections (DESIGN §3b; inspectors in the mountains lose the signal).
 *
 * When 提交 is pressed with no network, the whole submission — every answer and note, and the photos as
 * Blobs — is written to IndexedDB instead of being lost, and the page shows how many inspections wait.
 * They are sent, oldest first, as soon as the connection returns ("online"), when a page carrying the outbox
 * opens with a network, or when 立即发送 is pressed. An inspection leaves the outbox only when the server has
 * answered that it recorded it. Each submission carries its form's `client_key`: the server records one
 * inspection per (user, key), so one sent twice (the answer lost on the way back, two tabs) is still one.
 *
 * Keeping, sending and retrying are the shared outbox's (js/outbox.js, loaded first), on the database
 * "sp-inspection-outbox"; this script captures the form, lists what waits and says what happened. The texts are
 * the outbox element's data-* attributes (translated).
 */
(function () {
  "use strict";
  var DRAFT_PREFIX = "inspection:";
  var RETRY_MS = 15000;

  var box = document.getElementById("inspection-outbox");
  if (!box || !window.indexedDB || !window.fetch || !window.FormData || !window.Outbox) { return; }
  var user = box.getAttribute("data-user") || "";
  var form = document.querySelector("form[data-inspection-form]");
  var heading = box.querySelector("[data-outbox-count]");
  var list = box.querySelector("[data-outbox-list]");
  var sendNow = box.querySelector("[data-outbox-send]");
  var notice = document.getElementById("inspection-outbox-notice");
  var sending = false;

  function text(name) { return box.getAttribute("data-" + name) || ""; }

  // A submission's fields: [{name, value}] for text, [{name, blob, filename}] for a photo.
  function body(row) {
    var data = new FormData();
    row.fields.forEach(function (f) {
      if (f.blob) { data.append(f.name, f.blob, f.filename); } else { data.append(f.name, f.value); }
    });
    return data;
  }

  var outbox = window.Outbox.create({
    db: "sp-inspection-outbox",
    store: "inspections",
    lock: "sp-inspection-outbox",
    body: body
  });

  function all() {
    return outbox.list().then(function (rows) {
      return rows.filter(function (row) { return row.user === user; });
    });
  }

  // The form as it is now: text values as strings, chosen photos as Blobs with their names.
  function capture(theForm) {
    var fields = [];
    new FormData(theForm).forEach(function (value, name) {
      if (name === "csrfmiddlewaretoken") { return; }
      if (typeof value === "string") { fields.push({ name: name, value: value }); return; }
      if (!value || !value.size) { return; } // a photo field left empty
      fields.push({ name: name, blob: value, filename: value.name || "photo.jpg" });
    });
    return fields;
  }

  function clock(ms) {
    var d = new Date(ms);
    return ("0" + d.getHours()).slice(-2) + ":" + ("0" + d.getMinutes()).slice(-2);
  }

  function render() {
    return all().then(function (rows) {
      list.textContent = "";
      rows.forEach(function (row) {
        var item = document.createElement("li");
        item.className = "list-group-item small d-flex flex-wrap align-items-center gap-2";
        item.setAttribute("data-testid", "outbox-inspection");
        var name = document.createElement("strong");
        name.textContent = row.title;
        var when = document.createElement("span");
        when.className = "text-body-secondary";
        var photos = row.fields.filter(function (f) { return f.blob; }).length;
        when.textContent = text("queued").replace("{time}", clock(row.queuedAt)) +
          (photos ? " · " + text("photos").replace("{n}", photos) : "");
        var state = document.createElement("span");
        state.className = row.state === "refused" ? "text-danger" : "text-body-secondary";
        state.textContent = text("state-" + row.state);
        item.appendChild(name);
        item.appendChild(when);
        item.appendChild(state);
        if (row.state === "refused") {
          var why = document.createElement("div");
          why.className = "w-100 text-danger";
          // Kept as the server's {field: [errors]}; as one text by this page before the outbox was shared.
          why.textContent = typeof row.errors === "string" ? row.errors : errorsText(row.errors);
          var drop = document.createElement("button");
          drop.type = "button";
          drop.className = "btn btn-sm btn-outline-danger ms-auto";
          drop.textContent = text("discard");
          drop.addEventListener("click", function () { outbox.remove(row.key).then(render); });
          item.appendChild(drop);
          item.appendChild(why);
        }
        list.appendChild(item);
      });
      var waiting = rows.filter(function (row) { return row.state !== "refused"; }).length;
      heading.textContent = text("heading").replace("{n}", waiting);
      box.setAttribute("data-waiting", String(waiting));
      box.classList.toggle("d-none", rows.length === 0);
      if (sendNow) { sendNow.disabled = waiting === 0 || sending; }
      return rows;
    });
  }

  function say(message) {
    if (!notice) { return; }
    notice.textContent = message;
    notice.classList.toggle("d-none", !message);
  }

  // The typed draft (inspection-form.js) of a submission the server recorded is done.
  function forgetDraft(key) {
    try {
      var store = window.localStorage;
      for (var i = store.length - 1; i >= 0; i--) {
        var name = store.key(i);
        if (!name || name.indexOf(DRAFT_PREFIX + user + ":") !== 0) { continue; }
        try {
          if (JSON.parse(store.getItem(name) || "{}").client_key === key) { store.removeItem(name); }
        } catch (e) { store.removeItem(name); }
      }
    } catch (e) { /* no storage: nothing kept */ }
  }

  function errorsText(errors) {
    var parts = [];
    Object.keys(errors || {}).forEach(function (field) {
      (errors[field] || []).forEach(function (error) { parts.push(error.message || String(error)); });
    });
    return parts.join(" ");
  }

  function flush() {
    if (sending || navigator.onLine === false) { return Promise.resolve(); }
    sending = true;
    var sent = 0;
    function run() {
      sending = false;
      return render().then(function () {
        if (sent) { say(text("sent").replace("{n}", sent)); }
      });
    }
    return outbox.flush(user, function (row, outcome) {
      if (outcome.state !== "sent") { return; }
      sent += 1;
      forgetDraft(row.key);
    }).then(run, run);
  }

  if (form) {
    form.addEventListener("submit", function (event) {
      if (navigator.onLine !== false) { return; } // with a network the form is sent as usual
      event.preventDefault();
      var keyField = form.querySelector("[name=client_key]");
      var row = {
        key: (keyField && keyField.value) || String(Date.now()),
        user: user,
        action: form.action,
        title: text("enterprise"),
        queuedAt: Date.now(),
        state: "waiting",
        errors: "",
        fields: capture(form)
      };
      outbox.put(row).then(render).then(function () {
        say(text("kept"));
        box.scrollIntoView({ block: "nearest" });
      }, function () { say(text("full")); });
    });
  }

  if (sendNow) { sendNow.addEventListener("click", function () { flush(); }); }
  window.addEventListener("online", function () { flush(); });
  // The "online" event can come before the connection carries anything (or not at all, on some phones):
  // while inspections wait and the phone believes it is online, try again every little while.
  setInterval(function () {
    if (!sending && navigator.onLine !== false && box.getAttribute("data-waiting") !== "0") { flush(); }
  }, RETRY_MS);
  window.addEventListener("offline", function () { render(); });
  render().then(function () { return flush(); });
}());
