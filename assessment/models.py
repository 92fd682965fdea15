"""Target-responsibility assessment (目标责任考核): versioned schemes, county inputs, periods, runs, results.

A result keeps its own copy of every figure (raw value, normalized value, points, the ids of the
records behind it) and names the scheme version that produced it, so a later version of the scheme
or later changes to the records never alter a result once it is published.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Generic, Self, TypedDict, TypeVar

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safety_platform.choices import JurisdictionLevel, Role
from safety_platform.dates import month_span
from safety_platform.models.base import CreatedModel
from safety_platform.models.fields import (
    department_link,
    exactly_one_of,
    in_order,
    jurisdiction_link,
    not_negative,
    person_link,
    positive,
)
from safety_platform.scoping import JurisdictionScopedQuerySet, ids_on_paths, jurisdiction_scope_q
from safety_platform.versioning import version_on

from .choices import (
    AssessmentGrade,
    Direction,
    IndicatorPart,
    Normalization,
    PeriodKind,
    ResultStatus,
    RunStatus,
    SchemeKind,
    SchemeStatus,
    Scoring,
    TargetInput,
    VetoKind,
)

_M = TypeVar("_M", bound=models.Model)


class _DecimalSize(TypedDict):
    max_digits: int
    decimal_places: int


POINTS: _DecimalSize = {"max_digits": 7, "decimal_places": 2}
# A department has no GDP, workforce or supervised-enterprise base of its own in the scheme's sense.
DEPARTMENT_UNSUITABLE_NORMALIZATIONS = frozenset({Normalization.PER_100M_GDP, Normalization.PER_100K_WORKERS})
FIGURE: _DecimalSize = {"max_digits": 20, "decimal_places": 6}
# The assessee of a jurisdiction scheme: a county, a district or the development zone.
COUNTY_LABEL = _("county / district / zone")


# Schemes --------------------------------------------------------------------------------------


class PublicToStaffQuerySet(models.QuerySet[_M], Generic[_M]):
    """Rows public inside the platform (schemes, periods): every assessee may read how it is scored and over
    which periods; enterprise users and API keys read none of the assessment."""

    def visible_to(self, user: Any) -> Self:
        if user is None or not getattr(user, "is_authenticated", False):
            return self.none()
        if getattr(user, "api_key", None) is not None or getattr(user, "role", None) == Role.ENTERPRISE:
            return self.none()
        return self


class SchemeQuerySet(PublicToStaffQuerySet["Scheme"]):
    def in_force(self, kind: str, on: dt.date) -> Scheme | None:
        """The active version of a kind valid on `on` (the latest `valid_from` not after it); before the
        first version, the earliest one (periods before the platform had a scheme are still assessed)."""
        return version_on(self.filter(kind=kind, status=SchemeStatus.ACTIVE), "valid_from", on)


class Scheme(CreatedModel):
    """考核方案 — one version of an assessment scheme: indicators with weights, veto rules, grade thresholds.

    A version that has been run is frozen (its results must stay explainable); a change is a new
    version (`scheme_copy` in services), with its own `valid_from`.
    """

    name = models.CharField(_("name"), max_length=200)
    version = models.CharField(_("version"), max_length=40)
    kind = models.CharField(_("assessed"), max_length=20, choices=SchemeKind.choices, default=SchemeKind.JURISDICTION)
    status = models.CharField(
        pgettext_lazy("assessment scheme", "status"),
        max_length=10,
        choices=SchemeStatus.choices,
        default=SchemeStatus.DRAFT,
    )
    valid_from = models.DateField(_("valid from"))
    based_on = models.ForeignKey(
        "self", verbose_name=_("copied from"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    notes = models.TextField(_("notes"), blank=True)

    objects = SchemeQuerySet.as_manager()

    class Meta:
        verbose_name = _("assessment scheme")
        verbose_name_plural = _("assessment schemes")
        ordering = ["kind", "-valid_from", "-id"]
        constraints = [models.UniqueConstraint(fields=["kind", "version"], name="assessment_scheme_unique_version")]

    def __str__(self) -> str:
        return f"{self.name} ({self.version})"

    @property
    def is_frozen(self) -> bool:
        """A version that has produced results is not edited any more (copy it to a new version)."""
        return bool(self.pk) and self.runs.exists()


class SchemeIndicator(models.Model):
    """考核指标 — one indicator of a scheme: which registered figure, its weight and how it is scored."""

    scheme = models.ForeignKey(Scheme, verbose_name=_("scheme"), on_delete=models.CASCADE, related_name="indicators")
    indicator = models.CharField(
        _("indicator"), max_length=60, help_text=_("The name of a registered indicator (see the indicator registry).")
    )
    label = models.CharField(_("label"), max_length=200, blank=True, help_text=_("Empty: the registry's label."))
    part = models.CharField(_("part"), max_length=10, choices=IndicatorPart.choices)
    weight = models.DecimalField(
        _("weight (points)"), max_digits=5, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    normalization = models.CharField(_("normalization"), max_length=20, choices=Normalization.choices)
    scoring = models.CharField(_("scoring"), max_length=20, choices=Scoring.choices, default=Scoring.BAND)
    full_at = models.DecimalField(
        _("full points at"), max_digits=12, decimal_places=4, null=True, blank=True, help_text=_("Band scoring.")
    )
    zero_at = models.DecimalField(
        _("zero points at"),
        max_digits=12,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("Band scoring; against a target: the multiple of the target at which no points are left."),
    )
    deduct_per_unit = models.DecimalField(
        _("points deducted per unit"), max_digits=8, decimal_places=4, null=True, blank=True
    )
    target_input = models.CharField(_("control target"), max_length=30, choices=TargetInput.choices, blank=True)
    days_allowed = models.PositiveSmallIntegerField(
        _("days allowed"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(365)],
        help_text=_("Timeliness indicators: the days allowed after the event (empty: the indicator's default)."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("scheme indicator")
        verbose_name_plural = _("scheme indicators")
        ordering = ["scheme", "order", "id"]
        constraints = [
            # One figure may be scored twice, normalized differently (deaths: against the target, per GDP).
            models.UniqueConstraint(
                fields=["scheme", "indicator", "normalization"], name="assessment_indicator_once_per_scheme"
            ),
            positive("weight", name="assessment_indicator_weight_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.display_label} ({self.weight})"

    @property
    def display_label(self) -> str:
        from .indicators import registry

        if self.label:
            return self.label
        spec = registry.get(self.indicator)
        return str(spec.label) if spec else self.indicator

    def clean(self) -> None:
        from .indicators import registry

        errors: dict[str, Any] = {}
        spec = registry.get(self.indicator) if self.indicator else None
        if self.indicator and spec is None:
            errors["indicator"] = _("Unknown indicator “%(name)s”; choose one of the registered indicators.") % {
                "name": self.indicator
            }
        kind = self._scheme_kind()
        if spec is not None and kind and kind not in spec.kinds:
            errors["indicator"] = _("“%(name)s” does not apply to this scheme's assessees (%(kind)s).") % {
                "name": spec.label,
                "kind": SchemeKind(kind).label,
            }
        if kind == SchemeKind.DEPARTMENT and self.normalization in DEPARTMENT_UNSUITABLE_NORMALIZATIONS:
            errors["normalization"] = _("A department has no GDP or workforce of its own: count or share only.")
        if kind == SchemeKind.DEPARTMENT and self.scoring == Scoring.AGAINST_TARGET:
            errors["scoring"] = _("Control targets are set for counties, not for departments.")
        if self.scoring == Scoring.BAND and (self.full_at is None or self.zero_at is None):
            field = "full_at" if self.full_at is None else "zero_at"
            errors[field] = _("Band scoring needs both the full-points and the zero-points value.")
        elif self.scoring == Scoring.BAND and self.full_at == self.zero_at:
            errors["zero_at"] = _("The zero-points value must differ from the full-points value.")
        elif self.scoring == Scoring.BAND and (self.direction == Direction.HIGHER_IS_BETTER) != (
            self.full_at > self.zero_at  # type: ignore[operator]
        ):
            errors["full_at"] = _(
                "For “higher is better” full points need a higher value than zero points; "
                "for “lower is better”, a lower one."
            )
        if self.scoring == Scoring.DEDUCT and not self.deduct_per_unit:
            errors["deduct_per_unit"] = _("Deduction scoring needs the points deducted per unit.")
        if self.scoring == Scoring.AGAINST_TARGET and not self.target_input and "scoring" not in errors:
            errors["target_input"] = _("Scoring against a target needs the control target it is held against.")
        if errors:
            raise ValidationError(errors)

    def _scheme_kind(self) -> str:
        """The kind of the scheme this indicator belongs to (also before the scheme is saved)."""
        try:
            scheme = self.scheme
        except Scheme.DoesNotExist:
            return ""
        return scheme.kind if scheme is not None else ""


class VetoRule(models.Model):
    """一票否决 — an outcome that makes the grade the lowest whatever the score."""

    scheme = models.ForeignKey(Scheme, verbose_name=_("scheme"), on_delete=models.CASCADE, related_name="vetoes")
    kind = models.CharField(_("veto"), max_length=30, choices=VetoKind.choices)
    threshold_percent = models.PositiveSmallIntegerField(
        _("threshold (percent of the target)"),
        null=True,
        blank=True,
        help_text=_("Deaths above this share of the control target (e.g. 150)."),
    )

    class Meta:
        verbose_name = _("veto rule")
        verbose_name_plural = _("veto rules")
        ordering = ["scheme", "kind"]
        constraints = [models.UniqueConstraint(fields=["scheme", "kind"], name="assessment_veto_once_per_scheme")]

    def __str__(self) -> str:
        return str(self.get_kind_display())

    def clean(self) -> None:
        if self.kind == VetoKind.DEATHS_OVER_TARGET and not self.threshold_percent:
            raise ValidationError({"threshold_percent": _("This veto needs the share of the target (e.g. 150).")})


class GradeThreshold(models.Model):
    """等次 — the lowest score of a grade (优秀 ≥ 90, 良好 ≥ 80, 合格 ≥ 70, 不合格 below)."""

    scheme = models.ForeignKey(Scheme, verbose_name=_("scheme"), on_delete=models.CASCADE, related_name="grades")
    grade = models.CharField(pgettext_lazy("assessment", "grade"), max_length=10, choices=AssessmentGrade.choices)
    min_score = models.DecimalField(
        _("minimum score"), validators=[MinValueValidator(0), MaxValueValidator(100)], **POINTS
    )

    class Meta:
        verbose_name = _("grade threshold")
        verbose_name_plural = _("grade thresholds")
        ordering = ["scheme", "-min_score"]
        constraints = [models.UniqueConstraint(fields=["scheme", "grade"], name="assessment_grade_once_per_scheme")]

    def __str__(self) -> str:
        return f"{self.get_grade_display()} ≥ {self.min_score}"


# Staff inputs -------------------------------------------------------------------------------


def _county_figure(label: Any, max_digits: int, decimal_places: int) -> models.DecimalField[Any, Any]:
    """A county's figure a staff member may leave empty; never negative."""
    return models.DecimalField(
        label,
        max_digits=max_digits,
        decimal_places=decimal_places,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )


