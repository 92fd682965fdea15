/* The phone's outbox of inspections (DESIGN §3b; inspectors in the mountains lose the signal).
 *
 * When 提交 is pressed with no network, the whole submission — every answer and note, and the photos as
 * Blobs — is written to IndexedDB instead of being lost, and the page shows how many inspections wait.
 * They are sent, oldest first, as soon as the connection returns ("online"), when a page carrying the outbox
 * opens with a network, or when 立即发送 is pressed. An inspection leaves the outbox only when the server has
 * answered that it recorded it. Each submission carries its form's `client_key`: the server records one
 * inspection per (user, key), so one sent twice (the answer lost on the way back, two tabs) is still one.
 *
 * The CSRF token is read from the cookie when sending, never stored: a submission kept for days is sent with
 * the token of the current login. The texts are the outbox element's data-* attributes (translated).
 */
(function () {
  "use strict";
  var DB_NAME = "sp-inspection-outbox";
  var STORE = "inspections";
  var DRAFT_PREFIX = "inspection:";
  var SEND_TIMEOUT_MS = 120000;
  var RETRY_MS = 15000;

  var box = document.getElementById("inspection-outbox");
  if (!box || !window.indexedDB || !window.fetch || !window.FormData) { return; }
  var user = box.getAttribute("data-user") || "";
  var form = document.querySelector("form[data-inspection-form]");
  var heading = box.querySelector("[data-outbox-count]");
  var list = box.querySelector("[data-outbox-list]");
  var sendNow = box.querySelector("[data-outbox-send]");
  var notice = document.getElementById("inspection-outbox-notice");
  var sending = false;

  function text(name) { return box.getAttribute("data-" + name) || ""; }

  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = window.indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () {
        if (!request.result.objectStoreNames.contains(STORE)) {
          request.result.createObjectStore(STORE, { keyPath: "key" });
        }
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function withStore(mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var result;
        var request = work(tx.objectStore(STORE));
        if (request) { request.onsuccess = function () { result = request.result; }; }
        tx.oncomplete = function () { db.close(); resolve(result); };
        tx.onerror = tx.onabort = function () { db.close(); reject(tx.error); };
      });
    });
  }

  function all() {
    return withStore("readonly", function (store) { return store.getAll(); }).then(function (rows) {
      return (rows || []).filter(function (row) { return row.user === user; })
        .sort(function (a, b) { return a.queuedAt - b.queuedAt; });
    });
  }
  function put(row) { return withStore("readwrite", function (store) { return store.put(row); }); }
  function remove(key) { return withStore("readwrite", function (store) { return store.delete(key); }); }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) { return decodeURIComponent(match[1]); }
    var field = document.querySelector("[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
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
          why.textContent = row.errors || "";
          var drop = document.createElement("button");
          drop.type = "button";
          drop.className = "btn btn-sm btn-outline-danger ms-auto";
          drop.textContent = text("discard");
          drop.addEventListener("click", function () { remove(row.key).then(render); });
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

  // One submission; resolves with "sent", "refused", "login" or "waiting"; never rejects.
  function send(row) {
    var body = new FormData();
    row.fields.forEach(function (f) {
      if (f.blob) { body.append(f.name, f.blob, f.filename); } else { body.append(f.name, f.value); }
    });
    var abort = window.AbortController ? new AbortController() : null;
    var timer = abort ? setTimeout(function () { abort.abort(); }, SEND_TIMEOUT_MS) : null;
    return fetch(row.action, {
      method: "POST", body: body, credentials: "same-origin", redirect: "manual",
      signal: abort ? abort.signal : undefined,
      headers: { "X-Requested-With": "fetch", "Accept": "application/json", "X-CSRFToken": csrfToken() }
    }).then(function (response) {
      if (response.type === "opaqueredirect" || response.status === 401) { return { state: "login" }; }
      var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
      if (!json) { return { state: response.status === 403 ? "login" : "waiting" }; }
      return response.json().then(function (answer) {
        if (response.ok && answer.ok) { return { state: "sent", url: answer.url }; }
        if (response.status >= 500) { return { state: "waiting" }; }
        return { state: "refused", errors: errorsText(answer.errors) };
      });
    }).catch(function () {
      return { state: "waiting" };
    }).then(function (outcome) {
      clearTimeout(timer);
      return outcome;
    });
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
    function exclusively(work) {
      return navigator.locks ? navigator.locks.request(DB_NAME, work) : work();
    }
    return exclusively(function () {
      return all().then(function (rows) {
        return rows.filter(function (row) { return row.state !== "refused"; }).reduce(function (previous, row) {
          return previous.then(function (stop) {
            if (stop) { return true; }
            return send(row).then(function (outcome) {
              if (outcome.state === "sent") {
                sent += 1;
                forgetDraft(row.key);
                return remove(row.key).then(function () { return false; });
              }
              row.state = outcome.state;
              row.errors = outcome.errors || "";
              return put(row).then(function () { return outcome.state !== "refused"; });
            });
          });
        }, Promise.resolve(false));
      });
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
      put(row).then(render).then(function () {
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
