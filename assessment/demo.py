"""Demo data for the assessment: each county's targets and base figures for this year and last, runs of
last quarter (published by the demo committee login) and of the current month (preliminary) so a newcomer
sees a real ranking, and one county's objection to the month's preliminary result waiting for the
committee's answer. Idempotent."""

from __future__ import annotations

from decimal import Decimal

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
    for period in (last_quarter, this_month):
        if AssessmentRun.objects.filter(period=period, status=RunStatus.DONE).exists():
            continue
        # Computed here rather than on a worker, so the demo shows results as soon as the seed ends.
        run = assessment_run_start(period=period, enqueue=False)
        assessment_run_execute(run_id=run.pk)
    _publish(last_quarter)
    _seed_objection(this_month)


def _publish(period: AssessmentPeriod) -> None:
    """Publish the period's latest finished run, as the demo committee login, unless one is published."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username=PUBLISHING_USER, is_active=True).first()
    if user is None or AssessmentResult.objects.filter(period=period, status=ResultStatus.PUBLISHED).exists():
        return
    run = AssessmentRun.objects.filter(period=period, status=RunStatus.DONE).order_by("-finished_at", "-pk").first()
    if run is not None:
        assessment_run_publish(run=run, user=user)


def _seed_objection(period: AssessmentPeriod) -> None:
    """One open objection on the month's preliminary result, so the committee has one to answer."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username=OBJECTING_USER, is_active=True).first()
    result = (
        AssessmentResult.objects.filter(
            run__period=period,
            run__status=RunStatus.DONE,
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
