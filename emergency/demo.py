"""Demo data of the emergency app (called by `manage.py seed_demo`; safe to re-run).

Everything goes through the services, so the ledger, the clocks and the facts are as real use leaves them.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from enterprises.models import Enterprise
from safety_platform.demo import jurisdiction_at
from safety_platform.models import Department, Industry, User

from .choices import MovementKind, PlanKind, ReportLevel, WarehouseLevel
from .models import (
    Accident,
    DispatchOrder,
    EmergencyPlan,
    EmergencyWarning,
    RescueTeam,
    Skill,
    SupplyItem,
    Warehouse,
)


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def _warehouses(committee: User, enterprise_user: User | None) -> dict[str, Warehouse]:
    from .services import stock_issue, stock_receive, warehouse_set_minimum

    specs: list[tuple[str, str, str, str | None, tuple[float, float]]] = [
        ("city", "龙岩市应急物资储备库", "龙岩市", None, (25.0751, 117.0174)),
        ("xinluo", "新罗区应急物资储备库", "新罗区", None, (25.1012, 117.0395)),
        ("shanghang", "上杭县应急物资储备库", "上杭县", None, (25.0497, 116.4203)),
        ("chem", "东城化工应急物资库", "新罗区", "龙岩市东城化工有限公司", (25.0990, 117.0420)),
    ]
    stores: dict[str, Warehouse] = {}
    today = timezone.localdate()
    items = {i.code: i for i in SupplyItem.objects.all()}
    for key, name, jurisdiction, enterprise_name, (lat, lon) in specs:
        existing = Warehouse.objects.filter(name=name).first()
        if existing is not None:
            stores[key] = existing
            continue
        enterprise = Enterprise.objects.filter(name=enterprise_name).first() if enterprise_name else None
        if enterprise_name and enterprise is None:
            continue
        store = Warehouse.objects.create(
            name=name,
            level=WarehouseLevel.ENTERPRISE
            if enterprise
            else (WarehouseLevel.CITY if key == "city" else WarehouseLevel.COUNTY),
            jurisdiction=enterprise.jurisdiction if enterprise else jurisdiction_at(jurisdiction),
            enterprise=enterprise,
            address=f"{jurisdiction}应急物资储备中心",
            latitude=Decimal(str(lat)),
            longitude=Decimal(str(lon)),
            keeper_name="库管员",
            keeper_phone="0597-2300000",
        )
        stores[key] = store
        actor = enterprise_user if enterprise and enterprise_user else committee
        receipts_by_store: dict[str, list[tuple[str, int, str, int | None]]] = {
            "city": [
                ("tent", 120, "2024-01", None),
                ("quilt", 600, "2024-02", None),
                ("life-jacket", 300, "2023-06", 900),
                ("water-pump", 12, "2022-09", None),
                ("generator", 6, "2023-03", None),
                ("drinking-water", 200, "2025-11", 20),
                ("instant-food", 150, "2025-10", 45),
            ],
            "xinluo": [
                ("tent", 30, "2024-05", None),
                ("sandbag", 3000, "2024-04", None),
                ("life-jacket", 80, "2024-04", 700),
                ("water-pump", 3, "2023-08", None),
                ("first-aid-kit", 40, "2025-01", 25),
            ],
            "shanghang": [
                ("tent", 40, "2024-06", None),
                ("quilt", 200, "2024-06", None),
                ("breathing-apparatus", 12, "2023-12", 400),
                ("gas-detector", 6, "2024-01", None),
            ],
            "chem": [
                ("breathing-apparatus", 8, "2024-03", 300),
                ("protective-suit", 6, "2024-03", 500),
                ("absorbent", 30, "2024-07", 10),
                ("fire-extinguisher", 40, "2023-05", 200),
            ],
        }
        for code, quantity, batch, expires_in in receipts_by_store[key]:
            item = items.get(code)
            if item is None:
                continue
            stock_receive(
                actor=actor,
                warehouse=store,
                item=item,
                quantity=quantity,
                batch_no=batch,
                expires_on=today + dt.timedelta(days=expires_in) if expires_in else None,
                note="期初盘点（演示）",
            )
        if key == "xinluo" and "first-aid-kit" in items:
            # Used in a drill: stock drops below the minimum, so the low-stock flag shows.
            warehouse_set_minimum(actor=committee, warehouse=store, item=items["first-aid-kit"], min_quantity=50)
            stock_issue(
                actor=committee,
                warehouse=store,
                item=items["first-aid-kit"],
                quantity=15,
                kind=MovementKind.CONSUME,
                note="汛期演练消耗",
            )
    return stores


def _teams(committee: User) -> list[RescueTeam]:
    from .services import member_certificate_add, team_create, team_equipment_save, team_member_save

    skills = {s.code: s for s in Skill.objects.all()}
    specs: list[dict[str, Any]] = [
        {
            "name": "龙岩市危险化学品专业救援队",
            "kind": "professional",
            "jurisdiction": "新罗区",
            "lat": 25.0935,
            "lon": 117.0301,
            "specialties": ["hazmat", "fire-fighting", "breathing-apparatus"],
            "members": [
                ("陈振华", "队长", True, ["hazmat", "breathing-apparatus"], "危化品应急救援员（高级）"),
                ("林海", "副队长", False, ["fire-fighting", "demolition"], "消防设施操作员"),
                ("黄志明", "队员", False, ["first-aid", "hazmat"], "红十字救护员"),
                ("吴建国", "驾驶员", False, ["communications"], ""),
            ],
            "equipment": [("重型防化服", "A级", 8), ("正压式空气呼吸器", "6.8L", 12), ("泡沫消防车", "PM80", 1)],
            "phone": "0597-2119119",
        },
        {
            "name": "上杭县矿山救护中队",
            "kind": "professional",
            "jurisdiction": "上杭县",
            "lat": 25.0612,
            "lon": 116.4105,
            "specialties": ["mine-rescue", "breathing-apparatus", "first-aid"],
            "members": [
                ("钟伟", "中队长", True, ["mine-rescue", "breathing-apparatus"], "矿山救护队员（指挥员）"),
                ("邱文斌", "队员", False, ["mine-rescue", "first-aid"], "矿山救护队员"),
            ],
            "equipment": [("氧气呼吸器", "HY4", 10), ("生命探测仪", "雷达式", 1)],
            "phone": "0597-3882119",
        },
        {
            "name": "新罗区蓝天救援队",
            "kind": "social",
            "jurisdiction": "新罗区",
            "lat": 25.1103,
            "lon": 117.0452,
            "specialties": ["water-rescue", "rope-rescue", "flood-control"],
            "members": [("罗晓东", "队长", True, ["water-rescue", "rope-rescue"], "潜水员证")],
            "equipment": [("冲锋舟", "6人", 2), ("救生抛投器", "", 4)],
            "phone": "0597-2256789",
        },
    ]
    teams = []
    for spec in specs:
        team = RescueTeam.objects.filter(name=spec["name"]).first()
        if team is not None:
            teams.append(team)
            continue
        team = team_create(
            actor=committee,
            data={
                "name": spec["name"],
                "kind": spec["kind"],
                "jurisdiction": jurisdiction_at(spec["jurisdiction"]),
                "base_address": f"{spec['jurisdiction']}应急救援基地",
                "latitude": Decimal(str(spec["lat"])),
                "longitude": Decimal(str(spec["lon"])),
                "contact_name": spec["members"][0][0],
                "contact_phone": spec["phone"],
                "duty_phone": spec["phone"],
            },
            specialties=[skills[c] for c in spec["specialties"] if c in skills],
        )
        for name, position, leader, member_skills, certificate in spec["members"]:
            member = team_member_save(
                actor=committee,
                team=team,
                data={"name": name, "position": position, "is_leader": leader, "phone": "13900000000"},
                skills=[skills[c] for c in member_skills if c in skills],
            )
            if certificate:
                today = timezone.localdate()
                member_certificate_add(
                    actor=committee,
                    member=member,
                    data={
                        "name": certificate,
                        "number": f"LY{member.pk:06d}",
                        "issued_on": today - dt.timedelta(days=700),
                        "expires_on": today + dt.timedelta(days=400),
                    },
                )
        for name, spec_text, quantity in spec["equipment"]:
            team_equipment_save(
                actor=committee, team=team, data={"name": name, "specification": spec_text, "quantity": quantity}
            )
        teams.append(team)
    return teams


# Contacts without an account (预警联系人): (name, kind, area, industry code or "", mobile, e-mail). Test-looking 139
# numbers, so a demo warning's SMS goes nowhere real.
CONTACTS = [
    ("王建国", "community", "新罗区/东城街道/东城第一网格", "", "13905970101", "dongcheng-sq@example.cn"),
    ("东城街道应急值班室", "township", "新罗区/东城街道", "", "13905970102", ""),
    ("李秀兰", "village", "永定区/坎市镇/坎市第一网格", "", "13905970103", ""),
    ("临江镇安监站", "township", "上杭县/临江镇", "", "13905970104", "linjiang-ajz@example.cn"),
    ("新罗区危化品行业联络员", "other", "新罗区", "C26", "13905970105", ""),
]


def _contacts(committee: User) -> None:
    from .models import WarningContact
    from .services.contacts import contact_create

    for name, kind, path, industry, mobile, email in CONTACTS:
        area = jurisdiction_at(path)
        if WarningContact.objects.filter(jurisdiction=area, mobile=mobile).exists():
            continue
        contact_create(
            actor=committee,
            data={
                "name": name,
                "kind": kind,
                "jurisdiction": area,
                "industry": Industry.objects.filter(code=industry).first() if industry else None,
                "mobile": mobile,
                "email": email,
            },
        )


def _warning(committee: User, enterprise_user: User | None) -> None:
    from .services import warning_acknowledge, warning_issue

    title = "龙岩市气象台暴雨橙色预警"
    if EmergencyWarning.objects.filter(title=title).exists():
        return
    industries = list(Industry.objects.filter(code__in=["B", "C26", "E"]))
    warning = warning_issue(
        actor=committee,
        title=title,
        kind="weather",
        level="orange",
        content="预计未来24小时新罗区、永定区、上杭县将出现暴雨到大暴雨，局地伴有雷电和短时强降水。",
        measures_required="停止露天高处作业和矿山井下作业；危化品企业加强罐区巡查，做好防汛物资准备；24小时值班。",
        jurisdictions=[jurisdiction_at("新罗区"), jurisdiction_at("永定区"), jurisdiction_at("上杭县")],
        industries=industries,
        valid_until=timezone.now() + dt.timedelta(days=2),
    )
    if (
        enterprise_user is not None and warning.recipients.filter(enterprise_id=enterprise_user.enterprise_id).exists()  # type: ignore[misc]  # = None is IS NULL in Django; the plugin refuses None
    ):
        warning_acknowledge(
            actor=enterprise_user,
            warning=warning,
            measures_taken="已停止罐区动火作业，检查排水沟，储备沙袋200条，安排双人值班。",
        )


def _accident(inspector: User, committee: User, teams: list[RescueTeam]) -> None:
    from .services import accident_forward, accident_report, accident_supplement, response_log_add

    title = "龙岩市东城化工有限公司反应釜物料泄漏灼伤事故"
    if Accident.objects.filter(title=title).exists():
        return
    enterprise = Enterprise.objects.filter(name="龙岩市东城化工有限公司").first()
    if enterprise is None:
        return
    occurred = timezone.now() - dt.timedelta(days=3, hours=4)
    accident = accident_report(
        actor=inspector,
        enterprise=enterprise,
        title=title,
        category="hazardous_chemicals",
        occurred_at=occurred,
        reported_at=occurred + dt.timedelta(minutes=40),
        location="二车间3号反应釜",
        description="检修后试车时法兰密封失效，物料喷出致2名操作工灼伤。",
        deaths=0,
        serious_injuries=1,
        minor_injuries=1,
        direct_loss_yuan=Decimal("350000"),
    )
    accident_forward(
        actor=inspector, accident=accident, level=ReportLevel.CITY, received_at=occurred + dt.timedelta(hours=2)
    )
    if teams:
        response_log_add(
            actor=inspector,
            accident=accident,
            at=occurred + dt.timedelta(minutes=55),
            kind="rescue",
            actor_name="龙岩市危险化学品专业救援队",
            action="到达现场，关闭进料阀，用吸附棉围堵泄漏物料，现场可燃气体检测合格。",
            teams=teams[:1],
        )
    response_log_add(
        actor=inspector,
        accident=accident,
        at=occurred + dt.timedelta(hours=1, minutes=20),
        kind="medical",
        actor_name="龙岩市第一医院",
        action="两名伤员送医，其中一人深二度烧伤住院治疗。",
    )
    accident_supplement(
        actor=inspector,
        accident=accident,
        direct_loss_yuan=Decimal("420000"),
        note="设备修复费用核定后续报",
    )


def _plans(committee: User, enterprise_user: User | None) -> None:
    from .services import drill_record, plan_create

    today = timezone.localdate()
    enterprise = enterprise_user.enterprise if enterprise_user else None
    specs: list[tuple[str, str, Any, Any, int, list[int]]] = []
    if enterprise is not None:
        specs += [
            ("东城化工生产安全事故综合应急预案", PlanKind.COMPREHENSIVE, enterprise, None, 800, [430]),  # overdue
            ("东城化工危险化学品泄漏专项应急预案", PlanKind.SPECIAL, enterprise, None, 500, [200]),
            ("二车间反应釜泄漏现场处置方案", PlanKind.ON_SITE, enterprise, None, 500, [60]),
        ]
    yjj = Department.objects.filter(code="yjj").first()
    if yjj is not None:
        specs.append(("龙岩市危险化学品事故应急预案", PlanKind.SPECIAL, None, yjj, 900, [150]))
    for title, kind, plan_enterprise, department, filed_days_ago, drills in specs:
        if EmergencyPlan.objects.filter(title=title).exists():
            continue
        actor = enterprise_user if plan_enterprise is not None and enterprise_user else committee
        plan = plan_create(
            actor=actor,
            data={
                "title": title,
                "kind": kind,
                "enterprise": plan_enterprise,
                "department": department,
                "version": "2024版",
                "filed_on": today - dt.timedelta(days=filed_days_ago),
                "filing_number": f"3508{filed_days_ago:04d}",
                "summary": "明确组织机构、预警与信息报告、应急响应、后期处置和保障措施。",
            },
        )
        for days_ago in drills:
            drill_record(
                actor=actor,
                plan=plan,
                held_on=today - dt.timedelta(days=days_ago),
                scenario="反应釜物料泄漏及人员灼伤处置" if plan_enterprise else "危化品运输车辆泄漏联合处置",
                kind="functional",
                participants=35,
                findings="通讯联络顺畅；个别人员防护装备穿戴不熟练，已加强培训。",
            )


def _dispatch(inspector: User, committee: User, stores: dict[str, Warehouse]) -> None:
    from .services import dispatch_approve, dispatch_request, dispatch_ship

    title = "东城街道内涝转移安置物资"
    if DispatchOrder.objects.filter(title=title).exists() or "city" not in stores:
        return
    tent = SupplyItem.objects.filter(code="tent").first()
    quilt = SupplyItem.objects.filter(code="quilt").first()
    if tent is None or quilt is None:
        return
    order = dispatch_request(
        actor=inspector,
        title=title,
        requesting_jurisdiction=jurisdiction_at("新罗区/东城街道"),
        destination="东城中学临时安置点",
        lines=[(tent, 20), (quilt, 150)],
        contact_name="邱网格",
        contact_phone="13905970000",
        reason="暴雨橙色预警，东城街道低洼地带转移群众约300人。",
    )
    dispatch_approve(actor=committee, order=order, source_warehouses=[stores["city"]], note="同意，由市储备库调拨")
    lines = {line.item_id: line.pk for line in order.lines.all()}
    dispatch_ship(
        actor=committee, order=order, warehouse=stores["city"], quantities={lines[tent.pk]: 20, lines[quilt.pk]: 150}
    )


def seed_emergency_demo() -> None:
    from .services import stock_alerts_refresh

    committee = _user("committee")
    inspector = _user("inspector")
    enterprise_user = _user("enterprise")
    if committee is None or inspector is None:
        return
    with transaction.atomic():
        stores = _warehouses(committee, enterprise_user)
        teams = _teams(committee)
        _plans(committee, enterprise_user)
        _accident(inspector, committee, teams)
        _dispatch(inspector, committee, stores)
        _contacts(committee)  # before the warning, which reaches them
        _warning(committee, enterprise_user)
    stock_alerts_refresh()
