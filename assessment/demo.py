"""Demo data for the assessment: each county's targets and base figures for this year and last, runs of
last quarter (published by the demo committee login) and of the current month (preliminary) so a newcomer
sees a real ranking, and one county's objection to the month's preliminary result waiting for the
committee's answer. The same two periods for the member departments' duty check, with credit records
entered on time or late and blacklist proposals handled in time or late by two departments, so their
figures differ. Idempotent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from safety_platform.choices import JurisdictionLevel
from safety_platform.models import Jurisdiction

from .choices import PeriodKind, ResultStatus, RunStatus, SchemeKind
from .models import AssessmentPeriod, AssessmentResult, AssessmentRun, CountyInput, Objection, Scheme
from .services import (
    assessment_period_get_or_create,
    assessment_run_execute,
    assessment_run_publish,
    assessment_run_start,
    objection_file,
)

# The county whose staff object to the month's result, and the demo login that files it.
OBJECTING_COUNTY = "上杭县"
OBJECTING_USER = "inspector_shanghang"
# The demo login of the committee staff who publish last quarter's results.
PUBLISHING_USER = "committee"
OBJECTION_TEXT = "本月上杭县已办结的3条重大隐患整改销号材料已于月底前上传，但未计入隐患整改率，请核实后重新计算。"

# name: (deaths target, larger accidents target, GDP in 100 million yuan, industrial workers)
COUNTY_FIGURES: dict[str, tuple[int, int, str, int]] = {
    "新罗区": (12, 1, "1180.5", 186000),
    "永定区": (8, 1, "452.3", 78000),
    "长汀县": (7, 1, "346.8", 64000),
    "上杭县": (9, 1, "511.2", 92000),
    "武平县": (6, 1, "318.4", 51000),
    "连城县": (6, 1, "295.7", 47000),
    "漳平市": (7, 1, "389.1", 69000),
    "龙岩经济技术开发区（高新区）": (3, 0, "210.0", 0),  # no workforce entered yet: that indicator says why
}


def seed_assessment_demo() -> None:
    today = timezone.localdate()
    counties = {j.name: j for j in Jurisdiction.objects.filter(level=JurisdictionLevel.COUNTY)}
    for year in (today.year - 1, today.year):
        for name, (deaths, larger, gdp, workers) in COUNTY_FIGURES.items():
            county = counties.get(name)
            if county is None:
                continue
            gdp_value = Decimal(gdp)
            CountyInput.objects.get_or_create(
                jurisdiction=county,
                year=year,
                defaults={
                    "deaths_target": deaths,
                    "larger_accidents_target": larger,
                    "deaths_per_100m_gdp_target": (Decimal(deaths) / gdp_value).quantize(Decimal("0.0001")),
                    "deaths_per_100k_workers_target": (
                        (Decimal(deaths) * 100000 / workers).quantize(Decimal("0.0001")) if workers else None
                    ),
                    "gdp_100m_yuan": gdp_value,
                    "industrial_workers": workers or None,
                },
            )
    if Scheme.objects.in_force(SchemeKind.JURISDICTION, today) is None:
        return
    quarter_index = today.year * 4 + (today.month - 1) // 3 - 1
    last_quarter = assessment_period_get_or_create(
        kind=PeriodKind.QUARTER, year=quarter_index // 4, number=quarter_index % 4 + 1, today=today
    )
    this_month = assessment_period_get_or_create(
        kind=PeriodKind.MONTH, year=today.year, number=today.month, today=today
    )
    kinds = [SchemeKind.JURISDICTION]
    if Scheme.objects.in_force(SchemeKind.DEPARTMENT, today) is not None:
        _seed_department_work(last_quarter, this_month, today)
        kinds.append(SchemeKind.DEPARTMENT)
    for kind in kinds:
        for period in (last_quarter, this_month):
            if AssessmentRun.objects.filter(period=period, scheme__kind=kind, status=RunStatus.DONE).exists():
                continue
            # Computed here rather than on a worker, so the demo shows results as soon as the seed ends.
            run = assessment_run_start(period=period, enqueue=False, kind=kind)
            assessment_run_execute(run_id=run.pk)
        _publish(last_quarter, kind)
    _seed_objection(this_month)


def _publish(period: AssessmentPeriod, kind: str = SchemeKind.JURISDICTION) -> None:
    """Publish the period's latest finished run of a kind, as the demo committee login, unless one is published."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username=PUBLISHING_USER, is_active=True).first()
    of_kind = AssessmentResult.objects.filter(period=period, scheme__kind=kind)
    if user is None or of_kind.filter(status=ResultStatus.PUBLISHED).exists():
        return
    run = (
        AssessmentRun.objects.filter(period=period, scheme__kind=kind, status=RunStatus.DONE)
        .order_by("-finished_at", "-pk")
        .first()
    )
    if run is not None:
        assessment_run_publish(run=run, user=user)


