"""Filters shared by the enterprise list page, its export and the API."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safety_platform.filters import StrictBooleanFilter, StyledFilterSet
from safety_platform.forms import model_choice_field
from safety_platform.jurisdiction_filter import jurisdiction_filter
from safety_platform.models import Department

from .choices import EnterpriseScale, EnterpriseStatus, RiskCategory
from .compliance import enterprise_condition_q, period_bounds
from .models import Enterprise
from .selectors import jurisdictions_for


class PeriodKeyField(forms.CharField):
    """A period as the dashboards write it: a quarter `2026Q3`, a month `2026-07` or a year `2026`;
    `quarters_only` accepts quarters alone. Cleans to (key, first day, last day)."""

    def __init__(self, *args: Any, quarters_only: bool = False, **kwargs: Any) -> None:
        self.quarters_only = quarters_only
        super().__init__(*args, **kwargs)

    def clean(self, value: Any) -> tuple[str, Any, Any] | None:
        text = (super().clean(value) or "").strip().upper()
        if not text:
            return None
        bounds = period_bounds(text)
        if bounds is None or (self.quarters_only and "Q" not in text):
            message = (
                _("Write a quarter such as 2026Q3.")
                if self.quarters_only
                else _("Write a quarter (2026Q3), a month (2026-07) or a year (2026).")
            )
            raise forms.ValidationError(message, code="invalid")
        return text, *bounds


class PeriodKeyFilter(django_filters.Filter):
    """A period filter whose box shows the format (2026Q3) until something is typed."""

    field_class = PeriodKeyField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.TextInput(attrs={"placeholder": "2026Q3"}))
        super().__init__(*args, **kwargs)


class EnterpriseFilterSet(StyledFilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    jurisdiction = jurisdiction_filter()
    industry = django_filters.CharFilter(method="filter_industry", label=_("Industry code (prefix)"))
    risk_category = django_filters.ChoiceFilter(choices=RiskCategory.choices, label=_("High-risk category"))
    status = django_filters.ChoiceFilter(choices=EnterpriseStatus.choices, label=pgettext_lazy("enterprise", "Status"))
    scale = django_filters.ChoiceFilter(choices=EnterpriseScale.choices, label=_("Scale"))
    is_key = StrictBooleanFilter(label=_("Key enterprise"))
    supervising_department = django_filters.ModelChoiceFilter(
        queryset=Department.objects.all(), label=_("Supervising department")
    )
    credit_code = django_filters.CharFilter(method="filter_credit_code", label=_("Credit code"))
    updated_since = django_filters.IsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", label=_("Updated since")
    )
    # The dashboards' compliance figures open the list through these (one NOT EXISTS subquery each).
    stat_report_missing = PeriodKeyFilter(
        method="filter_condition",
        quarters_only=True,
        label=_("Quarterly hazard statistics not filed on time (quarter)"),
    )
    self_check_missing = PeriodKeyFilter(method="filter_condition", label=_("No self-check in (period)"))
    warning_unacknowledged = PeriodKeyFilter(
        method="filter_condition", label=_("Warning not acknowledged (issued in period)")
    )

    class Meta:
        model = Enterprise
        fields: list[str] = []

    def filter_q(self, queryset: QuerySet[Enterprise], name: str, value: str) -> QuerySet[Enterprise]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value)
            | Q(credit_code__icontains=value.upper())
            | Q(legal_representative__icontains=value)
        )

    def filter_industry(self, queryset: QuerySet[Enterprise], name: str, value: str) -> QuerySet[Enterprise]:
        return queryset.filter(industry__code__startswith=value.strip().upper()) if value.strip() else queryset

    def filter_credit_code(self, queryset: QuerySet[Enterprise], name: str, value: str) -> QuerySet[Enterprise]:
        return queryset.filter(credit_code=value.strip().upper())

    def filter_condition(self, queryset: QuerySet[Enterprise], name: str, value: Any) -> QuerySet[Enterprise]:
        """The domain app's condition of this name (`compliance.register_enterprise_condition`) for the period."""
        return queryset.filter(enterprise_condition_q(name, value[1], value[2])) if value else queryset

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if user is not None and getattr(user, "scopes_by_jurisdiction", False):
            # The inspector's own subtrees, on the form's field: the core's __init__ has built the form by now.
            model_choice_field(self.form, "jurisdiction").queryset = jurisdictions_for(user)
