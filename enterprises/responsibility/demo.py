"""Demo data of responsibility (idempotent), registered by `responsibility.setup.register()`: `manage.py seed_demo`
runs it after the logins and the rooms registered before it. Dates are relative to today so that
reminders, expiries and compliance look alive in a demonstration."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from safety_platform.models import Department, Industry

from ..common.demo import demo_enterprise, demo_user

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
    from .services import (
        joint_finding_add,
        joint_inspection_complete,
        joint_inspection_create,
        responsibility_item_create,
    )

    committee = demo_user("committee")
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
    chem = demo_enterprise("龙岩市东城化工有限公司")
    inspector = demo_user("inspector")
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


def seed_responsibility_demo() -> None:
    with transaction.atomic():
        _seed_responsibility(timezone.localdate())
