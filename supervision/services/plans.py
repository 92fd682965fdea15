"""Inspection plans (§3d): generated per year or quarter for one county (optionally one department), adjusted by
staff with a reason; each entry that requires inspections stands on the statutory clock until they are done."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enterprises.models import Enterprise
from enterprises.registry.choices import EnterpriseStatus
from safety_platform.choices import JurisdictionLevel, Role
from safety_platform.deadline_kinds import register_deadline_kind
from safety_platform.locking import lock_row
from safety_platform.models import Department, Jurisdiction, StatutoryDeadline, User
from safety_platform.permissions import can
from safety_platform.scoping import within_path
from safety_platform.services import DomainError, deadline_met, deadline_open

from ..models import (
    Inspection,
    InspectionClassRule,
    InspectionPlan,
    InspectionPlanEntry,
    InspectionRuleSet,
    InspectionRuleSetStatus,
    PlanGenerationStatus,
)
from .classes import FACT_COLUMNS, Classifier, facts_of_row, ordered_rules, with_class_facts
from .defaults import DEFAULT_EFFECTIVE_FROM, DEFAULT_NAME, DEFAULT_NOTES, DEFAULT_VERSION, default_rules

logger = logging.getLogger(__name__)

DEADLINE_KIND = register_deadline_kind("inspection_due", gettext_lazy("planned inspection"))
LEGAL_BASIS = "《安全生产法》第六十二条、应急管理部令第11号（分级分类监督检查计划）"
CHUNK = 1000


def seed_default_rule_set() -> InspectionRuleSet:
    """The default version of DESIGN §3d, in force (idempotent; migration 0002 seeds the same rows)."""
    rule_set, created = InspectionRuleSet.objects.get_or_create(
        version=DEFAULT_VERSION,
        defaults={
            "name": DEFAULT_NAME,
            "effective_from": DEFAULT_EFFECTIVE_FROM,
            "status": InspectionRuleSetStatus.ACTIVE,
            "notes": DEFAULT_NOTES,
        },
    )
    if created or not rule_set.rules.exists():
        InspectionClassRule.objects.bulk_create(
            InspectionClassRule(rule_set=rule_set, **row) for row in default_rules()
        )
    return rule_set


def required_by_period_end(min_per_year: int, quarter: int | None) -> int:
    """Inspections needed this year by the period's end: the year's minimum spread evenly (rounded down) over the
    quarters, counted from 1 January: a minimum of 2 (once per half-year, Order 11) needs 1 by 30 June, 2 by
    31 December; a minimum of 1 needs it by the year's end."""
    if quarter is None:
        return min_per_year
    return (min_per_year * quarter) // 4


def period_due_at(plan: InspectionPlan) -> dt.datetime:
    return dt.datetime.combine(plan.period_end, dt.time(23, 59, 59), tzinfo=timezone.get_current_timezone())


# Which enterprises a plan holds --------------------------------------------------------------------


def responsible_enterprises(jurisdiction: Jurisdiction, department: Department | None = None) -> QuerySet[Enterprise]:
    """Enterprises (not closed) this authority inspects: those of the county without another responsible
    authority, and those whose responsible authority was set to it. With a department: those it supervises
    (or that the responsible-authority row gives it)."""
    own_area = Q(responsible_authority__isnull=True)
    if jurisdiction.level == JurisdictionLevel.COUNTY:
        own_area &= within_path("jurisdiction__path", jurisdiction.path)
    else:
        own_area = Q(pk__in=[])  # a city inspects only the enterprises given to it
    queryset = Enterprise.objects.exclude(status=EnterpriseStatus.CLOSED).filter(
        own_area | Q(responsible_authority__authority=jurisdiction)
    )
    if department is not None:
        queryset = queryset.filter(
            Q(responsible_authority__department=department)
            | Q(responsible_authority__department__isnull=True, supervising_department=department)
        )
    return queryset


# Generation ----------------------------------------------------------------------------------------


