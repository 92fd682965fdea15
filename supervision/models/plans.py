"""Differentiated supervision: inspection classes (versioned rules), responsible authorities, plans."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safety_platform.choices import Role
from safety_platform.dates import quarter_bounds
from safety_platform.models.base import CreatedModel, NamedRuleVersion
from safety_platform.models.fields import (
    created_by_field,
    department_link,
    enterprise_link,
    jurisdiction_link,
    link,
    person_link,
)
from safety_platform.scoping import ScopedQuerySet, ids_on_paths, jurisdiction_scope_q
from safety_platform.versioning import RuleVersionQuerySet, RuleVersionRow


class InspectionRuleSetStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("In force")
    RETIRED = "retired", pgettext_lazy("inspection", "Retired")


class IndustryGroup(models.TextChoices):
    """Mines, hazardous chemicals, fireworks and metal smelting (the SAWS Order 3 industries) against the rest."""

    HIGH_RISK = "high_risk", _("High-risk industries (mines, hazardous chemicals, fireworks, metal smelting)")
    OTHER = "other", _("Other industries")


class StandardizationMatch(models.IntegerChoices):
    """The enterprise's standardization level in force; NONE = no valid certificate."""

    NONE = 0, _("No standardization certificate")
    LEVEL_1 = 1, _("Standardization level 1")
    LEVEL_2 = 2, _("Standardization level 2")
    LEVEL_3 = 3, _("Standardization level 3")


class CreditGradeMatch(models.IntegerChoices):
    NOT_RATED = 0, _("Not rated")
    GRADE_1 = 1, _("Credit grade 1")
    GRADE_2 = 2, _("Credit grade 2")
    GRADE_3 = 3, _("Credit grade 3")


class RiskColourMatch(models.TextChoices):
    """The highest colour among the enterprise's risk sources; NONE = no risk source recorded."""

    RED = "red", _("Red")
    ORANGE = "orange", _("Orange")
    YELLOW = "yellow", _("Yellow")
    BLUE = "blue", _("Blue")
    NONE = "none", _("No risk source recorded")


class PlanEntryStatus(models.TextChoices):
    DUE = "due", pgettext_lazy("inspection", "Due")
    DONE = "done", pgettext_lazy("inspection", "Done")
    OVERDUE = "overdue", _("Overdue")
    OVER_CAP = "over_cap", _("Over the cap")
    NOT_REQUIRED = "not_required", _("None required")


class PlanGenerationStatus(models.TextChoices):
    """Where a plan's generation stands: asked for (waiting for a worker), running, done, failed."""

    QUEUED = "queued", _("Waiting to be generated")
    RUNNING = "running", _("Being generated")
    DONE = "done", _("Generated")
    FAILED = "failed", _("Generation failed")


class InspectionRuleSetQuerySet(RuleVersionQuerySet["InspectionRuleSet"]):
    """The versions; `in_force(on)` is the active one in force on a day (before the first, the earliest)."""


class InspectionRuleSet(NamedRuleVersion):
    """检查频次规则 — one version of the rules that put enterprises in inspection classes (§3d).

    An active (or retired) version is frozen: each plan records the version that classed its enterprises.
    """

    in_force_statuses = (InspectionRuleSetStatus.ACTIVE,)
    frozen_statuses = (InspectionRuleSetStatus.ACTIVE, InspectionRuleSetStatus.RETIRED)
    editable_when_frozen = ("notes", "status")

    status = models.CharField(
        _("status"), max_length=10, choices=InspectionRuleSetStatus.choices, default=InspectionRuleSetStatus.DRAFT
    )
    created_by = created_by_field()
    notes = models.TextField(_("notes"), blank=True)

    objects = InspectionRuleSetQuerySet.as_manager()

    class Meta(NamedRuleVersion.Meta):
        verbose_name = _("inspection frequency rule set")
        verbose_name_plural = _("inspection frequency rule sets")


