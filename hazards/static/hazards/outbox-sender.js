/* On every page of a user who logs hazards: send what the phone's outbox still holds.
 *
 * A report queued offline on the hazard form is sent by that form when the network returns. If the
 * form's tab was closed (or the phone moved on to other pages) the report would wait until the form was
 * opened again; this script sends it from whatever page is open, on load and when the connection
 * returns, and says how many reports are waiting, were returned for correction, or were just sent.
 * Sending goes through HazardOutbox.flush (outbox.js): one sender at a time across tabs, and the
 * server registers each report's client key once, so nothing is sent twice.
 */
(function () {
  "use strict";
  var box = document.getElementById("outbox-sender");
  var outbox = window.HazardOutbox;
  if (!box || !outbox || !window.indexedDB) { return; }
  var user = box.getAttribute("data-user");
  var text = box.querySelector("[data-outbox-text]");
  var RETRY_MS = 30000;
  var timer = null;
  var sent = 0;

  function message(name, n) {
    return (box.getAttribute("data-" + name) || "").replace("{n}", String(n));
  }

  function render() {
    return outbox.list().then(function (reports) {
      var mine = reports.filter(function (r) { return r.user === user; });
      var refused = mine.filter(function (r) { return r.state === "refused"; }).length;
      var waiting = mine.length - refused;
      var parts = [];
      if (waiting) {
        parts.push(message("waiting", waiting));
        if (!navigator.onLine) { parts.push(message("offline", waiting)); }
      }
      if (refused) { parts.push(message("refused", refused)); }
      if (sent) { parts.push(message("sent", sent)); }
      text.textContent = parts.join(" ");
      box.classList.toggle("d-none", parts.length === 0);
      box.classList.toggle("d-flex", parts.length > 0);
      box.setAttribute("data-waiting-count", String(waiting));
      return waiting;
    });
  }

  function schedule(waiting) {
    if (waiting && !timer) {
      timer = setInterval(flush, RETRY_MS);
    } else if (!waiting && timer) {
      clearInterval(timer);
      timer = null;
    }
  }

  function flush() {
    if (!navigator.onLine) { return render().then(schedule, function () {}); }
    return outbox.list().then(function (reports) {
      if (!reports.some(function (r) { return r.user === user && r.state !== "refused"; })) { return null; }
      return outbox.flush(user, function (report, outcome) {
        if (outcome.state === "sent") { sent += 1; }
      });
    }).then(render, render).then(schedule, function () {});
  }

  window.addEventListener("online", flush);
  window.addEventListener("offline", function () { render().catch(function () {}); });
  flush();
})();
