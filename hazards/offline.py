"""The service worker that lets the hazard form open and work without a network (DESIGN §3b).

Served by Django (not as a static file) for three reasons: the asset and page URLs in it come from
`{% static %}` and `{% url %}`; its cache names carry a fingerprint of the files it keeps, so a
deployment that changes one of them installs a new worker that fetches them afresh; and the
`Service-Worker-Allowed` header lets a worker served under /hazards/ control the whole site (it
must see logins and logouts to forget the pages kept for the previous person).
"""

from __future__ import annotations

import functools
import hashlib

from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import quote_etag
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

# The files the form needs offline, as paths under STATIC_URL (the fonts are what the icons CSS loads).
OFFLINE_ASSETS = (
    "vendor/bootstrap/css/bootstrap.min.css",
    "vendor/bootstrap-icons/bootstrap-icons.min.css",
    "vendor/bootstrap-icons/fonts/bootstrap-icons.woff2",
    "css/platform.css",
    "favicon.svg",
    "vendor/bootstrap/js/bootstrap.bundle.min.js",
    "js/outbox.js",
    "hazards/outbox.js",
    "hazards/offline-form.js",
    "hazards/position.js",
    "js/picker.js",
)


@functools.cache
def assets_fingerprint() -> str:
    """A short hash of the kept files' contents (computed once per process)."""
    digest = hashlib.sha256()
    for name in OFFLINE_ASSETS:
        found = finders.find(name)
        if isinstance(found, str):
            with open(found, "rb") as handle:
                digest.update(handle.read())
    return digest.hexdigest()[:12]


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    # No request context: browsers fetch this after navigations to check for updates, and it
    # needs neither the session nor the menu (no database query).
    script = render_to_string(
        "hazards/service-worker.js",
        {"assets": OFFLINE_ASSETS, "version": assets_fingerprint(), "LANGUAGE_CODE": get_language()},
    )
    response = HttpResponse(script, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    patch_vary_headers(response, ("Cookie", "Accept-Language"))
    etag = quote_etag(hashlib.sha256(script.encode()).hexdigest()[:32])
    response["ETag"] = etag
    conditional = get_conditional_response(request, etag=etag, response=response)
    return response if conditional is None else conditional  # None only when no response is handed in