class CountyInput(models.Model):
    """控制指标与基础数据 — a county's control targets, GDP and industrial workforce for one year (staff input)."""

    jurisdiction = jurisdiction_link(COUNTY_LABEL, limit_choices_to={"level": JurisdictionLevel.COUNTY})
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    deaths_target = models.PositiveIntegerField(_("deaths: control target"), null=True, blank=True)
    larger_accidents_target = models.PositiveIntegerField(_("larger accidents: control target"), null=True, blank=True)
    deaths_per_100m_gdp_target = _county_figure(_("deaths per 100 million yuan of GDP: control target"), 10, 4)
    deaths_per_100k_workers_target = _county_figure(_("deaths per 100,000 industrial workers: control target"), 10, 4)
    gdp_100m_yuan = _county_figure(_("GDP (100 million yuan)"), 12, 2)
    industrial_workers = models.PositiveIntegerField(_("industrial (工矿商贸) workers"), null=True, blank=True)
    updated_by = person_link(_("updated by"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = JurisdictionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("county targets and base figures")
        verbose_name_plural = _("county targets and base figures")
        ordering = ["-year", "jurisdiction__sort_order", "jurisdiction_id"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "year"], name="assessment_county_input_once_per_year"),
            not_negative("gdp_100m_yuan", optional=True, name="assessment_county_input_gdp_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.jurisdiction} {self.year}"

    def clean(self) -> None:
        if self.jurisdiction_id and self.jurisdiction.level != JurisdictionLevel.COUNTY:
            raise ValidationError({"jurisdiction": _("Choose a county, district or the development zone.")})

    def target(self, which: str) -> Decimal | None:
        targets: dict[str, int | Decimal | None] = {
            TargetInput.DEATHS: self.deaths_target,
            TargetInput.LARGER_ACCIDENTS: self.larger_accidents_target,
            TargetInput.DEATHS_PER_100M_GDP: self.deaths_per_100m_gdp_target,
            TargetInput.DEATHS_PER_100K_WORKERS: self.deaths_per_100k_workers_target,
        }
        value = targets.get(which)
        return None if value is None else Decimal(value)


# Periods and runs -----------------------------------------------------------------------------


class AssessmentPeriodQuerySet(PublicToStaffQuerySet["AssessmentPeriod"]):
    pass


class AssessmentPeriod(models.Model):
    """考核期 — a month (preliminary), a quarter or a year."""

    kind = models.CharField(pgettext_lazy("assessment period", "period"), max_length=10, choices=PeriodKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveSmallIntegerField(
        _("number"), default=0, help_text=_("Month 1–12 or quarter 1–4; 0 for a year.")
    )
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))

    objects = AssessmentPeriodQuerySet.as_manager()

    class Meta:
        verbose_name = _("assessment period")
        verbose_name_plural = _("assessment periods")
        ordering = ["-start", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "year", "number"], name="assessment_period_unique"),
            in_order("start", "end", name="assessment_period_end_after_start"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if self.kind == PeriodKind.MONTH:
            return _("%(year)s-%(month)02d") % {"year": self.year, "month": self.number}
        if self.kind == PeriodKind.QUARTER:
            return _("%(year)s Q%(quarter)s") % {"year": self.year, "quarter": self.number}
        return str(self.year)

    @property
    def months(self) -> int:
        return {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3}.get(PeriodKind(self.kind), 12)

    @staticmethod
    def bounds(kind: str, year: int, number: int) -> tuple[dt.date, dt.date]:
        """(first day, last day) of a period."""
        if kind == PeriodKind.MONTH:
            first_month, months = number, 1
        elif kind == PeriodKind.QUARTER:
            first_month, months = 3 * (number - 1) + 1, 3
        else:
            first_month, months = 1, 12
        return month_span(year, first_month, months)

    def previous_bounds(self) -> tuple[int, int]:
        """(year, number) of the period of the same kind just before this one."""
        if self.kind == PeriodKind.YEAR:
            return self.year - 1, 0
        per_year = 12 if self.kind == PeriodKind.MONTH else 4
        return (self.year, self.number - 1) if self.number > 1 else (self.year - 1, per_year)


class AssessmentRun(CreatedModel):
    """考核运行 — one computation of a scheme for every assessee of a period, with its progress.

    Resumable: each assessee's result is written in its own transaction, and a restarted run skips
    the assessees already done, so a run killed half-way and started again ends as a clean run would.
    """

    period = models.ForeignKey(
        AssessmentPeriod, verbose_name=_("assessment period"), on_delete=models.PROTECT, related_name="runs"
    )
    scheme = models.ForeignKey(Scheme, verbose_name=_("scheme"), on_delete=models.PROTECT, related_name="runs")
    status = models.CharField(
        pgettext_lazy("assessment run", "status"), max_length=10, choices=RunStatus.choices, default=RunStatus.PENDING
    )
    total = models.PositiveIntegerField(_("assessees"), default=0)
    done = models.PositiveIntegerField(_("assessed so far"), default=0)
    error = models.TextField(_("why it failed"), blank=True)
    created_by = person_link(_("started by"))
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("assessment run")
        verbose_name_plural = _("assessment runs")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.period} · {self.scheme}"

    @property
    def progress_percent(self) -> int:
        return 100 if not self.total else int(100 * self.done / self.total)


