"""What the hazards app hands to the enterprises app, which stands below it and imports none of it:
its share of the dashboards' enterprise figures (risk points by colour, quarterly statistics filed on time,
self-checks), the enterprise list's conditions on the same records, the hazard registrar for equipment
matches and joint-inspection findings, and the recount of the hazard summary when enterprises change
department in bulk. Imported once from `HazardsConfig.ready()`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q
from django.dispatch import receiver

from enterprises.common.hazard_link import register_hazard_registrar
from enterprises.figures.sources import Facts, FigureSource, add_monthly, register_figure_source
from enterprises.registry.compliance import day_moments, register_enterprise_condition
from enterprises.registry.signals import enterprises_moved

from .choices import StatPeriodKind, StatReportStatus
from .models import HazardStatReport, RiskSource, SelfCheck
from .services import hazard_register


def _filed_on_time() -> Q:
    """Quarterly statistics submitted by their due date (the 15th of the month after the quarter, local
    time; SAWS Order 16 art. 14): the list's condition and the figure `stats_on_time` alike."""
    return Q(kind=StatPeriodKind.QUARTER, status=StatReportStatus.SUBMITTED, submitted_at__date__lte=F("due_on"))


def stat_report_missing_q(year: int, quarter: int) -> Q:
    """No quarterly hazard statistics for (year, quarter) submitted by their due date: never filed, still a
    draft, or filed late."""
    on_time = HazardStatReport.objects.filter(_filed_on_time(), enterprise=OuterRef("pk"), year=year, quarter=quarter)
    return ~Q(Exists(on_time))


def self_check_missing_q(start: dt.date, end: dt.date) -> Q:
    """No self-check (自查) performed from `start` to `end` (days, local time)."""
    since, until = day_moments(start, end)
    checks = SelfCheck.objects.filter(enterprise=OuterRef("pk"), performed_at__gte=since, performed_at__lt=until)
    return ~Q(Exists(checks))


def count_figures(facts: Facts, ids: list[int], operating: list[int]) -> None:
    """Risk points by colour (`risk_<level>`); for operating enterprises, the quarters filed on time
    (`stats_on_time`, the condition of `stat_report_missing_q`) and the periods self-checked (`self_checked`)."""
    for pk, level, n in (
        RiskSource.objects.filter(enterprise_id__in=ids)
        .order_by()
        .values("enterprise_id", "level")
        .annotate(n=Count("id"))
        .values_list("enterprise_id", "level", "n")
    ):
        facts[pk][f"risk_{level}|"] += n
    if not operating:
        return
    for pk, year, quarter in (
        HazardStatReport.objects.filter(_filed_on_time(), enterprise_id__in=operating)
        .order_by()
        .values_list("enterprise_id", "year", "quarter")
        .distinct()
    ):
        facts[pk][f"stats_on_time|{year}Q{quarter}"] = 1
    add_monthly(facts, "self_checked", SelfCheck.objects.filter(enterprise_id__in=operating), "performed_at")


@receiver(enterprises_moved, dispatch_uid="hazards_summary_enterprises_moved")
def on_enterprises_moved(sender: Any, **kwargs: Any) -> None:
    """The whole hazard summary, a few GROUP BYs (a department's industries change rarely)."""
    from .services.summary import hazard_summary_rebuild

    hazard_summary_rebuild()


register_figure_source(
    FigureSource(
        key="hazards",
        count=count_figures,
        records=("hazards.RiskSource", "hazards.HazardStatReport", "hazards.SelfCheck"),
    )
)
register_enterprise_condition(
    "stat_report_missing", lambda start, end: stat_report_missing_q(start.year, (start.month - 1) // 3 + 1)
)
register_enterprise_condition("self_check_missing", self_check_missing_q)
register_hazard_registrar(hazard_register)
