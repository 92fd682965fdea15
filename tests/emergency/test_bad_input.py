"""Bad input found by fuzzing the API (schemathesis): each is a 400 naming the field (or a form message),
never a 500, and never a record that can no longer be read back."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from emergency.models import Accident, AccidentRevision, SupplyItem
from emergency.services import accident_report, dispatch_request
from tests.clock import shanghai

pytestmark = [pytest.mark.django_db, pytest.mark.clock(shanghai(2026, 12, 4, 10))]


@pytest.fixture
def accident(users: dict[str, Any], xinluo_chem: Any) -> Accident:
    return accident_report(
        actor=users["inspector"],
        title="储罐泄漏",
        category="hazardous_chemicals",
        occurred_at=timezone.now() - dt.timedelta(hours=2),
        reported_at=timezone.now() - dt.timedelta(hours=1),
        location="储罐区",
        enterprise=xinluo_chem,
        direct_loss_yuan="350000",
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        # 16 digits fit the column but not SQLite's 15-digit REAL: the row could not be read back.
        ("direct_loss_yuan", "99999999999999.99"),
        ("deaths", 10**12),
        ("serious_injuries", 2**40),
    ],
)
def test_api_supplement_beyond_the_storable_range_is_a_400_and_the_accident_stays_readable(
    api_client: Any, users: dict[str, Any], accident: Accident, field: str, value: Any
) -> None:
    api_client.force_authenticate(users["inspector"])
    url = f"/api/v1/emergency/accidents/{accident.pk}/"
    response = api_client.post(f"{url}supplement/", {field: value}, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    assert api_client.get(url).status_code == 200
    assert AccidentRevision.objects.filter(accident=accident).count() == 1


def test_api_report_with_an_absurd_casualty_count_is_a_400_naming_the_field(
    api_client: Any, users: dict[str, Any], xinluo_chem: Any
) -> None:
    api_client.force_authenticate(users["enterprise"])
    response = api_client.post(
        "/api/v1/emergency/accidents/",
        {
            "title": "火灾",
            "category": "fire",
            "occurred_at": (timezone.now() - dt.timedelta(hours=1)).isoformat(),
            "location": "仓库",
            "deaths": 10**12,
        },
        format="json",
    )
    assert response.status_code == 400, response.content
    assert "deaths" in response.json()["errors"]
    assert not Accident.objects.exists()


@pytest.mark.parametrize("loss", ["1e30", "99999999999999.99"])
def test_web_supplement_with_an_out_of_range_loss_is_a_message_and_keeps_the_figures(
    client: Any, users: dict[str, Any], accident: Accident, loss: str
) -> None:
    client.force_login(users["inspector"])
    response = client.post(
        reverse("emergency:accident_supplement", args=[accident.pk]),
        {
            "sup-deaths": "0",
            "sup-serious_injuries": "0",
            "sup-minor_injuries": "0",
            "sup-missing": "0",
            "sup-direct_loss_yuan": loss,
        },
        follow=True,
    )
    assert response.status_code == 200
    assert any(m.level_tag == "error" for m in response.context["messages"])
    accident.refresh_from_db()
    assert (accident.revision, str(accident.direct_loss_yuan)) == (1, "350000.00")


@pytest.mark.parametrize("path", ["/api/v1/emergency/plans/", "/api/v1/emergency/accidents/"])
@pytest.mark.parametrize("value", ["4.060576308553753e+43", str(10**30), "1.5", "-1"])
def test_api_enterprise_filter_refuses_what_is_not_an_id_with_a_400(
    api_client: Any, users: dict[str, Any], path: str, value: str
) -> None:
    api_client.force_authenticate(users["committee"])
    response = api_client.get(path, {"enterprise": value})
    assert response.status_code == 400, response.content
    assert "enterprise" in response.json()["errors"]


def test_api_enterprise_filter_still_selects_one_enterprise(
    api_client: Any, users: dict[str, Any], accident: Accident, shanghang_site: Any
) -> None:
    api_client.force_authenticate(users["committee"])
    mine = api_client.get("/api/v1/emergency/accidents/", {"enterprise": accident.enterprise_id}).json()
    other = api_client.get("/api/v1/emergency/accidents/", {"enterprise": shanghang_site.pk}).json()
    assert ([row["id"] for row in mine["results"]], other["results"]) == ([accident.pk], [])


def test_enterprise_does_not_see_dispatch_orders_of_its_accident_that_it_may_not_open(
    client: Any, users: dict[str, Any], org: Any, accident: Accident
) -> None:
    order = dispatch_request(
        actor=users["inspector"],
        title="东城化工泄漏处置物资",
        requesting_jurisdiction=org.jurisdiction("新罗区"),
        destination="东城化工",
        lines=[(SupplyItem.objects.get(code="tent"), 2)],
        accident=accident,
    )
    client.force_login(users["inspector"])
    assert order.number in client.get(accident.get_absolute_url()).content.decode()
    client.force_login(users["enterprise"])
    assert client.get(order.get_absolute_url()).status_code == 404
    page = client.get(accident.get_absolute_url())
    assert page.status_code == 200
    assert order.number not in page.content.decode()
    assert order.title not in page.content.decode()


def test_api_response_log_refuses_a_dispatch_order_the_user_may_not_see(
    api_client: Any, users: dict[str, Any], org: Any, accident: Accident
) -> None:
    other_county = dispatch_request(
        actor=users["committee"],
        title="上杭县防汛物资",
        requesting_jurisdiction=org.jurisdiction("上杭县"),
        destination="临江镇",
        lines=[(SupplyItem.objects.get(code="tent"), 2)],
    )
    api_client.force_authenticate(users["enterprise"])
    url = f"/api/v1/emergency/accidents/{accident.pk}/log/"
    response = api_client.post(url, {"action": "调拨物资", "dispatch_order": other_county.pk}, format="json")
    assert response.status_code == 400, response.content
    assert "dispatch_order" in response.json()["errors"]
    assert api_client.get(url).json() == []


@pytest.mark.parametrize("big", [10**30, 2**40])
def test_api_stock_quantities_beyond_the_column_range_are_a_400(
    api_client: Any, users: dict[str, Any], xinluo_store: Any, big: int
) -> None:
    api_client.force_authenticate(users["committee"])
    base = f"/api/v1/emergency/warehouses/{xinluo_store.pk}"
    for step, body, field in [
        ("receive", {"item": "tent", "quantity": big}, "quantity"),
        ("minimum", {"item": "tent", "min_quantity": big}, "min_quantity"),
        ("issue", {"item": "tent", "quantity": big, "kind": "consume"}, "quantity"),
    ]:
        response = api_client.post(f"{base}/{step}/", body, format="json")
        assert response.status_code == 400, (step, response.content)
        assert field in response.json()["errors"], step
    assert api_client.get(f"{base}/stock/").status_code == 200


def test_stock_services_refuse_quantities_beyond_the_column_range(users: dict[str, Any], xinluo_store: Any) -> None:
    from django.core.exceptions import ValidationError

    from emergency.services import stock_receive, warehouse_set_minimum

    tent = SupplyItem.objects.get(code="tent")
    with pytest.raises(ValidationError) as exc:
        stock_receive(actor=users["committee"], warehouse=xinluo_store, item=tent, quantity=2**31)
    assert "quantity" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        warehouse_set_minimum(actor=users["committee"], warehouse=xinluo_store, item=tent, min_quantity=2**31)
    assert "min_quantity" in exc.value.message_dict


HUGE_ID = "99999999999999999999999"


def test_a_huge_id_in_a_multiple_choice_is_a_form_error_not_a_500(
    client: Any, users: dict[str, Any], world: dict[str, Any]
) -> None:
    """Every form that takes several ids (specialties, member skills, source warehouses, teams deployed,
    warning jurisdictions and industries): an id beyond the integer range is refused like an unknown one."""
    from emergency.models import EmergencyWarning, RescueTeam

    client.force_login(users["committee"])
    team, order, accident = world["xinluo_team"], world["xinluo_order"], world["chem_accident"]
    order.status = "requested"  # as if not approved yet, so the approval form is live
    order.save(update_fields=["status"])
    warnings_before, teams_before = EmergencyWarning.objects.count(), RescueTeam.objects.count()
    posts = [
        (reverse("emergency:team_create"), {"name": "新队", "kind": "social", "specialties": [HUGE_ID]}),
        (reverse("emergency:team_member_add", args=[team.pk]), {"name": "队员", "skills": [HUGE_ID]}),
        (reverse("emergency:dispatch_approve", args=[order.pk]), {"approve-source_warehouses": [HUGE_ID]}),
        (reverse("emergency:accident_log", args=[accident.pk]), {"log-action": "到场", "log-teams": [HUGE_ID]}),
        (
            reverse("emergency:warning_create"),
            {"title": "预警", "kind": "weather", "level": "blue", "content": "雷电", "jurisdictions": [HUGE_ID]},
        ),
        (
            reverse("emergency:warning_create"),
            {
                "title": "预警",
                "kind": "weather",
                "level": "blue",
                "content": "雷电",
                "jurisdictions": [world["xinluo_store"].jurisdiction_id],
                "industries": [HUGE_ID],
            },
        ),
    ]
    for url, data in posts:
        response = client.post(url, data, follow=True)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert HUGE_ID[:20] in page or "alert-danger" in page or "is-invalid" in page, url
    assert EmergencyWarning.objects.count() == warnings_before
    assert RescueTeam.objects.count() == teams_before
    assert not accident.response_log.filter(action="到场").exists()