class AssessmentResultQuerySet(models.QuerySet["AssessmentResult"]):
    def visible_to(self, user: Any) -> AssessmentResultQuerySet:
        """Committee and administrators: all; inspectors (county staff): their counties' results and the
        published duty checks of departments; department staff: their own department's results (preliminary
        too: they may object like a county) and every published result; enterprises and API keys: none."""
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if getattr(user, "api_key", None) is not None:
            return self.none()
        if user.is_superuser or user.role in (Role.ADMIN, Role.COMMITTEE):
            return self
        if user.role == Role.DEPARTMENT:
            own = Q(department_id=user.department_id) if user.department_id else Q(pk__in=[])
            return self.filter(Q(status=ResultStatus.PUBLISHED) | own)
        if user.role in (Role.INSPECTOR, Role.COUNTY_OFFICE):
            q = jurisdiction_scope_q(user)
            # An inspector of a township still sees the result of the county the township belongs to.
            ancestors = Q(jurisdiction_id__in=ids_on_paths(user.jurisdiction_paths))
            published_duty_checks = Q(department__isnull=False, status=ResultStatus.PUBLISHED)
            counties = Q(department__isnull=True) & (q | ancestors) if q is not None else Q(department__isnull=True)
            return self.filter(counties | published_duty_checks)
        return self.none()


