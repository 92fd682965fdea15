"""Filters of standardization certificates and demonstration enterprises (web UI and API)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safety_platform.filters import BoolFilter
from safety_platform.jurisdiction_filter import jurisdiction_filter
from safety_platform.search_filter import search_filter

from ..common.filtersets import StyledFilterSet
from ..registry.fields import EnterpriseFilter
from .models import (
    CertificateStatus,
    Demonstration,
    DemonstrationStatus,
    StandardizationCertificate,
    StandardizationLevel,
    add_months,
    rereview_months,
)


class CertificateFilterSet(StyledFilterSet):
    q = search_filter("certificate_number__icontains", "enterprise__name__icontains")
    status = django_filters.ChoiceFilter(choices=CertificateStatus.choices, label=_("Status"))
    level = django_filters.ChoiceFilter(choices=StandardizationLevel.choices, label=_("Level"))
    enterprise = EnterpriseFilter()
    jurisdiction = jurisdiction_filter("enterprise__jurisdiction")
    due = BoolFilter(method="filter_due", label=_("Due for re-review"))
    updated_since = django_filters.IsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", label=_("Updated since")
    )

    class Meta:
        model = StandardizationCertificate
        fields: list[str] = []

    def filter_due(self, queryset: QuerySet[Any], name: str, value: bool | None) -> QuerySet[Any]:
        if value is None:
            return queryset
        today = timezone.localdate()
        due = {
            "status": CertificateStatus.VALID,
            "expires_on__gte": today,
            "expires_on__lte": add_months(today, rereview_months(today)),
            "rereview_applied_on__isnull": True,
        }
        return queryset.filter(**due) if value else queryset.exclude(**due)


class DemonstrationFilterSet(StyledFilterSet):
    status = django_filters.ChoiceFilter(choices=DemonstrationStatus.choices, label=_("Status"))
    batch = django_filters.CharFilter(label=_("Batch"))
    enterprise = EnterpriseFilter()

    class Meta:
        model = Demonstration
        fields: list[str] = []
