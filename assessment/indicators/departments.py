"""Indicators of the departments' duty check (履责检查): each scores a member department on its own records.

- credit behaviour collected on time: the credit records the department entered by hand in the period,
  entered within the allowed days after the behaviour;
- blacklist proposals handled within their deadline: the department's proposals whose deadline fell in
  the period, confirmed (prior notice served) or withdrawn by then;
- hazards in the department's industries closed, and closed on time: the hazards of the enterprises the
  department supervises (an enterprise's supervising department follows its industry, `Department.industries`);
- joint inspections joined: not measurable until the supervision issue brings inspections.

Days are local days: a record entered on the last allowed day, or a proposal handled on its deadline
day, is on time.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    DurationField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import TruncDate
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from credit.choices import BlacklistStatus, RecordSource, RecordStatus
from credit.models import BlacklistEntry, BlacklistTransition, CreditRecord
from hazards.models import Hazard
from safety_platform.models import DepartmentIndustry

from .registry import DEPARTMENT, Figure, Window, indicator, not_yet_measurable

HAZARD = "hazards.hazard"
CREDIT_RECORD = "credit.creditrecord"
BLACKLIST_ENTRY = "credit.blacklistentry"

# Defaults of the allowed delays; a scheme sets its own in `SchemeIndicator.days_allowed`.
CREDIT_RECORD_DAYS = 7
BLACKLIST_PROPOSAL_DAYS = 10


def _on_time(rows: QuerySet[Any], in_time: Q, record_model: str) -> Figure:
    """The share of `rows` that are `in_time`, naming those rows (one query)."""
    flags = rows.annotate(on_time=Case(When(in_time, then=Value(True)), default=Value(False)))
    flagged = list(flags.order_by("pk").values_list("pk", "on_time"))
    on_time = [pk for pk, met in flagged if met]
    return Figure.share(on_time, out_of=len(flagged), record_model=record_model)


def _days_between(later: Any, earlier: Any) -> ExpressionWrapper:
    """`later - earlier` of two date expressions, as a duration (whole days on every database)."""
    return ExpressionWrapper(later - earlier, output_field=DurationField())


@indicator(
    "department_credit_records_on_time",
    gettext_lazy("Credit behaviour recorded on time (share of the department's records)"),
    kind=DEPARTMENT,
    default_days=CREDIT_RECORD_DAYS,
)
def department_credit_records_on_time(department: Any, window: Window, *, days: int) -> Figure:
    """Credit records the department entered by hand in the period (revoked ones aside), entered at most
    `days` days after the behaviour. Records the platform made from events are not the department's work."""
    records = CreditRecord.objects.filter(
        department=department,
        source=RecordSource.MANUAL,
        created_at__gte=window.start_at,
        created_at__lt=window.end_at,
    ).exclude(status=RecordStatus.REVOKED)
    delayed = records.alias(delay=_days_between(TruncDate("created_at"), F("occurred_on")))
    return _on_time(delayed, Q(delay__lte=dt.timedelta(days=days)), CREDIT_RECORD)


@indicator(
    "department_blacklist_proposals_on_time",
    gettext_lazy("Blacklist proposals handled within their deadline (share of those due)"),
    kind=DEPARTMENT,
    default_days=BLACKLIST_PROPOSAL_DAYS,
)
def department_blacklist_proposals_on_time(department: Any, window: Window, *, days: int) -> Figure:
    """The department's blacklist proposals (its own and those the rules proposed in its industries) whose
    deadline — the day of the proposal plus `days` — fell in the period, up to today; handled in time when
    the proposal left "proposed" (notice served, or withdrawn) on or before that day."""
    first = window.start - dt.timedelta(days=days)
    last = window.as_of - dt.timedelta(days=days)
    # Leaving "proposed" (notice served, or withdrawn) is the department's handling of the proposal.
    handled_at = (
        BlacklistTransition.objects.filter(entry=OuterRef("pk"), from_status=BlacklistStatus.PROPOSED)
        .order_by("at", "pk")
        .values("at")[:1]
    )
    in_time = Q(delay__lte=dt.timedelta(days=days))  # never handled: no delay, not in time
    due = (
        BlacklistEntry.objects.filter(department=department)
        .alias(proposed_on=TruncDate("proposed_at"))
        .filter(proposed_on__gte=first, proposed_on__lte=last)
        .alias(delay=_days_between(TruncDate(Subquery(handled_at)), F("proposed_on")))
    )
    return _on_time(due, in_time, BLACKLIST_ENTRY)


def _supervises_nothing(department: Any) -> str:
    if DepartmentIndustry.objects.filter(department=department).exists():
        return ""
    return _("Not computable: %(department)s supervises no industry.") % {"department": department}


def _in_industries(department: Any) -> QuerySet[Hazard]:
    return Hazard.objects.counted().filter(enterprise__supervising_department=department)


def _hazard_share(department: Any, which: Q, met: Q) -> Figure:
    """The share of the hazards in the department's industries picked by `which` that meet `met` (not computable
    for a department that supervises no industry)."""
    why = _supervises_nothing(department)
    if why:
        return Figure(numerator=Decimal(0), record_model=HAZARD, not_computable=why)
    return _on_time(_in_industries(department).filter(which), met, HAZARD)


@indicator(
    "department_hazard_closure_rate",
    gettext_lazy("Hazards in the department's industries found in the period and closed out by its end (share)"),
    kind=DEPARTMENT,
)
def department_hazard_closure_rate(department: Any, window: Window) -> Figure:
    found = Q(found_at__gte=window.start_at, found_at__lt=window.end_at)
    return _hazard_share(department, found, Q(closed_at__lt=window.end_at))


@indicator(
    "department_hazard_on_time_closure_rate",
    gettext_lazy("Hazards in the department's industries closed out on time (share of those due in the period)"),
    kind=DEPARTMENT,
)
def department_hazard_on_time_closure_rate(department: Any, window: Window) -> Figure:
    """As the county's on-time closure rate: hazards due in the period (up to today), closed by the deadline day."""
    due = Q(deadline__gte=window.start, deadline__lte=window.as_of)
    return _hazard_share(department, due, Q(closed_at__isnull=False, closed_at__date__lte=F("deadline")))


not_yet_measurable(
    "joint_inspections_joined",
    gettext_lazy("Joint inspections joined"),
    gettext_lazy(
        "Not yet measurable: the platform has no joint inspections yet; its weight is spread over the other indicators."
    ),
    kind=DEPARTMENT,
)
