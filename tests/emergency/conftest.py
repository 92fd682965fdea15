"""Fixtures of the emergency tests: a county reserve, a city reserve, an enterprise store, stock."""

from __future__ import annotations

from typing import Any

import pytest

from emergency.choices import WarehouseLevel
from emergency.models import SupplyItem
from tests.emergency.factories import WarehouseFactory


@pytest.fixture
def tent(db: Any) -> SupplyItem:
    return SupplyItem.objects.get(code="tent")


@pytest.fixture
def city_store(org: Any) -> Any:
    return WarehouseFactory(
        name="龙岩市应急物资储备库", level=WarehouseLevel.CITY, jurisdiction=org.jurisdiction("龙岩市")
    )


@pytest.fixture
def xinluo_store(org: Any) -> Any:
    return WarehouseFactory(
        name="新罗区应急物资储备库", level=WarehouseLevel.COUNTY, jurisdiction=org.jurisdiction("新罗区")
    )


@pytest.fixture
def shanghang_store(org: Any) -> Any:
    return WarehouseFactory(
        name="上杭县应急物资储备库", level=WarehouseLevel.COUNTY, jurisdiction=org.jurisdiction("上杭县")
    )


@pytest.fixture
def chem_store(xinluo_chem: Any) -> Any:
    return WarehouseFactory(
        name="东城化工应急物资库",
        level=WarehouseLevel.ENTERPRISE,
        enterprise=xinluo_chem,
        jurisdiction=xinluo_chem.jurisdiction,
    )


