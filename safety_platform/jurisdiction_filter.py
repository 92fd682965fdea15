"""The list filter "jurisdiction (and below)", one for every app: the rows of the chosen jurisdiction and of every
jurisdiction under it in the tree (by the materialized `path`), for the web lists and the API alike.

In its own module because `safety_platform/filters.py` holds the filter classes; this one builds a filter from
the core's `Jurisdiction` tree.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from .models import Jurisdiction
from .scoping import within_path


def jurisdiction_filter(
    field: str = "jurisdiction", label: Any = None, *, choices: QuerySet[Jurisdiction] | None = None
) -> django_filters.ModelChoiceFilter:
    """A choice of jurisdiction (among `choices`, by default all) that keeps the rows whose `field` (a
    jurisdiction: `jurisdiction`, `enterprise__jurisdiction`, …) is that one or lies below it; no choice keeps
    every row."""

    def method(queryset: QuerySet[Any], name: str, value: Jurisdiction | None) -> QuerySet[Any]:
        return queryset.filter(within_path(f"{field}__path", value.path)) if value else queryset

    return django_filters.ModelChoiceFilter(
        queryset=Jurisdiction.objects.all() if choices is None else choices,
        method=method,
        label=label or _("Jurisdiction (and below)"),
    )
