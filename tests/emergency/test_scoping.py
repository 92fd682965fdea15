"""Every emergency page and endpoint, for every role: each sees exactly its scope (404 outside it)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from safety_platform.choices import ApiScope
from safety_platform.services import api_key_create
from tests.clock import shanghai

pytestmark = [pytest.mark.django_db, pytest.mark.clock(shanghai(2026, 12, 4, 10))]

ALL_ROLES = [
    "admin",
    "committee",
    "county_office",
    "inspector",
    "inspector_town",
    "department",
    "department_zjj",
    "enterprise",
]
EVERYONE = set(ALL_ROLES)

# What each role must see, per kind of record (keys of the `world` fixture).
EXPECTED: dict[str, dict[str, set[str]]] = {
    "warehouses": {
        "admin": {"city_store", "xinluo_store", "shanghang_store", "chem_store", "site_store"},
        "committee": {"city_store", "xinluo_store", "shanghang_store", "chem_store", "site_store"},
        "county_office": {"xinluo_store", "chem_store"},
        "inspector": {"xinluo_store", "chem_store"},  # 新罗区 subtree; the city reserve is above it
        "inspector_town": {"chem_store"},  # 东城街道 only
        "department": {"city_store", "xinluo_store", "shanghang_store", "chem_store"},  # + supervised enterprise
        "department_zjj": {"city_store", "xinluo_store", "shanghang_store", "site_store"},
        "enterprise": {"chem_store"},
    },
    "teams": {
        "admin": {"xinluo_team", "shanghang_team", "chem_team"},
        "committee": {"xinluo_team", "shanghang_team", "chem_team"},
        "county_office": {"xinluo_team", "chem_team"},
        "inspector": {"xinluo_team", "chem_team"},
        "inspector_town": {"chem_team"},
        "department": {"xinluo_team", "shanghang_team", "chem_team"},
        "department_zjj": {"xinluo_team", "shanghang_team"},
        "enterprise": {"chem_team"},
    },
    "accidents": {
        "admin": {"chem_accident", "road_accident", "site_accident"},
        "committee": {"chem_accident", "road_accident", "site_accident"},
        "county_office": {"chem_accident", "road_accident"},
        "inspector": {"chem_accident", "road_accident"},
        "inspector_town": {"chem_accident"},
        "department": {"chem_accident", "road_accident"},
        "department_zjj": {"road_accident", "site_accident"},
        "enterprise": {"chem_accident"},
    },
    "warnings": {
        "admin": {"xinluo_warning", "shanghang_warning", "city_warning"},
        "committee": {"xinluo_warning", "shanghang_warning", "city_warning"},
        "county_office": {"xinluo_warning", "city_warning"},
        "inspector": {"xinluo_warning", "city_warning"},  # its area, and the city-wide one covering it
        "inspector_town": {"xinluo_warning", "city_warning"},
        "department": {"xinluo_warning", "shanghang_warning", "city_warning"},
        "department_zjj": {"xinluo_warning", "shanghang_warning", "city_warning"},
        "enterprise": {"xinluo_warning", "city_warning"},  # the ones it received (C2614 is under C26)
    },
    "plans": {
        "admin": {"chem_plan", "site_plan", "yjj_plan", "zjj_plan"},
        "committee": {"chem_plan", "site_plan", "yjj_plan", "zjj_plan"},
        "county_office": {"chem_plan"},
        "inspector": {"chem_plan"},
        "inspector_town": {"chem_plan"},
        "department": {"chem_plan", "yjj_plan", "zjj_plan"},
        "department_zjj": {"site_plan", "yjj_plan", "zjj_plan"},
        "enterprise": {"chem_plan"},
    },
    "orders": {
        "admin": {"xinluo_order", "shanghang_order", "cross_order", "requisition_order"},
        "committee": {"xinluo_order", "shanghang_order", "cross_order", "requisition_order"},
        "county_office": {"xinluo_order", "cross_order", "requisition_order"},
        "inspector": {"xinluo_order", "cross_order", "requisition_order"},  # requester, or source in scope
        "inspector_town": {"xinluo_order", "requisition_order"},  # the requisitioned store is in 东城街道
        "department": {"xinluo_order", "shanghang_order", "cross_order", "requisition_order"},
        "department_zjj": {"xinluo_order", "shanghang_order", "cross_order", "requisition_order"},
        "enterprise": {"requisition_order"},  # requisitions its own store
    },
}

LABEL = {
    "orders": "title",
    "warehouses": "name",
    "teams": "name",
    "accidents": "title",
    "warnings": "title",
    "plans": "title",
}

PAGES = {
    "warehouses": "emergency:warehouse_list",
    "teams": "emergency:team_list",
    "accidents": "emergency:accident_list",
    "warnings": "emergency:warning_list",
    "plans": "emergency:plan_list",
    "orders": "emergency:dispatch_list",
}

ENDPOINTS = {
    "warehouses": ("/api/v1/emergency/warehouses/", "name"),
    "teams": ("/api/v1/emergency/teams/", "name"),
    "accidents": ("/api/v1/emergency/accidents/", "title"),
    "warnings": ("/api/v1/emergency/warnings/", "title"),
    "plans": ("/api/v1/emergency/plans/", "title"),
    "orders": ("/api/v1/emergency/dispatch-orders/", "title"),
}


def _label(kind: str, obj: Any) -> str:
    return getattr(obj, LABEL[kind])


def _keys(kind: str, world: dict[str, Any]) -> list[str]:
    return sorted(set().union(*EXPECTED[kind].values()))


# One world per test (it takes a few seconds to build); each test walks every role and kind.


def test_list_pages_show_exactly_the_scope(client: Any, users: dict[str, Any], world: dict[str, Any]) -> None:
    for role in ALL_ROLES:
        client.force_login(users[role])
        for kind, name in PAGES.items():
            response = client.get(reverse(name))
            assert response.status_code == 200, (role, kind)
            body = response.content.decode()
            for key in _keys(kind, world):
                assert (_label(kind, world[key]) in body) == (key in EXPECTED[kind][role]), (role, kind, key)


def test_detail_pages_are_404_outside_the_scope(client: Any, users: dict[str, Any], world: dict[str, Any]) -> None:
    for role in ALL_ROLES:
        client.force_login(users[role])
        for kind in PAGES:
            for key in _keys(kind, world):
                response = client.get(world[key].get_absolute_url())
                assert response.status_code == (200 if key in EXPECTED[kind][role] else 404), (role, kind, key)


def test_api_lists_and_details_are_scoped(api_client: Any, users: dict[str, Any], world: dict[str, Any]) -> None:
    for role in ALL_ROLES:
        api_client.force_authenticate(users[role])
        for kind, (url, field) in ENDPOINTS.items():
            response = api_client.get(url, {"page_size": 100})
            assert response.status_code == 200, (role, kind)
            names = {row[field] for row in response.json()["results"]}
            assert names == {_label(kind, world[k]) for k in EXPECTED[kind][role]}, (role, kind)
            for key in _keys(kind, world):
                detail = api_client.get(f"{url}{world[key].pk}/")
                assert detail.status_code == (200 if key in EXPECTED[kind][role] else 404), (role, kind, key)


def test_stock_ledger_batches_and_flags_follow_the_warehouses(
    api_client: Any, client: Any, users: dict[str, Any], world: dict[str, Any]
) -> None:
    from emergency.services import stock_alerts_refresh

    stock_alerts_refresh()  # every store is under the tent minimum (5 < 20): one low flag each
    for role in ALL_ROLES:
        visible = {world[k].pk for k in EXPECTED["warehouses"][role]}
        api_client.force_authenticate(users[role])
        for endpoint in ("batches", "ledger", "stock-alerts"):
            rows = api_client.get(f"/api/v1/emergency/{endpoint}/", {"page_size": 500}).json()["results"]
            assert {row["warehouse"] for row in rows} == visible, (role, endpoint)
        client.force_login(users[role])
        for page in ("emergency:ledger", "emergency:alert_list"):
            body = client.get(reverse(page)).content.decode()
            for key in EXPECTED["warehouses"]["admin"]:
                assert (world[key].name in body) == (key in EXPECTED["warehouses"][role]), (role, page, key)


def test_drills_and_measures_follow_their_plans_and_accidents(
    api_client: Any, users: dict[str, Any], world: dict[str, Any]
) -> None:
    for role in ALL_ROLES:
        api_client.force_authenticate(users[role])
        drills = api_client.get("/api/v1/emergency/drills/", {"page_size": 100}).json()["results"]
        assert {row["plan"] for row in drills} == {world[k].pk for k in EXPECTED["plans"][role]}, role
        measures = api_client.get("/api/v1/emergency/measures/", {"page_size": 100}).json()["results"]
        assert {row["accident"] for row in measures} == {world[k].pk for k in EXPECTED["accidents"][role]}, role


def test_warning_recipients_are_limited_to_the_users_enterprises(
    api_client: Any, users: dict[str, Any], world: dict[str, Any], xinluo_chem: Any
) -> None:
    warning = world["city_warning"]  # reaches xinluo_chem only (hazardous chemicals)
    for role in ALL_ROLES:
        api_client.force_authenticate(users[role])
        response = api_client.get(f"/api/v1/emergency/warnings/{warning.pk}/recipients/")
        assert response.status_code == 200, role
        names = {row["enterprise_name"] for row in response.json()["results"]}
        sees_chem = role != "department_zjj"  # 住建局 does not supervise a chemical plant
        assert names == ({xinluo_chem.name} if sees_chem else set()), role


def test_enterprise_panel_and_home_widgets_render_per_role(
    client: Any, users: dict[str, Any], world: dict[str, Any], xinluo_chem: Any
) -> None:
    for role in ALL_ROLES:
        client.force_login(users[role])
        home = client.get(reverse("home"))
        assert home.status_code == 200, role
        assert ("emergency-accidents-open" in home.content.decode()) == (role != "enterprise"), role
    client.force_login(users["enterprise"])
    body = client.get(reverse("home")).content.decode()
    assert world["xinluo_warning"].title not in body or "warnings" in body  # widget lists pending warnings
    page = client.get(xinluo_chem.get_absolute_url()).content.decode()
    assert world["chem_plan"].title in page and world["chem_accident"].title in page
    assert world["site_plan"].title not in page


def test_department_key_reads_with_the_emergency_scope_only(api_client: Any, org: Any, world: dict[str, Any]) -> None:
    _key, raw = api_key_create(name="fgw", department=org.department("fgw"), scopes=[ApiScope.EMERGENCY_READ])
    auth = {"HTTP_AUTHORIZATION": f"Api-Key {raw}"}
    for url, _field in ENDPOINTS.values():
        assert api_client.get(url, **auth).status_code == 200, url
    accidents = api_client.get("/api/v1/emergency/accidents/", {"page_size": 100}, **auth).json()
    assert accidents["count"] == 3
    # Keys only read: no writes.
    assert api_client.post("/api/v1/emergency/accidents/", {}, format="json", **auth).status_code == 403
    _key, other = api_key_create(name="blk", department=org.department("fgw"), scopes=[ApiScope.BLACKLIST_READ])
    assert api_client.get("/api/v1/emergency/accidents/", HTTP_AUTHORIZATION=f"Api-Key {other}").status_code == 403


def test_anonymous_users_are_sent_to_login_and_refused_by_the_api(
    client: Any, api_client: Any, world: dict[str, Any]
) -> None:
    for name in PAGES.values():
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    for url, _field in ENDPOINTS.values():
        assert api_client.get(url).status_code in (401, 403)


WEB_ACTIONS = {
    "shanghang_team": ["team_edit", "team_readiness", "team_member_add", "team_equipment_add"],
    "shanghang_store": ["warehouse_edit", "stock_receive", "stock_issue", "stock_transfer", "warehouse_minimum"],
    "shanghang_order": [
        "dispatch_approve",
        "dispatch_reject",
        "dispatch_cancel",
        "dispatch_ship",
        "dispatch_deliver",
        "dispatch_settle",
    ],
    "site_accident": [
        "accident_supplement",
        "accident_forward",
        "accident_log",
        "accident_extend",
        "accident_investigation",
        "accident_concealed",
        "accident_end_response",
        "accident_close",
        "accident_evaluation",
        "evaluation_conclude",
        "finding_add",
        "measure_add",
    ],
    "shanghang_warning": ["warning_acknowledge", "warning_lift", "warning_remind"],
    "site_plan": ["plan_edit", "drill_add"],
}

API_ACTIONS = {
    "shanghang_team": ("teams", ["readiness", "members", "equipment"]),
    "shanghang_store": ("warehouses", ["receive", "issue", "transfer", "minimum"]),
    "shanghang_order": ("dispatch-orders", ["approve", "reject", "cancel", "ship", "deliver", "settle"]),
    "site_accident": (
        "accidents",
        [
            "supplement",
            "forward",
            "concealed",
            "extend-investigation",
            "investigation-report",
            "end-response",
            "close",
            "log",
            "findings",
            "measures",
        ],
    ),
    "shanghang_warning": ("warnings", ["acknowledge", "lift", "remind"]),
}


@pytest.mark.parametrize("role", ["inspector", "enterprise"])
def test_every_action_on_a_record_outside_the_scope_is_404(
    role: str, client: Any, api_client: Any, users: dict[str, Any], world: dict[str, Any]
) -> None:
    """上杭 records, seen from 新罗区 (inspector) and from 东城化工 (enterprise): not found, nothing changes."""
    from emergency.models import StockMovement

    before = StockMovement.objects.count()
    client.force_login(users[role])
    for key, names in WEB_ACTIONS.items():
        for name in names:
            response = client.post(reverse(f"emergency:{name}", args=[world[key].pk]), {})
            assert response.status_code == 404, (role, name)
    measure = world["site_accident"].evaluation.measures.get()
    assert client.post(reverse("emergency:measure_progress", args=[measure.pk]), {}).status_code == 404
    api_client.force_authenticate(users[role])
    for key, (base, actions) in API_ACTIONS.items():
        for action in actions:
            response = api_client.post(f"/api/v1/emergency/{base}/{world[key].pk}/{action}/", {}, format="json")
            assert response.status_code == 404, (role, base, action)
    assert api_client.post(f"/api/v1/emergency/measures/{measure.pk}/progress/", {}, format="json").status_code == 404
    assert StockMovement.objects.count() == before


def test_the_dispatches_of_one_incident_keep_that_filter_without_listing_every_incident(
    client: Any, users: dict[str, Any], world: dict[str, Any]
) -> None:
    """`?accident=…` (the dispatches of one incident) narrows the dispatch list by a filter the page does not list,
    whose select would hold every incident: the filter form keeps it as a hidden field (filtering again keeps it),
    not as that select."""
    accident = world["chem_accident"]
    client.force_login(users["committee"])
    html = client.get(reverse("emergency:dispatch_list"), {"accident": accident.pk}).content.decode()
    form = html.split('<form method="get"', 1)[1].split("</form>", 1)[0]
    kept = f'<input type="hidden" name="accident" value="{accident.pk}"'
    assert kept in form
    assert 'name="accident"' not in form.replace(kept, "")
