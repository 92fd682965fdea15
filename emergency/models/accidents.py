"""Accidents and incidents (生产安全事故): Decree 493 grading, reporting clocks, response log, evaluation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safety_platform.dates import local_text
from safety_platform.models.base import CreatedModel, NamedRuleVersion, TimestampedModel
from safety_platform.models.fields import (
    created_by_field,
    department_link,
    enterprise_link,
    in_order,
    jurisdiction_link,
    person_link,
)
from safety_platform.versioning import RuleVersionQuerySet

from ..choices import (
    GRADE_ORDER,
    AccidentCategory,
    AccidentGrade,
    AccidentStatus,
    MeasureStatus,
    PartyKind,
    ReportLevel,
    ResponseKind,
    ResponsibilityKind,
)
from .common import OwnedQuerySet

# Below ten trillion yuan: 15 significant digits, which SQLite (the embedded default) stores exactly in a
# REAL and reads back; a 16-digit amount would be rounded up past the column's width and break every read.
MONEY_MAX = Decimal("9999999999999.99")
# PositiveIntegerField's range on every backend (PostgreSQL refuses more; SQLite would store it).
COUNT_MAX = 2_147_483_647


def money_field(verbose_name: Any, **kwargs: Any) -> models.DecimalField:
    """An amount in yuan, never negative, below `MONEY_MAX`."""
    return models.DecimalField(
        verbose_name,
        max_digits=16,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(MONEY_MAX)],
        **kwargs,
    )


class GradingRuleSetQuerySet(RuleVersionQuerySet["GradingRuleSet"]):
    def in_force(self, on: dt.datetime | dt.date | None = None) -> GradingRuleSet:
        """The rule set in force on a date (see `RuleVersionQuerySet.in_force`); an accident is always graded."""
        rule_set = super().in_force(on)
        if rule_set is None:
            raise GradingRuleSet.DoesNotExist("No accident grading rule set is configured.")
        return rule_set


class GradingRuleSet(NamedRuleVersion):
    """事故分级与报告规则 — a version of the Decree 493 thresholds and reporting clocks.

    Lower bounds are inclusive: "≥ 30 deaths" is especially major. A changed regulation is a new
    version with a later `effective_from`; every accident keeps the version that graded it, and a
    version that graded one is frozen.
    """

    recorded_in = (("emergency.Accident", "rule_set"), ("emergency.AccidentRevision", "rule_set"))

    legal_basis = models.CharField(_("legal basis"), max_length=200, blank=True)
    especially_major_deaths = models.PositiveIntegerField(_("especially major: deaths from"), default=30)
    especially_major_injuries = models.PositiveIntegerField(_("especially major: serious injuries from"), default=100)
    especially_major_loss_yuan = money_field(
        _("especially major: direct loss from (yuan)"), default=Decimal("100000000")
    )
    major_deaths = models.PositiveIntegerField(_("major: deaths from"), default=10)
    major_injuries = models.PositiveIntegerField(_("major: serious injuries from"), default=50)
    major_loss_yuan = money_field(_("major: direct loss from (yuan)"), default=Decimal("50000000"))
    larger_deaths = models.PositiveIntegerField(_("larger: deaths from"), default=3)
    larger_injuries = models.PositiveIntegerField(_("larger: serious injuries from"), default=10)
    larger_loss_yuan = money_field(_("larger: direct loss from (yuan)"), default=Decimal("10000000"))
    report_to_county_hours = models.PositiveIntegerField(_("report to the county within (hours)"), default=1)
    forward_hours = models.PositiveIntegerField(_("each level forwards within (hours)"), default=2)
    supplement_days = models.PositiveIntegerField(_("casualty supplement window (days)"), default=30)
    supplement_days_road_fire = models.PositiveIntegerField(
        _("supplement window for road traffic and fire (days)"), default=7
    )
    investigation_days = models.PositiveIntegerField(_("investigation report due (days)"), default=60)
    investigation_extension_days = models.PositiveIntegerField(
        _("investigation extension, once, up to (days)"), default=60
    )

    objects = GradingRuleSetQuerySet.as_manager()

    class Meta(NamedRuleVersion.Meta):
        verbose_name = _("accident grading rule set")
        verbose_name_plural = _("accident grading rule sets")

    def grade_for(self, *, deaths: int, serious_injuries: int, direct_loss_yuan: Decimal) -> str:
        """Decree 493 art. 3: the highest grade reached by any of the three criteria (bounds inclusive)."""
        return max(
            self.grade_by_deaths(deaths),
            self.grade_by_injuries(serious_injuries),
            self.grade_by_loss(direct_loss_yuan),
            key=lambda grade: GRADE_ORDER.index(AccidentGrade(grade)),
        )

    def _grade(self, value: Any, especially_major: Any, major: Any, larger: Any) -> str:
        if value >= especially_major:
            return AccidentGrade.ESPECIALLY_MAJOR
        if value >= major:
            return AccidentGrade.MAJOR
        if value >= larger:
            return AccidentGrade.LARGER
        return AccidentGrade.GENERAL

    def grade_by_deaths(self, deaths: int) -> str:
        return self._grade(deaths, self.especially_major_deaths, self.major_deaths, self.larger_deaths)

    def grade_by_injuries(self, injuries: int) -> str:
        return self._grade(injuries, self.especially_major_injuries, self.major_injuries, self.larger_injuries)

    def grade_by_loss(self, loss: Decimal) -> str:
        return self._grade(Decimal(loss), self.especially_major_loss_yuan, self.major_loss_yuan, self.larger_loss_yuan)

    def supplement_window_days(self, category: str) -> int:
        from ..choices import SHORT_SUPPLEMENT_CATEGORIES

        return self.supplement_days_road_fire if category in SHORT_SUPPLEMENT_CATEGORIES else self.supplement_days


class AccidentQuerySet(OwnedQuerySet["Accident"]):
    def open(self) -> AccidentQuerySet:
        return self.exclude(status=AccidentStatus.CLOSED)


class Accident(TimestampedModel):
    """生产安全事故 — an accident or incident with its casualties, Decree 493 grade and statutory clocks."""

    title = models.CharField(pgettext_lazy("emergency", "title"), max_length=200)
    category = models.CharField(_("category"), max_length=20, choices=AccidentCategory.choices)
    is_production_safety = models.BooleanField(
        _("production-safety accident"),
        default=True,
        help_text=_("Untick for other emergencies (natural disasters …): no credit fact is recorded."),
    )
    occurred_at = models.DateTimeField(_("occurred at"), db_index=True)
    reported_at = models.DateTimeField(
        _("reported to the county at"), help_text=_("When the county regulator received the first report.")
    )
    location = models.CharField(_("place"), max_length=200)
    jurisdiction = jurisdiction_link()
    enterprise = enterprise_link(optional=True, related_name="accidents")
    description = models.TextField(_("what happened"), blank=True)
    deaths = models.PositiveIntegerField(_("deaths"), default=0)
    serious_injuries = models.PositiveIntegerField(_("serious injuries"), default=0)
    minor_injuries = models.PositiveIntegerField(_("minor injuries"), default=0)
    missing = models.PositiveIntegerField(_("missing"), default=0)
    direct_loss_yuan = money_field(_("direct economic loss (yuan)"), default=Decimal("0"))
    grade = models.CharField(
        pgettext_lazy("emergency", "grade"), max_length=20, choices=AccidentGrade.choices, db_index=True
    )
    rule_set = models.ForeignKey(
        GradingRuleSet, verbose_name=_("rule set"), on_delete=models.PROTECT, related_name="accidents"
    )
    revision = models.PositiveIntegerField(_("revision"), default=1)
    status = models.CharField(
        _("status"), max_length=20, choices=AccidentStatus.choices, default=AccidentStatus.REPORTED, db_index=True
    )
    reported_by = person_link(_("recorded by"), optional=False)
    figures_confirmed_at = models.DateTimeField(_("casualty figures confirmed at"), null=True, blank=True)
    concealed = models.BooleanField(_("concealed or falsely reported"), default=False)
    concealed_note = models.CharField(_("concealment finding"), max_length=300, blank=True)
    investigation_due_at = models.DateTimeField(_("investigation report due"), null=True, blank=True)
    investigation_extended = models.BooleanField(_("investigation extended"), default=False)
    investigation_extension_reason = models.CharField(_("extension reason"), max_length=300, blank=True)
    investigation_report_at = models.DateTimeField(_("investigation report submitted at"), null=True, blank=True)
    investigation_summary = models.TextField(_("investigation conclusion"), blank=True)
    closed_at = models.DateTimeField(pgettext_lazy("emergency", "closed at"), null=True, blank=True)

    objects = AccidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("accident")
        verbose_name_plural = _("accidents")
        ordering = ["-occurred_at", "-id"]
        constraints = [in_order("occurred_at", "reported_at", name="accident_reported_after_occurrence")]
        indexes = [models.Index(fields=["enterprise", "occurred_at"]), models.Index(fields=["jurisdiction", "status"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("emergency:accident_detail", args=[self.pk])

    @property
    def report_due_at(self) -> dt.datetime:
        return self.occurred_at + dt.timedelta(hours=self.rule_set.report_to_county_hours)

    @property
    def reported_late(self) -> bool:
        return self.reported_at > self.report_due_at

    @property
    def supplement_due_at(self) -> dt.datetime:
        return self.occurred_at + dt.timedelta(days=self.rule_set.supplement_window_days(self.category))


class AccidentRevision(models.Model):
    """事故信息续报 — the figures of an accident at one revision, and the grade they gave. Append-only."""

    accident = models.ForeignKey(
        Accident, verbose_name=_("accident"), on_delete=models.PROTECT, related_name="revisions"
    )
    revision = models.PositiveIntegerField(_("revision"))
    deaths = models.PositiveIntegerField(_("deaths"))
    serious_injuries = models.PositiveIntegerField(_("serious injuries"))
    minor_injuries = models.PositiveIntegerField(_("minor injuries"), default=0)
    missing = models.PositiveIntegerField(_("missing"), default=0)
    direct_loss_yuan = money_field(_("direct economic loss (yuan)"))
    grade = models.CharField(pgettext_lazy("emergency", "grade"), max_length=20, choices=AccidentGrade.choices)
    rule_set = models.ForeignKey(GradingRuleSet, verbose_name=_("rule set"), on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("note"), max_length=300, blank=True)
    is_late = models.BooleanField(_("after the supplement window"), default=False)
    recorded_by = person_link(_("by"))
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("accident revision")
        verbose_name_plural = _("accident revisions")
        ordering = ["accident", "revision"]
        constraints = [models.UniqueConstraint(fields=["accident", "revision"], name="accidentrevision_unique")]

    def __str__(self) -> str:
        return f"{self.accident_id} r{self.revision}: {self.grade}"


class AccidentReportStep(models.Model):
    """逐级上报 — a level of government received the accident report (county, city, province, ministry)."""

    accident = models.ForeignKey(
        Accident, verbose_name=_("accident"), on_delete=models.PROTECT, related_name="report_steps"
    )
    level = models.CharField(pgettext_lazy("emergency", "level"), max_length=12, choices=ReportLevel.choices)
    received_at = models.DateTimeField(_("received at"))
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    recorded_by = person_link(_("by"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("report step")
        verbose_name_plural = _("report steps")
        ordering = ["accident", "received_at", "id"]
        constraints = [models.UniqueConstraint(fields=["accident", "level"], name="accidentreportstep_once_per_level")]

    def __str__(self) -> str:
        return f"{self.accident_id} → {self.level}"

    @property
    def is_late(self) -> bool:
        return self.due_at is not None and self.received_at > self.due_at


class ResponseLogEntry(models.Model):
    """应急处置记录 — who did what when during the response, with the teams and supplies deployed. Append-only."""

    accident = models.ForeignKey(
        Accident, verbose_name=_("accident"), on_delete=models.PROTECT, related_name="response_log"
    )
    at = models.DateTimeField(_("time"))
    kind = models.CharField(_("kind"), max_length=20, choices=ResponseKind.choices, default=ResponseKind.OTHER)
    actor_name = models.CharField(_("who"), max_length=100, help_text=_("The person or unit that acted."))
    action = models.TextField(_("what was done"))
    teams = models.ManyToManyField(
        "emergency.RescueTeam", verbose_name=_("teams deployed"), blank=True, related_name="response_entries"
    )
    dispatch_order = models.ForeignKey(
        "emergency.DispatchOrder",
        verbose_name=_("supplies dispatched"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="response_entries",
    )
    recorded_by = person_link(_("recorded by"), optional=False)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("response log entry")
        verbose_name_plural = _("response log")
        ordering = ["accident", "at", "id"]

    def __str__(self) -> str:
        return f"{local_text(self.at)} {self.actor_name}"


class EvaluationQuerySet(OwnedQuerySet["AccidentEvaluation"]):
    enterprise_prefix = "accident__enterprise"
    jurisdiction_prefix = "accident__jurisdiction"


class AccidentEvaluation(TimestampedModel):
    """事故调查评估 — the post-incident evaluation: causes, response assessment, lessons."""

    accident = models.OneToOneField(
        Accident, verbose_name=_("accident"), on_delete=models.PROTECT, related_name="evaluation"
    )
    causes = models.TextField(_("direct and indirect causes"), blank=True)
    response_assessment = models.TextField(_("assessment of the emergency response"), blank=True)
    lessons = models.TextField(_("lessons learned"), blank=True)
    created_by = created_by_field(optional=False)
    concluded_at = models.DateTimeField(_("concluded at"), null=True, blank=True)
    concluded_by = person_link(_("concluded by"))

    objects = EvaluationQuerySet.as_manager()

    class Meta:
        verbose_name = _("post-incident evaluation")
        verbose_name_plural = _("post-incident evaluations")

    def __str__(self) -> str:
        return f"{self.accident}"


class AccountabilityFinding(models.Model):
    """责任倒查 — who bears which responsibility for the accident, and what is done about it."""

    evaluation = models.ForeignKey(
        AccidentEvaluation,
        verbose_name=_("post-incident evaluation"),
        on_delete=models.PROTECT,
        related_name="findings",
    )
    party_kind = models.CharField(_("party"), max_length=12, choices=PartyKind.choices)
    party_name = models.CharField(_("name"), max_length=120)
    enterprise = enterprise_link(optional=True)
    department = department_link(optional=True)
    responsibility = models.CharField(_("responsibility"), max_length=12, choices=ResponsibilityKind.choices)
    finding = models.TextField(_("finding"))
    sanction = models.CharField(_("handling"), max_length=300, blank=True, help_text=_("Proposed or decided sanction."))
    recorded_by = person_link(_("recorded by"), optional=False)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("accountability finding")
        verbose_name_plural = _("accountability findings")
        ordering = ["evaluation", "id"]

    def __str__(self) -> str:
        return f"{self.party_name}: {self.get_responsibility_display()}"


class MeasureQuerySet(OwnedQuerySet["CorrectiveMeasure"]):
    enterprise_prefix = "evaluation__accident__enterprise"
    jurisdiction_prefix = "evaluation__accident__jurisdiction"

    def overdue(self, today: dt.date | None = None) -> MeasureQuerySet:
        return self.filter(
            due_on__lt=today or timezone.localdate(), status__in=[MeasureStatus.OPEN, MeasureStatus.IN_PROGRESS]
        )


class CorrectiveMeasure(CreatedModel):
    """整改措施 — a corrective measure from the evaluation, followed until verified complete."""

    evaluation = models.ForeignKey(
        AccidentEvaluation,
        verbose_name=_("post-incident evaluation"),
        on_delete=models.PROTECT,
        related_name="measures",
    )
    description = models.TextField(_("measure"))
    responsible = models.CharField(_("responsible unit or person"), max_length=120)
    responsible_enterprise = enterprise_link(_("responsible enterprise"), optional=True)
    due_on = models.DateField(pgettext_lazy("emergency", "due on"))
    status = models.CharField(_("status"), max_length=12, choices=MeasureStatus.choices, default=MeasureStatus.OPEN)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = person_link(_("verified by"))

    objects = MeasureQuerySet.as_manager()

    class Meta:
        verbose_name = _("corrective measure")
        verbose_name_plural = _("corrective measures")
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.description[:60]

    @property
    def is_overdue(self) -> bool:
        return self.status in (MeasureStatus.OPEN, MeasureStatus.IN_PROGRESS) and self.due_on < timezone.localdate()


class MeasureProgress(models.Model):
    """整改进展 — one progress report or status change of a corrective measure. Append-only."""

    measure = models.ForeignKey(
        CorrectiveMeasure, verbose_name=_("corrective measure"), on_delete=models.PROTECT, related_name="progress"
    )
    from_status = models.CharField(_("from"), max_length=12, choices=MeasureStatus.choices)
    to_status = models.CharField(_("to"), max_length=12, choices=MeasureStatus.choices)
    note = models.CharField(_("note"), max_length=500)
    actor = person_link(_("by"), optional=False)
    at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("measure progress")
        verbose_name_plural = _("measure progress")
        ordering = ["measure", "at", "id"]

    def __str__(self) -> str:
        return f"{self.measure_id}: {self.from_status} → {self.to_status}"
