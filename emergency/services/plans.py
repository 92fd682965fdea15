"""Writes of emergency plans and drills, and the scheduled reminder for overdue drills."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safety_platform.choices import Role
from safety_platform.concurrency import Opened
from safety_platform.deadline_kinds import register_deadline_kind
from safety_platform.models import User
from safety_platform.permissions import can, is_enterprise_person
from safety_platform.rules import rule_number
from safety_platform.services import deadline_cancel, deadline_met, deadline_open, department_users, notify

from ..choices import DRILL_INTERVAL_RULES, PlanKind, PlanStatus
from ..legal_numbers import ORDER_2
from ..models import Drill, EmergencyPlan
from ..models.plans import add_months
from .common import require, save_edit

PLAN_FIELDS = ["title", "kind", "enterprise", "department", "version", "summary", "filed_on", "filing_number", "status"]

# The statutory clock of a plan's next drill (DESIGN §3b: one clock for every legal deadline).
DRILL_DEADLINE_KIND = register_deadline_kind("drill_due", gettext_lazy("emergency drill"))


def plan_drill_clock(plan: EmergencyPlan) -> EmergencyPlan:
    """Open or move the clock of the plan's next drill: the last drill (else the filing, else the plan's
    creation) plus the interval of its kind in the rule book in force that day; a plan no longer in force
    has no clock. Records the due day and the version on the plan. Idempotent (the backfill calls it)."""
    if plan.status != PlanStatus.ACTIVE:
        deadline_cancel(source=plan, kind=DRILL_DEADLINE_KIND)
        return plan
    last = plan.drills.aggregate(last=Max("held_on"))["last"]
    reference = last or plan.filed_on or timezone.localdate(plan.created_at)
    interval = rule_number(DRILL_INTERVAL_RULES[PlanKind(plan.kind)], on=reference)
    due_on = add_months(reference, interval.months)
    EmergencyPlan.objects.filter(pk=plan.pk).update(drill_due_on=due_on, drill_rule_version=interval.version)
    plan.drill_due_on, plan.drill_rule_version = due_on, interval.version
    enterprise = plan.enterprise if plan.enterprise_id else None
    jurisdiction = plan.department.jurisdiction if enterprise is None and plan.department is not None else None
    # Stored text: written in the platform's language, whoever's action moved the clock.
    with translation.override(settings.LANGUAGE_CODE):
        deadline_open(
            source=plan,
            kind=DRILL_DEADLINE_KIND,
            title=_("Drill the emergency plan: %(plan)s") % {"plan": plan.title},
            due_at=timezone.make_aware(dt.datetime.combine(due_on, dt.time(23, 59, 59))),
            enterprise=enterprise,
            jurisdiction=jurisdiction,
            url=plan.get_absolute_url(),
            legal_basis=ORDER_2,
        )
    return plan


def _check_plan(actor: User, plan: EmergencyPlan) -> None:
    if (plan.enterprise_id is None) == (plan.department_id is None):
        raise ValidationError({"enterprise": _("A plan belongs to one enterprise or one department.")})
    require(can(actor, "emergency.manage_plan", plan), _("You may not keep this plan."))
    if plan.filed_on is not None and plan.filed_on > timezone.localdate():
        raise ValidationError({"filed_on": _("The filing date cannot be in the future.")})


def plan_create(*, actor: User, data: dict[str, Any]) -> EmergencyPlan:
    if is_enterprise_person(actor):
        data = {**data, "enterprise": actor.enterprise, "department": None}
    elif actor.role == Role.DEPARTMENT and not data.get("enterprise"):
        data = {**data, "department": actor.department}
    plan = EmergencyPlan(created_by=actor, **{k: v for k, v in data.items() if k in PLAN_FIELDS})
    _check_plan(actor, plan)
    plan.full_clean()
    with transaction.atomic():
        plan.save()
        plan_drill_clock(plan)
    return plan


def plan_update(
    *, actor: User, plan: EmergencyPlan, data: dict[str, Any], opened: Opened | None = None
) -> EmergencyPlan:
    """Edit a plan; with `opened`, a field changed by someone else meanwhile refuses the save (`StaleEdit`)."""
    require(can(actor, "emergency.manage_plan", plan), _("You may not edit this plan."))
    with transaction.atomic():
        plan = save_edit(
            plan,
            data,
            fields=PLAN_FIELDS,
            fixed=("enterprise", "department"),
            check=lambda row: _check_plan(actor, row),
            opened=opened,
        )
        plan_drill_clock(plan)
    return plan


def drill_record(
    *,
    actor: User,
    plan: EmergencyPlan,
    held_on: dt.date,
    scenario: str,
    kind: str = "functional",
    location: str = "",
    participants: int = 0,
    findings: str = "",
) -> Drill:
    """演练记录: a drill of a plan in force (the plan's owner, or staff who observed it)."""
    require(can(actor, "emergency.manage_plan", plan), _("You may not record drills of this plan."))
    if plan.status != PlanStatus.ACTIVE:
        raise ValidationError({"plan": _("Only plans in force are drilled.")})
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": _("A drill is recorded after it took place.")})
    drill = Drill(
        plan=plan,
        held_on=held_on,
        scenario=scenario.strip(),
        kind=kind,
        location=location.strip(),
        participants=participants or 0,
        findings=findings.strip(),
        recorded_by=actor,
    )
    drill.full_clean()
    with transaction.atomic():
        drill.save()
        # The drill meets the running clock; the next one runs from it.
        deadline_met(source=plan, kind=DRILL_DEADLINE_KIND)
        plan_drill_clock(plan)
    return drill


def drills_notify_overdue(*, today: dt.date | None = None) -> int:
    """Scheduled: tell the owners of each plan overdue for a drill (once per plan and overdue period)."""
    today = today or timezone.localdate()
    sent = 0
    overdue = (
        EmergencyPlan.objects.drill_overdue(today)  # type: ignore[attr-defined]
        .select_related("enterprise", "department")
        .order_by("pk")
    )
    for plan in overdue.iterator(chunk_size=500):
        if plan.enterprise_id:
            recipients = User.objects.filter(is_active=True, role=Role.ENTERPRISE, enterprise_id=plan.enterprise_id)
        else:
            recipients = department_users(plan.department_id)
        sent += notify(
            recipients=recipients,
            title=_("Drill overdue: %(plan)s") % {"plan": plan.title},
            body=_("Last drill or filing: %(date)s") % {"date": plan.drill_reference_on},
            url=plan.get_absolute_url(),
            category="emergency.drill",
            dedup_key=f"drill-overdue:{plan.pk}:{plan.drill_reference_on}",
        )
    return sent


def drill_clocks_backfill() -> int:
    """Open the drill clock of every plan in force that has none yet (idempotent: `open_rule_clocks`, the demo)."""
    from safety_platform.rules import rules_cached

    opened = 0
    with rules_cached():
        plans = EmergencyPlan.objects.active().select_related("enterprise", "department__jurisdiction").order_by("pk")
        for plan in plans.iterator(chunk_size=500):
            with transaction.atomic():
                plan_drill_clock(plan)
            opened += 1
    return opened
