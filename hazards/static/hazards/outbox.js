/* The phone's outbox of hazard reports (DESIGN §3b: nothing typed is lost when the network drops).
 *
 * A submitted report is first written to IndexedDB — its text fields and its photos as Blobs — and
 * only then sent. It leaves the outbox when the server has answered that it registered it; until
 * then it survives a reload, a closed tab or a dead battery. Each report carries the `client_key`
 * the phone generated for it: the server registers one hazard per (user, key), so a report sent
 * twice (two tabs, or a retry after the answer was lost on the way back) is still one hazard.
 *
 * Sending is serialized across tabs with a Web Lock when the browser has them; the server's key
 * check is what guarantees "once" when it does not.
 *
 * The CSRF token is read from the cookie when sending, never stored with the report: a report
 * queued on a page kept offline for days is sent with the token of the current login.
 */
(function (root) {
  "use strict";
  var DB_NAME = "sp-hazard-outbox";
  var REPORTS = "reports";
  var DRAFT_PHOTOS = "draft-photos";
  var LOCK = "sp-hazard-outbox";
  var SEND_TIMEOUT_MS = 120000;
  var channel = ("BroadcastChannel" in root) ? new root.BroadcastChannel(LOCK) : null;

  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = root.indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () {
        var db = request.result;
        if (!db.objectStoreNames.contains(REPORTS)) { db.createObjectStore(REPORTS, { keyPath: "key" }); }
        if (!db.objectStoreNames.contains(DRAFT_PHOTOS)) { db.createObjectStore(DRAFT_PHOTOS); }
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  // Run `work(store)` in one transaction; resolves with the result of the request it returns.
  function withStore(name, mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(name, mode);
        var result;
        var request = work(tx.objectStore(name));
        if (request) { request.onsuccess = function () { result = request.result; }; }
        tx.oncomplete = function () { db.close(); resolve(result); };
        tx.onerror = tx.onabort = function () { db.close(); reject(tx.error); };
      });
    });
  }

  function announce(message) {
    if (channel) { channel.postMessage(message); }
  }

  function put(report) {
    return withStore(REPORTS, "readwrite", function (store) { return store.put(report); }).then(function () {
      announce({ type: "changed" });
      return report;
    });
  }

  function get(key) {
    return withStore(REPORTS, "readonly", function (store) { return store.get(key); });
  }

  function remove(key) {
    return withStore(REPORTS, "readwrite", function (store) { return store.delete(key); }).then(function () {
      announce({ type: "changed" });
    });
  }

  function list() {
    return withStore(REPORTS, "readonly", function (store) { return store.getAll(); }).then(function (all) {
      return (all || []).sort(function (a, b) { return a.queuedAt - b.queuedAt; });
    });
  }

  function update(key, changes) {
    return get(key).then(function (report) {
      if (!report) { return null; }
      Object.keys(changes).forEach(function (name) { report[name] = changes[name]; });
      return put(report);
    });
  }

  function keepDraftPhotos(draftKey, files) {
    return withStore(DRAFT_PHOTOS, "readwrite", function (store) {
      return files.length ? store.put(files, draftKey) : store.delete(draftKey);
    });
  }

  function draftPhotos(draftKey) {
    return withStore(DRAFT_PHOTOS, "readonly", function (store) { return store.get(draftKey); }).then(function (files) {
      return files || [];
    });
  }

  function csrfToken() {
    var match = root.document && root.document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  // Send one report. Resolves with {state: "sent"|"refused"|"login"|"waiting", ...}; never rejects.
  function send(report) {
    var body = new FormData();
    Object.keys(report.fields).forEach(function (name) {
      var value = report.fields[name];
      (Array.isArray(value) ? value : [value]).forEach(function (one) { body.append(name, one); });
    });
    (report.photos || []).forEach(function (photo) { body.append("photos", photo.blob, photo.name); });
    // A request that hangs on a dead connection would hold the outbox forever: give up after a
    // while (the report stays; if the server did get it, the retry finds the same hazard).
    var abort = ("AbortController" in root) ? new root.AbortController() : null;
    var timer = abort ? setTimeout(function () { abort.abort(); }, SEND_TIMEOUT_MS) : null;
    return fetch(report.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      redirect: "manual",
      signal: abort ? abort.signal : undefined,
      headers: { "X-Requested-With": "fetch", "Accept": "application/json", "X-CSRFToken": csrfToken() }
    }).then(function (response) {
      // The login expired (a redirect to the login page), or the CSRF token did (403 without JSON).
      if (response.type === "opaqueredirect" || response.status === 401) { return { state: "login" }; }
      var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
      if (response.status === 403 && !json) { return { state: "login" }; }
      if (!json) { return { state: "waiting", failed: true }; }
      return response.json().then(function (answer) {
        if (response.ok && answer.ok) { return { state: "sent", url: answer.url, code: answer.code }; }
        if (response.status >= 500) { return { state: "waiting", failed: true }; }
        return { state: "refused", errors: answer.errors || {} };
      });
    }).catch(function () {
      return { state: "waiting" };
    }).then(function (outcome) {
      clearTimeout(timer);
      return outcome;
    });
  }

  function exclusively(work) {
    if (root.navigator && root.navigator.locks) {
      return root.navigator.locks.request(LOCK, work);
    }
    return work();
  }

  /* Send every waiting report of `user`, oldest first. `onEvent(report, outcome)` is called when a
   * report starts sending ({state: "sending"}) and with each outcome. Stops at the first report that
   * could not reach the server or needs a new login: the next ones would fail the same way. */
  function flush(user, onEvent) {
    onEvent = onEvent || function () {};
    return exclusively(function () {
      return list().then(function (reports) {
        var mine = reports.filter(function (report) {
          return report.user === user && report.state !== "refused";
        });
        return mine.reduce(function (previous, report) {
          return previous.then(function (stop) {
            if (stop) { return true; }
            onEvent(report, { state: "sending" });
            return send(report).then(function (outcome) {
              var done;
              if (outcome.state === "sent") {
                done = remove(report.key).then(function () {
                  announce({ type: "sent", key: report.key, title: report.title, url: outcome.url, code: outcome.code });
                });
              } else {
                done = update(report.key, {
                  state: outcome.state,
                  errors: outcome.errors || null,
                  tries: (report.tries || 0) + 1,
                  triedAt: Date.now()
                });
              }
              return done.then(function () {
                onEvent(report, outcome);
                return outcome.state === "waiting" || outcome.state === "login";
              });
            });
          });
        }, Promise.resolve(false));
      });
    });
  }

  root.HazardOutbox = {
    put: put,
    get: get,
    remove: remove,
    list: list,
    update: update,
    flush: flush,
    send: send,
    csrfToken: csrfToken,
    keepDraftPhotos: keepDraftPhotos,
    draftPhotos: draftPhotos,
    channel: channel
  };
})(self);