def _clamp(day: dt.date, start: dt.date, end: dt.date) -> dt.date:
    return min(max(day, start), end)


def _check_generation(
    *, year: int, quarter: int | None, jurisdiction: Jurisdiction, actor: Any, today: dt.date | None
) -> tuple[InspectionRuleSet, dt.date]:
    """Refuse a plan that cannot be made (who asks, which area, which period, no rules in force); else the rule
    set in force in the period and the day the facts are read on."""
    if actor is not None and not can(actor, "supervision.manage_plans", jurisdiction):
        raise DomainError(_("Only committee staff or the county's own staff generate its plans."), code="forbidden")
    if jurisdiction.level not in (JurisdictionLevel.COUNTY, JurisdictionLevel.CITY):
        raise DomainError(
            _("Plans are made for a county, district or zone (or the city)."), field="jurisdiction", code="invalid"
        )
    if quarter is not None and quarter not in (1, 2, 3, 4):
        raise DomainError(_("A quarter is 1 to 4."), field="quarter", code="invalid")
    if not 2000 <= year <= 2100:
        raise DomainError(_("Choose a year between 2000 and 2100."), field="year", code="invalid")
    today = today or timezone.localdate()
    probe = InspectionPlan(year=year, quarter=quarter)
    on = _clamp(today, probe.period_start, probe.period_end)
    rule_set = InspectionRuleSet.objects.in_force(on)
    if rule_set is None:
        raise DomainError(
            _("No inspection frequency rules are in force: publish a rule set first."),
            field="year",
            code="inspection_rules_missing",
        )
    return rule_set, on


def _locked_plan(
    year: int, quarter: int | None, jurisdiction: Jurisdiction, department: Department | None, defaults: dict[str, Any]
) -> tuple[InspectionPlan, bool]:
    """The plan of the period and area (created with `defaults` if new), its row locked until the transaction ends;
    and whether it was created."""
    plan, created = InspectionPlan.objects.get_or_create(
        year=year, quarter=quarter, jurisdiction=jurisdiction, department=department, defaults=defaults
    )
    return lock_row(InspectionPlan.objects.all(), plan.pk), created


ENTRY_CLASS_FIELDS = ["rule", "class_name", "min_per_year", "max_per_year", "required"]


