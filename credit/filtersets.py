"""Filters shared by the credit pages, their exports and the departments' API feeds."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from enterprises.registry.validators import normalize_credit_code, validate_credit_code
from safety_platform.filters import BoolFilter, SinceFilter, StyledFilterSet
from safety_platform.jurisdiction_filter import jurisdiction_filter
from safety_platform.models import Jurisdiction

from .choices import BlacklistStatus, Criterion, Grade, RatingStatus, RecordStatus
from .models import BlacklistEntry, CreditRating, CreditRecord, RuleSet


class CreditCodeField(forms.CharField):
    """An 18-character unified social credit code with its check character validated (GB 32100)."""

    default_validators = [validate_credit_code]

    def to_python(self, value: Any) -> str:
        return normalize_credit_code(super().to_python(value) or "")


# The feeds' help text (docs/api.md), the same for every feed that filters by enterprise.
CREDIT_CODE_HELP = "Unified social credit code (18 characters, check character validated)."


class CreditCodeFilter(django_filters.CharFilter):
    field_class = CreditCodeField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("field_name", "enterprise__credit_code")
        kwargs.setdefault("label", _("Unified social credit code"))
        super().__init__(*args, **kwargs)


# The list pages' filter methods (django-filter calls them with the queryset, the filter's name and the value).


def _search(queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
    """`q`: the enterprise's name, or its credit code, contains what was typed."""
    value = (value or "").strip()
    if not value:
        return queryset
    return queryset.filter(Q(enterprise__name__icontains=value) | Q(enterprise__credit_code__icontains=value.upper()))


# API feeds (the contract of docs/api.md) ------------------------------------------------------


class BlacklistFeedFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=[(BlacklistStatus.ACTIVE, pgettext_lazy("credit", "Listed")), (BlacklistStatus.REMOVED, _("Removed"))],
        label=pgettext_lazy("credit", "Status"),
        help_text="active = on the list now; removed = taken off (end of period or approved credit repair).",
    )
    credit_code = CreditCodeFilter(help_text=CREDIT_CODE_HELP)
    updated_since = SinceFilter(
        help_text="ISO 8601 date-time: entries created or changed (including removals) at or after it."
    )

    class Meta:
        model = BlacklistEntry
        fields: list[str] = []


class RatingFeedFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=RatingStatus.choices,
        label=pgettext_lazy("credit", "Status"),
        help_text="active = current grade; withdrawn = the enterprise closed and is no longer graded.",
    )
    credit_code = CreditCodeFilter(help_text=CREDIT_CODE_HELP)
    updated_since = SinceFilter(help_text="ISO 8601 date-time: grades whose result changed at or after it.")
    grade = django_filters.ChoiceFilter(choices=Grade.choices, label=_("Grade"))

    class Meta:
        model = CreditRating
        fields: list[str] = []


# Web pages ------------------------------------------------------------------------------------


class RatingListFilterSet(StyledFilterSet):
    q = django_filters.CharFilter(method=_search, label=_("Search"))
    grade = django_filters.ChoiceFilter(choices=Grade.choices, label=_("Grade"))
    blacklisted = BoolFilter(label=_("Blacklisted"))
    jurisdiction = jurisdiction_filter("enterprise__jurisdiction")

    class Meta:
        model = CreditRating
        fields: list[str] = []


class BlacklistListFilterSet(StyledFilterSet):
    q = django_filters.CharFilter(method=_search, label=_("Search"))
    status = django_filters.ChoiceFilter(choices=BlacklistStatus.choices, label=pgettext_lazy("credit", "Status"))

    class Meta:
        model = BlacklistEntry
        fields: list[str] = []


class RecordListFilterSet(StyledFilterSet):
    q = django_filters.CharFilter(method=_search, label=_("Search"))
    criterion = django_filters.ChoiceFilter(
        choices=Criterion.choices, field_name="rule__criterion", label=_("Criterion")
    )
    behaviour = django_filters.ChoiceFilter(
        choices=CreditRecord._meta.get_field("behaviour").choices, label=_("Behaviour")
    )
    status = django_filters.ChoiceFilter(choices=RecordStatus.choices, label=pgettext_lazy("credit", "Status"))

    class Meta:
        model = CreditRecord
        fields: list[str] = []


def _proposal_rule_choices() -> list[tuple[str, str]]:
    """The untrustworthy rules events map to, from the version in force (a short list: about a dozen)."""
    rule_set = RuleSet.objects.in_force(timezone.localdate())
    if rule_set is None:
        return []
    rules = rule_set.rules.filter(behaviour="bad").exclude(fact_kind="").order_by("criterion", "code")
    return [(rule.code, rule.title) for rule in rules]


PROPOSAL_AGE_CHOICES = [
    ("3", _("Waiting more than 3 days")),
    ("7", _("Waiting more than 7 days")),
    ("overdue", _("Past the deadline (escalated)")),
]


class ProposalListFilterSet(StyledFilterSet):
    """The deciders' list of proposed credit records: county, rule and age."""

    q = django_filters.CharFilter(method=_search, label=_("Search"))
    county = jurisdiction_filter(
        "enterprise__jurisdiction",
        _("County / district"),
        choices=Jurisdiction.objects.filter(level="county").order_by("code"),
    )
    rule = django_filters.ChoiceFilter(choices=_proposal_rule_choices, field_name="rule_code", label=_("Rule"))
    age = django_filters.ChoiceFilter(choices=PROPOSAL_AGE_CHOICES, method="filter_age", label=_("Waiting time"))

    class Meta:
        model = CreditRecord
        fields: list[str] = []

    def filter_age(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        now = timezone.now()
        if value == "overdue":
            return queryset.filter(due_at__lt=now)
        if value in ("3", "7"):
            return queryset.filter(created_at__lt=now - dt.timedelta(days=int(value)))
        return queryset
