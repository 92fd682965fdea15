"""The departments' plain feed pages answered before the rest of the stack (issue 16, credit/api/fast.py):
the very answer of the full stack — status, body and every header, byte for byte — for what a department's
system sends; everything else still goes through DRF as before."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from rest_framework.renderers import JSONRenderer
from rest_framework.test import APIClient

from credit.api import pagination
from credit.models.blacklist import BlacklistEntryQuerySet
from safety_platform.api import key_usage
from safety_platform.choices import ApiScope
from safety_platform.models import ApiKey
from safety_platform.services import api_key_revoke
from tests.clock import shanghai
from tests.credit import test_api
from tests.credit.test_api import BLACKLIST, RATINGS, key
from tests.fast_path import WITHOUT_FAST_PATH

pytestmark = [pytest.mark.django_db, pytest.mark.clock(shanghai(2026, 12, 4, 10))]

world = test_api.world


@pytest.fixture(autouse=True)
def _fresh_use_log() -> Any:
    key_usage.reset_for_tests()
    yield
    key_usage.reset_for_tests()


def both(url: str, params: dict[str, str] | None = None, **headers: str) -> tuple[Any, Any]:
    """The same request through the stack with the fast path and through the stack without it."""
    fast = APIClient().get(url, params or {}, **headers)
    with override_settings(MIDDLEWARE=WITHOUT_FAST_PATH):
        full = APIClient().get(url, params or {}, **headers)
    return fast, full


def assert_same(fast: Any, full: Any) -> None:
    assert fast.status_code == full.status_code
    assert fast.content == full.content
    assert dict(fast.headers) == dict(full.headers)


@pytest.mark.parametrize("url", [RATINGS, BLACKLIST])
def test_a_plain_page_is_the_full_stacks_answer_without_drf(
    world: dict[str, Any], org: Any, drf_calls: list[str], url: str
) -> None:
    auth = {"HTTP_AUTHORIZATION": f"Api-Key {key(org, ApiScope.RATINGS_READ, ApiScope.BLACKLIST_READ)}"}
    fast, full = both(url, **auth)
    assert fast.status_code == 200 and fast.json()["results"]
    assert_same(fast, full)
    assert drf_calls == [url]  # only the full stack's request went through DRF

    # The next page by its link, a small page, English, an ETag already held (304, no body), `*/*`.
    first = APIClient().get(url, {"page_size": "1"}, **auth).json()
    assert first["next"]
    for params, extra in (
        ({"page_size": "1"}, {}),
        (dict(item.split("=") for item in first["next"].split("?")[1].split("&")), {}),
        ({}, {"HTTP_ACCEPT_LANGUAGE": "en", "HTTP_ACCEPT": "application/json"}),
        ({}, {"HTTP_IF_NONE_MATCH": fast["ETag"], "HTTP_ACCEPT": "*/*"}),
    ):
        drf_calls.clear()
        fast, full = both(url, params, **auth, **extra)
        assert_same(fast, full)
        assert drf_calls == [url]
    assert fast.status_code == 304 and fast.content == b""


def test_the_fast_path_reads_the_key_and_the_page_and_logs_the_use(world: dict[str, Any], org: Any) -> None:
    auth = {"HTTP_AUTHORIZATION": f"Api-Key {key(org, ApiScope.RATINGS_READ)}"}
    client = APIClient()
    assert client.get(RATINGS, **auth).status_code == 200  # the key's and the page's SQL compiled
    with CaptureQueriesContext(connection) as queries:
        assert client.get(RATINGS, **auth).status_code == 200
    assert len(queries) <= 2  # the key, the page: nothing written on the read path
    key_usage.api_key_use_flush()
    assert ApiKey.objects.get().last_used_at is not None


@pytest.mark.parametrize(
    ("params", "headers", "status"),
    [
        ({"grade": "1"}, {}, 200),  # a filter
        ({"format": "csv"}, {}, 200),  # a file
        ({"cursor": "not-a-cursor"}, {}, 400),
        ({"page_size": "0"}, {}, 400),
        ({}, {"HTTP_ACCEPT": "text/html"}, 200),  # the browsable API
        ({}, {"HTTP_COOKIE": "sessionid=abc"}, 200),
        ({}, {"HTTP_AUTHORIZATION": "Api-Key nope.nope"}, 401),
        ({}, {"HTTP_AUTHORIZATION": "Api-Key malformed"}, 401),
        ({}, {"HTTP_AUTHORIZATION": "Token abc"}, 401),
    ],
)
def test_anything_else_goes_through_the_full_stack(
    world: dict[str, Any], org: Any, drf_calls: list[str], params: dict[str, str], headers: dict[str, str], status: int
) -> None:
    auth = {"HTTP_AUTHORIZATION": f"Api-Key {key(org, ApiScope.RATINGS_READ)}", **headers}
    fast, full = both(RATINGS, params, **auth)
    assert fast.status_code == status
    assert full.status_code == status
    assert drf_calls == [RATINGS, RATINGS]


def test_a_key_without_the_scope_revoked_or_of_an_enterprise_is_refused_by_the_full_stack(
    world: dict[str, Any], org: Any, drf_calls: list[str]
) -> None:
    other_scope = {"HTTP_AUTHORIZATION": f"Api-Key {key(org, ApiScope.BLACKLIST_READ)}"}
    assert APIClient().get(RATINGS, **other_scope).status_code == 403
    raw = key(org, ApiScope.RATINGS_READ)
    revoked = {"HTTP_AUTHORIZATION": f"Api-Key {raw}"}
    assert APIClient().get(RATINGS, **revoked).status_code == 200
    api_key_revoke(key=ApiKey.objects.get(prefix=raw.split(".")[0]))
    assert APIClient().get(RATINGS, **revoked).status_code == 401
    assert drf_calls == [RATINGS, RATINGS]


def test_a_page_with_line_or_paragraph_separators_is_escaped_as_drf_escapes_them(
    world: dict[str, Any], org: Any
) -> None:
    """The feeds render with safety_platform.api.renderers.PlatformJSONRenderer (orjson, which does not escape
    U+2028/U+2029): a page that has them still reads `\\u2028` / `\\u2029`, DRF's very bytes."""
    listed = world["listed"]
    listed.reason = "暂扣期间擅自生产\u2028拒不整改\u2029"
    listed.save()
    auth = {"HTTP_AUTHORIZATION": f"Api-Key {key(org, ApiScope.BLACKLIST_READ)}"}
    fast, full = both(BLACKLIST, **auth)
    assert_same(fast, full)
    assert "\u2028".encode() not in fast.content and "\u2029".encode() not in fast.content
    assert b"\\u2028" in fast.content and b"\\u2029" in fast.content
    assert fast.content == JSONRenderer().render(fast.json())  # DRF's own renderer, byte for byte
    reasons = {row["reason"] for row in fast.json()["results"]}
    assert "暂扣期间擅自生产\u2028拒不整改\u2029" in reasons