# The departments' own work in the demo: (department code, period, delays in days of the credit records its
# staff enter by hand; a delay above the scheme's 7 days is late), and the days each took to handle a
# blacklist proposal of last quarter (above 10 is late). Every member department that supervises enterprises
# has some, so each is scored and the figures differ. 财政局, 自然资源局 and 生态环境局 supervise no industry
# (reference data): they see no enterprise, so they can neither record credit behaviour nor propose a
# listing, and have no hazards; the duty check says so on their result instead of scoring them.
DEPARTMENT_RECORDS: list[tuple[str, str, list[int]]] = [
    ("yjj", "quarter", [1, 2, 3, 5, 6, 20]),  # 5 of 6 on time
    ("yjj", "month", [1, 2]),
    ("zjj", "quarter", [2, 4, 12, 30]),  # 2 of 4
    ("zjj", "month", [9]),
    ("jtj", "quarter", [1, 3, 9, 2]),  # 3 of 4
    ("jtj", "month", [1, 2, 3, 9]),
    ("scjgj", "quarter", [2, 4, 6, 5, 15]),  # 4 of 5
    ("scjgj", "month", [1, 3, 8]),
    ("fgw", "quarter", [1, 2, 7]),  # 3 of 3 (the 7th day is the last allowed)
    ("fgw", "month", [4]),
]
DEPARTMENT_PROPOSALS: list[tuple[str, int]] = [("yjj", 3), ("zjj", 14), ("jtj", 8), ("scjgj", 12), ("fgw", 10)]
DEMO_EVIDENCE = "演示：部门履责检查（信用信息归集）"
DEMO_PROPOSAL = "演示：部门履责检查（黑名单建议处理）"


