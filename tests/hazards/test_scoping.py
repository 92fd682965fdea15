"""Every hazards page and endpoint, for every role: each sees exactly its scope; out of scope is 404."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from hazards.models import Checklist, SelfCheck
from hazards.services import risk_source_save, stat_report_get_or_create
from tests.clock import shanghai
from tests.factories import UserFactory
from tests.hazards.conftest import EXPECTED
from tests.hazards.factories import image_upload

pytestmark = [pytest.mark.django_db, pytest.mark.clock(shanghai(2026, 12, 4, 10))]

ROLES = sorted(EXPECTED)


@pytest.fixture
def records(world: dict[str, Any], users: dict[str, Any], org: Any) -> dict[str, dict[str, Any]]:
    """For each enterprise: a hazard with a photo, a risk source, a self-check, a statistics report."""
    checklist = Checklist.objects.create(name="通用清单")
    out: dict[str, dict[str, Any]] = {}
    shanghang_inspector = UserFactory(username="insp_sh", role="inspector")
    shanghang_inspector.jurisdictions.add(org.jurisdiction("上杭县"))
    yongding_inspector = UserFactory(username="insp_yd", role="inspector")
    yongding_inspector.jurisdictions.add(org.jurisdiction("永定区"))
    inspectors = {
        "xinluo_chem": users["inspector"],
        "xinluo_site": users["inspector"],
        "shanghang_site": shanghang_inspector,
        "yongding_mine": yongding_inspector,
    }
    from hazards.services import hazard_log

    for key, enterprise in world.items():
        hazard = hazard_log(
            actor=inspectors[key],
            enterprise=enterprise,
            title=f"隐患-{key}",
            description="x" * 20,
            photos=[image_upload()],
        )
        risk = risk_source_save(
            actor=inspectors[key],
            enterprise=enterprise,
            data={
                "name": f"风险点-{key}",
                "method": "lec",
                "lec_l": "3",
                "lec_e": "6",
                "lec_c": "15",
                "control_measures": "巡检",
                "responsible_person": "张",
            },
        )
        check = SelfCheck.objects.create(enterprise=enterprise, checklist=checklist)
        report = stat_report_get_or_create(enterprise=enterprise, kind="quarter", year=2025, quarter=4)
        out[key] = {
            "hazard": hazard,
            "attachment": hazard.attachments.get(),
            "risk": risk,
            "check": check,
            "report": report,
        }
    return out


@pytest.mark.parametrize("role", ROLES)
def test_hazard_list_page_shows_only_scope(role: str, client: Any, users: dict[str, Any], records: Any) -> None:
    client.force_login(users[role])
    body = client.get(reverse("hazards:list")).content.decode()
    for key in records:
        assert (f"隐患-{key}" in body) == (key in EXPECTED[role]), (role, key)


@pytest.mark.parametrize("role", ROLES)
def test_detail_pages_are_404_outside_scope(role: str, client: Any, users: dict[str, Any], records: Any) -> None:
    client.force_login(users[role])
    for key, rec in records.items():
        expected = 200 if key in EXPECTED[role] else 404
        urls = [
            reverse("hazards:detail", args=[rec["hazard"].pk]),
            reverse("hazards:attachment", args=[rec["attachment"].pk]),
            reverse("hazards:risk_detail", args=[rec["risk"].pk]),
            reverse("hazards:risk_card", args=[rec["risk"].pk]),
            reverse("hazards:selfcheck_detail", args=[rec["check"].pk]),
            reverse("hazards:stats_detail", args=[rec["report"].pk]),
        ]
        for url in urls:
            assert client.get(url).status_code == expected, (role, key, url)


@pytest.mark.parametrize("role", ROLES)
def test_writes_outside_scope_are_404(role: str, client: Any, users: dict[str, Any], records: Any) -> None:
    client.force_login(users[role])
    for key, rec in records.items():
        if key in EXPECTED[role]:
            continue
        hazard = rec["hazard"]
        for action in ("assess", "close", "list"):
            response = client.post(reverse("hazards:act", args=[hazard.pk, action]), {})
            assert response.status_code == 404, (role, key, action)
        assert client.post(reverse("hazards:plan", args=[hazard.pk]), {"goal": "x"}).status_code == 404
        assert client.get(reverse("hazards:risk_edit", args=[rec["risk"].pk])).status_code == 404
        # A new card code: roles that never edit risk sources are refused outright, editors see no such source.
        regenerate = client.post(reverse("hazards:risk_card_regenerate", args=[rec["risk"].pk])).status_code
        assert regenerate == (404 if role in ("inspector", "inspector_town", "enterprise") else 403), (role, key)
        assert client.post(reverse("hazards:stats_detail", args=[rec["report"].pk]), {}).status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_list_pages_show_only_scope(role: str, client: Any, users: dict[str, Any], records: Any) -> None:
    client.force_login(users[role])
    risk = client.get(reverse("hazards:risk_list")).content.decode()
    stats = client.get(reverse("hazards:stats_list")).content.decode()
    checks = client.get(reverse("hazards:selfcheck_list")).content.decode()
    for key, rec in records.items():
        visible = key in EXPECTED[role]
        assert (f"风险点-{key}" in risk) == visible, (role, key)
        assert (reverse("hazards:stats_detail", args=[rec["report"].pk]) in stats) == visible, (role, key)
        assert (reverse("hazards:selfcheck_detail", args=[rec["check"].pk]) in checks) == visible, (role, key)


@pytest.mark.parametrize("role", ROLES)
def test_staff_pages_by_role(role: str, client: Any, users: dict[str, Any], records: Any) -> None:
    client.force_login(users[role])
    staff = role != "enterprise"
    for name in ("hazards:risk_map", "hazards:plausibility"):
        assert client.get(reverse(name)).status_code == (200 if staff else 403), (role, name)
    assert client.get(reverse("hazards:campaign_list")).status_code == 200
    can_log = role in ("inspector", "inspector_town", "enterprise")
    assert client.get(reverse("hazards:create")).status_code == (200 if can_log else 403)
    assert client.get(reverse("hazards:risk_create")).status_code == (200 if can_log else 403)


def test_enterprise_panel_and_home_widget_are_scoped(client: Any, users: dict[str, Any], records: Any) -> None:
    from tests.hazards.test_web import render_panel

    body = render_panel(users["inspector"], records["xinluo_chem"]["hazard"].enterprise)
    assert "隐患-xinluo_chem" in body and "隐患-xinluo_site" not in body
    assert "隐患-xinluo_chem" not in render_panel(users["department_zjj"], records["xinluo_chem"]["hazard"].enterprise)
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    from hazards.views import home_widget_context
    from safety_platform.navigation import enterprise_panels_for, home_widgets_for

    for role in ROLES:
        assert "hazards" in {w.key for w in home_widgets_for(users[role])}
        assert "hazards" in {p.key for p in enterprise_panels_for(users[role])}
    request = RequestFactory().get("/")
    request.user = users["inspector"]
    widget = {"template": "hazards/_home_widget.html", **home_widget_context(request)}
    home = render_to_string("hazards/_home_widget.html", {"widget": widget}, request=request)
    assert 'data-testid="widget-open">2<' in home


def test_inspector_cannot_drill_the_risk_map_outside_own_area(client: Any, users: dict[str, Any], org: Any) -> None:
    client.force_login(users["inspector_town"])
    assert client.get(reverse("hazards:risk_map") + f"?node={org.jurisdiction('上杭县').pk}").status_code == 404
    assert client.get(reverse("hazards:risk_map") + f"?node={org.jurisdiction('新罗区').pk}").status_code == 404
    own = org.jurisdiction("新罗区/东城街道")
    assert client.get(reverse("hazards:risk_map") + f"?node={own.pk}").status_code == 200


# API ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_api_lists_and_details_are_scoped(role: str, api_client: Any, users: dict[str, Any], records: Any) -> None:
    api_client.force_authenticate(users[role])
    endpoints = {
        "/api/v1/hazards/": ("hazard", "title", "隐患-"),
        "/api/v1/risk-sources/": ("risk", "name", "风险点-"),
        "/api/v1/hazard-statistics/": ("report", "id", None),
    }
    for url, (field, attr, prefix) in endpoints.items():
        response = api_client.get(url, {"page_size": 100})
        assert response.status_code == 200, (role, url)
        got = {row[attr] for row in response.json()["results"]}
        expected = {
            (f"{prefix}{key}" if prefix else records[key][field].pk) for key in records if key in EXPECTED[role]
        }
        assert got == expected, (role, url)
        for key, rec in records.items():
            detail = api_client.get(f"{url}{rec[field].pk}/")
            assert detail.status_code == (200 if key in EXPECTED[role] else 404), (role, url, key)


@pytest.mark.parametrize("role", ROLES)
def test_api_steps_outside_scope_are_404(role: str, api_client: Any, users: dict[str, Any], records: Any) -> None:
    api_client.force_authenticate(users[role])
    for key, rec in records.items():
        if key in EXPECTED[role]:
            continue
        pk = rec["hazard"].pk
        for step in ("assess", "close", "list-supervision", "plan"):
            method = api_client.put if step == "plan" else api_client.post
            assert method(f"/api/v1/hazards/{pk}/{step}/", {}, format="json").status_code == 404, (role, step)


def test_risk_map_api_is_for_supervisors_and_scoped(
    api_client: Any, users: dict[str, Any], records: Any, org: Any
) -> None:
    api_client.force_authenticate(users["enterprise"])
    assert api_client.get("/api/v1/risk-map/").status_code == 403
    api_client.force_authenticate(users["inspector"])
    body = api_client.get("/api/v1/risk-map/").json()
    assert body["jurisdiction"]["name"] == "新罗区"
    assert body["totals"]["total"] == 2
    assert api_client.get("/api/v1/risk-map/", {"jurisdiction": org.jurisdiction("上杭县").pk}).status_code == 404
    assert api_client.get("/api/v1/risk-map/", {"jurisdiction": "abc"}).status_code == 400


def test_department_key_reads_and_enterprise_key_sees_only_its_own(
    api_client: Any, records: Any, dept_read_key: str, xinluo_chem: Any
) -> None:
    from safety_platform.choices import ApiScope
    from safety_platform.services import api_key_create

    response = api_client.get("/api/v1/hazards/", HTTP_AUTHORIZATION=f"Api-Key {dept_read_key}")
    assert response.status_code == 200 and response.json()["count"] == 4
    # Read-only: a department key cannot take steps.
    pk = records["xinluo_chem"]["hazard"].pk
    assert (
        api_client.post(f"/api/v1/hazards/{pk}/close/", {}, HTTP_AUTHORIZATION=f"Api-Key {dept_read_key}").status_code
        == 403
    )
    _key, own = api_key_create(name="own", enterprise=xinluo_chem, scopes=[ApiScope.HAZARDS_READ])
    response = api_client.get("/api/v1/hazards/", HTTP_AUTHORIZATION=f"Api-Key {own}")
    assert {row["title"] for row in response.json()["results"]} == {"隐患-xinluo_chem"}
    _key, push_only = api_key_create(name="push", enterprise=xinluo_chem, scopes=[ApiScope.HAZARDS_PUSH])
    assert api_client.get("/api/v1/hazards/", HTTP_AUTHORIZATION=f"Api-Key {push_only}").status_code == 403


@pytest.fixture
def shanghang_campaign(org: Any) -> Any:
    import datetime as dt

    from django.utils import timezone

    from hazards.services import campaign_save

    inspector = UserFactory(username="insp_sh_campaign", role="inspector")
    inspector.jurisdictions.add(org.jurisdiction("上杭县"))
    today = timezone.localdate()
    return campaign_save(
        actor=inspector,
        data={
            "name": "上杭建筑专项整治",
            "starts_on": today,
            "ends_on": today + dt.timedelta(days=9),
            "jurisdictions": [org.jurisdiction("上杭县")],
        },
    )


CAMPAIGN_VISIBLE = {"admin", "committee", "department", "department_zjj"}


@pytest.mark.parametrize("role", ROLES)
def test_campaign_pages_and_endpoint_follow_the_area(
    role: str, client: Any, api_client: Any, users: dict[str, Any], world: dict[str, Any], shanghang_campaign: Any
) -> None:
    visible = role in CAMPAIGN_VISIBLE
    client.force_login(users[role])
    assert client.get(reverse("hazards:campaign_detail", args=[shanghang_campaign.pk])).status_code == (
        200 if visible else 404
    )
    assert ("上杭建筑专项整治" in client.get(reverse("hazards:campaign_list")).content.decode()) == visible
    # Only its author (or the committee) edits a campaign; others get 403, or 404 when they cannot see it.
    edit = client.get(reverse("hazards:campaign_edit", args=[shanghang_campaign.pk])).status_code
    assert edit == ((200 if role == "committee" else 403) if visible else 404), role
    api_client.force_authenticate(users[role])
    assert api_client.get(f"/api/v1/hazard-campaigns/{shanghang_campaign.pk}/").status_code == (200 if visible else 404)


@pytest.mark.parametrize("role", ROLES)
def test_enterprise_only_pages_refuse_staff(role: str, client: Any, users: dict[str, Any]) -> None:
    checklist = Checklist.objects.create(name="通用清单")
    client.force_login(users[role])
    expected = 200 if role == "enterprise" else 403
    assert client.get(reverse("hazards:selfcheck_create", args=[checklist.pk])).status_code == expected
    assert client.post(reverse("hazards:stats_generate"), {"period": "x"}).status_code == (
        302 if role == "enterprise" else 403
    )


# Pages that take an id, and the test that checks each one for every role. A new page must be added here.
PAGES_WITH_AN_ID = {
    "detail": "test_detail_pages_are_404_outside_scope",
    "act": "test_writes_outside_scope_are_404",
    "plan": "test_writes_outside_scope_are_404",
    "attachment": "test_detail_pages_are_404_outside_scope",
    "risk_detail": "test_detail_pages_are_404_outside_scope",
    "risk_edit": "test_writes_outside_scope_are_404",
    "risk_card": "test_detail_pages_are_404_outside_scope",
    "risk_card_regenerate": "test_writes_outside_scope_are_404",
    "campaign_detail": "test_campaign_pages_and_endpoint_follow_the_area",
    "campaign_edit": "test_campaign_pages_and_endpoint_follow_the_area",
    "selfcheck_create": "test_enterprise_only_pages_refuse_staff",
    "selfcheck_detail": "test_detail_pages_are_404_outside_scope",
    "stats_detail": "test_detail_pages_are_404_outside_scope",
    # The public page of a posted risk card: no login, reached by its token (tests/hazards/test_risk_card.py).
    "card_public": "test_risk_card.test_an_unknown_token_is_not_found",
}


def test_every_page_with_an_id_has_a_scoping_test() -> None:
    """A page added to hazards/urls.py without a scoping test fails here."""
    import inspect
    import sys

    from hazards.urls import urlpatterns
    from tests.hazards import test_risk_card

    assert {p.name for p in urlpatterns if "<" in str(p.pattern)} == set(PAGES_WITH_AN_ID)
    modules = {"": sys.modules[__name__], "test_risk_card": test_risk_card}
    for name, test in PAGES_WITH_AN_ID.items():
        module, _, function = test.rpartition(".")
        assert f'"hazards:{name}"' in inspect.getsource(getattr(modules[module], function)), (name, test)
