"""Assessment API (/api/v1/assessment/): read-only. Every queryset goes through the app's scoped selectors.

Committee staff and administrators see every result; inspectors (county staff) their counties' results,
preliminary or published; department staff published results only; enterprises and API keys nothing.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets

from safety_platform.api.views import ScopedViewSetMixin

from .. import selectors
from ..filtersets import PeriodFilterSet, ResultFilterSet, RunFilterSet, SchemeFilterSet
from . import serializers as s

TAGS = ["assessment"]


class _ReadOnly(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    selector: Any = None

    def get_queryset(self) -> QuerySet[Any]:
        return type(self).selector(self.request.user)


@extend_schema_view(list=extend_schema(tags=TAGS), retrieve=extend_schema(tags=TAGS))
class SchemeViewSet(_ReadOnly):
    """Assessment scheme versions with their indicators, veto rules and grade thresholds."""

    selector = staticmethod(selectors.schemes_visible_to)
    serializer_class = s.SchemeSerializer
    filterset_class = SchemeFilterSet
    ordering_fields = ["valid_from", "version"]


@extend_schema_view(list=extend_schema(tags=TAGS), retrieve=extend_schema(tags=TAGS))
class PeriodViewSet(_ReadOnly):
    """Assessment periods: months (preliminary), quarters, years."""

    selector = staticmethod(selectors.periods_visible_to)
    serializer_class = s.PeriodSerializer
    filterset_class = PeriodFilterSet
    ordering_fields = ["start"]


@extend_schema_view(list=extend_schema(tags=TAGS), retrieve=extend_schema(tags=TAGS))
class RunViewSet(_ReadOnly):
    """Assessment runs with their status, progress and, for a failed run, why."""

    selector = staticmethod(selectors.runs_visible_to)
    serializer_class = s.RunSerializer
    filterset_class = RunFilterSet
    ordering_fields = ["created_at"]


@extend_schema_view(list=extend_schema(tags=TAGS), retrieve=extend_schema(tags=TAGS))
class ResultViewSet(_ReadOnly):
    """Results per county with score, grade, rank, veto, change, and the breakdown per indicator."""

    selector = staticmethod(selectors.results_visible_to)
    serializer_class = s.ResultSerializer
    filterset_class = ResultFilterSet
    ordering_fields = ["rank", "score", "computed_at"]
