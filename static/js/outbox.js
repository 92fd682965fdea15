/* The phone's outbox (DESIGN §3b: nothing typed is lost when the network drops), shared by the hazard report
 * (hazards/outbox.js) and the inspection (supervision/inspection-outbox.js): each keeps its submissions in an
 * IndexedDB database of its own, and both keep, send and retry them the same way.
 *
 * A submission is first written to IndexedDB — its fields, and its photos as Blobs — and only then sent. It
 * leaves the outbox when the server has answered that it recorded it; until then it survives a reload, a closed
 * tab or a dead battery. Each carries the `client_key` the phone generated for it: the server records one row
 * per (user, key), so one sent twice (two tabs, or a retry after the answer was lost on the way back) is still
 * one.
 *
 * Sending is serialized across tabs with a Web Lock when the browser has them; the server's key check is what
 * guarantees "once" when it does not.
 *
 * The CSRF token is read from the cookie when sending, never stored with the submission: one queued on a page
 * kept offline for days is sent with the token of the current login.
 *
 *   Outbox.create({db, store, lock, extraStores, body}) -> {put, get, remove, list, update, flush, send,
 *   csrfToken, withStore, channel}
 *
 * `db` and `store` name the database and its object store of submissions (keyPath "key"); `extraStores` are
 * further stores of the same database (out-of-line keys); `lock` names the Web Lock and the BroadcastChannel on
 * which "changed" and "sent" are announced; `body(submission)` builds the FormData to POST to
 * `submission.action`.
 */
(function (root) {
  "use strict";
  var SEND_TIMEOUT_MS = 120000;

  function csrfToken() {
    var document = root.document;
    if (!document) { return ""; }
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) { return decodeURIComponent(match[1]); }
    var field = document.querySelector("[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function create(options) {
    var store = options.store;
    var lock = options.lock;
    var extraStores = options.extraStores || [];
    var channel = ("BroadcastChannel" in root) ? new root.BroadcastChannel(lock) : null;

    function openDb() {
      return new Promise(function (resolve, reject) {
        var request = root.indexedDB.open(options.db, 1);
        request.onupgradeneeded = function () {
          var db = request.result;
          if (!db.objectStoreNames.contains(store)) { db.createObjectStore(store, { keyPath: "key" }); }
          extraStores.forEach(function (name) {
            if (!db.objectStoreNames.contains(name)) { db.createObjectStore(name); }
          });
        };
        request.onsuccess = function () { resolve(request.result); };
        request.onerror = function () { reject(request.error); };
      });
    }

    // Run `work(objectStore)` in one transaction; resolves with the result of the request it returns.
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

    function put(row) {
      return withStore(store, "readwrite", function (objects) { return objects.put(row); }).then(function () {
        announce({ type: "changed" });
        return row;
      });
    }

    function get(key) {
      return withStore(store, "readonly", function (objects) { return objects.get(key); });
    }

    function remove(key) {
      return withStore(store, "readwrite", function (objects) { return objects.delete(key); }).then(function () {
        announce({ type: "changed" });
      });
    }

    // Every waiting submission (of every user of the phone), oldest first.
    function list() {
      return withStore(store, "readonly", function (objects) { return objects.getAll(); }).then(function (all) {
        return (all || []).sort(function (a, b) { return a.queuedAt - b.queuedAt; });
      });
    }

    function update(key, changes) {
      return get(key).then(function (row) {
        if (!row) { return null; }
        Object.keys(changes).forEach(function (name) { row[name] = changes[name]; });
        return put(row);
      });
    }

    // Send one submission. Resolves with {state: "sent"|"refused"|"login"|"waiting", ...}; never rejects.
    function send(row) {
      // A request that hangs on a dead connection would hold the outbox forever: give up after a while (the
      // submission stays; if the server did get it, the retry finds the same row).
      var abort = ("AbortController" in root) ? new root.AbortController() : null;
      var timer = abort ? setTimeout(function () { abort.abort(); }, SEND_TIMEOUT_MS) : null;
      return fetch(row.action, {
        method: "POST",
        body: options.body(row),
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
        return root.navigator.locks.request(lock, work);
      }
      return work();
    }

    /* Send every waiting submission of `user`, oldest first. `onEvent(row, outcome)` is called when one starts
     * sending ({state: "sending"}) and with each outcome. Stops at the first that could not reach the server or
     * needs a new login: the next ones would fail the same way. */
    function flush(user, onEvent) {
      onEvent = onEvent || function () {};
      return exclusively(function () {
        return list().then(function (rows) {
          var mine = rows.filter(function (row) {
            return row.user === user && row.state !== "refused";
          });
          return mine.reduce(function (previous, row) {
            return previous.then(function (stop) {
              if (stop) { return true; }
              onEvent(row, { state: "sending" });
              return send(row).then(function (outcome) {
                var done;
                if (outcome.state === "sent") {
                  done = remove(row.key).then(function () {
                    announce({ type: "sent", key: row.key, title: row.title, url: outcome.url, code: outcome.code });
                  });
                } else {
                  done = update(row.key, {
                    state: outcome.state,
                    errors: outcome.errors || null,
                    tries: (row.tries || 0) + 1,
                    triedAt: Date.now()
                  });
                }
                return done.then(function () {
                  onEvent(row, outcome);
                  return outcome.state === "waiting" || outcome.state === "login";
                });
              });
            });
          }, Promise.resolve(false));
        });
      });
    }

    return {
      put: put,
      get: get,
      remove: remove,
      list: list,
      update: update,
      flush: flush,
      send: send,
      csrfToken: csrfToken,
      withStore: withStore,
      channel: channel
    };
  }

  root.Outbox = { create: create, csrfToken: csrfToken };
})(self);
