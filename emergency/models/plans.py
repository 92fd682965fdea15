"""Emergency plans (应急预案) of enterprises and departments, and drills (应急演练)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, TypedDict, cast

from django.db import models
from django.db.models import Max, Q, Value
from django.db.models.functions import Coalesce, TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safety_platform.dates import add_months  # the plans' services import it from here
from safety_platform.models.base import CreatedModel, TimestampedModel
from safety_platform.models.fields import (
    created_by_field,
    department_link,
    enterprise_link,
    exactly_one_of,
    person_link,
    rule_version_field,
)
from safety_platform.rules import rule_int, rule_numbers

from ..choices import DRILL_INTERVAL_RULES, DrillKind, PlanKind, PlanStatus
from .common import OwnedQuerySet


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` earlier (clamped to the month's last day: 31 Aug − 6 months = 28/29 Feb)."""
    return add_months(day, -months)


class DrillStatus(TypedDict):
    last_drill_on: dt.date | None
    drill_reference_on: dt.date
    drill_overdue: bool


if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    # A plan annotated by `EmergencyPlanQuerySet.with_drill_status`.
    PlanWithDrillStatus = WithAnnotations["EmergencyPlan", DrillStatus]


class EmergencyPlanQuerySet(OwnedQuerySet["EmergencyPlan"]):
    jurisdiction_prefix = "department__jurisdiction"

    def active(self) -> EmergencyPlanQuerySet:
        return self.filter(status=PlanStatus.ACTIVE)

    def with_drill_status(self, today: dt.date | None = None) -> models.QuerySet[PlanWithDrillStatus]:
        """Annotate `last_drill_on`, `drill_reference_on` (last drill, else filing date, else creation) and
        `drill_overdue`, all in SQL: comprehensive/special plans are drilled yearly, on-site plans half-yearly."""
        today = today or timezone.localdate()
        # The intervals of the rule book in force today (emergency.drill_interval_months.*), read once.
        intervals = rule_numbers(list(DRILL_INTERVAL_RULES.values()), today)
        cutoff = {kind: months_before(today, intervals[key].months) for kind, key in DRILL_INTERVAL_RULES.items()}
        reference = Coalesce(
            Max("drills__held_on"),
            "filed_on",
            TruncDate("created_at"),
            output_field=models.DateField(),
        )
        overdue = Q(status=PlanStatus.ACTIVE) & (
            Q(kind=PlanKind.COMPREHENSIVE, drill_reference_on__lt=cutoff[PlanKind.COMPREHENSIVE])
            | Q(kind=PlanKind.SPECIAL, drill_reference_on__lt=cutoff[PlanKind.SPECIAL])
            | Q(kind=PlanKind.ON_SITE, drill_reference_on__lt=cutoff[PlanKind.ON_SITE])
        )
        annotated = self.annotate(last_drill_on=Max("drills__held_on"), drill_reference_on=reference).annotate(
            drill_overdue=models.Case(
                models.When(overdue, then=Value(True)), default=Value(False), output_field=models.BooleanField()
            )
        )
        # The plugin types a custom queryset's annotations on its own class, which QuerySet[...] cannot name.
        return cast("models.QuerySet[PlanWithDrillStatus]", annotated)

    def drill_overdue(self, today: dt.date | None = None) -> models.QuerySet[PlanWithDrillStatus]:
        return self.with_drill_status(today).filter(drill_overdue=True)


class EmergencyPlan(TimestampedModel):
    """应急预案 — an enterprise's or a department's emergency plan, with its filing (备案) date."""

    title = models.CharField(pgettext_lazy("emergency", "title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=PlanKind.choices)
    enterprise = enterprise_link(optional=True, related_name="emergency_plans")
    department = department_link(optional=True, related_name="emergency_plans")
    version = models.CharField(_("version"), max_length=30, blank=True)
    summary = models.TextField(pgettext_lazy("emergency", "summary"), blank=True)
    filed_on = models.DateField(_("filed on"), null=True, blank=True, help_text=_("Date of filing (备案)."))
    filing_number = models.CharField(_("filing number"), max_length=60, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=PlanStatus.choices, default=PlanStatus.ACTIVE)
    created_by = created_by_field(optional=False)
    # The next drill's due day (on the statutory clock, kind `drill_due`) and the rule-book version whose
    # interval set it; written when the plan is filed or changed and when a drill is recorded.
    drill_due_on = models.DateField(_("next drill due"), null=True, blank=True)
    drill_rule_version = rule_version_field(_("drill rule version"))

    objects = EmergencyPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("emergency plan")
        verbose_name_plural = _("emergency plans")
        ordering = ["title", "id"]
        constraints = [exactly_one_of("enterprise", "department", name="emergencyplan_one_owner")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("emergency:plan_detail", args=[self.pk])

    @property
    def owner(self) -> Any:
        return self.enterprise or self.department

    @property
    def drill_interval_months(self) -> int:
        return rule_int(DRILL_INTERVAL_RULES[PlanKind(self.kind)])


class DrillQuerySet(OwnedQuerySet["Drill"]):
    enterprise_prefix = "plan__enterprise"
    jurisdiction_prefix = "plan__department__jurisdiction"


class Drill(CreatedModel):
    """应急演练 — a drill of an emergency plan, with what it showed."""

    plan = models.ForeignKey(EmergencyPlan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="drills")
    held_on = models.DateField(_("held on"), db_index=True)
    kind = models.CharField(_("kind"), max_length=12, choices=DrillKind.choices, default=DrillKind.FUNCTIONAL)
    scenario = models.CharField(_("scenario"), max_length=200)
    location = models.CharField(_("place"), max_length=200, blank=True)
    participants = models.PositiveIntegerField(_("participants"), default=0)
    findings = models.TextField(_("problems found and improvements"), blank=True)
    recorded_by = person_link(_("recorded by"), optional=False)

    objects = DrillQuerySet.as_manager()

    class Meta:
        verbose_name = _("drill")
        verbose_name_plural = _("drills")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.held_on} {self.scenario}"