def generate_plan(
    *,
    year: int,
    quarter: int | None,
    jurisdiction: Jurisdiction,
    department: Department | None = None,
    actor: Any = None,
    today: dt.date | None = None,
    generated_by: Any = None,
) -> tuple[InspectionPlan, int]:
    """Create or refresh the plan; returns it and how many entries were added. Runs in a worker (the page asks
    through `plan_generation_request`) or at night; marks the plan generated.

    Idempotent: a second run adds only enterprises not yet in the plan, refreshes the class of entries nobody
    adjusted (an adjusted entry keeps its required number and assignee), drops unadjusted entries of enterprises
    that left, and opens a clock for each entry that still needs inspections. One transaction: a run killed
    half-way leaves the plan as it was, and running it again finishes the job.

    Batched: the facts of every enterprise are read in one annotated query as plain tuples; the classes are
    matched once per distinct combination of facts (`Classifier`: a few hundred at most, whatever the number of
    enterprises); entries are written with bulk_create / bulk_update in chunks, and only those that changed.
    """
    rule_set, on = _check_generation(year=year, quarter=quarter, jurisdiction=jurisdiction, actor=actor, today=today)
    rules = ordered_rules(rule_set)
    classifier = Classifier(rules, rule_set)
    by = generated_by if generated_by is not None else actor
    unclassified = _("Unclassified")
    with transaction.atomic():
        plan, _created = _locked_plan(year, quarter, jurisdiction, department, {"rule_set": rule_set})

        existing = {
            row[0]: row[1:]
            for row in InspectionPlanEntry.objects.filter(plan=plan).values_list(
                "enterprise_id",
                "pk",
                "adjusted_at",
                "rule_id",
                "class_name",
                "min_per_year",
                "max_per_year",
                "required",
            )
        }
        rows = (
            with_class_facts(responsible_enterprises(jurisdiction, department), on)
            .order_by("pk")
            .values_list("pk", *FACT_COLUMNS)
        )
        to_create: list[InspectionPlanEntry] = []
        to_update: list[InspectionPlanEntry] = []
        seen: set[int] = set()
        added = 0

        def entry(
            enterprise_id: int, klass: Any, name: str, maximum: int, required: int, pk: int | None = None
        ) -> InspectionPlanEntry:
            """The entry of an enterprise in its class (a new one, or with `pk` the changed one to write)."""
            return InspectionPlanEntry(
                pk=pk,
                plan=plan,
                enterprise_id=enterprise_id,
                rule=klass.rule,
                class_name=name,
                min_per_year=klass.min_per_year,
                max_per_year=maximum,
                required=required,
            )

        for enterprise_id, *raw in rows.iterator(chunk_size=2000):
            seen.add(enterprise_id)
            klass = classifier(facts_of_row(*raw))
            max_per_year = klass.max_per_year if klass.max_per_year is not None else 0
            class_name = klass.class_name or unclassified
            required = required_by_period_end(klass.min_per_year, quarter)
            row = existing.get(enterprise_id)
            if row is None:
                to_create.append(entry(enterprise_id, klass, class_name, max_per_year, required))
                if len(to_create) >= CHUNK:
                    InspectionPlanEntry.objects.bulk_create(to_create)
                    added += len(to_create)
                    to_create = []
                continue
            pk, adjusted_at, rule_id, old_name, old_min, old_max, old_required = row
            # A manual adjustment keeps its required number.
            new_required = old_required if adjusted_at is not None else required
            rule_pk = klass.rule.pk if klass.rule is not None else None
            if (rule_id, old_name, old_min, old_max, old_required) == (
                rule_pk,
                class_name,
                klass.min_per_year,
                max_per_year,
                new_required,
            ):
                continue  # unchanged: not written again
            to_update.append(entry(enterprise_id, klass, class_name, max_per_year, new_required, pk=pk))
            if len(to_update) >= CHUNK:
                InspectionPlanEntry.objects.bulk_update(to_update, ENTRY_CLASS_FIELDS)
                to_update = []
        if to_create:
            InspectionPlanEntry.objects.bulk_create(to_create)
            added += len(to_create)
        if to_update:
            InspectionPlanEntry.objects.bulk_update(to_update, ENTRY_CLASS_FIELDS)
        gone = [row[0] for enterprise_id, row in existing.items() if enterprise_id not in seen and row[1] is None]
        if gone:
            stale = InspectionPlanEntry.objects.filter(pk__in=gone)
            clocks = StatutoryDeadline.objects.of(InspectionPlanEntry, DEADLINE_KIND).filter(source_id__in=gone)
            clocks.open().update(cancelled_at=timezone.now())
            stale.delete()
        sync_plan_clocks(plan)
        plan.rule_set = rule_set
        plan.generated_at = timezone.now()
        plan.generated_by = by if by is not None and getattr(by, "pk", None) else None
        plan.generation_status = PlanGenerationStatus.DONE
        plan.generation_error = ""
        plan.save(update_fields=["rule_set", "generated_at", "generated_by", "generation_status", "generation_error"])
    return plan, added


# Generation in a worker -----------------------------------------------------------------------------

# A generation waiting or running longer than this is taken as lost (its worker killed): asking again, or the
# resume task, hands it to a worker again.
GENERATION_STALE = dt.timedelta(minutes=30)
GENERATION_ACTIVE = (PlanGenerationStatus.QUEUED, PlanGenerationStatus.RUNNING)


def _generation_stale(plan: InspectionPlan, now: dt.datetime) -> bool:
    since = plan.generation_started_at if plan.generation_status == PlanGenerationStatus.RUNNING else None
    since = since or plan.requested_at
    return since is None or since < now - GENERATION_STALE


