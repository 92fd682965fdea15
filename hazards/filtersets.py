"""Filters shared by the hazard list page and the API (state, grade, overdue, industry, enterprise, campaign …)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from enterprises.registry.fields import EnterpriseFilter
from safety_platform.filters import LocalDayFilter, SinceFilter, StrictBooleanFilter, style_filter_form
from safety_platform.jurisdiction_filter import jurisdiction_filter
from safety_platform.models import Jurisdiction
from safety_platform.scoping import within_path
from safety_platform.search_filter import search_filter

from .choices import OPEN_STATES, RECTIFICATION_STATES, HazardGrade, HazardSource, HazardState, RiskLevel, RiskMethod
from .models import Campaign, Hazard, RiskSource


def _scoped_jurisdictions(user: Any) -> QuerySet[Jurisdiction]:
    if user is not None and getattr(user, "scopes_by_jurisdiction", False):
        q = Q(pk__in=[])
        for path in user.jurisdiction_paths:
            q |= within_path("path", path)
        return Jurisdiction.objects.filter(q)
    return Jurisdiction.objects.all()


def _user(request: Any) -> Any:
    return getattr(request, "user", None)


def _visible_campaigns(request: Any) -> QuerySet[Campaign]:
    # A callable: django-filter calls it when it builds the form field. A queryset set on the filter after
    # __init__ came too late (_StyledFilterSet has built the form by then): every campaign was refused.
    return Campaign.objects.visible_to(_user(request))


class _StyledFilterSet(django_filters.FilterSet):
    base_filters: dict[str, Any]  # set on each class by django-filter's metaclass; narrowed per instance below

    def __init__(self, *args: Any, requested_only: bool = False, **kwargs: Any) -> None:
        if requested_only:
            # Only the filters the request names (the API, which shows no form): a filter left out filters
            # nothing, and building every one (form fields, the campaign and jurisdiction querysets) per
            # request cost more than the list's SQL. A widget's keys are its name, or its name + "_…".
            data = kwargs.get("data", args[0] if args else None) or {}
            self.base_filters = {
                name: f
                for name, f in type(self).base_filters.items()
                if any(key == name or key.startswith(f"{name}_") for key in data)
            }
        super().__init__(*args, **kwargs)
        user = _user(self.request)
        if "jurisdiction" in self.filters:
            self.filters["jurisdiction"].queryset = _scoped_jurisdictions(user)
        style_filter_form(self.form)  # after the jurisdictions are narrowed: this builds the form


class HazardFilterSet(_StyledFilterSet):
    q = search_filter("code__icontains", "title__icontains", "enterprise__name__icontains")
    # distinct=False: django-filter's default for a multiple choice is SELECT DISTINCT over every column,
    # needless on a column of the row itself (no join to duplicate it) and a disk sort at city scale.
    state = django_filters.MultipleChoiceFilter(choices=HazardState.choices, label=_("State"), distinct=False)
    open = StrictBooleanFilter(method="filter_open", label=pgettext_lazy("hazard", "Open"))
    grade = django_filters.ChoiceFilter(choices=HazardGrade.choices, label=_("Grade"))
    overdue = StrictBooleanFilter(method="filter_overdue", label=_("Overdue"))
    source = django_filters.ChoiceFilter(choices=HazardSource.choices, label=_("Found by"))
    industry = django_filters.CharFilter(method="filter_industry", label=_("Industry code (prefix)"))
    enterprise = EnterpriseFilter()
    campaign = django_filters.ModelChoiceFilter(queryset=_visible_campaigns, label=_("Campaign"))
    jurisdiction = jurisdiction_filter("enterprise__jurisdiction")
    listed = StrictBooleanFilter(field_name="is_listed", label=_("Listed supervision"))
    found_after = LocalDayFilter(field_name="found_at", label=_("Found from"))
    found_before = LocalDayFilter(field_name="found_at", until=True, label=_("Found until"))
    closed_after = LocalDayFilter(field_name="closed_at", label=_("Closed from"))
    closed_before = LocalDayFilter(field_name="closed_at", until=True, label=_("Closed until"))
    updated_since = SinceFilter(field_name="updated_at", lookup_expr="gte", label=_("Updated since"))

    class Meta:
        model = Hazard
        fields: list[str] = []

    def filter_queryset(self, queryset: QuerySet[Hazard]) -> QuerySet[Hazard]:
        """Voided worker reports are listed only when the state filter asks for them (state=voided)."""
        queryset = super().filter_queryset(queryset)
        if HazardState.VOIDED not in (self.form.cleaned_data.get("state") or ()):
            queryset = queryset.counted()  # type: ignore[attr-defined]
        return queryset

    def filter_open(self, queryset: QuerySet[Hazard], name: str, value: str) -> QuerySet[Hazard]:
        if value in (None, ""):
            return queryset
        is_open = Q(state__in=OPEN_STATES)
        return queryset.filter(is_open) if value == "true" else queryset.exclude(is_open)

    def filter_overdue(self, queryset: QuerySet[Hazard], name: str, value: str) -> QuerySet[Hazard]:
        if value in (None, ""):
            return queryset
        overdue = Q(state__in=RECTIFICATION_STATES, deadline__lt=timezone.localdate())
        return queryset.filter(overdue) if value == "true" else queryset.exclude(overdue)

    def filter_industry(self, queryset: QuerySet[Hazard], name: str, value: str) -> QuerySet[Hazard]:
        value = value.strip().upper()
        return queryset.filter(enterprise__industry__code__startswith=value) if value else queryset


class RiskSourceFilterSet(_StyledFilterSet):
    q = search_filter("name__icontains", "enterprise__name__icontains")
    level = django_filters.MultipleChoiceFilter(choices=RiskLevel.choices, label=_("Level"), distinct=False)
    method = django_filters.ChoiceFilter(choices=RiskMethod.choices, label=_("Method"))
    enterprise = EnterpriseFilter()
    jurisdiction = jurisdiction_filter("enterprise__jurisdiction")
    review_due = StrictBooleanFilter(method="filter_review_due", label=_("Review due"))

    class Meta:
        model = RiskSource
        fields: list[str] = []

    def filter_review_due(self, queryset: QuerySet[RiskSource], name: str, value: str) -> QuerySet[RiskSource]:
        if value in (None, ""):
            return queryset
        due = Q(review_date__lte=timezone.localdate())
        return queryset.filter(due) if value == "true" else queryset.exclude(due)
