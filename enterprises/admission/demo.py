"""Demo data of admission (idempotent), registered by `admission.setup.register()`: `manage.py seed_demo`
runs it after the logins and the rooms registered before it. Dates are relative to today so that
reminders, expiries and compliance look alive in a demonstration."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from ..common.demo import demo_enterprise, demo_node, demo_user

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


def _seed_admission(today: dt.date) -> None:
    from .models import (
        CatalogEntry,
        DeclaredEquipment,
        DensePlace,
        ExitProposal,
        HighRiskProject,
        SeparationDistance,
    )
    from .services import catalog_entry_save, equipment_declare, exit_proposal_create, siting_review_run

    for category, distance, basis in SEPARATIONS:
        SeparationDistance.objects.get_or_create(
            category=category,
            version="2023",
            defaults={"distance_m": Decimal(distance), "valid_from": dt.date(2023, 1, 1), "legal_basis": basis},
        )
    committee, inspector = demo_user("committee"), demo_user("inspector")
    if committee is None or inspector is None:
        return
    dongcheng = demo_node("新罗区/东城街道")
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
            enterprise=demo_enterprise("龙岩市东城化工有限公司"),
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
            jurisdiction=demo_node("新罗区/雁石镇") or dongcheng,
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
    chem = demo_enterprise("龙岩市东城化工有限公司")
    keeper = demo_user("enterprise")
    if chem and keeper and not DeclaredEquipment.objects.filter(enterprise=chem).exists():
        for data in (
            {"name": "手动液压釜", "model_number": "J-15", "quantity": 2, "location": "二车间"},
            {"name": "DCS控制系统", "model_number": "ECS-700", "quantity": 1, "location": "中控室"},
            {"name": "甲醇储罐", "model_number": "V-1000", "quantity": 4, "location": "罐区"},
        ):
            equipment_declare(actor=keeper, enterprise=chem, data=data)
    quarry = demo_enterprise("武平县中山石料厂")
    if quarry and not ExitProposal.objects.filter(enterprise=quarry).exists():
        shanghang = demo_user("committee")
        if shanghang:
            exit_proposal_create(
                actor=shanghang,
                enterprise=quarry,
                kind="closure",
                reasons="无安全生产许可证；采场边坡超高超陡；未设置安全管理机构",
                exit_by=today + dt.timedelta(days=90),
            )


def seed_admission_demo() -> None:
    with transaction.atomic():
        _seed_admission(timezone.localdate())
