"""Demo data for credit: events recorded the way other apps record them, the records they proposed (most
confirmed, a few waiting, one not adopted), grades, a blacklist entry in its objection window and a
published one. Idempotent (facts are deduplicated, steps check state)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from enterprises.models import Enterprise
from safety_platform.models import User
from safety_platform.services import fact_record

from .choices import BlacklistStatus, RecalcTrigger, RecordStatus
from .models import BlacklistEntry, CreditRecord

# (enterprise name, fact kind, days ago, payload, dedup key)
EVENTS: list[tuple[str, str, int, dict[str, Any], str]] = [
    (
        "龙岩市东城化工有限公司",
        "standardization_granted",
        400,
        {"certificate_id": 9001, "level": 2},
        "stdcert:9001:granted",
    ),
    (
        "龙岩市东城化工有限公司",
        "training_compliant",
        20,
        {"noncompliant_people": 0, "people": 180},
        "training:demo-dc:1",
    ),
    (
        "福建龙净环保股份有限公司",
        "standardization_granted",
        300,
        {"certificate_id": 9002, "level": 1},
        "stdcert:9002:granted",
    ),
    (
        "永定区坎市烟花爆竹有限公司",
        "accident",
        60,
        {"accident_id": 801, "grade": "larger", "deaths": 3, "serious_injuries": 2, "direct_loss_yuan": 4200000},
        "accident:801:1",
    ),
    (
        "龙岩市新罗区雁石煤矿有限公司",
        "major_hazard_overdue",
        15,
        {"hazard_id": 7001, "code": "YS-2026-07"},
        "hazard:7001:major_overdue",
    ),
    (
        "龙岩市新罗区雁石煤矿有限公司",
        "hazard_overdue",
        25,
        {"hazard_id": 7002, "code": "YS-2026-11"},
        "hazard:7002:overdue",
    ),
    (
        "武平县中山石料厂",
        "accident",
        30,
        {"accident_id": 802, "grade": "major", "deaths": 10, "serious_injuries": 4, "direct_loss_yuan": 21000000},
        "accident:802:1",
    ),
    (
        "连城县莲峰烟花厂",
        "licence_violation",
        500,
        {"licence": "烟花爆竹生产许可证", "note": "暂扣期间擅自生产"},
        "demo:licence:lianfeng",
    ),
    ("长汀县汀州胶合板厂", "training_noncompliant", 10, {"noncompliant_people": 6, "people": 85}, "training:demo-tz:1"),
    ("长汀县汀州胶合板厂", "occupational_hazard", 90, {"note": "粉尘浓度超标"}, "demo:occ:tingzhou"),
    (
        "长汀县汀州胶合板厂",
        "self_report_late",
        40,
        {"period": "2026Q2", "due_on": "2026-07-15", "submitted": True},
        "demo:report-late:tingzhou",
    ),
]

# Records the platform proposed from those events, decided by committee staff (the rest wait on the
# 待确认信用记录 list: 永定's larger accident, 雁石's overdue major hazard, 汀州's untrained staff).
CONFIRMED = [
    ("武平县中山石料厂", "ACC-MAJOR", "事故调查报告已核实：重大事故，死亡10人。"),
    ("连城县莲峰烟花厂", "RESP-LICENCE", "许可证暂扣决定书及现场检查笔录已核实。"),
    ("长汀县汀州胶合板厂", "OCC-VIOLATION", "职业病危害因素检测报告已核实。"),
    ("龙岩市新罗区雁石煤矿有限公司", "HAZ-OVERDUE", "隐患整改逾期，复查记录已核实。"),
]
REJECTED = [
    ("长汀县汀州胶合板厂", "HAZ-REPORT-LATE", "该季度统计已于期限内纸质报送，系统录入延误，不予采纳。"),
]


def seed_credit_demo() -> None:
    from .services import (
        blacklist_approve,
        blacklist_serve_notice,
        credit_facts_ingest_pending,
        credit_proposals_decide,
        credit_recalculate_all,
    )

    now = timezone.now()
    enterprises = {e.name: e for e in Enterprise.objects.filter(name__in={row[0] for row in EVENTS})}
    for name, kind, days_ago, payload, key in EVENTS:
        enterprise = enterprises.get(name)
        if enterprise is None:
            continue
        fact_record(
            kind=kind,
            dedup_key=key,
            occurred_at=now - dt.timedelta(days=days_ago),
            enterprise=enterprise,
            payload=payload,
        )
    department = User.objects.filter(username="dept_yjj").first()
    committee = User.objects.filter(username="committee").first()
    admin = User.objects.filter(username="admin").first()
    credit_facts_ingest_pending()  # whatever the live listener has not read yet
    if committee:
        for rows, decision in ((CONFIRMED, "confirm"), (REJECTED, "reject")):
            for name, code, reason in rows:
                pending = list(
                    CreditRecord.objects.filter(enterprise__name=name, rule_code=code, status=RecordStatus.PROPOSED)
                )
                if pending:
                    credit_proposals_decide(
                        actor=committee, record_ids=[r.pk for r in pending], decision=decision, reason=reason
                    )
    if department and committee:
        # The rule-proposed listing for a major accident: notice served, objection window open.
        entry = BlacklistEntry.objects.filter(enterprise__name="武平县中山石料厂").order_by("-id").first()
        if entry and entry.status == BlacklistStatus.PROPOSED:
            blacklist_serve_notice(actor=department, entry=entry)
        # The licence violation 500 days ago: listed after its window passed (the demo moves the clock).
        entry = BlacklistEntry.objects.filter(enterprise__name="连城县莲峰烟花厂").order_by("-id").first()
        if entry and entry.status == BlacklistStatus.PROPOSED:
            entry = blacklist_serve_notice(actor=admin or department, entry=entry)
            BlacklistEntry.objects.filter(pk=entry.pk).update(
                objection_deadline=timezone.localdate() - dt.timedelta(days=400)
            )
            entry.refresh_from_db()
            entry = blacklist_approve(actor=committee, entry=entry, note="演示数据")
            listed_on = timezone.localdate() - dt.timedelta(days=390)  # an approval is never backdated
            BlacklistEntry.objects.filter(pk=entry.pk).update(listed_on=listed_on, ends_on=entry.period_end(listed_on))
    credit_recalculate_all(trigger=RecalcTrigger.MANUAL, key=f"demo:{timezone.localdate().isoformat()}")