class AssessmentResult(models.Model):
    """考核结果 — one assessee's score, grade, rank and veto for a period, with its own copy of the figures."""

    run = models.ForeignKey(
        AssessmentRun, verbose_name=_("assessment run"), on_delete=models.CASCADE, related_name="results"
    )
    period = models.ForeignKey(
        AssessmentPeriod, verbose_name=_("assessment period"), on_delete=models.PROTECT, related_name="results"
    )
    scheme = models.ForeignKey(Scheme, verbose_name=_("scheme"), on_delete=models.PROTECT, related_name="results")
    # The assessee: a county (jurisdiction scheme) or a member department (duty check); exactly one is set.
    jurisdiction = jurisdiction_link(COUNTY_LABEL, optional=True)
    department = department_link(optional=True)
    status = models.CharField(
        pgettext_lazy("assessment result", "status"),
        max_length=12,
        choices=ResultStatus.choices,
        default=ResultStatus.PRELIMINARY,
    )
    score = models.DecimalField(_("score"), null=True, blank=True, **POINTS)
    grade = models.CharField(
        pgettext_lazy("assessment", "grade"), max_length=10, choices=AssessmentGrade.choices, blank=True
    )
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)
    vetoed = models.BooleanField(_("veto applied"), default=False)
    veto_reasons = models.JSONField(_("why the veto applied"), default=list, blank=True)
    notes = models.JSONField(
        _("notes"), default=list, blank=True, help_text=_("Indicators not scored and where their weight went.")
    )
    previous_score = models.DecimalField(_("score of the previous period"), null=True, blank=True, **POINTS)
    change = models.DecimalField(_("change from the previous period"), null=True, blank=True, **POINTS)
    computed_at = models.DateTimeField(_("computed at"), auto_now_add=True)
    published_at = models.DateTimeField(pgettext_lazy("assessment result", "published at"), null=True, blank=True)

    objects = AssessmentResultQuerySet.as_manager()

    class Meta:
        verbose_name = _("assessment result")
        verbose_name_plural = _("assessment results")
        ordering = ["period", "rank", "jurisdiction__sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "jurisdiction"], name="assessment_result_once_per_run"),
            models.UniqueConstraint(fields=["run", "department"], name="assessment_result_department_once_per_run"),
            exactly_one_of("jurisdiction", "department", name="assessment_result_one_assessee"),
        ]

    def __str__(self) -> str:
        return f"{self.assessee} {self.period}: {self.score}"

    @property
    def assessee(self) -> Any:
        """The county or the department this result scores."""
        return self.department if self.department_id else self.jurisdiction

    @property
    def assessee_name(self) -> str:
        assessee = self.assessee
        return assessee.name if assessee is not None else ""

    @property
    def assessee_id(self) -> int | None:
        return self.department_id or self.jurisdiction_id


