"""The departments' feeds without per-request framework overhead (issue 16): no `SELECT 1` health check before
the key (the key lookup is the check, and a dead connection is still replaced), the key's SQL compiled once
(revocation still stops a key at once), plain JSON negotiated as DRF would, and the same response headers
through the whole middleware stack (auditlog's setup skipped on these reads)."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.db import connection, connections
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.test import APIRequestFactory

from credit.api.views import RatingFeedViewSet
from safety_platform.api import authentication
from safety_platform.api.authentication import api_key_by_prefix
from safety_platform.choices import ApiScope
from safety_platform.models import ApiKey
from safety_platform.services import api_key_revoke
from tests.credit.test_api import BLACKLIST, RATINGS, key


def ratings_key(org: Any) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Api-Key {key(org, ApiScope.RATINGS_READ, ApiScope.BLACKLIST_READ)}"}


# The connection health check ------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_feed_request_on_a_healthy_reused_connection_makes_no_select_1(
    api_client: Any, org: Any, monkeypatch: Any
) -> None:
    auth = ratings_key(org)
    assert api_client.get(RATINGS, **auth).status_code == 200  # connected (and, on PostgreSQL, the key's SQL cached)
    checks: list[int] = []
    wrapper = type(connections["default"])
    usable = wrapper.is_usable
    monkeypatch.setattr(wrapper, "is_usable", lambda self: checks.append(1) or usable(self))
    for url in (RATINGS, BLACKLIST):
        connection.health_check_done = False  # what Django's request_started does to a reused connection
        assert api_client.get(url, **auth).status_code == 200
    assert checks == []  # the key lookup was the check: two round trips a page, not three


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_feed_request_on_a_connection_the_database_dropped_still_answers(api_client: Any, org: Any) -> None:
    auth = ratings_key(org)
    assert api_client.get(RATINGS, **auth).status_code == 200
    pid = connection.connection.info.backend_pid
    # The database ends the idle connection (a restart, an administrator, a network drop) between two requests.
    other = connection.get_new_connection(connection.get_connection_params())
    try:
        other.autocommit = True
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
                if cursor.fetchone()[0] == 0:
                    break
                time.sleep(0.05)
    finally:
        other.close()
    connection.health_check_done = False  # a new request on the reused (now dead) connection
    response = api_client.get(RATINGS, **auth)
    assert response.status_code == 200 and response.json()["results"] == []
    assert connection.connection.info.backend_pid != pid  # replaced, as the SELECT 1 check would have done


# The key lookup -------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_key_looked_up_by_its_compiled_sql_is_the_orms_key(api_client: Any, org: Any) -> None:
    raw = key(org, ApiScope.RATINGS_READ)
    prefix = raw.split(".")[0]
    fields = [field.attname for field in ApiKey._meta.concrete_fields]
    for _ in range(2):  # the first lookup goes through the ORM (and compiles on PostgreSQL), the second not
        found = api_key_by_prefix(prefix)
        stored = ApiKey.objects.get(prefix=prefix)
        assert found is not None and [getattr(found, f) for f in fields] == [getattr(stored, f) for f in fields]
        assert found.scopes == ["ratings:read"] and found._state.db == "default" and not found._state.adding
    if connection.vendor == "postgresql":
        assert "default" in authentication._KEY_SQL
    assert api_key_by_prefix("00000000") is None


@pytest.mark.django_db
def test_a_revoked_key_stops_at_once_after_many_requests(api_client: Any, org: Any) -> None:
    raw = key(org, ApiScope.RATINGS_READ)
    auth = {"HTTP_AUTHORIZATION": f"Api-Key {raw}"}
    for _ in range(3):
        assert api_client.get(RATINGS, **auth).status_code == 200
    api_key_revoke(key=ApiKey.objects.get(prefix=raw.split(".")[0]), reason="leaked")
    response = api_client.get(RATINGS, **auth)
    assert response.status_code == 401 and response.json()["detail"] == "该接口密钥已被吊销。"
    wrong = {"HTTP_AUTHORIZATION": f"Api-Key {raw.split('.')[0]}.not-the-secret"}
    assert api_client.get(RATINGS, **wrong).json()["detail"] == "接口密钥不存在。"


# Content negotiation ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "accept", [None, "*/*", "application/json", "text/csv", "application/json; indent=2", "text/html"]
)
def test_the_feeds_negotiate_exactly_as_drf(accept: str | None) -> None:
    headers = {"HTTP_ACCEPT": accept} if accept else {}
    view = RatingFeedViewSet(action_map={"get": "list"})
    view.format_kwarg = None
    request = view.initialize_request(APIRequestFactory().get(RATINGS, **headers))
    ours = view.perform_content_negotiation(request)
    drf = DefaultContentNegotiation().select_renderer(request, view.get_renderers(), None)
    assert (type(ours[0]), ours[1]) == (type(drf[0]), drf[1])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("accept", "query", "content_type"),
    [
        (None, {}, "application/json"),
        ("*/*", {}, "application/json"),
        ("application/json", {}, "application/json"),
        ("text/csv", {}, "text/csv; charset=utf-8"),
        ("*/*", {"format": "csv"}, "text/csv; charset=utf-8"),
        ("*/*", {"format": "nope"}, "application/json"),
    ],
)
def test_plain_json_and_the_other_formats_still_answer_as_asked(
    api_client: Any, org: Any, accept: str | None, query: dict[str, str], content_type: str
) -> None:
    headers = {"HTTP_ACCEPT": accept} if accept else {}
    response = api_client.get(RATINGS, query, **ratings_key(org), **headers)
    assert response["Content-Type"] == content_type
    assert response.status_code == (400 if query.get("format") == "nope" else 200)


# The whole middleware stack ---------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("url", [RATINGS, BLACKLIST])
def test_a_feed_page_keeps_every_header_of_the_stack(api_client: Any, org: Any, url: str) -> None:
    response = api_client.get(url, **ratings_key(org))
    assert response.status_code == 200
    assert response["Vary"] == "Accept, Authorization, Cookie, Accept-Language"
    assert response["Cache-Control"] == "private, no-cache" and response["ETag"].startswith('"')
    assert response["Content-Language"] == "zh-hans" and response["X-Frame-Options"] == "DENY"
    assert response["Content-Security-Policy"].startswith("default-src 'self'")
    assert response["Allow"] == "GET, HEAD, OPTIONS" and response["X-Content-Type-Options"] == "nosniff"
    english = api_client.get(url, **ratings_key(org), HTTP_ACCEPT_LANGUAGE="en")
    assert english["Content-Language"] == "en"  # API clients keep Accept-Language