def plan_generation_request(
    *,
    year: int,
    quarter: int | None,
    jurisdiction: Jurisdiction,
    department: Department | None = None,
    actor: Any = None,
    today: dt.date | None = None,
) -> tuple[InspectionPlan, bool]:
    """The page's "generate": record the request on the plan row (created if new; status queued, who, when) and
    hand it to a worker through the task outbox, in one transaction. The request never waits for the
    generation nor for the broker.

    Returns (plan, queued). Asking again while the same plan's generation is waiting or running queues nothing
    (queued False); a failed or finished plan is queued again (a retry, or a refresh).
    """
    from safety_platform.tasks_util import enqueue

    from ..tasks import plan_generation_run_task

    rule_set, _on = _check_generation(year=year, quarter=quarter, jurisdiction=jurisdiction, actor=actor, today=today)
    now = timezone.now()
    with transaction.atomic():
        queued = {"rule_set": rule_set, "generation_status": PlanGenerationStatus.QUEUED, "requested_at": now}
        plan, created = _locked_plan(year, quarter, jurisdiction, department, queued)
        if not created and plan.generation_status in GENERATION_ACTIVE and not _generation_stale(plan, now):
            return plan, False
        plan.generation_status = PlanGenerationStatus.QUEUED
        plan.requested_at = now
        plan.requested_by = actor if actor is not None and getattr(actor, "pk", None) else None
        plan.generation_started_at = None
        plan.generation_error = ""
        plan.save(
            update_fields=[
                "generation_status",
                "requested_at",
                "requested_by",
                "generation_started_at",
                "generation_error",
            ]
        )
        enqueue(plan_generation_run_task, plan.pk)
    return plan, True


def plan_generation_run(*, plan_id: int) -> int:
    """The worker's side of a request: generate the plan and mark it generated, or failed with the reason shown
    on its page. Safe to run twice: a plan already generated (or failed, until someone asks again) is left
    alone; one left running by a killed worker is generated again from the start (the earlier run's transaction
    was rolled back). Returns how many enterprises were added."""
    claimed = InspectionPlan.objects.filter(pk=plan_id, generation_status__in=GENERATION_ACTIVE).update(
        generation_status=PlanGenerationStatus.RUNNING, generation_started_at=timezone.now()
    )
    if not claimed:
        return 0
    plan = InspectionPlan.objects.select_related("jurisdiction", "department", "requested_by").get(pk=plan_id)
    try:
        with translation.override(settings.LANGUAGE_CODE):
            _plan, added = generate_plan(
                year=plan.year,
                quarter=plan.quarter,
                jurisdiction=plan.jurisdiction,
                department=plan.department,
                generated_by=plan.requested_by,
            )
    except DomainError as exc:
        _generation_failed(plan_id, exc.message)
        return 0
    except Exception:
        logger.exception("inspection plan %s: generation failed", plan_id)
        with translation.override(settings.LANGUAGE_CODE):
            message = _("The generation stopped on an error. Ask again; if it fails again, tell the administrator.")
        _generation_failed(plan_id, message)
        return 0
    return added


def _generation_failed(plan_id: int, message: str) -> None:
    InspectionPlan.objects.filter(pk=plan_id).update(
        generation_status=PlanGenerationStatus.FAILED, generation_error=str(message)[:2000]
    )


def plan_generations_resume(*, now: dt.datetime | None = None) -> int:
    """Hand back to a worker every generation left waiting or running longer than `GENERATION_STALE` (its message
    lost or its worker killed). Periodic; returns how many were handed back."""
    from safety_platform.tasks_util import enqueue

    from ..tasks import plan_generation_run_task

    cutoff = (now or timezone.now()) - GENERATION_STALE
    stale = list(
        InspectionPlan.objects.filter(
            Q(generation_status=PlanGenerationStatus.QUEUED, requested_at__lt=cutoff)
            | Q(generation_status=PlanGenerationStatus.RUNNING, generation_started_at__lt=cutoff)
        ).values_list("pk", flat=True)
    )
    with transaction.atomic():
        for plan_id in stale:
            enqueue(plan_generation_run_task, plan_id)
    return len(stale)