class InspectionClassRule(RuleVersionRow, models.Model):
    """One ordered rule of a rule set: criteria (blank = any) → a class with its yearly minimum and maximum.

    The first rule (by position) whose every criterion matches the enterprise decides its class.
    """

    rule_set = models.ForeignKey(
        InspectionRuleSet, verbose_name=_("rule set"), on_delete=models.CASCADE, related_name="rules"
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    industry_group = models.CharField(
        _("industry group"), max_length=12, choices=IndustryGroup.choices, blank=True, help_text=_("Blank: any.")
    )
    standardization_level = models.PositiveSmallIntegerField(
        _("standardization level"),
        choices=StandardizationMatch.choices,
        null=True,
        blank=True,
        help_text=_("Blank: any."),
    )
    risk_colour = models.CharField(
        _("risk colour"), max_length=8, choices=RiskColourMatch.choices, blank=True, help_text=_("Blank: any.")
    )
    credit_grade = models.PositiveSmallIntegerField(
        _("credit grade"), choices=CreditGradeMatch.choices, null=True, blank=True, help_text=_("Blank: any.")
    )
    blacklisted = models.BooleanField(_("blacklisted"), null=True, blank=True, help_text=_("Blank: any."))
    class_name = models.CharField(_("class"), max_length=100)
    min_per_year = models.PositiveSmallIntegerField(_("minimum inspections a year"), default=0)
    max_per_year = models.PositiveSmallIntegerField(_("maximum inspections a year"))

    class Meta:
        verbose_name = _("inspection class rule")
        verbose_name_plural = _("inspection class rules")
        ordering = ["rule_set", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(min_per_year__lte=F("max_per_year")), name="inspection_rule_min_le_max"),
        ]

    def __str__(self) -> str:
        return self.class_name

    def clean(self) -> None:
        if self.max_per_year is not None and self.min_per_year is not None and self.min_per_year > self.max_per_year:
            raise ValidationError({"max_per_year": _("The maximum cannot be below the minimum.")})

    def matches(self, facts: dict[str, Any]) -> bool:
        """`facts`: industry_group, standardization_level (0 none), risk_colour, credit_grade (0 none), blacklisted."""
        return (
            (not self.industry_group or self.industry_group == facts["industry_group"])
            and (self.standardization_level is None or self.standardization_level == facts["standardization_level"])
            and (not self.risk_colour or self.risk_colour == facts["risk_colour"])
            and (self.credit_grade is None or self.credit_grade == facts["credit_grade"])
            and (self.blacklisted is None or self.blacklisted == facts["blacklisted"])
        )


class ResponsibleAuthority(models.Model):
    """一企一责任主体 — the inspecting authority of an enterprise when it is not the enterprise's county."""

    enterprise = models.OneToOneField(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="responsible_authority",
    )
    authority = jurisdiction_link(_("inspecting authority"))
    department = department_link(optional=True)
    reason = models.CharField(_("reason"), max_length=300)
    set_by = person_link(_("set by"))
    set_at = models.DateTimeField(_("set at"), auto_now=True)

    class Meta:
        verbose_name = _("responsible inspecting authority")
        verbose_name_plural = _("responsible inspecting authorities")

    def __str__(self) -> str:
        return f"{self.enterprise_id} → {self.authority_id}"


class InspectionPlanQuerySet(models.QuerySet["InspectionPlan"]):
    def visible_to(self, user: Any) -> InspectionPlanQuerySet:
        """Plans of the user's areas: an inspector of a township sees its county's plans (only the entries of
        enterprises he sees, see `InspectionPlanEntry.objects.visible_to`); committee and department staff all."""
        if getattr(user, "is_authenticated", False) and getattr(user, "role", None) == Role.ENTERPRISE:
            return self.none()
        q = jurisdiction_scope_q(user)
        if q is None:
            return self
        area_roles = (Role.INSPECTOR, Role.COUNTY_OFFICE)
        paths = list(user.jurisdiction_paths) if getattr(user, "role", None) in area_roles else []
        ids = ids_on_paths(paths)
        return self.filter(q | Q(jurisdiction_id__in=ids)) if ids else self.filter(q)


