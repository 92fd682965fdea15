"""Versioned grading rules: a rule set, its per-criterion limits and its rules (data, edited in admin)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from safety_platform.choices import FactKind
from safety_platform.dates import add_months
from safety_platform.models.base import NamedRuleVersion
from safety_platform.models.fields import in_order, person_link
from safety_platform.permissions import is_enterprise_person
from safety_platform.scoping import SignedInQuerySet
from safety_platform.versioning import RuleVersionQuerySet, RuleVersionRow

from ..choices import Behaviour, BlacklistCase, Criterion, Grade, RuleSetStatus

# How the event details a rule matches read on the rules page (the values the apps' facts carry:
# an accident's Decree 493 grade, a standardization certificate's level). Other details read as one
# sentence ("another condition on the event details"), never key=value.
FACT_MATCH_VALUES: dict[str, dict[str, Any]] = {
    "grade": {
        "general": _("General accident"),
        "larger": _("Larger accident"),
        "major": _("Major accident"),
        "especially_major": _("Especially major accident"),
    },
    "level": {"1": _("Level 1"), "2": _("Level 2"), "3": _("Level 3")},
    # A decided penalty case: its heaviest penalty (supervision's enforcement module).
    "penalty": {
        "fine": _("Fine"),
        "suspension": _("Suspension of production for rectification"),
        "licence_revocation": _("Proposal to revoke a licence"),
    },
}


class RuleSetQuerySet(RuleVersionQuerySet["RuleSet"]):
    def published(self) -> RuleSetQuerySet:
        return self.filter(status=RuleSetStatus.PUBLISHED)

    def visible_to(self, user: Any) -> RuleSetQuerySet:
        """Rules are public inside the platform: enterprises may read what their grade is based on."""
        if user is None or not user.is_authenticated:
            return self.none()
        # An enterprise's API key reads as its enterprise does (keys are no person, so the rule says no for them).
        enterprise_key = getattr(user, "api_key", None) is not None and bool(user.enterprise_id)
        return self.published() if is_enterprise_person(user) or enterprise_key else self


class RuleSet(NamedRuleVersion):
    """信用评价规则集 — one version of the grading rules (points, windows, caps, thresholds).

    A published version is frozen: every result records the version that produced it, so an old
    grade stays explainable. A change of the rules is a new version with its own `effective_from`.
    """

    in_force_statuses = (RuleSetStatus.PUBLISHED,)
    frozen_statuses = (RuleSetStatus.PUBLISHED,)
    frozen_message = _("This rule set version is published and frozen; copy it to a new version to change the rules.")

    status = models.CharField(_("status"), max_length=10, choices=RuleSetStatus.choices, default=RuleSetStatus.DRAFT)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = person_link(_("published by"))
    based_on = models.ForeignKey(
        "self", verbose_name=_("copied from"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    base_score = models.SmallIntegerField(_("base score"), default=80)
    max_score = models.SmallIntegerField(_("maximum score"), default=100)
    grade_one_min = models.SmallIntegerField(_("minimum score for grade 1"), default=90)
    grade_two_min = models.SmallIntegerField(_("minimum score for grade 2"), default=70)
    blacklist_grade_cap = models.PositiveSmallIntegerField(
        _("grade cap while blacklisted"), choices=Grade.choices, null=True, blank=True, default=Grade.THREE
    )
    blacklist_years = models.PositiveSmallIntegerField(_("listing period (years)"), default=3)
    repair_min_months = models.PositiveSmallIntegerField(_("months listed before credit repair"), default=12)
    objection_days = models.PositiveSmallIntegerField(_("objection window (days)"), default=10)
    proposal_days = models.PositiveSmallIntegerField(
        _("days to confirm a proposed record"),
        default=10,
        validators=[MinValueValidator(1)],
        help_text=_("A record the platform proposes from an event and nobody decides in time is escalated."),
    )
    inspection_days_grade_one = models.PositiveSmallIntegerField(_("inspection interval, grade 1 (days)"), default=365)
    inspection_days_grade_two = models.PositiveSmallIntegerField(_("inspection interval, grade 2 (days)"), default=180)
    inspection_days_grade_three = models.PositiveSmallIntegerField(_("inspection interval, grade 3 (days)"), default=90)
    inspection_days_unrated = models.PositiveSmallIntegerField(_("inspection interval, not rated (days)"), default=180)
    inspection_days_blacklisted = models.PositiveSmallIntegerField(
        _("longest inspection interval while blacklisted (days)"), default=182
    )
    notice_ack_days = models.PositiveSmallIntegerField(
        _("days to acknowledge a joint rewards and punishments notice"),
        default=5,
        validators=[MinValueValidator(1)],
        help_text=_("A notice a department has not acknowledged in time is escalated."),
    )
    notes = models.TextField(_("notes"), blank=True)

    objects = RuleSetQuerySet.as_manager()

    class Meta(NamedRuleVersion.Meta):
        verbose_name = _("credit rule set")
        verbose_name_plural = _("credit rule sets")
        constraints = [
            in_order("grade_two_min", "grade_one_min", strictly=True, name="ruleset_grade_thresholds_ordered"),
            in_order("base_score", "max_score", name="ruleset_base_le_max"),
        ]

    @property
    def is_published(self) -> bool:
        return self.status == RuleSetStatus.PUBLISHED

    def clean(self) -> None:
        if (
            self.grade_one_min is not None
            and self.grade_two_min is not None
            and self.grade_one_min <= self.grade_two_min
        ):
            raise ValidationError({"grade_one_min": _("Grade 1 needs a higher score than grade 2.")})
        if self.max_score is not None and self.base_score is not None and self.base_score > self.max_score:
            raise ValidationError({"base_score": _("The base score cannot exceed the maximum score.")})

    def grade_for(self, score: int, cap: int | None = None, blacklisted: bool = False) -> int:
        """Grade from the score, then lowered by any hard cap (a larger grade number is worse)."""
        # Plain ints, not Grade members: this runs once per enterprise in the nightly run.
        grade = 1 if score >= self.grade_one_min else 2 if score >= self.grade_two_min else 3
        if cap and cap > grade:
            grade = cap
        if blacklisted and self.blacklist_grade_cap and self.blacklist_grade_cap > grade:
            grade = self.blacklist_grade_cap
        return int(grade)

    def inspection_interval_days(self, grade: int | None, blacklisted: bool) -> int:
        by_grade: dict[int, int] = {
            1: self.inspection_days_grade_one,
            2: self.inspection_days_grade_two,
            3: self.inspection_days_grade_three,
        }
        days = by_grade.get(int(grade or 0), self.inspection_days_unrated)
        return min(days, self.inspection_days_blacklisted) if blacklisted else days


class CriterionLimit(RuleVersionRow, models.Model):
    """评价项目分值上限 — how much one criterion can add or take away, whatever the number of records."""

    rule_set = models.ForeignKey(RuleSet, verbose_name=_("rule set"), on_delete=models.CASCADE, related_name="limits")
    criterion = models.CharField(_("criterion"), max_length=20, choices=Criterion.choices)
    max_bonus = models.PositiveSmallIntegerField(_("maximum bonus"), default=0)
    max_penalty = models.PositiveSmallIntegerField(_("maximum deduction"), default=0)

    class Meta:
        verbose_name = _("criterion limit")
        verbose_name_plural = _("criterion limits")
        ordering = ["rule_set", "criterion"]
        constraints = [models.UniqueConstraint(fields=["rule_set", "criterion"], name="criterion_limit_unique")]

    def __str__(self) -> str:
        return f"{self.get_criterion_display()}: +{self.max_bonus}/−{self.max_penalty}"


class Rule(RuleVersionRow, models.Model):
    """信用评价条目 — one kind of credit behaviour: its criterion, points, validity window and caps.

    `fact_kind` + `fact_match` map platform events to this rule (e.g. kind "accident" with
    {"grade": "larger"}); `blacklist_case` makes enough such records within the window propose a
    blacklist entry (Order 11).
    """

    rule_set = models.ForeignKey(RuleSet, verbose_name=_("rule set"), on_delete=models.CASCADE, related_name="rules")
    code = models.CharField(_("code"), max_length=40)
    criterion = models.CharField(_("criterion"), max_length=20, choices=Criterion.choices)
    behaviour = models.CharField(_("behaviour"), max_length=4, choices=Behaviour.choices)
    title = models.CharField(_("title"), max_length=200)
    points = models.SmallIntegerField(_("points"), help_text=_("Positive for trustworthy, negative for untrustworthy"))
    validity_months = models.PositiveSmallIntegerField(
        _("validity (months)"),
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text=_("A record counts while it happened less than this many months before the grading date."),
    )
    cap_grade = models.PositiveSmallIntegerField(
        _("grade cap"),
        choices=Grade.choices,
        null=True,
        blank=True,
        help_text=_("While a record under this rule counts, the grade is at best this one."),
    )
    # No `choices=`: FactKind is an open vocabulary (apps add kinds without a credit migration).
    fact_kind = models.CharField(_("platform event"), max_length=40, blank=True, db_index=True)
    fact_match = models.JSONField(
        _("event details to match"), default=dict, blank=True, help_text=_('e.g. {"grade": "larger"}')
    )
    manual_allowed = models.BooleanField(_("staff may record it"), default=True)
    blacklist_case = models.CharField(_("blacklist case"), max_length=30, choices=BlacklistCase.choices, blank=True)
    blacklist_threshold = models.PositiveSmallIntegerField(
        _("records that propose a listing"), default=1, validators=[MinValueValidator(1)]
    )
    blacklist_window_months = models.PositiveSmallIntegerField(_("within (months)"), default=12)
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)

    # Public inside the platform: every signed-in principal reads the rules a grade is based on.
    objects = SignedInQuerySet.as_manager()

    class Meta:
        verbose_name = _("credit rule")
        verbose_name_plural = _("credit rules")
        ordering = ["rule_set", "criterion", "code"]
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "code"], name="credit_rule_code_unique_in_set"),
            models.CheckConstraint(
                condition=Q(behaviour="good", points__gte=0) | Q(behaviour="bad", points__lte=0),
                name="credit_rule_points_sign_matches_behaviour",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def clean(self) -> None:
        if self.points is not None:
            if self.behaviour == Behaviour.GOOD and self.points < 0:
                raise ValidationError({"points": _("Trustworthy behaviour cannot cost points.")})
            if self.behaviour == Behaviour.BAD and self.points > 0:
                raise ValidationError({"points": _("Untrustworthy behaviour cannot earn points.")})
        if not isinstance(self.fact_match, dict):
            raise ValidationError({"fact_match": _('Give an object such as {"grade": "larger"}.')})

    def get_fact_kind_display(self) -> str:
        try:
            return str(FactKind(self.fact_kind).label)
        except ValueError:
            return self.fact_kind

    def get_fact_match_display(self) -> list[str]:
        """The matched event details in words: ["较大事故"] for {"grade": "larger"}."""
        shown = []
        other = False
        for key, value in (self.fact_match or {}).items():
            label = FACT_MATCH_VALUES.get(key, {}).get(str(value))
            if label is None:
                other = True  # a detail without words for it: never shown to a clerk as key=value
            else:
                shown.append(str(label))
        if other:
            shown.append(str(_("another condition on the event details")))
        return shown

    def matches(self, payload: dict[str, Any]) -> bool:
        return all(str(payload.get(key)) == str(value) for key, value in (self.fact_match or {}).items())

    def window_start(self, as_of: dt.date) -> dt.date:
        """Records on or before this day no longer count on `as_of`."""
        return add_months(as_of, -self.validity_months)