class ResultIndicator(models.Model):
    """考核得分明细 — one indicator of a result: raw value, normalized value, points, the records behind it."""

    result = models.ForeignKey(
        AssessmentResult, verbose_name=_("assessment result"), on_delete=models.CASCADE, related_name="indicators"
    )
    indicator = models.CharField(_("indicator"), max_length=60)
    label = models.CharField(_("label"), max_length=200)
    part = models.CharField(_("part"), max_length=10, choices=IndicatorPart.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    weight = models.DecimalField(_("weight (points)"), **POINTS)
    effective_weight = models.DecimalField(
        _("weight after spreading"), default=Decimal("0"), help_text=_("0 when not scored."), **POINTS
    )
    numerator = models.DecimalField(_("raw value"), null=True, blank=True, **FIGURE)
    denominator = models.DecimalField(_("base"), null=True, blank=True, **FIGURE)
    normalized = models.DecimalField(_("normalized value"), null=True, blank=True, **FIGURE)
    target = models.DecimalField(_("control target for the period"), null=True, blank=True, **FIGURE)
    points = models.DecimalField(_("points"), null=True, blank=True, **POINTS)
    scored = models.BooleanField(_("scored"), default=True)
    reason = models.CharField(_("why not scored"), max_length=300, blank=True)
    record_model = models.CharField(_("records"), max_length=60, blank=True)
    record_ids = models.JSONField(_("records behind the figure"), default=list, blank=True)

    class Meta:
        verbose_name = _("result indicator")
        verbose_name_plural = _("result indicators")
        ordering = ["result", "order", "id"]

    def __str__(self) -> str:
        return f"{self.label}: {self.points}"


# Review ---------------------------------------------------------------------------------------


def objection_evidence_path(instance: Objection, filename: str) -> str:
    from safety_platform.uploads import random_upload_name

    return random_upload_name("assessment/objections", filename)


class ObjectionStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("assessment objection", "Waiting for an answer")
    ACCEPTED = "accepted", pgettext_lazy("assessment objection", "Accepted")
    REJECTED = "rejected", pgettext_lazy("assessment objection", "Rejected")


class Objection(models.Model):
    """异议 — a county's objection to its preliminary result, with evidence, and the committee's answer.

    Accepting it recomputes that county's result; the scores before and after are kept here.
    """

    result = models.ForeignKey(
        AssessmentResult, verbose_name=_("assessment result"), on_delete=models.CASCADE, related_name="objections"
    )
    text = models.TextField(_("objection"))
    evidence = models.FileField(_("evidence"), upload_to=objection_evidence_path, blank=True)
    filed_by = person_link(_("filed by"), optional=False)
    filed_at = models.DateTimeField(_("filed at"), auto_now_add=True)
    status = models.CharField(
        pgettext_lazy("assessment objection", "status"),
        max_length=10,
        choices=ObjectionStatus.choices,
        default=ObjectionStatus.OPEN,
    )
    answer = models.TextField(_("answer"), blank=True)
    answered_by = person_link(_("answered by"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    score_before = models.DecimalField(_("score before"), null=True, blank=True, **POINTS)
    score_after = models.DecimalField(_("score after the correction"), null=True, blank=True, **POINTS)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["-filed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.result}: {self.get_status_display()}"
