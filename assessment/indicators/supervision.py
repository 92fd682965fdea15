"""Indicators of supervision work: inspections done against the inspection plans (supervision app, §3d)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from safety_platform.scoping import within_path
from supervision.models import InspectionPlan, InspectionPlanEntry
from supervision.selectors_plans import with_status

from .registry import Figure, Window, indicator

# The records behind the figure are the enterprises whose planned inspections were done (an enterprise is in one
# plan per county and year): they open on the report, where a plan entry has no page of its own.
ENTERPRISE = "enterprises.enterprise"


def plans_due(jurisdiction: Any, window: Window) -> list[InspectionPlan]:
    """The plans (of the jurisdiction's counties, not per department) whose period ended in the window, up to today:
    per county and year the one ending last (a quarter's required number is cumulative from 1 January, so the latest
    plan covers the earlier ones; the year plan when it ends in the window)."""
    candidates = (
        InspectionPlan.objects.filter(
            within_path("jurisdiction__path", jurisdiction.path), department__isnull=True, year__gte=window.start.year
        )
        .filter(year__lte=window.as_of.year)
        .order_by("jurisdiction_id", "year", "pk")
    )
    chosen: dict[tuple[int, int], InspectionPlan] = {}
    for plan in candidates:
        if not (window.start <= plan.period_end <= window.as_of):
            continue
        key = (plan.jurisdiction_id, plan.year)
        best = chosen.get(key)
        # The later end wins; on the same end (Q4 and the year plan) the year plan.
        if best is None or (plan.period_end, plan.quarter is None) > (best.period_end, best.quarter is None):
            chosen[key] = plan
    return list(chosen.values())


@indicator("inspections_against_plan", _lazy("Inspections done against the plan"))
def inspections_against_plan(jurisdiction: Any, window: Window) -> Figure:
    """Of the plan entries that required inspections by a period's end in the window, the share that got them all;
    the records are the enterprises of the entries done."""
    plans = plans_due(jurisdiction, window)
    if not plans:
        return Figure(
            numerator=Decimal(0),
            denominator=None,
            record_model=ENTERPRISE,
            not_computable=_("No inspection plan period ended in this assessment period."),
        )
    required = 0
    done_ids: list[int] = []
    for plan in plans:
        entries = with_status(InspectionPlanEntry.objects.filter(plan=plan, required__gt=0), plan, window.as_of)
        for enterprise_id, need, done in entries.order_by("pk").values_list("enterprise_id", "required", "done"):
            required += 1
            if done >= need:
                done_ids.append(enterprise_id)
    return Figure(
        numerator=Decimal(len(done_ids)),
        denominator=Decimal(required),
        record_model=ENTERPRISE,
        record_ids=sorted(done_ids),
    )
