"""Where a hazard is (issue 13 item 7): a position on the form and in the API, checked the same way, kept in
the offline draft, and drawn on the risk map with inspections, scoped and limited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from hazards.location import clean_position
from hazards.models import Hazard
from hazards.views_map import map_positions
from safety_platform.models import Jurisdiction
from safety_platform.services import DomainError
from tests.clock import shanghai
from tests.hazards.factories import make_hazard

pytestmark = [pytest.mark.django_db, pytest.mark.clock(shanghai(2026, 12, 4, 10))]

ROOT = Path(__file__).resolve().parents[2]


# The check ------------------------------------------------------------------------------------------


def test_a_pair_inside_longyan_is_kept_to_the_micro_degree_and_nothing_is_nothing() -> None:
    assert clean_position("25.07512345", "117.0174") == (Decimal("25.075123"), Decimal("117.017400"))
    assert clean_position("", None) == (None, None)
    # The box's edges are inside; a hair beyond is not.
    assert clean_position("24.2", "115.7") == (Decimal("24.200000"), Decimal("115.700000"))


@pytest.mark.parametrize(
    ("lat", "lon", "field"),
    [
        ("25.1", "", "longitude"),  # half a pair
        ("", "117.0", "latitude"),
        ("39.9042", "117.0", "latitude"),  # Beijing's latitude
        ("25.1", "121.47", "longitude"),  # Shanghai's longitude
        ("24.199999", "117.0", "latitude"),
        ("25.1", "117.900001", "longitude"),
        ("北纬25度", "117.0", "latitude"),
        ("NaN", "117.0", "latitude"),
        ("1e30", "117.0", "latitude"),  # beyond Decimal's precision at six places: was an InvalidOperation
        ("25.1", "-99999999999999999999999.5", "longitude"),
    ],
)
def test_half_a_pair_or_a_point_outside_longyan_is_refused_naming_the_field(lat: str, lon: str, field: str) -> None:
    with pytest.raises(DomainError) as exc:
        clean_position(lat, lon)
    assert (exc.value.field, exc.value.code) == (field, "invalid")


# The form -------------------------------------------------------------------------------------------


def form_data(enterprise: Any, **extra: Any) -> dict[str, Any]:
    return {"enterprise": enterprise.pk, "title": "液氯钢瓶间通风失效", "location": "钢瓶间", **extra}


def test_the_form_records_the_position_and_the_hazard_page_shows_it(
    client: Any, users: dict[str, Any], xinluo_chem: Any
) -> None:
    client.force_login(users["inspector"])
    page = client.get(reverse("hazards:create")).content.decode()
    assert 'name="latitude"' in page and "data-use-position" in page and "hazards/position.js" in page
    response = client.post(
        reverse("hazards:create"), form_data(xinluo_chem, latitude="25.1012345", longitude="117.0395")
    )
    hazard = Hazard.objects.get()
    assert response.status_code == 302 and response["Location"] == hazard.get_absolute_url()
    assert (hazard.latitude, hazard.longitude) == (Decimal("25.101235"), Decimal("117.039500"))
    detail = client.get(hazard.get_absolute_url()).content.decode()
    assert 'data-testid="position"' in detail and "25.101235" in detail


def test_a_hazard_without_a_position_is_still_logged(client: Any, users: dict[str, Any], xinluo_chem: Any) -> None:
    client.force_login(users["inspector"])
    assert client.post(reverse("hazards:create"), form_data(xinluo_chem)).status_code == 302
    hazard = Hazard.objects.get()
    assert hazard.latitude is None and hazard.longitude is None


def test_bad_positions_are_form_errors_on_their_field_and_nothing_is_saved(
    client: Any, users: dict[str, Any], xinluo_chem: Any
) -> None:
    client.force_login(users["inspector"])
    response = client.post(reverse("hazards:create"), form_data(xinluo_chem, latitude="25.1"))
    assert response.status_code == 200 and "longitude" in response.context["form"].errors
    response = client.post(
        reverse("hazards:create"),
        form_data(xinluo_chem, latitude="31.23", longitude="121.47"),
        HTTP_X_REQUESTED_WITH="fetch",
    )
    assert response.status_code == 400 and "latitude" in response.json()["errors"]
    assert not Hazard.objects.exists()


def test_a_retried_phone_submission_keeps_one_hazard_with_its_position(
    client: Any, users: dict[str, Any], xinluo_chem: Any
) -> None:
    client.force_login(users["enterprise"])
    data = {"title": "配电房门未上锁", "client_key": "draft-7", "latitude": "25.098", "longitude": "117.033"}
    first = client.post(reverse("hazards:create"), data, HTTP_X_REQUESTED_WITH="fetch")
    again = client.post(reverse("hazards:create"), data, HTTP_X_REQUESTED_WITH="fetch")
    assert first.json()["ok"] and again.json()["url"] == first.json()["url"]
    assert list(Hazard.objects.values_list("latitude", "longitude")) == [(Decimal("25.098000"), Decimal("117.033000"))]


def test_the_offline_draft_keeps_the_position_and_the_button_asks_only_when_pressed() -> None:
    """The draft keeps every named field of the form (offline-form.js); the button fills the two fields and
    fires "change", which saves the draft; the phone is asked inside the click handler only."""
    draft = (ROOT / "hazards/static/hazards/offline-form.js").read_text(encoding="utf-8")
    assert 'form.addEventListener("change"' in draft and "el.name" in draft
    script = (ROOT / "hazards/static/hazards/position.js").read_text(encoding="utf-8")
    click = script.index('button.addEventListener("click"')
    assert script.index("getCurrentPosition") > click  # never on page load
    assert 'new Event("change", { bubbles: true })' in script
    from hazards.offline import OFFLINE_ASSETS

    assert "hazards/position.js" in OFFLINE_ASSETS  # the form works offline with its button


# The API --------------------------------------------------------------------------------------------


def test_the_api_takes_and_returns_the_position(api_client: Any, users: dict[str, Any], xinluo_chem: Any) -> None:
    api_client.force_authenticate(users["inspector"])
    created = api_client.post(
        "/api/v1/hazards/",
        {"enterprise": xinluo_chem.pk, "title": "反应釜安全阀未校验", "latitude": 25.1012, "longitude": 117.0395},
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (Decimal(str(body["latitude"])), Decimal(str(body["longitude"]))) == (
        Decimal("25.1012"),
        Decimal("117.0395"),
    )
    listed = api_client.get("/api/v1/hazards/").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert Decimal(str(rows[0]["latitude"])) == Decimal("25.1012")


@pytest.mark.parametrize(
    ("position", "field"),
    [
        ({"latitude": 25.1}, "longitude"),
        ({"latitude": 39.9, "longitude": 116.4}, "latitude"),
        ({"latitude": "x", "longitude": 117}, "latitude"),
        ({"latitude": 1e30, "longitude": 117}, "latitude"),  # found by the schema's fuzzing: was a 500
    ],
)
def test_the_api_refuses_half_a_pair_or_a_point_outside_longyan_with_a_400_naming_the_field(
    api_client: Any, users: dict[str, Any], xinluo_chem: Any, position: dict[str, Any], field: str
) -> None:
    api_client.force_authenticate(users["inspector"])
    response = api_client.post(
        "/api/v1/hazards/", {"enterprise": xinluo_chem.pk, "title": "x", **position}, format="json"
    )
    assert response.status_code == 400 and field in str(response.json())
    assert not Hazard.objects.exists()


def test_a_pushed_hazard_carries_its_position_and_a_bad_one_is_refused(api_client: Any, push_key: str) -> None:
    headers = {"HTTP_AUTHORIZATION": f"Api-Key {push_key}", "HTTP_IDEMPOTENCY_KEY": "DCS-9"}
    bad = api_client.post("/api/v1/hazards/push/", {"title": "DCS报警", "longitude": 117.03}, format="json", **headers)
    assert bad.status_code == 400 and "latitude" in str(bad.json()) and not Hazard.objects.exists()
    body = {"title": "DCS报警", "latitude": "25.0990", "longitude": "117.0310"}
    pushed = api_client.post("/api/v1/hazards/push/", body, format="json", **headers)
    assert pushed.status_code == 201, pushed.json()
    assert Hazard.objects.values_list("latitude", flat=True).get() == Decimal("25.099000")


# The map --------------------------------------------------------------------------------------------


def place(hazard: Any, lat: str, lon: str) -> Any:
    Hazard.objects.filter(pk=hazard.pk).update(latitude=Decimal(lat), longitude=Decimal(lon))
    return hazard


def inspect(enterprise: Any, inspector: Any, lat: str | None, lon: str | None) -> Any:
    from supervision.models import Inspection

    return Inspection.objects.create(
        enterprise=enterprise,
        inspected_on=dt.date(2026, 3, 2),
        inspector=inspector,
        created_by=inspector,
        latitude=Decimal(lat) if lat else None,
        longitude=Decimal(lon) if lon else None,
    )


def test_the_map_shows_open_hazards_by_grade_and_inspections_in_the_users_scope(
    client: Any, users: dict[str, Any], world: dict[str, Any], org: Any
) -> None:
    chem, shanghang = world["xinluo_chem"], world["shanghang_site"]
    inspector = users["inspector"]
    major = place(make_hazard(chem, state="assessed", grade="major", inspector=inspector), "25.1010", "117.0390")
    general = place(make_hazard(chem, state="assessed", inspector=inspector), "25.1020", "117.0400")
    unplaced = make_hazard(chem, state="assessed", inspector=inspector)
    closed = place(make_hazard(chem, state="assessed", inspector=inspector), "25.1", "117.0")
    Hazard.objects.filter(pk=closed.pk).update(state="closed", closed_at=closed.found_at)
    elsewhere = place(make_hazard(shanghang, state="registered"), "25.0500", "116.4200")
    seen = inspect(chem, inspector, "25.1015", "117.0395")
    inspect(chem, inspector, None, None)

    client.force_login(inspector)  # covers 新罗区 only
    page = client.get(reverse("hazards:risk_map")).content.decode()
    assert 'id="position-map"' in page and "hazards/position-map.js" in page
    data = client.get(reverse("hazards:map_points")).json()
    assert {h["id"]: h["grade"] for h in data["hazards"]} == {major.pk: "major", general.pk: "general"}
    assert not {unplaced.pk, closed.pk} & {h["id"] for h in data["hazards"]}
    assert [i["id"] for i in data["inspections"]] == [seen.pk]
    assert data["hazards"][0]["url"].startswith("/")
    # Another county's map is not the inspector's to open.
    assert client.get(reverse("hazards:map_points"), {"node": org.jurisdiction("上杭县").pk}).status_code == 404

    client.force_login(users["committee"])
    city = client.get(reverse("hazards:map_points")).json()
    assert elsewhere.pk in {h["id"] for h in city["hazards"]}
    county = client.get(reverse("hazards:map_points"), {"node": org.jurisdiction("上杭县").pk}).json()
    assert [h["id"] for h in county["hazards"]] == [elsewhere.pk] and county["inspections"] == []

    client.force_login(users["enterprise"])
    assert client.get(reverse("hazards:map_points")).status_code == 403


def test_the_map_is_limited_to_the_latest_points_in_a_bounded_number_of_queries(
    client: Any, users: dict[str, Any], world: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    chem = world["xinluo_chem"]
    for i in range(6):
        place(make_hazard(chem, state="registered", title=f"隐患{i}"), f"25.10{i}", "117.0390")
        inspect(chem, users["inspector"], f"25.10{i}", "117.0380")
    data = map_positions(users["committee"], Jurisdiction.objects.get(parent__isnull=True), limit=4)
    assert len(data["hazards"]) == 4 and data["hazards_truncated"]
    assert len(data["inspections"]) == 4 and data["inspections_truncated"]
    assert [h["title"] for h in data["hazards"]] == ["隐患5", "隐患4", "隐患3", "隐患2"]  # newest first
    client.force_login(users["inspector"])
    with django_assert_max_num_queries(8):
        response = client.get(reverse("hazards:map_points"))
    assert response.status_code == 200 and len(response.json()["hazards"]) == 6


# The demo -------------------------------------------------------------------------------------------


def test_the_demo_hazards_and_inspections_carry_positions_in_longyan() -> None:
    from safety_platform.management.commands.seed_demo import seed_demo
    from supervision.models import Inspection

    seed_demo()
    seed_demo()  # idempotent: nothing moves on a second run
    placed = list(Hazard.objects.filter(latitude__isnull=False).values_list("pk", "latitude", "longitude"))
    assert placed and Hazard.objects.filter(latitude__isnull=True).exists()  # a few, not all
    inspections = list(Inspection.objects.filter(latitude__isnull=False).values_list("latitude", "longitude"))
    assert inspections
    for lat, lon in [(lat, lon) for _pk, lat, lon in placed] + inspections:
        assert clean_position(lat, lon) == (lat, lon)
