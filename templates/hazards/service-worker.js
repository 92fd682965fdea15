{% load i18n static %}/* Service worker of the platform (hazards/offline.py serves it; its scope is the whole site).
 *
 * Field work on a weak mountain signal (DESIGN §3b): the hazard form, once opened, opens again
 * without a network. The form page is fetched from the network first (it carries the current
 * login and CSRF cookie) and kept; without a network the kept copy is shown. Static files
 * (Bootstrap, icons, the form's scripts) are served from this cache and refreshed in the
 * background. Everything comes from this platform's own origin: no CDN.
 *
 * Rendered by Django so that the URLs below come from {% templatetag openblock %} static {% templatetag closeblock %} and {% templatetag openblock %} url {% templatetag closeblock %}.
 */
"use strict";

// Named after the kept files' fingerprint: a deployment that changes one installs afresh.
var STATIC_CACHE = "sp-static-{{ version }}";
// Pages hold one person's login (name, CSRF token): dropped when someone logs in or out.
var PAGE_CACHE = "sp-pages-v1";
var STATIC_PREFIX = "{% get_static_prefix %}";
var OFFLINE_PAGES = ["{% url 'hazards:create' %}"];
var FORGET_PAGES_ON = ["{% url 'login' %}", "{% url 'logout' %}", "{% url 'admin:login' %}", "{% url 'admin:logout' %}"];
var ASSETS = [{% for asset in assets %}
  "{% static asset %}"{% if not forloop.last %},{% endif %}{% endfor %}
];
// On a weak signal a request may hang for a minute: after this long the kept page is shown.
var NETWORK_PATIENCE_MS = 6000;
var OFFLINE_TITLE = "{{ _('No network')|escapejs }}";
var OFFLINE_TEXT = "{{ _('This page has not been opened on this phone before, so it cannot be shown without a network. The hazard form works offline once it has been opened.')|escapejs }}";
var OFFLINE_LINK = "{{ _('Open the hazard form')|escapejs }}";

self.addEventListener("install", function (event) {
  // One by one, not addAll(): a file that fails to arrive on a weak signal must not cost the others.
  event.waitUntil(
    caches.open(STATIC_CACHE)
      .then(function (cache) {
        return Promise.all(ASSETS.map(function (url) { return cache.add(url).catch(function () { return null; }); }));
      })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (key) {
        return key.indexOf("sp-") === 0 && key !== STATIC_CACHE && key !== PAGE_CACHE;
      }).map(function (key) { return caches.delete(key); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function isOfflinePage(url) {
  return OFFLINE_PAGES.indexOf(url.pathname) !== -1;
}

function keptPage(request) {
  // The exact address first (?enterprise=…), then the plain form, then any kept variant of it.
  return caches.open(PAGE_CACHE).then(function (cache) {
    var url = new URL(request.url);
    return cache.match(request.url).then(function (hit) {
      return hit || cache.match(url.origin + url.pathname);
    }).then(function (hit) {
      return hit || cache.match(request.url, { ignoreSearch: true });
    });
  });
}

function offlinePage() {
  var html = "<!doctype html><html lang=\"{{ LANGUAGE_CODE|default:'zh-hans' }}\"><head><meta charset=\"utf-8\">" +
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">" +
    "<title>" + OFFLINE_TITLE + "</title>" +
    "<link rel=\"stylesheet\" href=\"" + ASSETS[0] + "\"></head>" +
    "<body><main class=\"container py-4\"><h1 class=\"h4\" data-testid=\"offline-page\">" + OFFLINE_TITLE + "</h1>" +
    "<p>" + OFFLINE_TEXT + "</p><p><a class=\"btn btn-primary\" href=\"" + OFFLINE_PAGES[0] + "\">" +
    OFFLINE_LINK + "</a></p></main></body></html>";
  return new Response(html, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
}

function networkFirst(request) {
  var network = fetch(request).then(function (response) {
    // A redirect (to the login page) or an error is not the form: never keep it.
    if (response.ok && !response.redirected && response.type === "basic") {
      var copy = response.clone();
      caches.open(PAGE_CACHE).then(function (cache) { return cache.put(request.url, copy); });
    }
    return response;
  });
  return new Promise(function (resolve) {
    var settled = false;
    function answer(response) { if (!settled && response) { settled = true; resolve(response); } }
    var timer = setTimeout(function () { keptPage(request).then(answer); }, NETWORK_PATIENCE_MS);
    network.then(function (response) {
      clearTimeout(timer);
      answer(response);
    }, function () {
      clearTimeout(timer);
      keptPage(request).then(function (hit) { answer(hit || offlinePage()); });
    });
  });
}

function staleWhileRevalidate(event) {
  var request = event.request;
  return caches.open(STATIC_CACHE).then(function (cache) {
    return cache.match(request, { ignoreSearch: true }).then(function (hit) {
      var refresh = fetch(request).then(function (response) {
        if (response.ok && response.type === "basic") {
          return cache.put(request, response.clone()).then(function () { return response; });
        }
        return response;
      });
      if (hit) {
        event.waitUntil(refresh.catch(function () { return null; }));
        return hit;
      }
      return refresh;
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.method !== "GET") {
    if (FORGET_PAGES_ON.indexOf(url.pathname) !== -1) {
      // Another person may sign in on this phone: the kept pages belong to the previous login.
      event.waitUntil(caches.delete(PAGE_CACHE));
    }
    return;
  }
  if (url.pathname.indexOf(STATIC_PREFIX) === 0) {
    event.respondWith(staleWhileRevalidate(event));
  } else if (request.mode === "navigate" && isOfflinePage(url)) {
    event.respondWith(networkFirst(request));
  } else if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(offlinePage));
  }
});

// A page asks to keep itself (the first visit, before this worker controlled it).
self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type !== "keep-page" || !data.url) { return; }
  var url = new URL(data.url, self.location.origin);
  if (url.origin !== self.location.origin || !isOfflinePage(url)) { return; }
  event.waitUntil(
    fetch(url.href, { credentials: "same-origin" }).then(function (response) {
      if (response.ok && !response.redirected) {
        return caches.open(PAGE_CACHE).then(function (cache) { return cache.put(url.href, response); });
      }
      return null;
    }).catch(function () { return null; })
  );
});
