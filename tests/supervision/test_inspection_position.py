"""Where an inspection was (issue 13 item 7): a point chosen on the county map or typed must lie in Longyan,
refused naming the field otherwise; the forms offer the county map; the phone's outbox gets JSON answers and a
resend is still one inspection; the dashboards' map draws the points from a capped, scoped endpoint whose
queries do not grow with the points."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hazards.location import LONGYAN_BOUNDS
from hazards.models import Checklist, Hazard
from safety_platform.services import DomainError
from supervision.models import Inspection
from tests.hazards.factories import make_hazard
from tests.hazards.test_hazard_location import inspect, place
from tests.supervision.test_inspections import make_chem_checklist, record
from tests.supervision.test_inspections_pages import form_data, new_url

pytestmark = pytest.mark.django_db

FETCH = {"HTTP_X_REQUESTED_WITH": "fetch", "HTTP_ACCEPT": "application/json"}


@pytest.fixture
def clock() -> Any:
    from tests.clock import frozen, shanghai

    with frozen(shanghai(2026, 6, 15, 10)) as moment:
        yield moment


@pytest.fixture
def chem_checklist(org: Any) -> Checklist:
    return make_chem_checklist(org)


# The check on the server ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lat", "lon", "field"),
    [
        ("39.9042", "116.4074", "latitude"),  # Beijing
        ("25.0", "121.47", "longitude"),  # at sea east of Fujian
        ("25.1", "", "longitude"),  # half a pair
    ],
)
def test_an_inspection_outside_longyan_is_refused_naming_the_field(
    clock: Any, users: dict[str, Any], xinluo_chem: Any, chem_checklist: Checklist, lat: str, lon: str, field: str
) -> None:
    with pytest.raises(DomainError) as exc:
        record(users, xinluo_chem, chem_checklist, latitude=lat, longitude=lon)
    assert (exc.value.code, exc.value.field) == ("invalid", field)
    assert not Inspection.objects.exists()


def test_the_form_refuses_a_point_outside_longyan_on_its_field_and_keeps_one_inside(
    clock: Any, client: Any, users: dict[str, Any], xinluo_chem: Any, chem_checklist: Checklist
) -> None:
    client.force_login(users["inspector"])
    response = client.post(new_url(xinluo_chem), form_data(chem_checklist, latitude="25.1", longitude="118.2"))
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-field="latitude"' in page and "龙岩" in page and "经度" in page
    assert not Inspection.objects.exists()
    response = client.post(new_url(xinluo_chem), form_data(chem_checklist, latitude="25.1", longitude="117.9"))
    assert response.status_code == 302
    assert Inspection.objects.values_list("longitude", flat=True).get() == Decimal("117.900000")


# Picking on the map ------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["inspector", "enterprise"])
def test_both_forms_offer_the_county_map_whose_bounds_are_the_servers(
    clock: Any, client: Any, users: dict[str, Any], xinluo_chem: Any, chem_checklist: Checklist, who: str
) -> None:
    client.force_login(users[who])
    box = LONGYAN_BOUNDS
    bounds = f'data-bounds="{box.min_lat},{box.max_lat},{box.min_lon},{box.max_lon}"'
    pages = [reverse("hazards:create")] + ([new_url(xinluo_chem)] if who == "inspector" else [])
    for url in pages:
        page = client.get(url).content.decode()
        assert "data-map-pick" in page and bounds in page and "js/locate.js" in page, url
        assert "在地图上选点" in page and "使用我的位置" in page and "<script>" not in page
        assert f'data-geojson="{reverse("hazards:county_map")}"' in page
    geo = client.get(reverse("hazards:county_map"))
    assert geo.status_code == 200 and geo["Content-Type"] == "application/geo+json"
    names = {f["properties"]["name"] for f in json.loads(b"".join(geo.streaming_content))["features"]}
    assert {"新罗区", "上杭县", "永定区"} <= names


def test_the_county_map_needs_a_login(client: Any) -> None:
    response = client.get(reverse("hazards:county_map"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# The phone's outbox ------------------------------------------------------------------------------------


def test_the_outbox_gets_json_and_a_resend_is_still_one_inspection(
    clock: Any, client: Any, users: dict[str, Any], xinluo_chem: Any, chem_checklist: Checklist
) -> None:
    client.force_login(users["inspector"])
    first = client.post(new_url(xinluo_chem), form_data(chem_checklist, client_key="phone-1"), **FETCH)
    assert first.status_code == 200 and first.json()["ok"] is True
    inspection = Inspection.objects.get()
    assert first.json()["url"] == reverse("supervision:inspection_detail", args=[inspection.pk])
    again = client.post(new_url(xinluo_chem), form_data(chem_checklist, client_key="phone-1"), **FETCH)
    assert again.json() == first.json() and Inspection.objects.count() == 1
    assert inspection.answers.exclude(photo="").count() == 1  # the photo came with the kept submission

    refused = client.post(
        new_url(xinluo_chem), form_data(chem_checklist, client_key="phone-2", inspected_on="2099-01-01"), **FETCH
    )
    assert refused.status_code == 400 and refused.json()["ok"] is False
    assert list(refused.json()["errors"]) == ["inspected_on"]
    assert Inspection.objects.count() == 1


# The dashboards' map ------------------------------------------------------------------------------------


def test_the_committee_dashboard_map_overlays_the_points_from_the_scoped_endpoint(
    client: Any, users: dict[str, Any]
) -> None:
    client.force_login(users["committee"])
    page = client.get(reverse("assessment:dashboard")).content.decode()
    assert f'data-points="{reverse("hazards:map_points")}?node=' in page
    assert 'data-testid="dashboard-map-points"' in page and "最近" in page


def test_the_points_cost_the_same_queries_for_2_or_12_points_and_name_code_grade_and_enterprise(
    clock: Any, client: Any, users: dict[str, Any], xinluo_chem: Any
) -> None:
    chem = xinluo_chem
    inspector = users["inspector"]
    client.force_login(users["committee"])

    def count() -> tuple[int, dict[str, Any]]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("hazards:map_points"))
        assert response.status_code == 200
        return len(queries), response.json()

    for i in range(2):
        place(
            make_hazard(chem, state="assessed", title=f"隐患{i}", grade="major", inspector=inspector),
            f"25.10{i}",
            "117.0390",
        )
        inspect(chem, inspector, f"25.10{i}", "117.0380")
    few, _ = count()
    for i in range(2, 12):
        place(make_hazard(chem, state="registered", title=f"隐患{i}"), f"25.1{i:02d}", "117.0390")
        inspect(chem, inspector, f"25.1{i:02d}", "117.0380")
    many, data = count()
    assert few == many
    assert len(data["hazards"]) == 12 and len(data["inspections"]) == 12
    tips = next(h for h in data["hazards"] if h["grade"] == "major")
    assert tips["code"] and tips["enterprise"] == chem.name and tips["grade_label"] == "重大隐患"
    assert Hazard.objects.filter(latitude__isnull=False).count() == 12
