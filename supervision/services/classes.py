"""Which inspection class an enterprise is in (§3d): the facts the rules match, read in SQL for many at once."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import BooleanField, Case, Exists, F, IntegerField, OuterRef, QuerySet, Subquery, Value, When

from credit.choices import BlacklistStatus, RatingStatus
from credit.models import BlacklistEntry
from enterprises.models import Enterprise, StandardizationCertificate
from enterprises.registry.choices import HIGH_RISK_TRAINING_CATEGORIES
from hazards.choices import RISK_LEVEL_ORDER
from hazards.models import RiskSource

from ..models import IndustryGroup, InspectionClassRule, InspectionRuleSet, RiskColourMatch


@dataclass(frozen=True)
class EnterpriseClass:
    """The class an enterprise falls in under a rule set version (rule None: no rule matched → no limits)."""

    class_name: str
    min_per_year: int
    max_per_year: int | None
    rule: InspectionClassRule | None
    rule_set: InspectionRuleSet | None


def with_class_facts(queryset: QuerySet[Enterprise], on: dt.date) -> QuerySet[Enterprise]:
    """Annotate `std_level` (best valid standardization level, null = none), `top_colour` (the highest risk
    colour, null = none), `grade` (of an active rating, null = not rated) and `is_blacklisted` (an active listing)."""
    colour_rank = Case(
        *(When(level=level, then=Value(rank)) for rank, level in enumerate(RISK_LEVEL_ORDER)),
        output_field=IntegerField(),
    )
    certificates = StandardizationCertificate.objects.in_force(on).filter(enterprise=OuterRef("pk")).order_by("level")
    colours = RiskSource.objects.filter(enterprise=OuterRef("pk")).annotate(rank=colour_rank).order_by("rank")
    return queryset.annotate(
        std_level=Subquery(certificates.values("level")[:1], output_field=IntegerField()),
        top_colour=Subquery(colours.values("level")[:1]),
        grade=Case(
            When(credit_rating__status=RatingStatus.ACTIVE, then=F("credit_rating__grade")),
            default=Value(None),
            output_field=IntegerField(),
        ),
        is_blacklisted=Exists(
            BlacklistEntry.objects.filter(enterprise=OuterRef("pk"), status=BlacklistStatus.ACTIVE),
            output_field=BooleanField(),
        ),
    )


def facts_of(enterprise: Any) -> dict[str, Any]:
    """The matching facts of an enterprise annotated by `with_class_facts`."""
    return {
        "industry_group": IndustryGroup.HIGH_RISK
        if enterprise.risk_category in HIGH_RISK_TRAINING_CATEGORIES
        else IndustryGroup.OTHER,
        "standardization_level": enterprise.std_level or 0,
        "risk_colour": enterprise.top_colour or RiskColourMatch.NONE,
        "credit_grade": enterprise.grade or 0,
        "blacklisted": bool(enterprise.is_blacklisted),
    }


# The columns `with_class_facts` adds, read as plain tuples (no model instance per enterprise) by plan generation.
FACT_COLUMNS = ("risk_category", "std_level", "top_colour", "grade", "is_blacklisted")


def facts_of_row(risk_category: str | None, std_level: Any, top_colour: Any, grade: Any, blacklisted: Any) -> tuple:
    """The matching facts of one row of `FACT_COLUMNS`, as a hashable tuple in `facts_of`'s order."""
    return (
        IndustryGroup.HIGH_RISK if risk_category in HIGH_RISK_TRAINING_CATEGORIES else IndustryGroup.OTHER,
        std_level or 0,
        top_colour or RiskColourMatch.NONE,
        grade or 0,
        bool(blacklisted),
    )


class Classifier:
    """Classify many enterprises under one rule set: the facts are few combinations (2 industry groups × 4
    standardization levels × 5 colours × 4 grades × listed or not), so each distinct combination is matched
    against the rules once and every further enterprise with the same facts is a dictionary lookup."""

    KEYS = ("industry_group", "standardization_level", "risk_colour", "credit_grade", "blacklisted")

    def __init__(self, rules: list[InspectionClassRule], rule_set: InspectionRuleSet | None) -> None:
        self.rules = rules
        self.rule_set = rule_set
        self._seen: dict[tuple, EnterpriseClass] = {}

    def __call__(self, facts: tuple) -> EnterpriseClass:
        found = self._seen.get(facts)
        if found is None:
            found = self._seen[facts] = classify(dict(zip(self.KEYS, facts, strict=True)), self.rules, self.rule_set)
        return found


def classify(
    facts: dict[str, Any], rules: list[InspectionClassRule], rule_set: InspectionRuleSet | None
) -> EnterpriseClass:
    """The first rule (in order) that matches wins."""
    for rule in rules:
        if rule.matches(facts):
            return EnterpriseClass(rule.class_name, rule.min_per_year, rule.max_per_year, rule, rule_set)
    return EnterpriseClass("", 0, None, None, rule_set)


def ordered_rules(rule_set: InspectionRuleSet | None) -> list[InspectionClassRule]:
    return list(rule_set.rules.order_by("position", "id")) if rule_set else []


def enterprise_class(enterprise: Enterprise, on_date: dt.date) -> EnterpriseClass:
    """The class, yearly minimum and maximum and rule version of one enterprise on `on_date` (three queries)."""
    rule_set = InspectionRuleSet.objects.in_force(on_date)
    annotated = with_class_facts(Enterprise.objects.filter(pk=enterprise.pk), on_date).get()
    return classify(facts_of(annotated), ordered_rules(rule_set), rule_set)