class InspectionPlan(CreatedModel):
    """检查计划 — the year (quarter blank) or quarter plan of one county, optionally of one department."""

    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(
        _("quarter"), null=True, blank=True, choices=[(1, "Q1"), (2, "Q2"), (3, "Q3"), (4, "Q4")]
    )
    jurisdiction = jurisdiction_link(_("county"))
    department = department_link(optional=True)
    rule_set = models.ForeignKey(
        InspectionRuleSet, verbose_name=_("rule set"), on_delete=models.PROTECT, related_name="plans"
    )
    generated_at = models.DateTimeField(_("generated at"), null=True, blank=True)
    generated_by = person_link(_("generated by"))
    # Generation runs in a worker: the request records it here first (queued), the task runs it.
    generation_status = models.CharField(
        _("generation"), max_length=10, choices=PlanGenerationStatus.choices, default=PlanGenerationStatus.DONE
    )
    requested_at = models.DateTimeField(_("generation asked at"), null=True, blank=True)
    requested_by = person_link(_("generation asked by"))
    generation_started_at = models.DateTimeField(_("generation started at"), null=True, blank=True)
    generation_error = models.TextField(_("why the generation failed"), blank=True)

    objects = InspectionPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("inspection plan")
        verbose_name_plural = _("inspection plans")
        ordering = ["-year", "quarter", "jurisdiction", "department", "id"]
        constraints = [
            # One plan per period, county and department, "all departments" (null) included: NULLs are folded to
            # 0 in an expression index, which SQLite supports too (it ignores NULLS NOT DISTINCT).
            models.UniqueConstraint(
                F("year"),
                Coalesce("quarter", Value(0)),
                F("jurisdiction"),
                Coalesce("department", Value(0)),
                name="inspection_plan_unique_period",
            ),
            models.CheckConstraint(
                condition=Q(quarter__isnull=True) | Q(quarter__gte=1, quarter__lte=4), name="inspection_plan_quarter"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} Q{self.quarter or '-'} {self.jurisdiction_id}"

    @property
    def period_start(self) -> dt.date:
        return quarter_bounds(self.year, self.quarter)[0]

    @property
    def period_end(self) -> dt.date:
        return quarter_bounds(self.year, self.quarter)[1]

    @property
    def counted_from(self) -> dt.date:
        """Inspections count from the start of the year: a quarter's required number is cumulative."""
        return dt.date(self.year, 1, 1)


class InspectionPlanEntry(models.Model):
    """One enterprise in a plan: its class and the inspections it needs by the end of the period."""

    plan = models.ForeignKey(
        InspectionPlan,
        verbose_name=pgettext_lazy("inspection", "plan"),
        on_delete=models.CASCADE,
        related_name="entries",
    )
    enterprise = enterprise_link(on_delete=models.CASCADE)
    rule = link(InspectionClassRule, _("class rule"), optional=True)
    class_name = models.CharField(_("class"), max_length=100)
    min_per_year = models.PositiveSmallIntegerField(_("minimum inspections a year"))
    max_per_year = models.PositiveSmallIntegerField(_("maximum inspections a year"))
    required = models.PositiveSmallIntegerField(
        _("inspections required"),
        help_text=_("How many inspections this year the enterprise needs by the period's end."),
    )
    assignee = person_link(_("assigned to"), on_delete=models.SET_NULL)
    adjusted_by = person_link(_("adjusted by"))
    adjusted_at = models.DateTimeField(_("adjusted at"), null=True, blank=True)
    adjust_reason = models.CharField(_("reason for the adjustment"), max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("inspection plan entry")
        verbose_name_plural = _("inspection plan entries")
        ordering = ["plan", "enterprise"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "enterprise"], name="inspection_plan_entry_once"),
        ]
        indexes = [
            models.Index(fields=["enterprise", "plan"], name="supervision_entry_ent"),
            models.Index(fields=["assignee", "plan"], name="supervision_entry_assignee"),
        ]

    def __str__(self) -> str:
        return f"{self.plan_id}: {self.enterprise_id}"


__all__ = [
    "CreditGradeMatch",
    "IndustryGroup",
    "InspectionClassRule",
    "InspectionPlan",
    "InspectionPlanEntry",
    "InspectionPlanQuerySet",
    "InspectionRuleSet",
    "InspectionRuleSetQuerySet",
    "InspectionRuleSetStatus",
    "PlanEntryStatus",
    "PlanGenerationStatus",
    "ResponsibleAuthority",
    "RiskColourMatch",
    "StandardizationMatch",
]
