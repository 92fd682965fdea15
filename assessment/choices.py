"""Choices of the assessment app: scheme kinds and states, indicator parts, normalizations, grades, runs."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SchemeKind(models.TextChoices):
    """Who a scheme assesses: the counties/districts/zone, or the committee's member departments (履责检查)."""

    JURISDICTION = "jurisdiction", _("Counties, districts and the development zone")
    DEPARTMENT = "department", _("Member departments (duty check)")


class SchemeStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("assessment scheme", "Draft")
    ACTIVE = "active", pgettext_lazy("assessment scheme", "In force")
    RETIRED = "retired", pgettext_lazy("assessment scheme", "Retired")


class IndicatorPart(models.TextChoices):
    PROCESS = "process", _("Process indicators")
    RESULT = "result", _("Result indicators")


class Direction(models.TextChoices):
    HIGHER_IS_BETTER = "higher", _("Higher is better")
    LOWER_IS_BETTER = "lower", _("Lower is better")


class Normalization(models.TextChoices):
    """How the raw figure is made comparable between counties of different size."""

    COUNT = "count", _("Count as recorded")
    SHARE = "share", _("Share of the records in scope")
    PER_100_ENTERPRISES = "per_100_enterprises", _("Per 100 supervised enterprises")
    PER_100M_GDP = "per_100m_gdp", _("Per 100 million yuan of GDP")
    PER_100K_WORKERS = "per_100k_workers", _("Per 100,000 industrial workers")


class Scoring(models.TextChoices):
    """How the normalized value becomes points."""

    BAND = "band", _("Linear between a zero-points and a full-points value")
    DEDUCT = "deduct", _("Deduct points per unit")
    AGAINST_TARGET = "against_target", _("Against the county's control target (deduct in proportion to the overshoot)")


class TargetInput(models.TextChoices):
    """Which control target of the county's yearly input an indicator is held against."""

    DEATHS = "deaths", _("Deaths (control target)")
    LARGER_ACCIDENTS = "larger_accidents", _("Larger accidents (control target)")
    DEATHS_PER_100M_GDP = "deaths_per_100m_gdp", _("Deaths per 100 million yuan of GDP (control target)")
    DEATHS_PER_100K_WORKERS = "deaths_per_100k_workers", _("Deaths per 100,000 industrial workers (control target)")


class VetoKind(models.TextChoices):
    """一票否决: outcomes that make the grade 不合格 whatever the score."""

    MAJOR_ACCIDENT = "major_accident", _("A major or especially major accident in the period")
    LARGER_CONCEALED_OR_LATE = "larger_concealed_or_late", _("A larger accident concealed or reported late")
    DEATHS_OVER_TARGET = "deaths_over_target", _("Deaths above a share of the control target")


class AssessmentGrade(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent (优秀)")
    GOOD = "good", _("Good (良好)")
    PASS = "pass", _("Pass (合格)")
    FAIL = "fail", _("Fail (不合格)")


class PeriodKind(models.TextChoices):
    MONTH = "month", _("Month (preliminary)")
    QUARTER = "quarter", pgettext_lazy("assessment period", "Quarter")
    YEAR = "year", pgettext_lazy("assessment period", "Year")


class RunStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("assessment run", "Waiting")
    RUNNING = "running", pgettext_lazy("assessment run", "Running")
    DONE = "done", pgettext_lazy("assessment run", "Finished")
    FAILED = "failed", pgettext_lazy("assessment run", "Failed")


class ResultStatus(models.TextChoices):
    PRELIMINARY = "preliminary", _("Preliminary")
    PUBLISHED = "published", pgettext_lazy("assessment result", "Published")


# The fields of a scheme's indicator, in the order the admin inline, the web form and the API show them; a copy
# to a new version carries the same ones.
SCHEME_INDICATOR_FIELDS = (
    "order",
    "indicator",
    "label",
    "part",
    "weight",
    "direction",
    "normalization",
    "scoring",
    "full_at",
    "zero_at",
    "deduct_per_unit",
    "target_input",
    "days_allowed",
)

# What a result shows of each indicator, in the order the admin and the API show it.
RESULT_INDICATOR_FIELDS = (
    "label",
    "part",
    "weight",
    "effective_weight",
    "numerator",
    "denominator",
    "normalized",
    "target",
    "points",
    "scored",
    "reason",
)