@pytest.mark.postgres  # the compiled page SQL is kept on PostgreSQL only (credit.api.pagination)
def test_a_page_of_a_cached_shape_does_not_build_the_scoped_queryset_again(
    world: dict[str, Any], org: Any, monkeypatch: Any
) -> None:
    """The page's SQL is compiled once per shape (credit.api.pagination); building the scoped queryset for it on
    every request was wasted work (the blacklist's `visible_to` adds a filter). The first page still builds it,
    so what a key reads is scoped as before: never a proposal."""
    monkeypatch.setattr(pagination, "_COMPILED", {})
    built: list[Any] = []
    visible_to = BlacklistEntryQuerySet.visible_to

    def spy(self: Any, user: Any) -> Any:
        built.append(user)
        return visible_to(self, user)

    monkeypatch.setattr(BlacklistEntryQuerySet, "visible_to", spy)
    auth = {"HTTP_AUTHORIZATION": f"Api-Key {key(org, ApiScope.BLACKLIST_READ)}"}
    client = APIClient()
    first = client.get(BLACKLIST, **auth)
    assert len(built) == 1  # compiled from the scoped queryset
    again = client.get(BLACKLIST, **auth)
    assert len(built) == 1  # the cached SQL: no queryset built
    assert again.content == first.content
    statuses = sorted(row["status"] for row in again.json()["results"])
    assert statuses == ["active", "removed"]  # the proposal stays out
    with override_settings(MIDDLEWARE=WITHOUT_FAST_PATH):
        assert APIClient().get(BLACKLIST, **auth).content == again.content