def build_world(
    org: Any, users: dict[str, Any], xinluo_chem: Any, shanghang_site: Any, tag: str = ""
) -> dict[str, Any]:
    """One of everything, in two counties and two enterprises, each named so a test can find it on a page.

    Called twice, it doubles every list: the query-count tests compare one world with two.
    """
    from decimal import Decimal

    from emergency.choices import PlanKind
    from emergency.models import SupplyItem
    from emergency.services import (
        accident_report,
        dispatch_approve,
        dispatch_request,
        drill_record,
        evaluation_save,
        measure_add,
        plan_create,
        response_log_add,
        stock_receive,
        team_create,
        team_member_save,
        warning_issue,
    )
    from safety_platform.models import Industry
    from tests.emergency.factories import hours_ago

    committee = users["committee"]
    tent = SupplyItem.objects.get(code="tent")
    quilt = SupplyItem.objects.get(code="quilt")
    w: dict[str, Any] = {}

    def store(key: str, name: str, level: str, jurisdiction: Any, enterprise: Any = None) -> None:
        w[key] = WarehouseFactory(
            name=f"{name}{tag}",
            level=level,
            jurisdiction=jurisdiction,
            enterprise=enterprise,
            latitude=Decimal("25.1"),
            longitude=Decimal("117.0"),
        )
        stock_receive(actor=committee, warehouse=w[key], item=tent, quantity=5, batch_no=f"B{tag}")
        stock_receive(actor=committee, warehouse=w[key], item=quilt, quantity=5, batch_no=f"Q{tag}")

    store("city_store", "市储备库", WarehouseLevel.CITY, org.jurisdiction("龙岩市"))
    store("xinluo_store", "新罗区储备库", WarehouseLevel.COUNTY, org.jurisdiction("新罗区"))
    store("shanghang_store", "上杭县储备库", WarehouseLevel.COUNTY, org.jurisdiction("上杭县"))
    store("chem_store", "东城化工物资库", WarehouseLevel.ENTERPRISE, xinluo_chem.jurisdiction, xinluo_chem)
    store("site_store", "临江建筑物资库", WarehouseLevel.ENTERPRISE, shanghang_site.jurisdiction, shanghang_site)

    def team(key: str, name: str, kind: str, jurisdiction: Any, enterprise: Any = None) -> None:
        w[key] = team_create(
            actor=committee,
            data={
                "name": f"{name}{tag}",
                "kind": kind,
                "jurisdiction": jurisdiction,
                "enterprise": enterprise,
                "latitude": Decimal("25.1"),
                "longitude": Decimal("117.03"),
            },
            specialties=[],
        )
        team_member_save(actor=committee, team=w[key], data={"name": "队员"}, skills=[])

    team("xinluo_team", "新罗区救援队", "professional", org.jurisdiction("新罗区"))
    team("shanghang_team", "上杭县救援队", "professional", org.jurisdiction("上杭县"))
    team("chem_team", "东城化工救援队", "enterprise", xinluo_chem.jurisdiction, xinluo_chem)

    def accident(key: str, title: str, **where: Any) -> None:
        w[key] = accident_report(
            actor=committee,
            title=f"{title}{tag}",
            category="industrial",
            occurred_at=hours_ago(3),
            reported_at=hours_ago(2.5),
            location="现场",
            serious_injuries=1,
            **where,
        )
        response_log_add(actor=committee, accident=w[key], action="到场处置", teams=[])
        evaluation = evaluation_save(actor=committee, accident=w[key], causes="原因")
        from django.utils import timezone

        measure_add(
            actor=committee,
            evaluation=evaluation,
            description=f"整改{title}{tag}",
            responsible="单位",
            due_on=timezone.localdate(),
        )

    accident("chem_accident", "东城化工灼伤事故", enterprise=xinluo_chem)
    accident("road_accident", "西陂道路事故", jurisdiction=org.jurisdiction("新罗区/西陂街道"))
    accident("site_accident", "临江工地坍塌事故", enterprise=shanghang_site)

    def warning(key: str, title: str, jurisdictions: list[Any], industries: list[str] = ()) -> None:  # type: ignore[assignment]
        w[key] = warning_issue(
            actor=committee,
            title=f"{title}{tag}",
            kind="weather",
            level="orange",
            content="暴雨",
            jurisdictions=jurisdictions,
            industries=list(Industry.objects.filter(code__in=industries)),
        )

    warning("xinluo_warning", "新罗区暴雨预警", [org.jurisdiction("新罗区")])
    warning("shanghang_warning", "上杭县暴雨预警", [org.jurisdiction("上杭县")])
    warning("city_warning", "全市危化品高温预警", [org.jurisdiction("龙岩市")], ["C26"])

    def plan(key: str, title: str, **owner: Any) -> None:
        w[key] = plan_create(actor=committee, data={"title": f"{title}{tag}", "kind": PlanKind.COMPREHENSIVE, **owner})
        drill_record(actor=committee, plan=w[key], held_on=hours_ago(48).date(), scenario=f"演练{title}{tag}")

    plan("chem_plan", "东城化工综合预案", enterprise=xinluo_chem)
    plan("site_plan", "临江建筑综合预案", enterprise=shanghang_site)
    plan("yjj_plan", "市应急局危化品专项预案", department=org.department("yjj"))
    plan("zjj_plan", "市住建局建筑施工预案", department=org.department("zjj"))

    def order(key: str, title: str, requester: Any, source: Any) -> None:
        w[key] = dispatch_request(
            actor=committee,
            title=f"{title}{tag}",
            requesting_jurisdiction=requester,
            destination="安置点",
            lines=[(tent, 2), (quilt, 2)],
        )
        dispatch_approve(actor=committee, order=w[key], source_warehouses=[source])

    order("xinluo_order", "东城街道安置物资", org.jurisdiction("新罗区/东城街道"), w["city_store"])
    order("shanghang_order", "上杭县安置物资", org.jurisdiction("上杭县"), w["shanghang_store"])
    order("cross_order", "上杭向新罗区借调", org.jurisdiction("上杭县"), w["xinluo_store"])
    order("requisition_order", "征用东城化工物资", org.jurisdiction("新罗区"), w["chem_store"])
    return w


@pytest.fixture
def world(org: Any, users: dict[str, Any], xinluo_chem: Any, shanghang_site: Any) -> dict[str, Any]:
    return build_world(org, users, xinluo_chem, shanghang_site)
