/* Field work on a weak signal: nothing typed is lost when the network drops (DESIGN §3b).
 *
 * - While typing, the text fields are kept as a draft in localStorage and the chosen photos in
 *   IndexedDB; both come back when the page opens again.
 * - Submitting puts the report in the phone's outbox (outbox.js: text and photos in IndexedDB)
 *   before anything is sent. Online, it is sent at once and the page goes to the new hazard; a
 *   refusal shows the errors next to the fields. Offline (or when sending fails), it waits, the
 *   form is emptied for the next hazard, and the "waiting to send (N)" list shows it.
 * - Waiting reports are sent when the connection returns, when any tab with this form opens, and
 *   every 15 s meanwhile. A login or CSRF token that expired keeps the report and asks for a new
 *   login; it is never dropped.
 * - A service worker (/sw.js) keeps this page and its files so that the form opens offline.
 */
(function () {
  "use strict";
  var form = document.querySelector("form[data-offline-form]");
  var outbox = window.HazardOutbox;
  if (!form || !outbox || !window.indexedDB) { return; }
  var user = form.getAttribute("data-user");
  var draftKey = "draft:" + form.getAttribute("data-draft-key");
  var status = document.getElementById("draft-status");
  var panel = document.getElementById("outbox");
  var discard = form.querySelector("[data-discard-draft]");
  var photoInput = form.querySelector("input[type=file][name=photos]");
  var clientKeyInput = form.querySelector("[name=client_key]");
  var sentList = document.getElementById("outbox-sent");
  var submittedKey = null;  // the report this page just submitted while online: its page follows
  var sendingKey = null;
  var retryTimer = null;
  var slowTimer = null;
  var RETRY_MS = 15000;
  // Online but the answer takes this long (a weak signal): the form is freed for the next hazard
  // and the report goes on in the background.
  var SLOW_MS = 8000;

  function text(el, name) { return (el && el.getAttribute("data-" + name)) || ""; }

  function say(kind, cls) {
    if (!status) { return; }
    status.textContent = text(status, kind);
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

  function fieldValues() {
    var data = {};
    textFields().forEach(function (el) {
      if (el.type === "radio" || el.type === "checkbox") {
        if (el.checked) { data[el.name] = el.value; }
      } else if (el.tagName === "SELECT" && el.multiple) {
        data[el.name] = Array.prototype.filter.call(el.options, function (o) { return o.selected; })
          .map(function (o) { return o.value; });
      } else {
        data[el.name] = el.value;
      }
    });
    return data;
  }

  function fill(data) {
    textFields().forEach(function (el) {
      if (!(el.name in data)) { return; }
      if (el.type === "radio" || el.type === "checkbox") {
        el.checked = data[el.name] === el.value;
      } else {
        el.value = data[el.name];
      }
    });
    // The enterprise search box (js/picker.js) shows the name of the enterprise its hidden input now holds.
    form.dispatchEvent(new Event("picker:sync"));
  }

  function chosenPhotos() {
    return photoInput ? Array.prototype.slice.call(photoInput.files || []) : [];
  }

  function putPhotos(files) {
    if (!photoInput || !files.length || !window.DataTransfer) { return; }
    var transfer = new DataTransfer();
    files.forEach(function (file) {
      transfer.items.add(file instanceof File ? file : new File([file.blob], file.name, { type: file.type }));
    });
    photoInput.files = transfer.files;
  }

  // An ordinary submission (to show the server's errors next to the fields). The page may be a
  // copy kept offline whose CSRF token predates the current login: use the cookie's.
  function submitNatively() {
    var token = form.querySelector("[name=csrfmiddlewaretoken]");
    var current = outbox.csrfToken();
    if (token && current) { token.value = current; }
    HTMLFormElement.prototype.submit.call(form);
  }

  // Drafts ----------------------------------------------------------------------------------------

  function saveDraft() {
    try { localStorage.setItem(draftKey, JSON.stringify(fieldValues())); } catch (e) { /* storage full */ }
    if (discard) { discard.classList.remove("d-none"); }
  }

  function saveDraftPhotos() {
    outbox.keepDraftPhotos(draftKey, chosenPhotos()).catch(function () { /* no room: text is kept */ });
  }

  function forgetDraft() {
    try { localStorage.removeItem(draftKey); } catch (e) { /* ignore */ }
    outbox.keepDraftPhotos(draftKey, []).catch(function () {});
  }

  function restoreDraft() {
    var data = null;
    try { data = JSON.parse(localStorage.getItem(draftKey) || "null"); } catch (e) { data = null; }
    if (data) {
      fill(data);
      say("restored");
      if (discard) { discard.classList.remove("d-none"); }
    }
    if (clientKeyInput && !clientKeyInput.value) { clientKeyInput.value = newKey(); }
    return outbox.draftPhotos(draftKey).then(function (files) {
      if (files.length && !chosenPhotos().length) {
        putPhotos(files);
        say("restored");
        if (discard) { discard.classList.remove("d-none"); }
      }
    }).catch(function () {});
  }

  function emptyForm() {
    forgetDraft();
    form.reset();
    if (photoInput) { photoInput.value = ""; }
    if (clientKeyInput) { clientKeyInput.value = newKey(); }
    if (discard) { discard.classList.add("d-none"); }
  }

  // The waiting list --------------------------------------------------------------------------------

  var timeFormat = null;
  try {
    timeFormat = new Intl.DateTimeFormat(document.documentElement.lang || "zh-CN", {
      timeZone: "Asia/Shanghai", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hour12: false
    });
  } catch (e) { timeFormat = null; }

  // "12-03 17:38", Beijing time, whatever the phone's own time zone.
  function when(ms) {
    if (!timeFormat || !timeFormat.formatToParts) { return new Date(ms).toLocaleString(); }
    var part = {};
    timeFormat.formatToParts(new Date(ms)).forEach(function (p) { part[p.type] = p.value; });
    return part.month + "-" + part.day + " " + part.hour + ":" + part.minute;
  }

  // Each error names its field, as the form's label reads: "隐患：此项为必填项。"
  function errorText(errors) {
    var colon = (document.documentElement.lang || "").indexOf("zh") === 0 ? "：" : ": ";
    var lines = [];
    Object.keys(errors || {}).forEach(function (field) {
      var label = form.querySelector("label[for='id_" + field + "']");
      var name = label ? label.textContent.replace("*", "").trim() : "";
      (errors[field] || []).forEach(function (error) {
        lines.push((name ? name + colon : "") + (error.message || String(error)));
      });
    });
    return lines.join(" ");
  }

  function element(tag, cls, content) {
    var el = document.createElement(tag);
    if (cls) { el.className = cls; }
    if (content) { el.textContent = content; }
    return el;
  }

  var STATE_BADGE = { waiting: "text-bg-secondary", sending: "text-bg-info", login: "text-bg-warning", refused: "text-bg-danger" };

  function stateOf(report) {
    if (report.key === sendingKey) { return "sending"; }
    return report.state || "waiting";
  }

  function render() {
    if (!panel) { return Promise.resolve(); }
    return outbox.list().then(function (reports) {
      var mine = reports.filter(function (r) { return r.user === user; });
      var others = reports.length - mine.length;
      var heading = panel.querySelector("[data-outbox-heading]");
      heading.textContent = text(panel, "heading").replace("{n}", String(mine.length));
      var list = panel.querySelector("[data-outbox-list]");
      list.textContent = "";
      mine.forEach(function (report) {
        var state = stateOf(report);
        var item = element("li", "list-group-item");
        item.setAttribute("data-testid", "waiting-item");
        item.setAttribute("data-state", state);
        var top = element("div", "d-flex justify-content-between align-items-start gap-2");
        top.appendChild(element("span", "fw-semibold text-break", report.title || "—"));
        var badge = element("span", "badge " + (STATE_BADGE[state] || "text-bg-secondary"),
          text(panel, "state-" + (state === "waiting" && report.tries ? "retrying" : state)));
        badge.setAttribute("data-testid", "waiting-state");
        top.appendChild(badge);
        item.appendChild(top);
        var meta = text(panel, "queued").replace("{time}", when(report.queuedAt));
        if (report.photos && report.photos.length) {
          meta += " · " + text(panel, "photos").replace("{n}", String(report.photos.length));
        }
        item.appendChild(element("div", "small text-body-secondary", meta));
        if (state === "refused") {
          item.appendChild(element("div", "small text-danger", errorText(report.errors)));
          var edit = element("button", "btn btn-sm btn-outline-primary mt-1", text(panel, "edit"));
          edit.type = "button";
          edit.addEventListener("click", function () { takeBack(report.key); });
          item.appendChild(edit);
        } else if (state === "login") {
          var login = element("a", "btn btn-sm btn-warning mt-1", text(panel, "login"));
          login.href = panel.getAttribute("data-login-url");
          item.appendChild(login);
        }
        list.appendChild(item);
      });
      var note = panel.querySelector("[data-outbox-others]");
      note.textContent = others ? text(panel, "others").replace("{n}", String(others)) : "";
      note.classList.toggle("d-none", !others);
      panel.classList.toggle("d-none", !mine.length && !others);
    }).catch(function () {});
  }

  function showSent(message) {
    if (!sentList || !message.url) { return; }
    var item = element("li", "list-group-item small");
    item.setAttribute("data-testid", "sent-item");
    if (status) { status.className = "alert d-none"; }  // "kept on this phone" is no longer news
    item.appendChild(document.createTextNode(text(sentList, "sent") + " "));
    var link = element("a", "", (message.title || "") + (message.code ? " · " + message.code : ""));
    link.href = message.url;
    item.appendChild(link);
    sentList.querySelector("ul").appendChild(item);
    sentList.classList.remove("d-none");
  }

  // A refused report comes back into the form to be corrected; the outbox forgets it.
  function takeBack(key) {
    outbox.get(key).then(function (report) {
      if (!report) { return null; }
      fill(report.fields);
      putPhotos(report.photos || []);
      saveDraft();
      saveDraftPhotos();
      return outbox.remove(key);
    }).then(render).then(function () { form.scrollIntoView(); });
  }

  // Sending -------------------------------------------------------------------------------------------

  function onEvent(report, outcome) {
    sendingKey = outcome.state === "sending" ? report.key : null;
    if (outcome.state === "sent") {
      if (report.key === submittedKey) {
        submittedKey = null;
        clearTimeout(slowTimer);
        forgetDraft();
        window.location.href = outcome.url;
        return;
      }
      showSent({ title: report.title, url: outcome.url, code: outcome.code });
    } else if (report.key === submittedKey && outcome.state === "refused") {
      // Sent from this page just now and refused: submit it normally so that the server shows the
      // errors next to the fields (the form still holds the text and the photos).
      submittedKey = null;
      clearTimeout(slowTimer);
      outbox.remove(report.key).then(function () { submitNatively(); });
      return;
    } else if (report.key === submittedKey && outcome.state !== "sending") {
      letGo(outcome.state === "login" ? "login" : "queued");
    } else if (outcome.state === "login") {
      say("login", "alert-warning");
    } else if (outcome.state === "refused") {
      say("refused", "alert-danger");
    }
    render();
  }

  // The report just submitted will not be answered soon: free the form, keep the report going.
  function letGo(kind) {
    submittedKey = null;
    clearTimeout(slowTimer);
    emptyForm();
    say(kind, "alert-warning");
    render();
  }

  function flush() {
    if (!navigator.onLine) { return Promise.resolve(); }
    return outbox.flush(user, onEvent).then(scheduleRetry, scheduleRetry);
  }

  function scheduleRetry() {
    return outbox.list().then(function (reports) {
      var waiting = reports.some(function (r) { return r.user === user && r.state !== "refused"; });
      if (waiting && !retryTimer) {
        retryTimer = setInterval(function () { if (navigator.onLine) { flush(); } }, RETRY_MS);
      } else if (!waiting && retryTimer) {
        clearInterval(retryTimer);
        retryTimer = null;
      }
    }).catch(function () {});
  }

  function submit(event) {
    event.preventDefault();
    var fields = fieldValues();
    if (!fields.client_key) { fields.client_key = newKey(); }
    var report = {
      key: fields.client_key,
      user: user,
      action: form.getAttribute("action") || window.location.pathname + window.location.search,
      title: fields.title || "",
      fields: fields,
      photos: chosenPhotos().map(function (file) { return { name: file.name, type: file.type, blob: file }; }),
      queuedAt: Date.now(),
      state: "waiting",
      tries: 0
    };
    outbox.put(report).then(function () {
      if (navigator.onLine) {
        submittedKey = report.key;
        say("sending");
        slowTimer = setTimeout(function () {
          if (submittedKey === report.key) { letGo("slow"); }
        }, SLOW_MS);
        return flush().then(function () {
          // An older report could not get through, so this one was not tried: it waits too.
          if (submittedKey === report.key) { letGo("queued"); }
        });
      }
      emptyForm();
      say("queued", "alert-warning");
      return render().then(scheduleRetry);
    }).catch(function () {
      // IndexedDB is unavailable (private mode, no room): fall back to an ordinary submission.
      submitNatively();
    });
  }

  // Start -----------------------------------------------------------------------------------------

  form.addEventListener("input", saveDraft);
  form.addEventListener("change", function (event) {
    saveDraft();
    if (event.target === photoInput) { saveDraftPhotos(); }
  });
  form.addEventListener("submit", submit);
  if (discard) {
    discard.addEventListener("click", function () {
      emptyForm();
      if (status) { status.className = "alert d-none"; }
    });
  }
  window.addEventListener("online", flush);
  window.addEventListener("offline", function () { render(); });
  document.addEventListener("visibilitychange", function () { if (!document.hidden) { render().then(flush); } });
  if (outbox.channel) {
    outbox.channel.addEventListener("message", function (event) {
      if (event.data && event.data.type === "sent") { showSent(event.data); }
      render();
    });
  }
  restoreDraft().then(render).then(flush);

  // Keep this page and its files for offline use.
  var worker = form.getAttribute("data-service-worker");
  if (worker && "serviceWorker" in navigator) {
    navigator.serviceWorker.register(worker, { scope: "/" }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      // The first visit was not served through the worker, so it did not keep the page yet.
      if (navigator.onLine && registration.active && !navigator.serviceWorker.controller) {
        registration.active.postMessage({ type: "keep-page", url: window.location.href });
      }
    }).catch(function () { /* no service worker: the form still works online */ });
  }
})();
