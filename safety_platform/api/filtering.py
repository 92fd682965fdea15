"""A django-filter backend that builds only the filters a request names (for filtersets that support it)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django_filters import utils
from django_filters.rest_framework import DjangoFilterBackend


class RequestedFiltersBackend(DjangoFilterBackend):
    """`DjangoFilterBackend` whose filterset is built with `requested_only=True`: a list filtered by one
    parameter validates and applies that one, not every filter of the set (fields, choices and the
    querysets behind them, per request). Same results: a filter not named filters nothing. The browsable
    API's filter form (`to_html`) still shows them all."""

    def filter_queryset(self, request: Any, queryset: QuerySet[Any], view: Any) -> QuerySet[Any]:
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None:
            return queryset
        filterset = filterset_class(**self.get_filterset_kwargs(request, queryset, view), requested_only=True)
        if not filterset.is_valid() and self.raise_exception:
            raise utils.translate_validation(filterset.errors)
        return filterset.qs


def day_param(request: Any, name: str = "on") -> Any:
    """The day of the query parameter `name` (`?on=YYYY-MM-DD`, "as of" a report's date; today when absent), or a
    400 naming the parameter (safety_platform.dates.day_asked; a page refuses in its own way)."""
    from django.utils.translation import gettext as _
    from rest_framework import serializers

    from ..dates import day_asked

    try:
        return day_asked(request.query_params, name)
    except ValueError:
        raise serializers.ValidationError({name: [_("Use a date as YYYY-MM-DD.")]}) from None
