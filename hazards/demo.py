"""Demo data of the hazards app: checklists, risk sources, a campaign, hazards in every state.

Idempotent: hazards carry a demo external key, risk sources and checklists are looked up by name.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from enterprises.models import Enterprise
from safety_platform.models import Industry, Jurisdiction, User
from safety_platform.services import deadline_open

from .choices import HazardGrade, HazardSource, RiskMethod, StatPeriodKind
from .models import Campaign, Checklist, ChecklistItem, Hazard, RiskSource

CHECKLISTS: list[tuple[str | None, str, str, list[tuple[str, str, str]]]] = [
    (
        None,
        "通用安全生产隐患排查清单",
        "《安全生产事故隐患排查治理暂行规定》",
        [
            ("基础管理", "安全生产责任制是否建立并落实到岗位", "《安全生产法》第二十二条"),
            ("基础管理", "主要负责人和安全管理人员是否经考核合格", "《安全生产法》第二十七条"),
            ("基础管理", "从业人员是否经安全生产教育和培训合格后上岗", "《安全生产法》第二十八条"),
            ("现场管理", "安全出口、疏散通道是否畅通，应急照明是否完好", "《消防法》第二十八条"),
            ("现场管理", "消防器材是否按规定配置且在有效期内", "GB 50140"),
            ("现场管理", "特种设备是否定期检验并在有效期内", "《特种设备安全法》第四十条"),
            ("应急管理", "是否制定生产安全事故应急预案并定期演练", "《生产安全事故应急条例》第五条"),
        ],
    ),
    (
        "C26",
        "危险化学品企业隐患排查清单",
        "《危险化学品企业安全风险隐患排查治理导则》",
        [
            ("重大危险源", "重大危险源是否已辨识、评估、登记建档并备案", "《危险化学品重大危险源监督管理暂行规定》"),
            ("设备设施", "储罐区是否设置可燃/有毒气体检测报警装置并定期校验", "GB/T 50493"),
            ("工艺安全", "涉及重点监管危险化工工艺的装置是否实现自动化控制", "安监总管三〔2009〕116号"),
            ("作业安全", "动火、受限空间等特殊作业是否办理作业票", "GB 30871"),
            ("设备设施", "防雷防静电设施是否定期检测", "GB 50057"),
        ],
    ),
    (
        "E47",
        "房屋建筑工程施工隐患排查清单",
        "《建筑施工安全检查标准》JGJ 59",
        [
            ("高处作业", "临边、洞口防护是否到位", "JGJ 80"),
            ("起重机械", "塔式起重机是否经检验合格并办理使用登记", "《建筑起重机械安全监督管理规定》"),
            ("脚手架", "脚手架搭设是否有专项方案并经验收", "JGJ 130"),
            ("临时用电", "施工现场临时用电是否采用TN-S系统并设置三级配电两级保护", "JGJ 46"),
        ],
    ),
    (
        "B",
        "非煤矿山及煤矿隐患排查清单",
        "《金属非金属矿山重大事故隐患判定标准》",
        [
            ("通风", "矿井通风系统是否完善可靠，风量是否满足要求", "AQ 2013"),
            ("提升运输", "提升设备是否按规定检测检验", "GB 16423"),
            ("边坡", "露天边坡是否按设计台阶开采并定期监测", "GB 16423"),
            ("防治水", "是否开展水文地质调查并落实探放水措施", "《煤矿防治水细则》"),
        ],
    ),
]

# (enterprise name, location/post, description, method, factors, control measures, responsible)
RISK_SOURCES: list[tuple[str, str, str, str, dict[str, Any], str, str]] = [
    (
        "龙岩市东城化工有限公司",
        "甲醇储罐区",
        "储罐泄漏遇点火源可能引发火灾爆炸",
        RiskMethod.LEC,
        {"lec_l": "3", "lec_e": "6", "lec_c": "40"},
        "可燃气体报警仪、防火堤、紧急切断阀；每班巡检",
        "赖安全",
    ),
    (
        "龙岩市东城化工有限公司",
        "合成反应釜岗位",
        "超温超压可能导致反应失控",
        RiskMethod.LEC,
        {"lec_l": "1", "lec_e": "6", "lec_c": "40"},
        "DCS自动控制与联锁，安全阀定期校验",
        "赖安全",
    ),
    (
        "龙岩市东城化工有限公司",
        "装卸车区",
        "装卸过程静电积聚",
        RiskMethod.LEC,
        {"lec_l": "1", "lec_e": "3", "lec_c": "15"},
        "静电接地报警器，鹤管密闭装车",
        "赖安全",
    ),
    (
        "龙岩市东城化工有限公司",
        "办公楼",
        "一般火灾风险",
        RiskMethod.MATRIX,
        {"likelihood": 2, "severity": 2},
        "灭火器、疏散指示",
        "赖安全",
    ),
    (
        "龙岩市新罗区雁石煤矿有限公司",
        "主井提升系统",
        "断绳、过卷可能造成人员伤亡",
        RiskMethod.LEC,
        {"lec_l": "3", "lec_e": "10", "lec_c": "40"},
        "防过卷装置、定期探伤",
        "矿长",
    ),
    (
        "新罗区西陂建筑工程有限公司",
        "塔吊作业区",
        "起重伤害、物体打击",
        RiskMethod.MATRIX,
        {"likelihood": 3, "severity": 5},
        "司机持证上岗，限位器检查",
        "项目经理",
    ),
    (
        "上杭县临江化工有限公司",
        "硫酸储罐区",
        "腐蚀泄漏灼伤",
        RiskMethod.LEC,
        {"lec_l": "3", "lec_e": "6", "lec_c": "7"},
        "围堰、洗眼器、防护用品",
        "安全科",
    ),
]


def _photo(color: str) -> SimpleUploadedFile:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(buffer, "JPEG")
    return SimpleUploadedFile("demo.jpg", buffer.getvalue(), content_type="image/jpeg")


def _seed_checklists() -> None:
    industries = {i.code: i for i in Industry.objects.all()}
    for code, name, basis, items in CHECKLISTS:
        industry = industries.get(code) if code else None
        if code and industry is None:
            continue
        checklist, created = Checklist.objects.get_or_create(name=name, defaults={"industry": industry, "basis": basis})
        if created:
            ChecklistItem.objects.bulk_create(
                [
                    ChecklistItem(checklist=checklist, order=i, category=cat, text=text, basis=item_basis)
                    for i, (cat, text, item_basis) in enumerate(items, start=1)
                ]
            )


def _seed_risk_sources() -> None:
    from .services import risk_source_save

    for name, post, description, method, factors, measures, responsible in RISK_SOURCES:
        enterprise = Enterprise.objects.filter(name=name).first()
        if enterprise is None or RiskSource.objects.filter(enterprise=enterprise, name=post).exists():
            continue
        actor = _inspector_for(enterprise)
        if actor is None:
            continue
        risk_source_save(
            actor=actor,
            enterprise=enterprise,
            data={
                "name": post,
                "description": description,
                "method": method,
                **factors,
                "control_measures": measures,
                "responsible_person": responsible,
                "review_date": timezone.localdate() + dt.timedelta(days=180),
            },
        )


def _inspector_for(enterprise: Enterprise) -> User | None:
    return (
        User.objects.filter(role="inspector", is_active=True, jurisdictions__in=enterprise.jurisdiction.ancestor_ids)
        .order_by("id")
        .first()
    )


def seed_demo() -> None:
    """Add the hazards app's demo data (safe to re-run)."""
    from .services import (
        campaign_save,
        hazard_assess,
        hazard_close,
        hazard_list_supervision,
        hazard_progress,
        hazard_register,
        hazard_report,
        hazard_start,
        hazard_submit,
        remediation_plan_save,
    )

    users = {u.username: u for u in User.objects.filter(username__in=["inspector", "enterprise", "committee"])}
    inspector, company, committee = users.get("inspector"), users.get("enterprise"), users.get("committee")
    _seed_checklists()
    _seed_risk_sources()
    chem = Enterprise.objects.filter(name="龙岩市东城化工有限公司").first()
    site = Enterprise.objects.filter(name="新罗区西陂建筑工程有限公司").first()
    mine = Enterprise.objects.filter(name="龙岩市新罗区雁石煤矿有限公司").first()
    if not (inspector and company and committee and chem and site and mine):
        return
    today = timezone.localdate()
    campaign = Campaign.objects.filter(name="危险化学品安全专项整治").first()
    if campaign is None:
        city = Jurisdiction.objects.filter(parent__isnull=True).first()
        campaign = campaign_save(
            actor=committee,
            data={
                "name": "危险化学品安全专项整治",
                "description": "全市危险化学品生产、储存企业储罐区、装卸区专项排查整治。",
                "starts_on": today - dt.timedelta(days=30),
                "ends_on": today + dt.timedelta(days=60),
                "industries": list(Industry.objects.filter(code="C26")),
                "jurisdictions": [city] if city else [],
            },
        )

    def register(key: str, enterprise: Enterprise, title: str, description: str, days_ago: int, **kw: Any) -> Any:
        hazard, created = hazard_register(
            enterprise=enterprise,
            title=title,
            description=description,
            source=kw.pop("source", HazardSource.INSPECTION),
            reported_by=kw.pop("by", inspector),
            location=kw.pop("location", ""),
            found_at=timezone.now() - dt.timedelta(days=days_ago),
            external_key=f"demo:{key}",
        )
        return hazard, created

    def assess(hazard: Hazard, days: int, responsible: str, grade: str = HazardGrade.GENERAL) -> None:
        deadline = today + dt.timedelta(days=days)
        hazard_assess(
            hazard_id=hazard.pk, actor=inspector, grade=grade, deadline=deadline, responsible_person=responsible
        )

    def remediate(hazard: Hazard, photo: str, note: str = "") -> None:
        """The inspector starts and submits the remediation, with an after photo."""
        hazard_start(hazard_id=hazard.pk, actor=inspector)
        hazard_submit(hazard_id=hazard.pk, actor=inspector, note=note, after=[_photo(photo)])

    with transaction.atomic():
        h, new = register("1", chem, "储罐区可燃气体报警仪未定期校验", "甲醇储罐区2台可燃气体报警仪超过校验有效期。", 2)
        if new and campaign:
            Hazard.objects.filter(pk=h.pk).update(campaign=campaign)

        h, new = register("2", chem, "装卸区静电接地线断开", "2号鹤管静电接地夹断裂，装车时无法有效接地。", 10)
        if new:
            assess(h, 7, "赖安全")

        h, new = register(
            "3",
            chem,
            "甲醇储罐区防火堤破损且紧急切断阀失效",
            "1号罐防火堤多处开裂，紧急切断阀无法远程关闭，需停用储罐整改。",
            20,
        )
        if new:
            deadline = today + dt.timedelta(days=45)
            assess(h, 45, "赖安全", HazardGrade.MAJOR)
            remediation_plan_save(
                hazard_id=h.pk,
                actor=company,
                data={
                    "goal": "修复防火堤，恢复紧急切断阀远程关闭功能",
                    "measures": "停用1号罐并倒空，委托有资质单位修复防火堤，更换切断阀执行机构",
                    "funds_and_materials": "资金18万元；防火堤修补材料、气动执行机构2套",
                    "funds_amount": "180000",
                    "responsible_people": "总经理 林建华；设备科 赖安全",
                    "deadline": deadline,
                    "safety_measures": "停用期间设置警戒区，配备泡沫灭火器材，编制专项应急处置方案",
                },
            )
            hazard_report(hazard_id=h.pk, actor=company, note="已停用1号罐。")
            hazard_list_supervision(hazard_id=h.pk, actor=committee, note="市安委办挂牌督办。")
            hazard_start(hazard_id=h.pk, actor=company)
            hazard_progress(hazard_id=h.pk, actor=company, note="防火堤修补完成60%。", photos=[_photo("gray")])
            if campaign:
                Hazard.objects.filter(pk=h.pk).update(campaign=campaign)

        h, new = register("4", site, "5层临边防护缺失", "5层东侧楼板临边未设置防护栏杆。", 8)
        if new:
            assess(h, 3, "项目经理")
            remediate(h, "green", "已加装防护栏杆。")

        h, new = register("5", mine, "井下避难硐室氧气瓶压力不足", "避难硐室内3瓶压缩氧压力低于规定值。", 40)
        if new:
            assess(h, 5, "通风科")
            remediate(h, "blue")
            hazard_close(hazard_id=h.pk, actor=inspector, note="现场核查，已更换。")

        h, new = register("6", mine, "主扇风机备用电源切换试验记录缺失", "近三个月无切换试验记录。", 30)
        if new:
            assess(h, 1, "机电科")
            # Demo only: backdate the deadline so that the overdue escalation has something to show.
            past = today - dt.timedelta(days=5)
            h.deadline = past
            h.save(update_fields=["deadline"])  # through the model: the dashboards' summary follows
            h.refresh_from_db()
            deadline_open(
                source=h,
                kind="hazard_rectification",
                title=f"整改隐患 {h.code}：{h.title}",
                due_at=h.due_at,  # type: ignore[arg-type]
                enterprise=mine,
                responsible=inspector,
                url=h.get_absolute_url(),
            )

        register("7", chem, "存在隐患", "见附件", 1, source=HazardSource.SELF_CHECK, by=company)
    _seed_statistics(chem, company, today)


def _seed_statistics(enterprise: Enterprise, user: User, today: dt.date) -> None:
    """The enterprise filed the quarter before last on time (its credit record shows that filing); the last
    ended quarter is left for it to file, so the portal shows what filing on time or late means."""
    from .services import previous_period, stat_report_get_or_create, stat_report_submit

    year, quarter = previous_period(today, StatPeriodKind.QUARTER)
    year, quarter = (year - 1, 4) if quarter == 1 else (year, quarter - 1)
    report = stat_report_get_or_create(enterprise=enterprise, kind=StatPeriodKind.QUARTER, year=year, quarter=quarter)
    if report.is_submitted:
        return
    filed_at = dt.datetime.combine(
        report.due_on - dt.timedelta(days=3), dt.time(10, 0), tzinfo=timezone.get_current_timezone()
    )
    stat_report_submit(report_id=report.pk, actor=user, note="本季度隐患均已按期整改。", at=filed_at)
