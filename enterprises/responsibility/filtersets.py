"""Filters of responsibility lists and joint inspections (web UI and API)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from safety_platform.filters import BoolFilter
from safety_platform.models import Department
from safety_platform.search_filter import search_filter

from ..common.filtersets import StyledFilterSet
from ..registry.fields import EnterpriseFilter
from .models import DutyKind, JointInspection, JointInspectionStatus, ResponsibilityItem


class ResponsibilityItemFilterSet(StyledFilterSet):
    department = django_filters.ModelChoiceFilter(queryset=Department.objects.all(), label=_("Department"))
    kind = django_filters.ChoiceFilter(choices=DutyKind.choices, label=_("Kind of duty"))
    current = BoolFilter(field_name="retired_on", lookup_expr="isnull", label=_("Current"))
    industry = django_filters.CharFilter(
        field_name="industry__code", lookup_expr="startswith", label=_("Industry code")
    )

    class Meta:
        model = ResponsibilityItem
        fields: list[str] = []


class JointInspectionFilterSet(StyledFilterSet):
    q = search_filter("title__icontains", "enterprise__name__icontains")
    status = django_filters.ChoiceFilter(choices=JointInspectionStatus.choices, label=_("Status"))
    enterprise = EnterpriseFilter()
    department = django_filters.ModelChoiceFilter(
        queryset=Department.objects.all(), field_name="departments", label=_("Department")
    )
    planned_after = django_filters.DateFilter(field_name="planned_on", lookup_expr="gte", label=_("From"))
    planned_before = django_filters.DateFilter(field_name="planned_on", lookup_expr="lte", label=_("To"))

    class Meta:
        model = JointInspection
        fields: list[str] = []
