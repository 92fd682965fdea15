"""Filters of employees, training records and special-operation certificates (web UI and API)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safety_platform.filters import BoolFilter, IdFilter
from safety_platform.search_filter import search_filter

from ..common.filtersets import StyledFilterSet
from ..registry.fields import EnterpriseFilter
from .models import (
    Employee,
    EmployeeStatus,
    PersonRole,
    SpecialOperation,
    SpecialOperationCertificate,
    TrainingCategory,
    TrainingRecord,
)
from .selectors import certificates_due_by


class EmployeeFilterSet(StyledFilterSet):
    q = search_filter("name__icontains", "employee_number__icontains", "post__icontains")
    enterprise = EnterpriseFilter()
    status = django_filters.ChoiceFilter(choices=EmployeeStatus.choices, label=_("Status"))
    role = django_filters.ChoiceFilter(choices=PersonRole.choices, label=_("Role"))
    post_is_high_risk = BoolFilter(label=_("Dangerous post"))
    special_operation = django_filters.ChoiceFilter(choices=SpecialOperation.choices, label=_("Special operation"))

    class Meta:
        model = Employee
        fields: list[str] = []


class TrainingRecordFilterSet(StyledFilterSet):
    enterprise = EnterpriseFilter(field_name="employee__enterprise")
    employee = IdFilter(field_name="employee_id", label=_("Employee"))
    category = django_filters.ChoiceFilter(choices=TrainingCategory.choices, label=_("Training"))
    completed_after = django_filters.DateFilter(field_name="completed_on", lookup_expr="gte", label=_("From"))
    completed_before = django_filters.DateFilter(field_name="completed_on", lookup_expr="lte", label=_("To"))

    class Meta:
        model = TrainingRecord
        fields: list[str] = []


class SpecialCertificateFilterSet(StyledFilterSet):
    enterprise = EnterpriseFilter(field_name="employee__enterprise")
    operation = django_filters.ChoiceFilter(choices=SpecialOperation.choices, label=_("Special operation"))
    expiring = BoolFilter(method="filter_expiring", label=_("Expired or expiring soon"))

    class Meta:
        model = SpecialOperationCertificate
        fields: list[str] = []

    def filter_expiring(self, queryset: QuerySet[Any], name: str, value: bool | None) -> QuerySet[Any]:
        if value is None:
            return queryset
        soon = certificates_due_by(timezone.localdate())
        return queryset.filter(expires_on__lte=soon) if value else queryset.filter(expires_on__gt=soon)
