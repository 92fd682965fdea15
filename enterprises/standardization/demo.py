"""Demo data of standardization (idempotent), registered by `standardization.setup.register()`: `manage.py seed_demo`
runs it after the logins and the rooms registered before it. Dates are relative to today so that
reminders, expiries and compliance look alive in a demonstration."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from safety_platform.models import Department, Industry

from ..common.demo import demo_enterprise, demo_user


def _seed_standardization(today: dt.date) -> None:
    from .models import Demonstration, StandardizationCertificate
    from .services import demonstration_designate, stdcert_record

    committee = demo_user("committee")
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
        enterprise = demo_enterprise(name)
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
    station = demo_enterprise("龙岩市西陂加油站")
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
    zijin = demo_enterprise("紫金矿业集团股份有限公司紫金山金铜矿")
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


def seed_standardization_demo() -> None:
    with transaction.atomic():
        _seed_standardization(timezone.localdate())
