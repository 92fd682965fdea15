"""The hazard list's rows come straight from the query (hazards/api/listing.py): the API answers exactly
what HazardSerializer (its schema) gives for the same hazards, in a constant number of queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIRequestFactory

from hazards.api.serializers import HazardSerializer
from hazards.models import Campaign, Hazard
from tests.clock import shanghai
from tests.hazards.factories import make_hazard

pytestmark = [pytest.mark.django_db, pytest.mark.clock(shanghai(2026, 12, 4, 10))]


@pytest.fixture
def hazards(users: dict[str, Any], xinluo_chem: Any) -> list[Any]:
    inspector = users["inspector"]
    campaign = Campaign.objects.create(name="专项行动", starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 12, 31))
    overdue = make_hazard(
        xinluo_chem,
        state="rectifying",
        inspector=inspector,
        found_at=timezone.now() - dt.timedelta(days=60),
    )
    past = timezone.localdate() - dt.timedelta(days=3)  # a deadline passed since it was set
    Hazard.objects.filter(pk=overdue.pk).update(campaign=campaign, is_listed=True, deadline=past)
    return [
        make_hazard(xinluo_chem),  # registered: no grade, no deadline
        make_hazard(xinluo_chem, state="assessed", inspector=inspector),
        overdue,
    ]


def test_api_list_rows_equal_the_serializer(api_client: Any, users: dict[str, Any], hazards: list[Any]) -> None:
    api_client.force_authenticate(users["inspector"])
    response = api_client.get("/api/v1/hazards/")
    assert response.status_code == 200
    rows = response.json()["results"]
    expected = HazardSerializer(
        Hazard.objects.select_related("enterprise").order_by("-found_at", "-id"),
        many=True,
        context={"request": APIRequestFactory().get("/api/v1/hazards/")},
    ).data
    assert rows == [dict(item) for item in expected]
    assert [row["is_overdue"] for row in rows] == [False, False, True]
    assert rows[2]["campaign"] is not None and rows[2]["is_listed"] is True
    assert list(rows[0]) == list(HazardSerializer.Meta.fields)


def test_api_list_ordering_parameter_still_applies(api_client: Any, users: dict[str, Any], hazards: list[Any]) -> None:
    api_client.force_authenticate(users["committee"])
    rows = api_client.get("/api/v1/hazards/", {"ordering": "found_at"}).json()["results"]
    assert [row["id"] for row in rows] == [h.pk for h in sorted(hazards, key=lambda h: (h.found_at, h.pk))]


def test_api_list_query_count_is_constant(
    api_client: Any, users: dict[str, Any], xinluo_chem: Any, hazards: list[Any], django_assert_max_num_queries: Any
) -> None:
    api_client.force_authenticate(users["inspector"])
    with django_assert_max_num_queries(4):  # the inspector's jurisdictions, the page, (a capped count)
        api_client.get("/api/v1/hazards/")
    for _ in range(5):
        make_hazard(xinluo_chem)
    with django_assert_max_num_queries(4):
        api_client.get("/api/v1/hazards/", {"page_size": 3})


def test_api_filters_give_the_rows_of_the_list_page(
    api_client: Any, client: Any, users: dict[str, Any], xinluo_chem: Any, hazards: list[Any]
) -> None:
    """The API builds only the filters a request names; the page builds them all: same hazards."""
    campaign = Campaign.objects.get()
    town = xinluo_chem.jurisdiction.parent
    api_client.force_authenticate(users["inspector"])
    client.force_login(users["inspector"])
    cases = [
        {},
        {"state": "rectifying"},
        {"state": ["assessed", "rectifying"]},
        {"open": "true"},
        {"open": "false"},
        {"overdue": "true"},
        {"listed": "true"},
        {"enterprise": str(xinluo_chem.pk)},
        {"campaign": str(campaign.pk)},
        {"jurisdiction": str(town.pk)},
        {"state": "assessed", "grade": "general", "q": xinluo_chem.name[:2]},
    ]
    for params in cases:
        api = api_client.get("/api/v1/hazards/", params)
        page = client.get("/hazards/", params)
        assert api.status_code == 200 and page.status_code == 200, params
        assert [row["id"] for row in api.json()["results"]] == [h.pk for h in page.context["page_obj"]], params
    # A bad value is refused naming its filter, whichever others are sent.
    refused = api_client.get("/api/v1/hazards/", {"state": "rectifying", "overdue": "maybe"})
    assert refused.status_code == 400 and "overdue" in refused.json()["errors"]


def test_each_column_lands_in_its_own_key() -> None:
    """hazard_dicts unpacks the rows in hazard_rows' column order: each queried column's value is its key's."""
    from hazards.api import listing

    when = dt.datetime(2026, 12, 1, 2, 3, 4, tzinfo=dt.UTC)
    row = tuple(
        when if key.endswith("_at") else dt.date(2026, 12, 1) if key == "deadline" else f"<{key}>"
        for key in listing._QUERIED_KEYS
    )
    (item,) = listing.hazard_dicts([row])
    assert tuple(item) == listing._OUTPUT_KEYS
    for key in listing._QUERIED_KEYS:
        value = row[listing._QUERIED_KEYS.index(key)]
        if isinstance(value, dt.datetime):
            assert item[key] == "2026-12-01T10:03:04+08:00", key
        elif isinstance(value, dt.date):
            assert item[key] == "2026-12-01", key
        else:
            assert item[key] == value, key
