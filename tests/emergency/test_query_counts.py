"""Query counts of every emergency list (page and endpoint): doubling the rows must not add a query."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.clock import shanghai
from tests.emergency.conftest import build_world

pytestmark = [pytest.mark.django_db, pytest.mark.clock(shanghai(2026, 12, 4, 10))]

PAGES = [
    "emergency:index",
    "emergency:team_list",
    "emergency:warehouse_list",
    "emergency:ledger",
    "emergency:alert_list",
    "emergency:dispatch_list",
    "emergency:accident_list",
    "emergency:warning_list",
    "emergency:plan_list",
    "emergency:overdue_enterprises",
    "home",
]
ENDPOINTS = [
    "teams",
    "warehouses",
    "batches",
    "ledger",
    "stock-alerts",
    "dispatch-orders",
    "accidents",
    "measures",
    "warnings",
    "plans",
    "drills",
    "items",
    "skills",
    "plans/overdue-enterprises",
]
PAGE_LIMIT = 20
API_LIMIT = 12


def _count(fn: Any) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = fn()
    assert response.status_code == 200, response
    return len(ctx.captured_queries)


def _measure(client: Any, api_client: Any, users: dict[str, Any], roles: list[str]) -> dict[tuple[str, str], int]:
    counts = {}
    for role in roles:
        client.force_login(users[role])
        api_client.force_authenticate(users[role])
        for name in PAGES:
            if role == "enterprise" and name == "emergency:overdue_enterprises":
                continue
            client.get(reverse(name))  # warm caches (content types, sessions) before counting
            counts[(role, name)] = _count(lambda name=name: client.get(reverse(name)))
        for endpoint in ENDPOINTS:
            url = f"/api/v1/emergency/{endpoint}/"
            api_client.get(url)
            counts[(role, endpoint)] = _count(lambda url=url: api_client.get(url, {"page_size": 100}))
    return counts


def test_lists_do_not_grow_queries_with_rows(
    client: Any, api_client: Any, org: Any, users: dict[str, Any], xinluo_chem: Any, shanghang_site: Any
) -> None:
    from emergency.services import stock_alerts_refresh

    roles = ["committee", "inspector", "enterprise"]
    build_world(org, users, xinluo_chem, shanghang_site)
    stock_alerts_refresh()
    one = _measure(client, api_client, users, roles)
    build_world(org, users, xinluo_chem, shanghang_site, tag="·二")
    stock_alerts_refresh()
    two = _measure(client, api_client, users, roles)
    grew = {key: (one[key], two[key]) for key in one if two[key] != one[key]}
    assert not grew, grew
    # The home page also carries other apps' widgets: only its growth is checked here.
    too_many = {
        key: n for key, n in one.items() if key[1] != "home" and n > (PAGE_LIMIT if ":" in key[1] else API_LIMIT)
    }
    assert not too_many, too_many


def test_home_widget_figures_take_one_query_each(
    users: dict[str, Any], org: Any, xinluo_chem: Any, shanghang_site: Any, django_assert_num_queries: Any
) -> None:
    from emergency.selectors import emergency_overview

    build_world(org, users, xinluo_chem, shanghang_site)
    users["inspector"].jurisdiction_paths  # noqa: B018  (cached once per request in real use)
    from safety_platform.rules import rule_number, rules_cached

    with rules_cached():
        rule_number("emergency.drill_interval_months.on_site")  # the rule book: read once per request in real use
        with django_assert_num_queries(7):
            overview = emergency_overview(users["inspector"])
    assert overview["accidents_open"] == 2 and overview["warnings_in_force"] == 2


def test_detail_pages_have_bounded_queries(
    client: Any,
    users: dict[str, Any],
    org: Any,
    xinluo_chem: Any,
    shanghang_site: Any,
    django_assert_max_num_queries: Any,
) -> None:
    world = build_world(org, users, xinluo_chem, shanghang_site)
    client.force_login(users["committee"])
    for key in ("xinluo_team", "city_store", "xinluo_order", "chem_accident", "city_warning", "chem_plan"):
        url = world[key].get_absolute_url()
        client.get(url)
        with django_assert_max_num_queries(45):
            assert client.get(url).status_code == 200


def test_lists_inside_a_record_do_not_grow_queries_with_rows(
    client: Any, api_client: Any, org: Any, users: dict[str, Any], xinluo_chem: Any, shanghang_site: Any
) -> None:
    """The lists a detail page or endpoint carries (warning recipients and who has not acknowledged, a
    warehouse's stock, an accident's response log and measures, a plan's drills, a team's members): a
    record with several rows costs the same queries as one with one row."""
    import datetime as dt

    from django.utils import timezone

    from emergency.models import SupplyItem
    from emergency.services import (
        drill_record,
        measure_add,
        response_log_add,
        stock_receive,
        team_member_save,
        warning_issue,
    )
    from tests.factories import EnterpriseFactory

    committee = users["committee"]
    small = build_world(org, users, xinluo_chem, shanghang_site)
    big = build_world(org, users, xinluo_chem, shanghang_site, tag="·大")
    grid = org.jurisdiction("新罗区/东城街道/东城第一网格")
    for n in range(4):
        EnterpriseFactory(name=f"网格企业{n}", jurisdiction=grid, industry=org.industry("C2614"))
    small["grid_warning"] = warning_issue(
        actor=committee, title="单企业预警", kind="weather", level="blue", content="雷电", jurisdictions=[grid]
    )
    big["grid_warning"] = warning_issue(
        actor=committee, title="多企业预警", kind="weather", level="blue", content="雷电", jurisdictions=[grid]
    )
    small["grid_warning"].recipients.exclude(enterprise=xinluo_chem).delete()  # one recipient against five
    items = list(SupplyItem.objects.exclude(code__in=["tent", "quilt"])[:3])
    accident = big["chem_accident"]
    for n, item in enumerate(items):
        stock_receive(actor=committee, warehouse=big["city_store"], item=item, quantity=3, batch_no=f"X{n}")
        response_log_add(
            actor=committee, accident=accident, action=f"处置{n}", teams=[big["xinluo_team"], big["chem_team"]]
        )
        measure_add(
            actor=committee,
            evaluation=accident.evaluation,
            description=f"措施{n}",
            responsible="单位",
            due_on=timezone.localdate() + dt.timedelta(days=n),
        )
        drill_record(actor=committee, plan=big["chem_plan"], held_on=timezone.localdate(), scenario=f"演练{n}")
        team_member_save(actor=committee, team=big["xinluo_team"], data={"name": f"队员{n}"}, skills=[])
    assert big["grid_warning"].recipients.count() > small["grid_warning"].recipients.count() == 1

    def urls(world: dict[str, Any]) -> list[tuple[Any, str]]:
        api = "/api/v1/emergency"
        return [
            (client, world["grid_warning"].get_absolute_url()),
            (client, world["city_store"].get_absolute_url()),
            (client, world["chem_accident"].get_absolute_url()),
            (client, world["chem_plan"].get_absolute_url()),
            (client, world["xinluo_team"].get_absolute_url()),
            (api_client, f"{api}/warnings/{world['grid_warning'].pk}/recipients/"),
            (api_client, f"{api}/warnings/{world['grid_warning'].pk}/unacknowledged/"),
            (api_client, f"{api}/warehouses/{world['city_store'].pk}/stock/"),
            (api_client, f"{api}/accidents/{world['chem_accident'].pk}/log/"),
            (api_client, f"{api}/accidents/{world['chem_accident'].pk}/"),
            (api_client, f"{api}/teams/{world['xinluo_team'].pk}/"),
            (api_client, f"{api}/measures/?status=open"),
        ]

    client.force_login(committee)
    api_client.force_authenticate(committee)
    grew = {}
    for (c, small_url), (_, big_url) in zip(urls(small), urls(big), strict=True):
        c.get(small_url)
        one, two = _count(lambda c=c, u=small_url: c.get(u)), _count(lambda c=c, u=big_url: c.get(u))
        if two != one:
            grew[big_url] = (one, two)
    assert not grew, grew
