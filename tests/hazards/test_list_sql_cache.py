"""The hazard list's page statement is compiled once per query shape (hazards/api/listing.py, HazardListPaginator):
a page read by the cached SQL is the page the ORM reads, for every scope, filter, order and page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from enterprises.models import Enterprise
from hazards.api import listing
from hazards.api.listing import HazardListPaginator, _shape, hazard_rows
from hazards.models import Hazard
from safety_platform.pagination import ListPaginator
from tests.clock import shanghai
from tests.hazards.factories import make_hazard

pytestmark = [pytest.mark.django_db, pytest.mark.clock(shanghai(2026, 12, 4, 10))]

URL = "/api/v1/hazards/"


@pytest.fixture(autouse=True)
def _empty_sql_cache() -> None:
    listing._PAGE_SQL.clear()


@pytest.fixture
def hazards(users: dict[str, Any], xinluo_chem: Any, shanghang_site: Any) -> list[Any]:
    inspector = users["inspector"]
    made = []
    for i in range(7):
        made.append(
            make_hazard(
                xinluo_chem,
                state=["registered", "assessed", "rectifying", "remediated"][i % 4],
                inspector=inspector,
                found_at=timezone.now() - dt.timedelta(days=i * 40),
            )
        )
    made.append(make_hazard(shanghang_site, found_at=timezone.now() - dt.timedelta(days=2)))
    voided = make_hazard(xinluo_chem, inspector=inspector)
    Hazard.objects.filter(pk=voided.pk).update(state="voided")
    voided.state = "voided"
    return [*made, voided]


def _uncached(monkeypatch: Any, client: Any, params: dict[str, str]) -> Any:
    """The page as the list read it before: hazard_rows of the list's queryset, paged by ListPaginator."""

    def read(self: HazardListPaginator, bottom: int) -> Any:
        self.object_list = hazard_rows(self.object_list)
        return ListPaginator._read(self, bottom)

    with monkeypatch.context() as patch:
        patch.setattr(HazardListPaginator, "_read", read)
        return client.get(URL, params)


CASES = [
    {},
    {"state": "rectifying"},
    {"state": ["assessed", "remediated"]},
    {"state": "voided"},
    {"open": "true"},
    {"open": "false"},
    {"grade": "general"},
    {"overdue": "false"},
    {"found_after": "2026-06-01"},
    {"ordering": "found_at"},
    {"page_size": "2"},
    {"page_size": "2", "page": "2"},
    {"page_size": "2", "page": "4"},
    {"q": "储罐"},
]


@pytest.mark.parametrize("params", CASES)
@pytest.mark.parametrize("role", ["inspector", "inspector_town", "committee", "enterprise", "department_zjj"])
def test_cached_pages_equal_the_uncached_ones(
    api_client: Any, users: dict[str, Any], hazards: list[Any], monkeypatch: Any, role: str, params: dict[str, Any]
) -> None:
    api_client.force_authenticate(users[role])
    expected = _uncached(monkeypatch, api_client, params)
    first = api_client.get(URL, params)  # compiles and keeps the statement
    again = api_client.get(URL, params)  # runs the kept statement
    assert first.status_code == again.status_code == expected.status_code
    assert first.json() == again.json() == expected.json()


# PostgreSQL only: where the driver's values need the ORM's converters (SQLite's dates), the page is read by
# the ORM every time and nothing is kept (HazardListPaginator._read).
@pytest.mark.postgres
def test_another_scope_or_filter_value_is_another_statement(
    api_client: Any, users: dict[str, Any], hazards: list[Any], xinluo_chem: Any, shanghang_site: Any
) -> None:
    """The caller's scope and the filters' values are part of the shape: a statement kept for one never answers
    another (an inspector of 新罗区 then the committee, then another enterprise)."""
    api_client.force_authenticate(users["inspector"])
    xinluo = {row["id"] for row in api_client.get(URL).json()["results"]}
    api_client.force_authenticate(users["committee"])
    every = {row["id"] for row in api_client.get(URL).json()["results"]}
    assert xinluo == {h.pk for h in hazards if h.enterprise_id == xinluo_chem.pk and h.state != "voided"}
    assert every == xinluo | {h.pk for h in hazards if h.enterprise_id == shanghang_site.pk}
    one = api_client.get(URL, {"enterprise": str(xinluo_chem.pk)}).json()["results"]
    other = api_client.get(URL, {"enterprise": str(shanghang_site.pk)}).json()["results"]
    assert {row["enterprise"] for row in one} == {xinluo_chem.pk}
    assert {row["enterprise"] for row in other} == {shanghang_site.pk}
    assert len(listing._PAGE_SQL) == 4


# PostgreSQL only: where the driver's values need the ORM's converters (SQLite's dates), the page is read by
# the ORM every time and nothing is kept (HazardListPaginator._read).
@pytest.mark.postgres
def test_a_kept_statement_is_one_query_and_no_compilation(
    api_client: Any, users: dict[str, Any], hazards: list[Any], monkeypatch: Any
) -> None:
    api_client.force_authenticate(users["inspector"])
    first = api_client.get(URL, {"state": "rectifying"}).json()

    def no_compiling(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("compiled again")

    monkeypatch.setattr(HazardListPaginator, "_capped_count_query", no_compiling)
    monkeypatch.setattr(listing, "hazard_rows", no_compiling)
    with CaptureQueriesContext(connection) as queries:
        again = api_client.get(URL, {"state": "rectifying"}).json()
    assert again == first
    assert len(queries) == 1


def test_the_time_zone_and_the_day_are_part_of_the_shape(users: dict[str, Any], hazards: list[Any]) -> None:
    queryset = Hazard.objects.visible_to(users["inspector"]).filter(found_at__date__gte="2026-06-01")
    shanghai_shape = _shape(queryset)
    with timezone.override("UTC"):
        assert _shape(queryset) != shanghai_shape
    today = timezone.localdate()
    overdue = [Hazard.objects.overdue(today=today - dt.timedelta(days=n)) for n in (0, 1)]
    assert _shape(overdue[0]) != _shape(overdue[1])


def test_a_statement_with_a_subquery_or_an_expression_is_compiled_every_time(users: dict[str, Any]) -> None:
    from django.db.models import F

    subquery = Hazard.objects.filter(enterprise__in=Enterprise.objects.filter(name__startswith="龙岩"))
    assert _shape(subquery) is None
    assert _shape(Hazard.objects.filter(closed_at__gt=F("found_at"))) is None
    assert _shape(hazard_rows(Hazard.objects.all())) is None  # rows already chosen: not the list's queryset
    assert _shape(Hazard.objects.visible_to(users["inspector"]).counted()) is not None


def test_an_empty_scope_still_answers_an_empty_page(api_client: Any, users: dict[str, Any], hazards: list[Any]) -> None:
    nobody = users["inspector_town"]
    nobody.jurisdictions.clear()
    api_client.force_authenticate(nobody)
    for _ in range(2):
        body = api_client.get(URL).json()
        assert body["count"] == 0 and body["results"] == []


def test_equal_values_of_other_types_are_other_shapes() -> None:
    """1 == True in Python, not in SQL: the values' types are part of the shape (the fields' lookups mostly make
    them one type already: is_listed=1 is is_listed=True)."""
    from hazards.api.listing import _plain_value

    ints: list[type] = []
    bools: list[type] = []
    assert _plain_value([1, "x"], ints) and _plain_value([True, "x"], bools)
    assert ints != bools
    assert _shape(Hazard.objects.filter(is_listed=True)) == _shape(Hazard.objects.filter(is_listed=1))
