"""Demo data of the responsibility, admission, standardization and training topics (idempotent).

Registered with `register_demo_seeder`; runs after the core demo data (enterprises and logins exist).
Dates are relative to today so that reminders, expiries and compliance look alive in a demonstration.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from safety_platform.models import Department, Industry, Jurisdiction, User


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def _enterprise(name: str) -> Any:
    from .registry.models import Enterprise

    return Enterprise.objects.filter(name=name).first()


def _node(path: str) -> Jurisdiction | None:
    node = None
    for name in path.split("/"):
        qs = Jurisdiction.objects.filter(name=name)
        node = (qs.filter(parent=node) if node else qs).first()
        if node is None:
            return None
    return node


SEPARATIONS = [
    ("hazchem_plant", "1000", "GB 36894-2018 危险化学品生产装置和储存设施风险基准"),
    ("hazchem_storage", "1000", "GB 36894-2018 危险化学品生产装置和储存设施风险基准"),
    ("fuel_station", "50", "GB 50156-2021 汽车加油加气加氢站技术标准"),
    ("fireworks", "500", "GB 50161-2009 烟花爆竹工程设计安全规范"),
    ("explosives", "800", "GB 50089-2018 民用爆炸物品工程设计安全标准"),
    ("tailings", "1000", "GB 39496-2020 尾矿库安全规程"),
    ("mine", "300", "GB 16423-2020 金属非金属矿山安全规程"),
    ("metal_smelting", "500", "《冶金企业和有色金属企业安全生产规定》"),
    ("other", "200", "龙岩市规划安全准入（演示）"),
]

DUTIES: dict[str, list[tuple[str, str | None, str, str]]] = {
    "yjj": [
        ("supervision", "B", "非煤矿山安全生产监督管理，组织开展安全生产标准化建设", "《安全生产法》第十条"),
        ("supervision", "C26", "危险化学品生产、储存企业安全监管，重大危险源备案", "《危险化学品安全管理条例》第六条"),
        ("enforcement", None, "组织联合执法检查，督促重大隐患挂牌督办", "《福建省安全生产条例》"),
        ("admission", None, "淘汰落后安全技术装备和工艺的监督检查", "《淘汰落后安全技术装备目录》"),
    ],
    "zjj": [
        ("supervision", "E", "房屋建筑和市政基础设施工程施工安全监督", "《建设工程安全生产管理条例》"),
        ("enforcement", "E", "建筑施工企业安全生产许可证动态核查", "《建筑施工企业安全生产许可证管理规定》"),
    ],
    "jtj": [("supervision", "G54", "道路运输企业安全生产监督管理，危险货物运输动态监控", "《道路运输条例》")],
    "scjgj": [("supervision", "H", "特种设备安全监察，餐饮场所燃气使用安全检查", "《特种设备安全法》")],
    "fgw": [("admission", None, "固定资产投资项目审批中的安全准入审查", "《安全生产法》第三十二条")],
    "zrzyj": [("admission", None, "国土空间规划与建设用地审批中落实安全防护距离", "《城乡规划法》")],
}


def _seed_responsibility(today: dt.date) -> None:
    from .models import JointInspection, ResponsibilityItem, ResponsibilityReview
    from .services.responsibility import (
        joint_finding_add,
        joint_inspection_complete,
        joint_inspection_create,
        responsibility_item_create,
    )

    committee = _user("committee")
    if committee is None:
        return
    for code, duties in DUTIES.items():
        department = Department.objects.filter(code=code).first()
        if department is None or ResponsibilityItem.objects.filter(department=department).exists():
            continue
        for kind, industry, duty, basis in duties:
            responsibility_item_create(
                actor=committee,
                department=department,
                duty=duty,
                kind=kind,
                industry=Industry.objects.filter(code=industry).first() if industry else None,
                legal_basis=basis,
                effective_on=dt.date(2016, 6, 1),
            )
        if code in ("yjj", "zjj", "fgw"):
            ResponsibilityReview.objects.create(department=department, reviewed_by=committee, note="年度确认（演示）")
    chem = _enterprise("龙岩市东城化工有限公司")
    inspector = _user("inspector")
    yjj, scjgj = Department.objects.filter(code="yjj").first(), Department.objects.filter(code="scjgj").first()
    if chem and inspector and yjj and scjgj and not JointInspection.objects.filter(enterprise=chem).exists():
        done = joint_inspection_create(
            actor=inspector,
            enterprise=chem,
            title="危化品企业安全生产联合执法检查",
            lead_department=yjj,
            departments=[yjj, scjgj],
            planned_on=today - dt.timedelta(days=12),
            team="林监察、黄应急、市场监管局特种设备科",
        )
        joint_finding_add(
            actor=inspector,
            inspection=done,
            department=yjj,
            title="甲类仓库可燃气体报警器未定期校验",
            location="甲类仓库",
            legal_basis="GB/T 50493-2019",
        )
        joint_finding_add(
            actor=inspector,
            inspection=done,
            department=scjgj,
            title="压力容器超期未检验",
            location="合成车间",
            legal_basis="《特种设备安全法》第四十条",
            suspected_major=True,
        )
        joint_inspection_complete(actor=inspector, inspection=done, summary="发现问题2项，已移交隐患闭环整改。")
        joint_inspection_create(
            actor=inspector,
            enterprise=chem,
            title="节前危化品联合复查",
            lead_department=yjj,
            departments=[yjj, scjgj],
            planned_on=today + dt.timedelta(days=10),
        )


def _seed_admission(today: dt.date) -> None:
    from .models import (
        CatalogEntry,
        DeclaredEquipment,
        DensePlace,
        ExitProposal,
        HighRiskProject,
        SeparationDistance,
    )
    from .services.admission import (
        catalog_entry_save,
        equipment_declare,
        exit_proposal_create,
        siting_review_run,
    )

    for category, distance, basis in SEPARATIONS:
        SeparationDistance.objects.get_or_create(
            category=category,
            version="2023",
            defaults={"distance_m": Decimal(distance), "valid_from": dt.date(2023, 1, 1), "legal_basis": basis},
        )
    committee, inspector = _user("committee"), _user("inspector")
    if committee is None or inspector is None:
        return
    dongcheng = _node("新罗区/东城街道")
    if dongcheng and not DensePlace.objects.exists():
        places = [
            ("龙岩市东城中心小学", "school", "25.101200", "117.041500", 1800),
            ("龙岩市第二医院", "hospital", "25.095800", "117.046900", 1200),
            ("东城农贸市场", "market", "25.104900", "117.033000", 3000),
            ("龙津花园小区", "residential", "25.090100", "117.028700", 4500),
            ("东城敬老院", "elderly", "25.118000", "117.060000", 150),
        ]
        for name, kind, lat, lon, people in places:
            DensePlace.objects.create(
                name=name, kind=kind, jurisdiction=dongcheng, latitude=lat, longitude=lon, population=people
            )
    if dongcheng and not HighRiskProject.objects.exists():
        project = HighRiskProject.objects.create(
            name="东城化工甲醇储罐扩建项目",
            category="hazchem_storage",
            enterprise=_enterprise("龙岩市东城化工有限公司"),
            jurisdiction=dongcheng,
            address="龙岩市新罗区东城街道工业路",
            latitude=Decimal("25.098500"),
            longitude=Decimal("117.038200"),
            description="新增2×1000 m³甲醇储罐",
            created_by=inspector,
        )
        siting_review_run(actor=inspector, project=project)
        HighRiskProject.objects.create(
            name="雁石镇加油站新建项目",
            category="fuel_station",
            jurisdiction=_node("新罗区/雁石镇") or dongcheng,
            latitude=Decimal("25.300000"),
            longitude=Decimal("116.950000"),
            created_by=inspector,
        )
    if not CatalogEntry.objects.exists():
        entries = [
            (
                "KBZ-400型矿用隔爆型真空馈电开关",
                "equipment",
                "banned",
                "KBZ-400\nKBZ-400/1140",
                "保护功能不完善",
                "智能型矿用隔爆真空馈电开关",
            ),
            (
                "氨制冷系统直排式安全阀工艺",
                "process",
                "restricted",
                "",
                "泄漏氨气直接排放，易致中毒",
                "安全阀出口接入应急吸收装置",
            ),
            ("J-15型手动液压釜", "equipment", "banned", "J-15\nJ15", "无超压联锁，易爆炸", "带自动联锁的反应釜"),
            ("人工装填烟花药物工艺", "process", "banned", "", "作业人员直接接触药物", "机械化装药生产线"),
        ]
        for name, kind, status, models_, reason, replacement in entries:
            catalog_entry_save(
                actor=committee,
                entry=CatalogEntry(
                    name=name,
                    kind=kind,
                    status=status,
                    model_numbers=models_,
                    reason=reason,
                    replacement=replacement,
                    source_document="淘汰落后安全技术装备目录（演示）",
                    batch="2016年第一批",
                    published_on=dt.date(2016, 3, 1),
                ),
            )
    chem = _enterprise("龙岩市东城化工有限公司")
    keeper = _user("enterprise")
    if chem and keeper and not DeclaredEquipment.objects.filter(enterprise=chem).exists():
        for data in (
            {"name": "手动液压釜", "model_number": "J-15", "quantity": 2, "location": "二车间"},
            {"name": "DCS控制系统", "model_number": "ECS-700", "quantity": 1, "location": "中控室"},
            {"name": "甲醇储罐", "model_number": "V-1000", "quantity": 4, "location": "罐区"},
        ):
            equipment_declare(actor=keeper, enterprise=chem, data=data)
    quarry = _enterprise("武平县中山石料厂")
    if quarry and not ExitProposal.objects.filter(enterprise=quarry).exists():
        shanghang = _user("committee")
        if shanghang:
            exit_proposal_create(
                actor=shanghang,
                enterprise=quarry,
                kind="closure",
                reasons="无安全生产许可证；采场边坡超高超陡；未设置安全管理机构",
                exit_by=today + dt.timedelta(days=90),
            )


def _seed_standardization(today: dt.date) -> None:
    from .models import Demonstration, StandardizationCertificate
    from .services.standardization import demonstration_designate, stdcert_record

    committee = _user("committee")
    if committee is None or StandardizationCertificate.objects.exists():
        return
    rows = [
        ("紫金矿业集团股份有限公司紫金山金铜矿", 1, "B0921", 400),
        ("上杭县蛟洋铜冶炼有限公司", 2, "C3211", 700),
        ("龙岩市东城化工有限公司", 3, "C2614", 1010),  # expires within three months: a re-review reminder
        ("福建龙净环保股份有限公司", 2, "C3511", 200),
        ("永定区坎市烟花爆竹有限公司", 3, "C2672", 900),
        ("漳平市永福煤业有限公司", 3, "B0610", 100),
    ]
    for index, (name, level, industry, days_ago) in enumerate(rows, start=1):
        enterprise = _enterprise(name)
        if enterprise is None:
            continue
        stdcert_record(
            actor=committee,
            enterprise=enterprise,
            level=level,
            industry=Industry.objects.get(code=industry),
            certificate_number=f"闽AQB{['I', 'II', 'III'][level - 1]}-{today.year}-{index:04d}",
            issued_on=today - dt.timedelta(days=days_ago),
            issuing_authority={1: "应急管理部", 2: "福建省应急管理厅", 3: "龙岩市应急管理局"}[level],
        )
    station = _enterprise("龙岩市西陂加油站")
    if station:
        # A declaration as the enterprise makes it through the portal: awaiting verification by staff.
        from .models import CertificateEvent

        pending = StandardizationCertificate.objects.create(
            enterprise=station,
            level=3,
            industry=Industry.objects.get(code="F5265"),
            certificate_number=f"闽AQBIII-{today.year}-9001",
            issuing_level="city",
            issued_on=today - dt.timedelta(days=30),
            expires_on=StandardizationCertificate.default_expiry(today - dt.timedelta(days=30)),
        )
        CertificateEvent.objects.create(certificate=pending, to_status=pending.status, note="企业申报（演示）")
    zijin = _enterprise("紫金矿业集团股份有限公司紫金山金铜矿")
    if zijin and not Demonstration.objects.exists():
        demonstration_designate(
            actor=committee,
            enterprise=zijin,
            designated_on=today - dt.timedelta(days=200),
            batch=f"{today.year - 1}年度",
            department=Department.objects.filter(code="yjj").first(),
            summary="井下铲装、运输无人驾驶；破碎系统远程集控",
            measures=[
                {"kind": "mechanization", "description": "井下铲运机遥控作业", "post": "铲装工", "people_moved": 24},
                {"kind": "automation", "description": "破碎站远程集中控制", "post": "破碎工", "people_moved": 16},
            ],
        )


def _seed_training(today: dt.date) -> None:
    from .models import Employee
    from .services.training import (
        employee_change_post,
        employee_create,
        special_certificate_save,
        training_record_add,
    )

    chem = _enterprise("龙岩市东城化工有限公司")
    keeper = _user("enterprise")
    if chem is None or keeper is None or Employee.objects.filter(enterprise=chem).exists():
        return
    year_ago = today - dt.timedelta(days=500)

    def staff(name: str, post: str, posted: dt.date, hours: tuple[int, int, int], **extra: Any) -> Any:
        person = employee_create(actor=keeper, enterprise=chem, name=name, post=post, posted_on=posted, **extra)
        for category, h in zip(("company", "workshop", "team"), hours, strict=True):
            if h:
                training_record_add(
                    actor=keeper,
                    employee=person,
                    category=category,
                    hours=h,
                    completed_on=posted - dt.timedelta(days=2),
                )
        return person

    ok = staff("陈建国", "合成工", year_ago, (24, 24, 24), post_is_high_risk=True)
    training_record_add(
        actor=keeper, employee=ok, category="annual", hours=20, completed_on=today - dt.timedelta(days=40)
    )
    staff("林小红", "化验员", today - dt.timedelta(days=60), (24, 24, 24))
    staff("张伟", "装卸工", today - dt.timedelta(days=30), (8, 8, 8))  # 24 h, but 72 h are required here
    electrician = staff("黄海", "电工", year_ago, (24, 24, 24), special_operation="electrical")
    training_record_add(
        actor=keeper, employee=electrician, category="annual", hours=20, completed_on=today - dt.timedelta(days=100)
    )
    special_certificate_save(
        actor=keeper,
        employee=electrician,
        operation="electrical",
        certificate_number="T350802198001011234",
        issued_on=today - dt.timedelta(days=6 * 365 - 45),
        expires_on=today + dt.timedelta(days=45),
        issuing_authority="龙岩市应急管理局",
    )
    mover = staff("吴明", "仓库管理员", year_ago, (24, 24, 24))
    training_record_add(
        actor=keeper, employee=mover, category="annual", hours=20, completed_on=today - dt.timedelta(days=10)
    )
    employee_change_post(
        actor=keeper, employee=mover, post="反应釜操作工", on=today - dt.timedelta(days=5), post_is_high_risk=True
    )
    boss = employee_create(
        actor=keeper, enterprise=chem, name="赖安全", post="总经理", posted_on=year_ago, role="principal"
    )
    training_record_add(actor=keeper, employee=boss, category="mgmt_initial", hours=48, completed_on=year_ago)
    training_record_add(
        actor=keeper, employee=boss, category="mgmt_annual", hours=16, completed_on=today - dt.timedelta(days=90)
    )


def seed_topics_demo() -> None:
    today = timezone.localdate()
    with transaction.atomic():
        _seed_responsibility(today)
        _seed_admission(today)
        _seed_standardization(today)
        _seed_training(today)