def done_count_subquery(plan: InspectionPlan, *, enterprise_ref: str = "enterprise_id") -> Subquery:
    """Inspections of the outer entry's enterprise counted toward `plan` (1 January to the period's end)."""
    counted = (
        Inspection.objects.filter(
            enterprise_id=OuterRef(enterprise_ref),
            inspected_on__gte=plan.counted_from,
            inspected_on__lte=plan.period_end,
        )
        .order_by()
        .values("enterprise_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Subquery(counted)


def sync_plan_clocks(plan: InspectionPlan) -> None:
    """Open a clock (due at the period's end) for every entry that still needs inspections, close the clocks of
    entries whose inspections are done. A handful of statements whatever the plan's size."""
    entry_type = ContentType.objects.get_for_model(InspectionPlanEntry)
    entries = InspectionPlanEntry.objects.filter(plan=plan).annotate(done=Coalesce(done_count_subquery(plan), 0))
    now = timezone.now()
    due_at = period_due_at(plan)
    clocks = StatutoryDeadline.objects.of(InspectionPlanEntry, DEADLINE_KIND)
    open_clocks = clocks.open()
    # Done (or nothing required): stop the clock.
    finished = entries.filter(Q(required=0) | Q(done__gte=F("required"))).values("pk")
    open_clocks.filter(source_id__in=Subquery(finished)).update(met_at=now)
    # Still needed: a clock for each entry that has none.
    needed = (
        entries.filter(required__gt=0, done__lt=F("required"))
        .exclude(pk__in=clocks.values("source_id"))
        .select_related("enterprise")
        .only("id", "assignee", "enterprise__id", "enterprise__name", "enterprise__jurisdiction_id")
    )
    with translation.override(settings.LANGUAGE_CODE):
        batch: list[StatutoryDeadline] = []
        for entry in needed.iterator(chunk_size=2000):
            batch.append(_clock_row(entry, plan, entry_type, due_at))
            if len(batch) >= CHUNK:
                StatutoryDeadline.objects.bulk_create(batch, ignore_conflicts=True)
                batch = []
        if batch:
            StatutoryDeadline.objects.bulk_create(batch, ignore_conflicts=True)


def _clock_title(entry: InspectionPlanEntry, plan: InspectionPlan) -> str:
    return _("Inspect %(enterprise)s by %(day)s (%(plan)s)") % {
        "enterprise": entry.enterprise.name,
        "day": plan.period_end.isoformat(),
        "plan": plan_label(plan),
    }


def plan_label(plan: InspectionPlan) -> str:
    if plan.quarter:
        return _("%(year)s Q%(quarter)s inspection plan") % {"year": plan.year, "quarter": plan.quarter}
    return _("%(year)s inspection plan") % {"year": plan.year}


def _clock_row(entry: InspectionPlanEntry, plan: InspectionPlan, entry_type: Any, due_at: dt.datetime) -> Any:
    return StatutoryDeadline(
        kind=DEADLINE_KIND,
        title=_clock_title(entry, plan)[:200],
        source_type=entry_type,
        source_id=entry.pk,
        enterprise_id=entry.enterprise.pk,
        jurisdiction_id=entry.enterprise.jurisdiction_id,
        responsible_id=entry.assignee_id,
        url=reverse("supervision:plan_detail", args=[plan.pk]),
        legal_basis=LEGAL_BASIS,
        due_at=due_at,
    )


def refresh_entry_clock(entry: InspectionPlanEntry) -> None:
    """Open or close one entry's clock from its inspections now (after an inspection or an adjustment)."""
    plan = entry.plan
    done = Inspection.objects.filter(
        enterprise_id=entry.enterprise_id, inspected_on__gte=plan.counted_from, inspected_on__lte=plan.period_end
    ).count()
    if entry.required > 0 and done < entry.required:
        with translation.override(settings.LANGUAGE_CODE):
            deadline_open(
                source=entry,
                kind=DEADLINE_KIND,
                title=_clock_title(entry, plan)[:200],
                due_at=period_due_at(plan),
                enterprise=entry.enterprise,
                responsible=entry.assignee,
                url=reverse("supervision:plan_detail", args=[plan.pk]),
                legal_basis=LEGAL_BASIS,
            )
    else:
        deadline_met(source=entry, kind=DEADLINE_KIND)


def refresh_clocks_for(enterprise_id: int, day: dt.date) -> None:
    """The entries an inspection of `enterprise_id` on `day` counts toward: that year's plans ending on or after it."""
    entries = (
        InspectionPlanEntry.objects.filter(enterprise_id=enterprise_id, plan__year=day.year)
        .select_related("plan", "enterprise")
        .order_by("pk")
    )
    for entry in entries:
        if entry.plan.period_end >= day:
            refresh_entry_clock(entry)


# Adjustment ----------------------------------------------------------------------------------------


def plan_entry_adjust(
    *, entry_id: int, actor: Any, required: int, assignee: User | None, reason: str
) -> InspectionPlanEntry:
    """Staff change an entry's required number or assignee; the reason is required and kept."""
    reason = (reason or "").strip()
    if required < 0 or required > 100:
        raise DomainError(_("Enter a number from 0 to 100."), field="required", code="invalid")
    with transaction.atomic():
        entry = lock_row(
            InspectionPlanEntry.objects.select_related("plan", "plan__jurisdiction", "enterprise"), entry_id
        )
        if not can(actor, "supervision.manage_plans", entry.plan.jurisdiction):
            raise DomainError(_("Only committee staff or the county's own staff change its plans."), code="forbidden")
        if entry.required == required and entry.assignee_id == (assignee.pk if assignee is not None else None):
            return entry  # saved unchanged: nothing is adjusted, no reason asked
        if not reason:
            raise DomainError(_("State why the plan is changed."), field="reason", code="invalid")
        if assignee is not None and not assignable_users(entry.plan).filter(pk=assignee.pk).exists():
            raise DomainError(_("Assign an inspector or grid member of this county."), field="assignee", code="invalid")
        entry.required = required
        entry.assignee = assignee
        entry.adjusted_by = actor
        entry.adjusted_at = timezone.now()
        entry.adjust_reason = reason[:300]
        entry.save(update_fields=["required", "assignee", "adjusted_by", "adjusted_at", "adjust_reason"])
        refresh_entry_clock(entry)
    return entry


def assignable_users(plan: InspectionPlan) -> QuerySet[User]:
    """Active inspectors (grid members are inspectors of a grid) working in the plan's area."""
    return (
        User.objects.filter(
            within_path("jurisdictions__path", plan.jurisdiction.path), is_active=True, role=Role.INSPECTOR
        )
        .distinct()
        .order_by("full_name", "username")
    )


def generate_current_plans(today: dt.date | None = None) -> int:
    """This year's and this quarter's plan of every county, plus every existing department plan of the period."""
    today = today or timezone.localdate()
    quarter = (today.month - 1) // 3 + 1
    added = 0
    for county in Jurisdiction.objects.filter(level=JurisdictionLevel.COUNTY).order_by("path"):
        for period in (None, quarter):
            added += generate_plan(year=today.year, quarter=period, jurisdiction=county, today=today)[1]
    extra = InspectionPlan.objects.filter(year=today.year, department__isnull=False).filter(
        Q(quarter__isnull=True) | Q(quarter=quarter)
    )
    for plan in extra.select_related("jurisdiction", "department"):
        added += generate_plan(
            year=plan.year,
            quarter=plan.quarter,
            jurisdiction=plan.jurisdiction,
            department=plan.department,
            today=today,
        )[1]
    return added
