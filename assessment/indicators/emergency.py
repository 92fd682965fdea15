"""Indicators over emergency records: accidents against targets, drills, warnings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import F, Q, Sum
from django.utils.translation import gettext_lazy as _

from emergency.choices import AccidentGrade, PlanStatus
from emergency.models import Accident, EmergencyPlan, WarningRecipient

from .registry import Figure, Window, ids, indicator
from .scope import under

LARGER_OR_WORSE = (AccidentGrade.LARGER, AccidentGrade.MAJOR, AccidentGrade.ESPECIALLY_MAJOR)


def accidents_in(jurisdiction: Any, window: Window) -> Any:
    """Production-safety accidents that happened in the jurisdiction in the period."""
    return Accident.objects.filter(
        under(jurisdiction, ""),
        is_production_safety=True,
        occurred_at__gte=window.start_at,
        occurred_at__lt=window.end_at,
    )


def _casualties(jurisdiction: Any, window: Window, field: str) -> Figure:
    """The period's accidents' total of `field` (deaths, serious injuries); the accidents with any are behind it."""
    accidents = accidents_in(jurisdiction, window)
    total = accidents.aggregate(n=Sum(field))["n"] or 0
    return Figure(
        numerator=Decimal(total),
        record_model="emergency.accident",
        record_ids=ids(accidents.filter(**{f"{field}__gt": 0})),
    )


@indicator("deaths", _("Deaths in production-safety accidents"))
def deaths(jurisdiction: Any, window: Window) -> Figure:
    return _casualties(jurisdiction, window, "deaths")


@indicator("larger_accidents", _("Larger (较大) or worse accidents"))
def larger_accidents(jurisdiction: Any, window: Window) -> Figure:
    found = ids(accidents_in(jurisdiction, window).filter(grade__in=LARGER_OR_WORSE))
    return Figure(numerator=Decimal(len(found)), record_model="emergency.accident", record_ids=found)


@indicator("serious_injuries", _("Serious injuries in production-safety accidents"))
def serious_injuries(jurisdiction: Any, window: Window) -> Figure:
    return _casualties(jurisdiction, window, "serious_injuries")


@indicator("drills_on_schedule", _("Emergency plans drilled within their required interval (share)"))
def drills_on_schedule(jurisdiction: Any, window: Window) -> Figure:
    """Enterprises' plans in force at the end of the period not overdue for a drill then (the emergency
    app's rule: comprehensive and special plans yearly, on-site plans half-yearly)."""
    existed = Q(filed_on__lte=window.as_of) | Q(filed_on__isnull=True, created_at__lt=window.end_at)
    plans = (
        EmergencyPlan.objects.filter(under(jurisdiction))
        .filter(existed)
        .with_drill_status(window.as_of)
        .filter(status=PlanStatus.ACTIVE)
    )
    rows = list(plans.order_by("pk").values_list("pk", "drill_overdue"))
    on_schedule = [pk for pk, overdue in rows if not overdue]
    return Figure.share(on_schedule, out_of=len(rows), record_model="emergency.emergencyplan")


def _recipients(jurisdiction: Any, window: Window) -> Any:
    return WarningRecipient.objects.filter(
        under(jurisdiction), warning__issued_at__gte=window.start_at, warning__issued_at__lt=window.end_at
    )


@indicator("warnings_acknowledged", _("Warnings acknowledged by the enterprises notified (share)"))
def warnings_acknowledged(jurisdiction: Any, window: Window) -> Figure:
    recipients = _recipients(jurisdiction, window)
    acknowledged = ids(recipients.filter(acknowledged_at__isnull=False, acknowledged_at__lt=window.end_at))
    return Figure.share(acknowledged, out_of=recipients.count(), record_model="emergency.warningrecipient")


@indicator("warnings_acknowledged_within_a_day", _("Warnings acknowledged within 24 hours (share)"))
def warnings_acknowledged_within_a_day(jurisdiction: Any, window: Window) -> Figure:
    recipients = _recipients(jurisdiction, window)
    fast = ids(
        recipients.filter(
            Q(acknowledged_at__isnull=False) & Q(acknowledged_at__lte=F("notified_at") + dt.timedelta(hours=24))
        )
    )
    return Figure.share(fast, out_of=recipients.count(), record_model="emergency.warningrecipient")
