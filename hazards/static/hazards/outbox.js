/* The phone's outbox of hazard reports: the shared outbox (js/outbox.js, loaded first) on the database
 * "sp-hazard-outbox", plus the photos chosen on a draft not yet submitted (kept so a reload does not lose them).
 *
 * A report is {key (its client_key), user, action, title, queuedAt, state, errors, fields: {name: value or
 * [values]}, photos: [{blob, name}]}.
 */
(function (root) {
  "use strict";
  var DRAFT_PHOTOS = "draft-photos";

  function body(report) {
    var form = new FormData();
    Object.keys(report.fields).forEach(function (name) {
      var value = report.fields[name];
      (Array.isArray(value) ? value : [value]).forEach(function (one) { form.append(name, one); });
    });
    (report.photos || []).forEach(function (photo) { form.append("photos", photo.blob, photo.name); });
    return form;
  }

  var outbox = root.Outbox.create({
    db: "sp-hazard-outbox",
    store: "reports",
    extraStores: [DRAFT_PHOTOS],
    lock: "sp-hazard-outbox",
    body: body
  });

  outbox.keepDraftPhotos = function (draftKey, files) {
    return outbox.withStore(DRAFT_PHOTOS, "readwrite", function (store) {
      return files.length ? store.put(files, draftKey) : store.delete(draftKey);
    });
  };

  outbox.draftPhotos = function (draftKey) {
    return outbox.withStore(DRAFT_PHOTOS, "readonly", function (store) { return store.get(draftKey); })
      .then(function (files) { return files || []; });
  };

  root.HazardOutbox = outbox;
})(self);
