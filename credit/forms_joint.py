"""Forms and filters of joint rewards and punishments (联合奖惩): a measure, the measures list, the notices list."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safety_platform.filters import StyledFilterSet
from safety_platform.forms import DateInput, StyledFormMixin
from safety_platform.models import Department

from .choices import JointMeasureBasis, JointMeasureCategory, JointMeasureKind, JointMeasureStatus
from .filtersets import CreditCodeField
from .models import JointMeasure, JointNotice
from .services.joint import month_of

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(value: str) -> dt.date | None:
    """`2026-07` → 1 July 2026; None when it is not a month."""
    match = _MONTH.match((value or "").strip())
    if not match or not 1 <= int(match[2]) <= 12 or int(match[1]) < 2000:
        return None
    return dt.date(int(match[1]), int(match[2]), 1)


class MonthField(forms.CharField):
    widget = forms.TextInput(attrs={"type": "month", "placeholder": "2026-07"})

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        if not value:
            return None
        day = parse_month(value)
        if day is None:
            raise forms.ValidationError(_("Write a month as 2026-07."), code="invalid")
        return day


class MonthFilter(django_filters.CharFilter):
    """A month (`2026-07`, the browser's month picker) read as its first day; a wrong one is refused on the form."""

    field_class = MonthField


class JointMeasureForm(StyledFormMixin, forms.Form):
    """A measure a department applied; the enterprise comes from the page or from `credit_code`."""

    credit_code = CreditCodeField(label=_("Unified social credit code"), max_length=30)
    kind = forms.ChoiceField(
        label=pgettext_lazy("joint measure", "Measure"), choices=[("", "—"), *JointMeasureKind.choices]
    )
    basis = forms.ChoiceField(
        label=_("Responds to"),
        choices=[("", _("Worked out from the enterprise's listing")), *JointMeasureBasis.choices],
        required=False,
    )
    applied_on = forms.DateField(label=_("Applied on"), widget=DateInput())
    until = forms.DateField(label=_("Until"), widget=DateInput(), required=False)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("e.g. the tender or the loan concerned, the document number"),
    )

    def __init__(self, *args: Any, with_credit_code: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not with_credit_code:
            del self.fields["credit_code"]
        else:
            self.fields["credit_code"].widget.attrs.setdefault("autocomplete", "off")


class RevokeMeasureForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the revocation"), max_length=500)


class IssueNoticesForm(StyledFormMixin, forms.Form):
    widget_style = {"small": True}

    period = MonthField(label=_("Month"))


class JointMeasureFilterSet(StyledFilterSet):
    department = django_filters.ModelChoiceFilter(
        label=_("Department"), queryset=Department.objects.filter(is_active=True).order_by("name")
    )
    category = django_filters.ChoiceFilter(label=_("Category"), choices=JointMeasureCategory.choices)
    kind = django_filters.ChoiceFilter(
        label=pgettext_lazy("joint measure", "Measure"), choices=JointMeasureKind.choices
    )
    status = django_filters.ChoiceFilter(label=pgettext_lazy("credit", "Status"), choices=JointMeasureStatus.choices)
    period = MonthFilter(label=_("Month applied"), method="filter_period")

    class Meta:
        model = JointMeasure
        fields = ["department", "category", "kind", "status"]

    def filter_period(self, queryset: QuerySet[JointMeasure], name: str, value: Any) -> QuerySet[JointMeasure]:
        if not value:
            return queryset
        start, end = month_of(value)
        return queryset.filter(applied_on__range=(start, end))


class JointNoticeFilterSet(StyledFilterSet):
    acknowledged = django_filters.ChoiceFilter(
        label=_("Receipt"),
        choices=[("no", _("Not acknowledged")), ("yes", _("Acknowledged"))],
        method="filter_acknowledged",
    )
    period = MonthFilter(label=_("Month"), method="filter_period")

    class Meta:
        model = JointNotice
        fields: list[str] = []

    def filter_acknowledged(self, queryset: QuerySet[JointNotice], name: str, value: str) -> QuerySet[JointNotice]:
        if value == "no":
            return queryset.filter(acknowledged_at__isnull=True)
        if value == "yes":
            return queryset.filter(acknowledged_at__isnull=False)
        return queryset

    def filter_period(self, queryset: QuerySet[JointNotice], name: str, value: Any) -> QuerySet[JointNotice]:
        return queryset.filter(period_start=value) if value else queryset
