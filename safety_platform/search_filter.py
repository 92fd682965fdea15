"""A list's search box, one for every app: the rows where any of a few lookups matches the words typed.

In its own module next to `jurisdiction_filter.py`: `safety_platform/filters.py` holds the filter classes.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _


def search_filter(*lookups: str) -> django_filters.CharFilter:
    """The search box: the rows with the text (spaces around it dropped) in any of `lookups` (`name__icontains`,
    `mobile__contains`, …); an empty box keeps every row."""

    def method(queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        value = value.strip()
        if not value:
            return queryset
        condition = Q()
        for lookup in lookups:
            condition |= Q(**{lookup: value})
        return queryset.filter(condition)

    return django_filters.CharFilter(method=method, label=_("Search"))
