"""The departments' feeds at speed (issue 16): rows straight from the query yet exactly the serializers'
answer, keyset pages by row comparison, sync correct when rows share `updated_at`, and no database write
per request for the key use log."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.renderers import JSONRenderer

from credit.api.feed import BLACKLIST_COLUMNS, RATING_COLUMNS, blacklist_dicts, rating_dicts
from credit.api.pagination import after_cursor
from credit.api.serializers import BlacklistEntrySerializer, RatingSerializer
from credit.choices import BlacklistStatus
from credit.models import BlacklistEntry, CreditRating
from credit.services import credit_rating_recalculate
from safety_platform.api import key_usage
from safety_platform.choices import ApiScope
from safety_platform.models import ApiKey, ApiKeyUse
from tests.clock import shanghai
from tests.credit import test_api
from tests.credit.test_api import BLACKLIST, RATINGS, entry, get, key, pull_all
from tests.factories import EnterpriseFactory

pytestmark = [pytest.mark.django_db, pytest.mark.clock(shanghai(2026, 12, 4, 10))]

world = test_api.world
fgw = test_api.fgw


@pytest.fixture(autouse=True)
def _fresh_use_log() -> Any:
    """Each test starts with no buffered uses (other tests' keys leave theirs in this process)."""
    key_usage.reset_for_tests()
    yield
    key_usage.reset_for_tests()


def more_rows(org: Any, rule_set: Any, count: int) -> None:
    for _ in range(count):
        enterprise = EnterpriseFactory(jurisdiction=org.jurisdiction("新罗区"), industry=org.industry("C2614"))
        entry(enterprise, rule_set, BlacklistStatus.ACTIVE)
        credit_rating_recalculate(enterprise_id=enterprise.pk)


def writes(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if q["sql"].split()[0].upper() in ("INSERT", "UPDATE")]


# Rows straight from the query are the serializers' rows ------------------------------------------


def test_feed_rows_are_exactly_what_the_serializers_give(world: dict[str, Any], rule_set: Any, org: Any) -> None:
    # A listing proposed by rule has no department; a removed one has a removal date and reason.
    orphan = EnterpriseFactory(jurisdiction=org.jurisdiction("新罗区"), industry=org.industry("C2614"))
    entry(orphan, rule_set, BlacklistStatus.ACTIVE, department=None, origin="rule")
    entries = BlacklistEntry.objects.published().order_by("updated_at", "pk")
    lean = blacklist_dicts(entries.values_list(*BLACKLIST_COLUMNS))
    assert lean == [dict(BlacklistEntrySerializer(e).data) for e in entries]
    assert {row["listing_department"] for row in lean} >= {None} and {r["removal_reason"] for r in lean} == {
        "",
        "expired",
    }
    ratings = CreditRating.objects.order_by("updated_at", "pk")
    lean = rating_dicts(ratings.values_list(*RATING_COLUMNS))
    assert lean == [dict(RatingSerializer(r).data) for r in ratings]
    assert [list(row) for row in lean] == [test_api.RATING_FIELDS] * 3  # the key order too


@pytest.mark.parametrize(
    ("url", "model", "serializer"),
    [
        (BLACKLIST, BlacklistEntry, BlacklistEntrySerializer),
        (
            RATINGS,
            CreditRating,
            RatingSerializer,
        ),
    ],
)
def test_feed_page_body_is_byte_for_byte_the_serializers_page(
    url: str, model: Any, serializer: Any, api_client: Any, world: dict[str, Any], fgw: dict[str, str]
) -> None:
    response = get(api_client, url, fgw, page_size=2)
    assert response["Content-Type"] == "application/json"
    body = response.json()
    objects = model.objects.filter(pk__in=[row["id"] for row in body["results"]]).order_by("updated_at", "pk")
    expected = {
        "next": body["next"],
        "sync_cursor": body["sync_cursor"],
        "results": serializer(objects, many=True).data,
    }
    assert response.content == JSONRenderer().render(expected)


# Keyset pages: the row comparison, ties on updated_at ----------------------------------------------


def test_cursor_filter_is_a_row_comparison(world: dict[str, Any]) -> None:
    cursor = (timezone.now(), 7)
    sql = str(after_cursor(CreditRating.objects.all(), cursor).query)
    if connection.vendor == "postgresql":
        # One bound on the (updated_at, id) index, not `updated_at > X OR (updated_at = X AND id > Y)`.
        assert '("credit_creditrating"."updated_at", "credit_creditrating"."id") > (' in sql
        assert " OR " not in sql
    else:  # SQLite has no row-value lookups in Django: the same rows by the expanded form
        assert "updated_at" in sql and " OR " in sql


@pytest.mark.postgres
def test_deep_page_is_an_index_range_scan_starting_at_the_cursor(
    api_client: Any, world: dict[str, Any], fgw: dict[str, str]
) -> None:
    cursor = (timezone.now() - dt.timedelta(days=1), 3)
    for queryset, index in (
        (CreditRating.objects.all(), "credit_rating_sync"),
        (BlacklistEntry.objects.published(), "credit_blacklist_sync"),
    ):
        page = after_cursor(queryset, cursor).order_by("updated_at", "pk")[:101]
        sql, params = page.query.sql_with_params()
        with connection.cursor() as db:
            # A few rows: tell the planner that reading the whole table (and sorting) is dear, as it is
            # at 100,000 ratings (bench/credit_feeds.py).
            db.execute("SET enable_seqscan = off; SET enable_bitmapscan = off")
            try:
                db.execute("EXPLAIN " + sql, params)
                plan = "\n".join(row[0] for row in db.fetchall())
            finally:
                db.execute("RESET enable_seqscan; RESET enable_bitmapscan")
        assert f"Index Scan using {index}" in plan, plan
        # The cursor is the scan's start (Index Cond), not a filter over every row before it.
        assert "Index Cond: (ROW(updated_at, id) > ROW(" in plan, plan


def test_sync_is_correct_when_many_rows_share_updated_at(
    api_client: Any, world: dict[str, Any], fgw: dict[str, str], org: Any, rule_set: Any
) -> None:
    from credit.api import pagination

    pagination._COMPILED.clear()
    more_rows(org, rule_set, 7)
    # A nightly run stamps many rows with one instant: every page boundary falls inside the tie.
    stamp = timezone.now() - dt.timedelta(minutes=5)
    CreditRating.objects.update(updated_at=stamp)
    rows, cursor = pull_all(api_client, RATINGS, fgw, page_size=3)
    ids = [row["id"] for row in rows]
    assert ids == sorted(CreditRating.objects.values_list("id", flat=True))  # each once, by id within the tie
    assert get(api_client, RATINGS, fgw, cursor=cursor).json()["results"] == []
    # Two of the tied rows change: the next pull returns exactly those two.
    changed = ids[2:4]
    CreditRating.objects.filter(pk__in=changed).update(updated_at=stamp + dt.timedelta(seconds=1))
    again, _cursor = pull_all(api_client, RATINGS, fgw, cursor=cursor, page_size=1)
    assert [row["id"] for row in again] == changed
    if connection.vendor == "postgresql":
        # A department key without filters: after the first page of each shape (first page, by cursor; one
        # size or another), the SQL compiled once ran, and every row still came once, in order.
        shapes = {(key[0], key[2]) for key in pagination._COMPILED}  # (view, by cursor)
        assert shapes == {("RatingFeedViewSet", False), ("RatingFeedViewSet", True)}


# Query counts ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [BLACKLIST, RATINGS])
def test_a_feed_page_is_two_queries_once_the_key_is_logged(
    url: str,
    api_client: Any,
    org: Any,
    rule_set: Any,
    world: dict[str, Any],
    fgw: dict[str, str],
    django_assert_num_queries: Any,
) -> None:
    more_rows(org, rule_set, 12)
    get(api_client, url, fgw)  # the key's first use in this window is written at once
    for size in (5, 50):
        get(api_client, url, fgw, page_size=size)  # on PostgreSQL, the first page of a shape checks its SQL
        # The API key, then the page: no count, no write, nothing per row.
        with django_assert_num_queries(2):
            response = get(api_client, url, fgw, page_size=size)
        total = (CreditRating.objects.all() if url == RATINGS else BlacklistEntry.objects.published()).count()
        assert response.status_code == 200 and len(response.json()["results"]) == min(size, total)


# The key use log: no write per read -------------------------------------------------------------------


def test_twenty_feed_requests_make_one_write_of_the_use_log(
    api_client: Any, world: dict[str, Any], fgw: dict[str, str]
) -> None:
    with CaptureQueriesContext(connection) as first:
        assert get(api_client, RATINGS, fgw).status_code == 200
    with CaptureQueriesContext(connection) as rest:
        for index in range(19):
            assert get(api_client, BLACKLIST if index % 2 else RATINGS, fgw, page_size=10).status_code == 200
    # The first request of the minute writes its use (one INSERT, and "last used" as it was never set).
    assert [sql.split()[0] for sql in writes(first)] == ["INSERT", "UPDATE"]
    assert writes(rest) == []  # the other 19 only append to the buffer
    assert ApiKeyUse.objects.count() == 1
    # At the end of the window the buffer is written in one INSERT; "last used" was stamped under a minute ago.
    with CaptureQueriesContext(connection) as flush:
        assert key_usage.api_key_use_flush() == 19
    assert [sql.split()[0] for sql in writes(flush)] == ["INSERT", "UPDATE"]
    uses = list(ApiKeyUse.objects.order_by("at", "id"))
    assert len(uses) == 20 and uses[1].path.startswith(RATINGS) and uses[2].path.startswith(BLACKLIST)
    assert ApiKey.objects.get().last_used_at == uses[-1].at  # admins see the latest use


def test_the_next_request_after_the_window_writes_the_buffer(
    api_client: Any, world: dict[str, Any], fgw: dict[str, str], monkeypatch: Any
) -> None:
    now = [1000.0]
    monkeypatch.setattr(key_usage, "_clock", lambda: now[0])
    get(api_client, RATINGS, fgw)
    now[0] += 59
    get(api_client, RATINGS, fgw)
    assert ApiKeyUse.objects.count() == 1
    now[0] += 2  # the key's minute is over
    with CaptureQueriesContext(connection) as queries:
        get(api_client, BLACKLIST, fgw)
    assert len(writes(queries)) == 1  # one INSERT of both uses; "last used" is under a minute old
    assert ApiKeyUse.objects.count() == 3


def test_each_key_has_its_own_window(api_client: Any, org: Any, world: dict[str, Any], fgw: dict[str, str]) -> None:
    other = {"HTTP_AUTHORIZATION": f"Api-Key {key(org, ApiScope.RATINGS_READ)}"}
    get(api_client, RATINGS, fgw)
    get(api_client, RATINGS, other)  # another key's first use: logged at once too
    assert ApiKeyUse.objects.values("key").distinct().count() == 2


def test_the_background_flush_writes_a_quiet_keys_uses(
    transactional_db: Any, api_client: Any, org: Any, settings: Any
) -> None:
    """A key that goes quiet still shows its last uses within the window (here 0.3 s instead of 60)."""
    import time

    settings.API_KEY_USE_FLUSH_SECONDS = 0.3
    settings.API_KEY_USE_BACKGROUND_FLUSH = True
    auth = {"HTTP_AUTHORIZATION": f"Api-Key {key(org, ApiScope.RATINGS_READ)}"}
    for _ in range(3):
        assert get(api_client, RATINGS, auth).status_code == 200
    assert ApiKeyUse.objects.count() == 1
    deadline = time.monotonic() + 10
    while ApiKeyUse.objects.count() < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert ApiKeyUse.objects.count() == 3
