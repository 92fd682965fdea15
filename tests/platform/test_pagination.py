"""The one paginator of every list: no full COUNT of a large result, exact totals where small."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.paginator import EmptyPage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hazards.models import Hazard
from safety_platform import pagination
from safety_platform.models import Jurisdiction
from safety_platform.pagination import ListPaginator
from tests.clock import shanghai
from tests.hazards.factories import make_hazard

pytestmark = [pytest.mark.django_db, pytest.mark.clock(shanghai(2026, 12, 4, 10))]


def _counts(queries: list[dict[str, Any]], table: str = "") -> list[str]:
    return [q["sql"] for q in queries if "COUNT(" in q["sql"].upper() and (not table or f'"{table}"' in q["sql"])]


def test_a_large_result_is_counted_only_up_to_the_cap(reference: Any) -> None:
    rows = Jurisdiction.objects.order_by("id")
    total = rows.count()
    assert total > 20  # the Longyan reference tree
    paginator = ListPaginator(rows, 4, count_cap=10)
    page = paginator.page(1)
    assert len(page) == 4 and page.has_next() and not page.has_previous()
    assert paginator.count is None and paginator.num_pages is None and paginator.count_label == "10+"
    assert (page.start_index(), page.end_index()) == (1, 4)
    assert [j.pk for j in paginator.page(2)] == [j.pk for j in rows[4:8]]


def test_the_last_page_gives_the_exact_total_without_counting(reference: Any) -> None:
    rows = Jurisdiction.objects.order_by("id")
    total = rows.count()
    last = (total + 3) // 4
    paginator = ListPaginator(rows, 4, count_cap=10)
    with CaptureQueriesContext(connection) as ctx:
        page = paginator.page(last)
        assert paginator.count == total and paginator.num_pages == last
    assert not page.has_next() and page.end_index() == total
    assert len(ctx.captured_queries) == 1 and not _counts(ctx.captured_queries)
    with pytest.raises(EmptyPage):
        ListPaginator(rows, 4, count_cap=10).page(last + 1)


def test_a_small_result_is_counted_exactly(reference: Any) -> None:
    rows = Jurisdiction.objects.order_by("id")
    total = rows.count()
    paginator = ListPaginator(rows, 4, count_cap=total)
    paginator.page(1)
    assert paginator.count == total and paginator.count_label == str(total)
    # Past the end: the last page when the total is known; a bad number: page 1.
    assert paginator.get_page(10_000).number == paginator.num_pages
    assert ListPaginator(rows, 4, count_cap=10).get_page(10_000).number == 1
    assert ListPaginator(rows, 4).get_page("x").number == 1


@pytest.fixture
def six_hazards(users: dict[str, Any], xinluo_chem: Any, monkeypatch: Any) -> list[Any]:
    monkeypatch.setattr(pagination, "COUNT_CAP", 3)
    return [make_hazard(xinluo_chem) for _ in range(6)]


def test_hazard_api_beyond_the_cap_pages_on_without_a_full_count(
    api_client: Any, users: dict[str, Any], six_hazards: list[Any]
) -> None:
    api_client.force_authenticate(users["committee"])
    with CaptureQueriesContext(connection) as ctx:
        response = api_client.get("/api/v1/hazards/", {"page_size": 2})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] is None and body["next"] and len(body["results"]) == 2
    counts = _counts(ctx.captured_queries)
    assert counts and all(re.search(r"\bLIMIT 4\b", sql) for sql in counts), counts
    # The last page knows the total from its rows.
    last = api_client.get("/api/v1/hazards/", {"page_size": 2, "page": 3}).json()
    assert last["count"] == 6 and last["next"] is None and last["previous"]
    refused = api_client.get("/api/v1/hazards/", {"page_size": 2, "page": "last"})
    assert refused.status_code == 400 and "page" in refused.json()["errors"]
    past = api_client.get("/api/v1/hazards/", {"page_size": 2, "page": 9})
    assert past.status_code == 400 and "page" in past.json()["errors"]


def test_hazard_api_query_count_does_not_grow_with_the_rows(
    api_client: Any, users: dict[str, Any], xinluo_chem: Any, django_assert_max_num_queries: Any
) -> None:
    api_client.force_authenticate(users["inspector"])
    make_hazard(xinluo_chem)
    with CaptureQueriesContext(connection) as small:
        assert api_client.get("/api/v1/hazards/").status_code == 200
    for _ in range(4):
        make_hazard(xinluo_chem)
    with django_assert_max_num_queries(len(small.captured_queries) + 1):  # + the capped count of a full page
        assert api_client.get("/api/v1/hazards/", {"page_size": 2}).status_code == 200


def test_hazard_page_beyond_the_cap_shows_a_capped_total_and_a_next_link(
    client: Any, users: dict[str, Any], six_hazards: list[Any], monkeypatch: Any
) -> None:
    monkeypatch.setattr("hazards.views.PAGE_SIZE", 2)
    client.force_login(users["committee"])
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("hazards:list"))
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count is None  # 6 > the cap of 3
    assert re.search(r'data-testid="total">3\+<', html)
    assert "page=2" in html and "第 1 页" in html and "共" not in html.split("第 1 页", 1)[1][:10]
    counts = _counts(ctx.captured_queries, "hazards_hazard")
    assert counts and all(re.search(r"\bLIMIT 4\b", sql) for sql in counts), counts
    assert Hazard.objects.count() == 6


def test_hazard_page_small_list_shows_the_exact_total(client: Any, users: dict[str, Any], xinluo_chem: Any) -> None:
    make_hazard(xinluo_chem)
    make_hazard(xinluo_chem)
    client.force_login(users["committee"])
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("hazards:list"))
    assert re.search(r'data-testid="total">2<', response.content.decode())
    # Fewer rows than a page: the total comes from the rows read, with no COUNT over hazards.
    assert not _counts(ctx.captured_queries, "hazards_hazard")


LIST_PAGES = [
    "hazards:list",
    "hazards:risk_list",
    "hazards:campaign_list",
    "hazards:selfcheck_list",
    "hazards:stats_list",
    "enterprises:list",
    "credit:overview",
    "credit:records",
    "credit:blacklist",
    "supervision:inspections",
    "credit:feed_usage",
    "emergency:team_list",
    "emergency:warehouse_list",
    "emergency:ledger",
    "emergency:alert_list",
    "emergency:dispatch_list",
    "emergency:accident_list",
    "emergency:warning_list",
    "emergency:plan_list",
    "emergency:overdue_enterprises",
    "notifications",
]


@pytest.mark.parametrize("name", LIST_PAGES)
def test_every_list_page_uses_the_one_paginator(client: Any, users: dict[str, Any], name: str) -> None:
    client.force_login(users["admin"])
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse(name))
    assert response.status_code == 200, name
    assert isinstance(response.context["page_obj"].paginator, ListPaginator), name
    # No list counts its rows without a bound (aggregates over the rows, e.g. per-status figures, are not lists).
    unbounded = [
        sql
        for sql in _counts(ctx.captured_queries)
        if sql.startswith("SELECT COUNT(*) FROM (SELECT") and not re.search(r"LIMIT \d+\) subquery$", sql)
    ]
    assert not unbounded, unbounded


@pytest.mark.parametrize(
    "shape",
    [
        lambda rows: rows,
        lambda rows: rows.values("id", "name"),
        lambda rows: rows.values_list("id", "name"),
        lambda rows: rows.values_list("id", flat=True),  # cannot carry the count: counted apart, same figures
    ],
    ids=["models", "values", "values_list", "flat"],
)
def test_count_with_page_reads_the_same_page_and_total_in_one_statement(reference: Any, shape: Any) -> None:
    rows = shape(Jurisdiction.objects.order_by("id"))
    total = Jurisdiction.objects.count()
    for cap, number in ((10, 1), (10, 2), (total, 1), (total + 5, 1)):
        plain = ListPaginator(rows, 4, count_cap=cap)
        expected = list(plain.page(number))
        together = ListPaginator(rows, 4, count_cap=cap, count_with_page=True)
        with CaptureQueriesContext(connection) as ctx:
            page = together.page(number)
            count = together.count
        assert list(page) == expected and count == plain.count, (cap, number)
        assert count == (total if cap >= total else None)
        flat = rows._iterable_class.__name__.startswith("Flat")
        assert len(ctx.captured_queries) == (2 if flat else 1), ctx.captured_queries
        if not flat:  # the rows carry no extra column
            assert not hasattr(page[0], pagination.COUNT_COLUMN) and pagination.COUNT_COLUMN not in str(page[0])
    # The last page beyond the cap: the exact total from its rows.
    last = (total + 3) // 4
    paginator = ListPaginator(rows, 4, count_cap=3, count_with_page=True)
    assert len(paginator.page(last)) == total - (last - 1) * 4 and paginator.count == total


def test_count_with_page_of_a_filter_that_matches_nothing_is_an_empty_page(reference: Any) -> None:
    # An inspector with no areas is scoped to `pk__in=[]`; the list must answer an empty page, not a 500.
    paginator = ListPaginator(Jurisdiction.objects.filter(pk__in=[]), 4, count_with_page=True)
    with CaptureQueriesContext(connection) as ctx:
        page = paginator.page(1)
    assert list(page) == [] and paginator.count == 0
    assert len(ctx.captured_queries) == 0


def test_hazard_api_page_and_capped_count_in_one_statement(
    api_client: Any, users: dict[str, Any], six_hazards: list[Any]
) -> None:
    api_client.force_authenticate(users["committee"])
    with CaptureQueriesContext(connection) as ctx:
        body = api_client.get("/api/v1/hazards/", {"page_size": 2}).json()
    hazards = [q["sql"] for q in ctx.captured_queries if '"hazards_hazard"' in q["sql"]]
    assert len(hazards) == 1 and re.search(r"\bLIMIT 4\b", hazards[0]), hazards
    assert body["count"] is None and len(body["results"]) == 2 and body["next"]
    with CaptureQueriesContext(connection) as ctx:
        body = api_client.get("/api/v1/hazards/", {"page_size": 2, "state": "registered"}).json()
    assert body["count"] is None  # 6 registered > the cap of 3