def _seed_department_work(last_quarter: AssessmentPeriod, this_month: AssessmentPeriod, today: dt.date) -> None:
    """Credit records the member departments entered by hand, on time or late, and blacklist proposals they
    handled (withdrew) in time or late, dated inside the demo periods, on enterprises each supervises. Entered
    by the department's demo login where there is one (dept_yjj, dept_zjj), else by a member of its staff
    without a login here. Written once per department (marked by their text)."""
    from django.contrib.auth import get_user_model

    from credit.choices import Behaviour, BlacklistCase, BlacklistOrigin, BlacklistStatus, RecordSource
    from credit.models import BlacklistEntry, BlacklistTransition, CreditRecord, RuleSet
    from enterprises.models import Enterprise
    from safety_platform.models import Department

    rule_set = RuleSet.objects.in_force(today)
    rule = (
        rule_set.rules.filter(behaviour=Behaviour.GOOD, manual_allowed=True, blacklist_case="").order_by("code").first()
        if rule_set
        else None
    )
    if rule is None:
        return
    codes = {code for code, _which, _delays in DEPARTMENT_RECORDS} | {code for code, _took in DEPARTMENT_PROPOSALS}
    departments = {d.code: d for d in Department.objects.filter(code__in=codes)}
    done = set(
        CreditRecord.objects.filter(evidence=DEMO_EVIDENCE, department__code__in=codes).values_list(
            "department__code", flat=True
        )
    )
    logins: dict[int, Any] = {}
    for login in (
        get_user_model()
        .objects.filter(department__code__in=codes, username__startswith="dept_", is_active=True)
        .order_by("username")
    ):
        if login.department_id is not None:
            logins.setdefault(login.department_id, login)
    periods = {"quarter": last_quarter, "month": this_month}

    def moment(day: dt.date) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, dt.time(10)))

    def supervised(department: Department) -> Any:
        return Enterprise.objects.operating().filter(supervising_department=department)

    for code, which, delays in DEPARTMENT_RECORDS:
        department = departments.get(code)
        if department is None or code in done:
            continue
        enterprises = list(supervised(department).order_by("pk")[:3])
        if not enterprises:
            continue
        period = periods[which]
        last_day = min(period.end, today)
        for index, delay in enumerate(delays):
            entered = min(period.start + dt.timedelta(days=3 + 9 * index), last_day)
            record = CreditRecord.objects.create(
                enterprise=enterprises[index % len(enterprises)],
                rule=rule,
                occurred_on=entered - dt.timedelta(days=delay),
                evidence=DEMO_EVIDENCE,
                department=department,
                recorded_by=logins.get(department.pk),
                source=RecordSource.MANUAL,
            )
            CreditRecord.objects.filter(pk=record.pk).update(created_at=moment(entered))
    for code, took in DEPARTMENT_PROPOSALS:
        department = departments.get(code)
        if department is None or code in done or rule_set is None:
            continue
        proposer = logins.get(department.pk)
        open_entries = BlacklistEntry.objects.open().values("enterprise_id")
        enterprise = supervised(department).exclude(pk__in=open_entries).order_by("-pk").first()
        if enterprise is None:
            continue
        proposed = moment(last_quarter.start + dt.timedelta(days=20))
        entry = BlacklistEntry.objects.create(
            enterprise=enterprise,
            status=BlacklistStatus.REJECTED,
            origin=BlacklistOrigin.DEPARTMENT,
            case=BlacklistCase.OTHER,
            rule_set=rule_set,
            reason=DEMO_PROPOSAL,
            legal_basis="《安全生产严重失信主体名单管理办法》",
            department=department,
            proposed_by=proposer,
            proposed_at=proposed,
            decision_note="经核查证据不足，撤回建议。",
            updated_at=proposed + dt.timedelta(days=took),
        )
        BlacklistTransition.objects.bulk_create(
            [
                BlacklistTransition(
                    entry=entry, to_status=BlacklistStatus.PROPOSED, action="propose", actor=proposer, at=proposed
                ),
                BlacklistTransition(
                    entry=entry,
                    from_status=BlacklistStatus.PROPOSED,
                    to_status=BlacklistStatus.REJECTED,
                    action="reject",
                    actor=proposer,
                    at=proposed + dt.timedelta(days=took),
                    note=entry.decision_note,
                ),
            ]
        )


def _seed_objection(period: AssessmentPeriod) -> None:
    """One open objection on the month's preliminary result, so the committee has one to answer."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username=OBJECTING_USER, is_active=True).first()
    result = (
        AssessmentResult.objects.filter(
            run__period=period,
            run__status=RunStatus.DONE,
            scheme__kind=SchemeKind.JURISDICTION,
            jurisdiction__name=OBJECTING_COUNTY,
            status=ResultStatus.PRELIMINARY,
        )
        .select_related("run")
        .order_by("-run__finished_at", "-pk")
        .first()
    )
    if user is None or result is None or Objection.objects.filter(result__run=result.run).exists():
        return
    objection_file(result=result, user=user, text=OBJECTION_TEXT)
