"""The departments' feed pages without the framework around them (issue 16: ≥ 0.7× a bare WSGI app).

What a department's system sends all day — `GET /api/v1/credit/ratings/` or `/blacklist/` with its API key,
plain JSON, at most `cursor` and `page_size`, no cookie — is answered here, from
`safety_platform.middleware.FastPathMiddleware`, before the session, locale, CSRF, auth, messages and audit
middleware and DRF's request wrapper run: together they cost more CPU than the page's SQL and JSON.

It is the same answer, not a second implementation of it: the key is looked up and checked by the API's
own function and rules, the rows come from the views' own querysets, columns, row formatters and keyset
paginator, and the body is rendered by the same JSON renderer, so status, body, ETag and every header are
those of the full stack (tests/credit/test_feed_fast_path.py compares them byte for byte). Anything else —
another key kind, a filter, a format, a bad cursor or page size, an unknown, revoked or expired key, a key
without the scope, a signed-in browser — returns None and goes through the full stack, which answers it
(errors included) as before.
"""

from __future__ import annotations

import hmac
from types import SimpleNamespace
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from rest_framework.exceptions import ValidationError

from safety_platform.api.authentication import KEYWORD, api_key_by_prefix
from safety_platform.api.key_usage import api_key_use_record
from safety_platform.models.apikeys import ApiClient, hash_api_secret

from .pagination import DeferredQuerySet, SyncCursorPagination
from .views import (
    _JSON,
    _PLAIN_JSON_ACCEPTS,
    BlacklistFeedViewSet,
    RatingFeedViewSet,
    _FeedViewSet,
    if_none_match,
    page_etag,
)

_PLAIN_PARAMETERS = frozenset({"cursor", "page_size"})
_PREFIX = KEYWORD.lower() + " "


def ratings_page(request: HttpRequest) -> HttpResponse | None:
    return _page(request, RatingFeedViewSet)


def blacklist_page(request: HttpRequest) -> HttpResponse | None:
    return _page(request, BlacklistFeedViewSet)


def _page(request: HttpRequest, viewset: type[_FeedViewSet]) -> HttpResponse | None:
    meta = request.META
    header = meta.get("HTTP_AUTHORIZATION", "")
    if (
        request.method != "GET"
        or meta.get("HTTP_COOKIE")  # a signed-in browser
        or meta.get("HTTP_ACCEPT", "*/*") not in _PLAIN_JSON_ACCEPTS
        or header[: len(_PREFIX)].lower() != _PREFIX
        or not _PLAIN_PARAMETERS.issuperset(request.GET)
    ):
        return None
    request.get_host()  # CommonMiddleware's check: a host not allowed is a 400 here too
    parts = header.split()
    if len(parts) != 2 or "." not in parts[1]:
        return None
    prefix, _dot, secret = parts[1].partition(".")
    key = api_key_by_prefix(prefix)
    if (
        key is None
        or not hmac.compare_digest(key.hashed_secret, hash_api_secret(secret))
        or key.is_revoked
        or key.is_expired
        or key.enterprise_id is not None
    ):
        return None
    client = ApiClient(key)
    if not client.has_scope(str(viewset.api_key_read_scope)):  # type: ignore[attr-defined]
        return None
    api_key_use_record(key=key, method="GET", path=request.get_full_path())

    view = viewset()
    drf_request = SimpleNamespace(
        query_params=request.GET, user=client, build_absolute_uri=request.build_absolute_uri, META=meta
    )
    view.request = drf_request  # type: ignore[assignment]
    paginator = SyncCursorPagination()
    queryset: Any = viewset.queryset
    # Scoped as the view scopes it; built only if the page's SQL for this key's shape is not cached yet.
    scoped = DeferredQuerySet(queryset.db, lambda: queryset.all().visible_to(client))
    try:
        page = paginator.paginate_queryset(scoped, drf_request, view)
    except ValidationError:
        return None  # a bad cursor or page size: the full stack names the field
    body = _JSON.render(paginator.get_paginated_data(view.feed_dicts(page)))
    etag = page_etag(body)
    headers = {
        "ETag": etag,
        "Cache-Control": "private, no-cache",
        "Allow": "GET, HEAD, OPTIONS",
        "X-Frame-Options": "DENY",
    }
    if etag in if_none_match(meta.get("HTTP_IF_NONE_MATCH", "")):
        response = HttpResponse(status=304, headers=headers)
        del response["Content-Type"]  # DRF's empty body declares no type
    else:
        response = HttpResponse(body, content_type=_JSON.media_type, headers=headers)
    response["Content-Length"] = str(len(response.content))  # CommonMiddleware's
    # What the skipped middleware would have added: DRF's Vary, then the locale's language.
    patch_vary_headers(response, ("Accept", "Authorization", "Cookie", "Accept-Language"))
    response["Content-Language"] = translation.get_language_from_request(request)
    return response
