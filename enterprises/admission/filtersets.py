"""Filters of source control (web UI and API)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from safety_platform.filters import BoolFilter
from safety_platform.jurisdiction_filter import jurisdiction_filter
from safety_platform.search_filter import search_filter

from ..common.filtersets import StyledFilterSet
from ..registry.fields import EnterpriseFilter
from .models import (
    CatalogEntry,
    CatalogKind,
    CatalogStatus,
    DeclaredEquipment,
    DensePlace,
    ExitKind,
    ExitProposal,
    ExitStatus,
    HighRiskProject,
    PlaceKind,
    ProjectCategory,
    ProjectStatus,
)


class HighRiskProjectFilterSet(StyledFilterSet):
    q = search_filter("name__icontains", "address__icontains")
    category = django_filters.ChoiceFilter(choices=ProjectCategory.choices, label=_("Project category"))
    status = django_filters.ChoiceFilter(choices=ProjectStatus.choices, label=_("Status"))
    jurisdiction = jurisdiction_filter()

    class Meta:
        model = HighRiskProject
        fields: list[str] = []


class DensePlaceFilterSet(StyledFilterSet):
    q = search_filter("name__icontains", "address__icontains")
    kind = django_filters.ChoiceFilter(choices=PlaceKind.choices, label=_("Kind"))
    jurisdiction = jurisdiction_filter()
    is_active = BoolFilter(label=_("Active"))

    class Meta:
        model = DensePlace
        fields: list[str] = []


class CatalogEntryFilterSet(StyledFilterSet):
    q = search_filter(
        "name__icontains", "model_numbers__icontains", "source_document__icontains", "replacement__icontains"
    )
    kind = django_filters.ChoiceFilter(choices=CatalogKind.choices, label=_("Kind"))
    status = django_filters.ChoiceFilter(choices=CatalogStatus.choices, label=_("Banned or restricted"))
    batch = django_filters.CharFilter(label=_("Batch"))
    is_active = BoolFilter(label=_("Active"))

    class Meta:
        model = CatalogEntry
        fields: list[str] = []


class DeclaredEquipmentFilterSet(StyledFilterSet):
    q = search_filter("name__icontains", "model_number__icontains", "manufacturer__icontains")
    enterprise = EnterpriseFilter()
    kind = django_filters.ChoiceFilter(choices=CatalogKind.choices, label=_("Kind"))
    matched = BoolFilter(method="filter_matched", label=_("Matches the catalog"))
    in_use = BoolFilter(label=_("In use"))

    class Meta:
        model = DeclaredEquipment
        fields: list[str] = []

    def filter_matched(self, queryset: QuerySet[Any], name: str, value: bool | None) -> QuerySet[Any]:
        if value is None:
            return queryset
        return queryset.filter(matches__isnull=not value).distinct()


class ExitProposalFilterSet(StyledFilterSet):
    status = django_filters.ChoiceFilter(choices=ExitStatus.choices, label=_("Status"))
    kind = django_filters.ChoiceFilter(choices=ExitKind.choices, label=_("Proposal"))
    enterprise = EnterpriseFilter()

    class Meta:
        model = ExitProposal
        fields: list[str] = []
