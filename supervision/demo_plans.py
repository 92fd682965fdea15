"""Demo: the default inspection frequency rules and this year's plans of the demo counties, with some enterprises
inspected, some overdue (last quarter's plan) and one inspected beyond its cap for a stated complaint."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from safety_platform.choices import JurisdictionLevel
from safety_platform.models import Jurisdiction, User
from safety_platform.scoping import within_path

from .choices import InspectionReason
from .models import Inspection, InspectionPlanEntry
from .services.plans import generate_plan, plan_entry_adjust, seed_default_rule_set

DEMO_NOTE = "【演示】"
DEMO_COUNTIES = ("新罗区", "上杭县")


def _inspect(entry: InspectionPlanEntry, day: dt.date, inspector: User | None, **extra: str) -> None:
    Inspection.objects.create(
        enterprise_id=entry.enterprise_id,
        inspected_on=day,
        inspector=inspector,
        created_by=inspector,
        note=DEMO_NOTE + "按计划检查。",
        **extra,
    )


def seed_plans_demo() -> None:
    today = timezone.localdate()
    seed_default_rule_set()
    inspector = User.objects.filter(username="inspector").first()
    committee = User.objects.filter(username="committee").first()
    quarter = (today.month - 1) // 3 + 1
    counties = Jurisdiction.objects.filter(level=JurisdictionLevel.COUNTY, name__in=DEMO_COUNTIES).order_by("path")
    with transaction.atomic():
        for county in counties:
            year_plan, _added = generate_plan(year=today.year, quarter=None, jurisdiction=county, today=today)
            if quarter > 1:
                last_quarter, _added = generate_plan(
                    year=today.year, quarter=quarter - 1, jurisdiction=county, today=today
                )
            else:
                last_quarter = None
            generate_plan(year=today.year, quarter=quarter, jurisdiction=county, today=today)
            if Inspection.objects.filter(
                within_path("enterprise__jurisdiction__path", county.path), note__startswith=DEMO_NOTE
            ).exists():
                continue
            entries = list(year_plan.entries.order_by("enterprise__name", "pk"))
            if not entries:
                continue
            needed = [e for e in entries if e.required > 0]
            spare = [e for e in entries if e.required == 0]
            start = dt.date(today.year, 1, 1)
            # Done: two that need nothing and the first that needs inspections; the others that need them stay due.
            for offset, entry in enumerate(spare[:2] + needed[:1]):
                for n in range(max(entry.required, 1)):
                    _inspect(entry, start + dt.timedelta(days=20 + 30 * n + offset), inspector)
            # Over the cap: one enterprise inspected once more than its class allows, for a complaint.
            rest = spare[2:] + needed[1:]
            capped = rest.pop(0) if rest else None
            if capped is not None:
                for n in range(capped.max_per_year):
                    _inspect(capped, start + dt.timedelta(days=15 + 10 * n), inspector)
                _inspect(
                    capped,
                    min(today, start + dt.timedelta(days=15 + 10 * capped.max_per_year)),
                    inspector,
                    reason=InspectionReason.COMPLAINT,
                    reason_note="群众举报夜间违规储存危险化学品，按举报核查。",
                )
            entries = rest
            # Overdue: last quarter's plan asked for one inspection of an enterprise nobody inspected.
            if last_quarter is not None and committee is not None and entries:
                late = last_quarter.entries.filter(enterprise_id=entries[-1].enterprise_id).first()
                if late is not None and late.required == 0:
                    plan_entry_adjust(
                        entry_id=late.pk,
                        actor=committee,
                        required=1,
                        assignee=None,
                        reason="县安委办要求本季度内完成一次专项检查（演示）。",
                    )
