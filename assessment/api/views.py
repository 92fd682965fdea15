"""Assessment API (/api/v1/assessment/): read-only. Every queryset goes through the app's scoped selectors.

Committee staff and administrators see every result; inspectors (county staff) their counties' results,
preliminary or published, and the published duty checks of departments; department staff their own
department's duty-check results, preliminary or published, and every other published result; enterprises
and API keys nothing.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, status, viewsets
from rest_framework.decorators import api_view, parser_classes
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from safety_platform.api.views import ScopedViewSetMixin
from safety_platform.permissions import can

from .. import selectors, services
from ..filtersets import PeriodFilterSet, ResultFilterSet, RunFilterSet, SchemeFilterSet
from ..models import AssessmentResult, Objection
from . import serializers as s

TAGS = ["assessment"]


@extend_schema_view(list=extend_schema(tags=TAGS), retrieve=extend_schema(tags=TAGS))
class _ReadOnly(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    selector: Any = None

    def get_queryset(self) -> QuerySet[Any]:
        return type(self).selector(self.request.user)


class SchemeViewSet(_ReadOnly):
    """Assessment scheme versions with their indicators, veto rules and grade thresholds."""

    selector = staticmethod(selectors.schemes_visible_to)
    serializer_class = s.SchemeSerializer
    filterset_class = SchemeFilterSet
    ordering_fields = ["valid_from", "version"]


class PeriodViewSet(_ReadOnly):
    """Assessment periods: months (preliminary), quarters, years."""

    selector = staticmethod(selectors.periods_visible_to)
    serializer_class = s.PeriodSerializer
    filterset_class = PeriodFilterSet
    ordering_fields = ["start"]


class RunViewSet(_ReadOnly):
    """Assessment runs with their status, progress and, for a failed run, why."""

    selector = staticmethod(selectors.runs_visible_to)
    serializer_class = s.RunSerializer
    filterset_class = RunFilterSet
    ordering_fields = ["created_at"]


class ResultViewSet(_ReadOnly):
    """Results per county (or, in the departments' duty check, per department) with score, grade, rank, veto,
    change, and the breakdown per indicator. `?assessed=department` lists the duty checks."""

    selector = staticmethod(selectors.results_visible_to)
    serializer_class = s.ResultSerializer
    filterset_class = ResultFilterSet
    ordering_fields = ["rank", "score", "computed_at"]


# Review and publication (writes) ------------------------------------------------------------------


def _committee_only(request: Request) -> None:
    if not can(request.user, "assessment.administer"):
        raise exceptions.PermissionDenied()


@extend_schema(tags=TAGS, request=s.ObjectionFileSerializer, responses={201: s.ObjectionSerializer})
@api_view(["POST"])
@parser_classes([MultiPartParser, FormParser, JSONParser])
def result_objection(request: Request, pk: int) -> Response:
    """A county's inspectors (or a department's staff, for its duty check) object to its preliminary result
    (text and an optional evidence file) within the window; 409 with code `window_closed` or `published` when it
    is too late."""
    result = get_object_or_404(AssessmentResult.objects.visible_to(request.user).select_related("run"), pk=pk)
    if not can(request.user, "assessment.object_to_result", result):
        raise exceptions.PermissionDenied()
    data = s.ObjectionFileSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    objection = services.objection_file(
        result=result, user=request.user, text=data.validated_data["text"], evidence=data.validated_data.get("evidence")
    )
    return Response(s.ObjectionSerializer(objection).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=TAGS, request=s.ObjectionAnswerSerializer, responses={200: s.ObjectionSerializer})
@api_view(["POST"])
def objection_answer(request: Request, pk: int) -> Response:
    """Committee staff answer an objection: accept (the county is assessed again) or reject with a reason."""
    objection = get_object_or_404(
        Objection.objects.filter(result__in=AssessmentResult.objects.visible_to(request.user)), pk=pk
    )
    _committee_only(request)
    data = s.ObjectionAnswerSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    answered = services.objection_answer(
        objection=objection,
        user=request.user,
        accept=data.validated_data["accept"],
        answer=data.validated_data["answer"],
    )
    return Response(s.ObjectionSerializer(answered).data)


@extend_schema(tags=TAGS, request=None, responses={200: s.RunSerializer})
@api_view(["POST"])
def run_publish(request: Request, pk: int) -> Response:
    """Publish a finished run: its results are frozen. 409 `open_objections`, `already_published`, `not_finished`."""
    run = get_object_or_404(selectors.runs_visible_to(request.user), pk=pk)
    _committee_only(request)
    return Response(s.RunSerializer(services.assessment_run_publish(run=run, user=request.user)).data)
