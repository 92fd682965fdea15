"""REST API of the hazards app: hazards with their closed-loop steps, risk sources, campaigns, statistics.

Lists and details go through `visible_to` (ScopedViewSetMixin). Steps are POST actions that call the
services; an illegal step or a lost race is a 409, a step the role may not take is a 403.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter, SearchFilter
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from enterprises.models import Enterprise
from safety_platform.api.filtering import RequestedFiltersBackend
from safety_platform.api.pagination import CountWithPagePagination
from safety_platform.api.views import ScopedViewSetMixin
from safety_platform.audit import set_request_actor
from safety_platform.choices import ApiScope
from safety_platform.concurrency import (
    VersionedAPIMixin,
    api_changes_shown_by,
    etag_of,
    opened_from_if_match,
    writable_model_fields,
)
from safety_platform.models import Jurisdiction
from safety_platform.permissions import can, is_enterprise_person
from safety_platform.services import DomainError

from .. import selectors, services
from ..choices import HazardSource, TransitionAction
from ..filtersets import HazardFilterSet, RiskSourceFilterSet
from ..location import hazard_position_set
from ..models import Campaign, Hazard, HazardStatReport, HazardTransition, RemediationPlan, RiskSource
from . import serializers as s
from .listing import HazardListPaginator, hazard_dicts

PARSERS = [JSONParser, MultiPartParser, FormParser]
IDEMPOTENCY_HEADER = "Idempotency-Key"


STEP_SERIALIZERS: dict[str, type[Any]] = {
    TransitionAction.ASSESS: s.HazardAssessSerializer,
    TransitionAction.REPORT: s.HazardNoteSerializer,
    TransitionAction.LIST: s.HazardNoteSerializer,
    TransitionAction.START: s.HazardNoteSerializer,
    TransitionAction.PROGRESS: s.HazardProgressSerializer,
    TransitionAction.SUBMIT: s.HazardSubmitSerializer,
    TransitionAction.CLOSE: s.HazardCloseSerializer,
    TransitionAction.REJECT: s.HazardRejectSerializer,
    TransitionAction.REFUSE: s.HazardReasonSerializer,
    TransitionAction.EXTEND: s.HazardExtendSerializer,
    TransitionAction.VOID: s.HazardVoidSerializer,
}


class HazardListPagination(CountWithPagePagination):
    """Page 1 and its capped count in one statement, compiled once per query shape (listing.py)."""

    django_paginator_class = HazardListPaginator


def _named(visible: QuerySet[Any], data: dict[str, Any], field: str, unknown: str) -> Any:
    """The row whose id `data[field]` names, among those the caller sees (None when the field is empty); an id
    outside them is a 400 on that field with the message `unknown`."""
    if not data.get(field):
        return None
    row = visible.filter(pk=data[field]).first()
    if row is None:
        raise exceptions.ValidationError({field: [unknown]})
    return row


class HazardViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Hazards (事故隐患) in the caller's scope, with their closed-loop steps as POST actions."""

    queryset = Hazard.objects.select_related("enterprise", "enterprise__jurisdiction")
    serializer_class = s.HazardSerializer
    filterset_class = HazardFilterSet
    # Only the filters a request names are built (HazardFilterSet's requested_only).
    filter_backends = [RequestedFiltersBackend, OrderingFilter, SearchFilter]
    pagination_class = HazardListPagination  # page 1 and its capped count: one statement
    ordering_fields = ["found_at", "deadline", "updated_at", "code"]
    ordering = ["-found_at", "-id"]
    parser_classes = PARSERS
    api_key_read_scope = ApiScope.HAZARDS_READ
    api_key_scopes = {"push": ApiScope.HAZARDS_PUSH}
    versioned_actions = frozenset({"plan"})  # ETag / If-Match (safety_platform.concurrency)

    def get_queryset(self) -> QuerySet[Hazard]:
        queryset = super().get_queryset()
        if self.action == "retrieve":
            queryset = queryset.select_related("plan").prefetch_related(
                Prefetch(
                    "transitions",
                    queryset=HazardTransition.objects.select_related("actor")
                    .prefetch_related("attachments")
                    .order_by("at", "id"),
                )
            )
        return queryset

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # Rows straight from the query, shaped as HazardSerializer (the schema) shapes them: listing.py.
        # The paginator reads the page as hazard_rows rows (listing.HazardListPaginator).
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        assert page is not None  # the API always pages (DEFAULT_PAGINATION_CLASS)
        return self.get_paginated_response(hazard_dicts(page))

    def filter_queryset(self, queryset: QuerySet[Any, Any]) -> QuerySet[Any, Any]:
        # List filters (which leave voided reports out unless asked) apply to lists; a hazard by its id is
        # found in any state, so a voided report keeps its history and answers 409 to a further step.
        if self.detail:
            return queryset
        if not self._names_a_filter():
            # What the filter set does when no filter is named (it validates an empty form, then leaves the voided
            # reports out), without building it; ordering and search as for any list.
            queryset = queryset.counted()  # type: ignore[attr-defined]
            for backend in self.filter_backends:
                if backend is not RequestedFiltersBackend:
                    queryset = backend().filter_queryset(self.request, queryset, self)
            return queryset
        return super().filter_queryset(queryset)

    def _names_a_filter(self) -> bool:
        """Whether the request names a filter of the set (as RequestedFiltersBackend reads them: a name, or a
        name and `_` for a widget's part)."""
        names = self.filterset_class.base_filters
        return any(
            key in names or any(key.startswith(f"{name}_") for name in names) for key in self.request.query_params
        )

    def get_serializer_class(self) -> type[Any]:
        if self.action == "retrieve":
            return s.HazardDetailSerializer
        if self.action == "create":
            return s.HazardCreateSerializer
        return super().get_serializer_class()

    def _detail(self, hazard_id: int, code: int = status.HTTP_200_OK) -> Response:
        hazard = (
            Hazard.objects.select_related("enterprise", "enterprise__jurisdiction", "plan")
            .prefetch_related("transitions__actor", "transitions__attachments")
            .get(pk=hazard_id)
        )
        return Response(s.HazardDetailSerializer(hazard, context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=s.HazardCreateSerializer, responses={201: s.HazardDetailSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user: Any = request.user
        if not can(user, "hazards.log"):
            raise exceptions.PermissionDenied(_("Only inspectors and enterprises log hazards."))
        serializer = s.HazardCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if is_enterprise_person(user):
            enterprise = user.enterprise
        else:
            if not data.get("enterprise"):
                raise exceptions.ValidationError({"enterprise": [_("This field is required.")]})
            enterprise = _named(
                Enterprise.objects.visible_to(user), data, "enterprise", _("Unknown enterprise or outside your scope.")
            )
        campaign = _named(Campaign.objects.visible_to(user), data, "campaign", _("Unknown campaign."))
        risk_source = _named(RiskSource.objects.visible_to(user), data, "risk_source", _("Unknown risk source."))
        if data.get("grade") and (not data.get("deadline") or not data.get("responsible_person")):
            raise exceptions.ValidationError({"deadline": [_("Grade, deadline and responsible person go together.")]})
        with transaction.atomic():
            hazard = services.hazard_log(
                actor=user,
                enterprise=enterprise,
                title=data["title"],
                description=data["description"],
                location=data["location"],
                found_at=data["found_at"],
                campaign=campaign,
                photos=data.get("photos") or [],
                grade=data["grade"] if user.is_inspector else "",
                deadline=data["deadline"],
                responsible_person=data["responsible_person"],
                responsible_phone=data["responsible_phone"],
                client_key=data["client_key"],
                risk_source=risk_source,
            )
            hazard_position_set(hazard=hazard, latitude=data["latitude"], longitude=data["longitude"])
        return self._detail(hazard.pk, status.HTTP_201_CREATED)

    def _step(self, request: Request, pk: Any, step: str) -> Response:
        hazard = self.get_object()  # 404 outside the caller's scope
        serializer = STEP_SERIALIZERS[step](data=request.data)
        serializer.is_valid(raise_exception=True)
        services.hazard_step(step, hazard.pk, request.user, dict(serializer.validated_data))
        return self._detail(hazard.pk)

    @extend_schema(request=s.HazardAssessSerializer, responses={200: s.HazardDetailSerializer})
    @action(detail=True, methods=["post"])
    def assess(self, request: Request, pk: Any = None) -> Response:
        """评估: grade (general/major), rectification deadline, responsible person."""
        return self._step(request, pk, TransitionAction.ASSESS)

    @extend_schema(request=s.HazardNoteSerializer, responses={200: s.HazardDetailSerializer})
    @action(detail=True, methods=["post"])
    def report(self, request: Request, pk: Any = None) -> Response:
        """报告: report a major hazard (needs a complete remediation plan); notifies department and committee."""
        return self._step(request, pk, TransitionAction.REPORT)

    @extend_schema(request=s.HazardNoteSerializer, responses={200: s.HazardDetailSerializer})
    @action(detail=True, methods=["post"], url_path="list-supervision")
    def list_supervision(self, request: Request, pk: Any = None) -> Response:
        """挂牌督办: the committee office lists a major hazard for supervision."""
        return self._step(request, pk, TransitionAction.LIST)

    @extend_schema(request=s.HazardNoteSerializer, responses={200: s.HazardDetailSerializer})
    @action(detail=True, methods=["post"])
    def start(self, request: Request, pk: Any = None) -> Response:
        """治理: start remediation."""
        return self._step(request, pk, TransitionAction.START)

    @extend_schema(request=s.HazardProgressSerializer, responses={200: s.HazardDetailSerializer})
    @action(detail=True, methods=["post"])
    def progress(self, request: Request, pk: Any = None) -> Response:
        """监控: a progress update with photos."""
        return self._step(request, pk, TransitionAction.PROGRESS)

    @extend_schema(request=s.HazardSubmitSerializer, responses={200: s.HazardDetailSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: Any = None) -> Response:
        """Submit remediation evidence (before/after photos, documents) for verification."""
        return self._step(request, pk, TransitionAction.SUBMIT)

    @extend_schema(request=s.HazardCloseSerializer, responses={200: s.HazardDetailSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: Any = None) -> Response:
        """销账: an inspector verifies and closes the hazard out."""
        return self._step(request, pk, TransitionAction.CLOSE)

    @extend_schema(request=s.HazardRejectSerializer, responses={200: s.HazardDetailSerializer})
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: Any = None) -> Response:
        """Verification failed: back to remediation with the reason."""
        return self._step(request, pk, TransitionAction.REJECT)

    @extend_schema(request=s.HazardReasonSerializer, responses={200: s.HazardDetailSerializer})
    @action(detail=True, methods=["post"])
    def refuse(self, request: Request, pk: Any = None) -> Response:
        """Record that the enterprise refuses to rectify."""
        return self._step(request, pk, TransitionAction.REFUSE)

    @extend_schema(request=s.HazardExtendSerializer, responses={200: s.HazardDetailSerializer})
    @action(detail=True, methods=["post"])
    def extend(self, request: Request, pk: Any = None) -> Response:
        """Extend the rectification deadline."""
        return self._step(request, pk, TransitionAction.EXTEND)

    @extend_schema(request=s.HazardVoidSerializer, responses={200: s.HazardDetailSerializer})
    @action(detail=True, methods=["post"])
    def void(self, request: Request, pk: Any = None) -> Response:
        """Void a worker's risk-card report (spam/malicious or duplicate/unfounded): inspectors of its
        jurisdiction, committee staff and administrators; it stays in the history and leaves every count."""
        return self._step(request, pk, TransitionAction.VOID)

    @extend_schema(methods=["GET"], responses={200: s.RemediationPlanSerializer})
    @extend_schema(methods=["PUT"], request=s.RemediationPlanSerializer, responses={200: s.RemediationPlanSerializer})
    @action(detail=True, methods=["get", "put"])
    def plan(self, request: Request, pk: Any = None) -> Response:
        """The remediation plan of a major hazard."""
        hazard = self.get_object()
        fields = writable_model_fields(s.RemediationPlanSerializer())
        if request.method == "GET":
            current = RemediationPlan.objects.filter(hazard=hazard).first()
            if current is None:
                raise exceptions.NotFound(_("No remediation plan yet."))
            return Response(s.RemediationPlanSerializer(current).data, headers={"ETag": etag_of(current, fields)})
        serializer = s.RemediationPlanSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        with api_changes_shown_by(s.RemediationPlanSerializer):
            plan = services.remediation_plan_save(
                hazard_id=hazard.pk,
                actor=request.user,
                data=serializer.validated_data,
                opened=opened_from_if_match(request, fields),
            )
        return Response(s.RemediationPlanSerializer(plan).data, headers={"ETag": etag_of(plan, fields)})

    @extend_schema(
        request=s.HazardPushSerializer,
        parameters=[
            OpenApiParameter(
                IDEMPOTENCY_HEADER,
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                required=True,
                description="Your system's unique id of this hazard; a retry with the same key never duplicates.",
            )
        ],
        responses={201: s.HazardSerializer, 200: s.HazardSerializer},
    )
    @action(detail=False, methods=["post"])
    def push(self, request: Request) -> Response:
        """Key enterprises push hazards from their own systems (enterprise API key with `hazards:push`).

        201 when the hazard is registered; 200 with the same hazard when the request is retried with the
        same `Idempotency-Key`; 409 when the key was already used for a different hazard.
        """
        principal: Any = request.user
        if getattr(principal, "api_key", None) is None or not principal.enterprise_id:
            raise exceptions.PermissionDenied(_("Only an enterprise's API key pushes hazards."))
        key = (request.headers.get(IDEMPOTENCY_HEADER) or "").strip()
        if not key:
            raise exceptions.ValidationError({IDEMPOTENCY_HEADER: [_("This header is required.")]})
        if len(key) > 150:
            raise exceptions.ValidationError({IDEMPOTENCY_HEADER: [_("At most 150 characters.")]})
        serializer = s.HazardPushSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        enterprise = Enterprise.objects.get(pk=principal.enterprise_id)
        with transaction.atomic():
            hazard, created = services.hazard_register(
                enterprise=enterprise,
                title=data["title"],
                description=data["description"],
                source=HazardSource.API_PUSH,
                location=data["location"],
                found_at=data["found_at"],
                # Keys are namespaced per enterprise: two enterprises' systems may use the same ids.
                external_key=f"{enterprise.pk}:{key}",
                actor_label=principal.username,
            )
            if created:
                hazard_position_set(hazard=hazard, latitude=data["latitude"], longitude=data["longitude"])
        if not created and hazard.title != data["title"].strip()[:200]:
            raise DomainError(
                _("The %(header)s '%(key)s' was already used for hazard %(code)s with another title.")
                % {"header": IDEMPOTENCY_HEADER, "key": key, "code": hazard.code},
                field=IDEMPOTENCY_HEADER,
                code="idempotency_key_reused",
            )
        body = s.HazardSerializer(hazard, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class RiskSourceViewSet(
    VersionedAPIMixin,
    ScopedViewSetMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """Risk sources (风险点) with their LEC or matrix score and level from the active banding."""

    queryset = RiskSource.objects.select_related("enterprise", "banding")
    serializer_class = s.RiskSourceSerializer
    filterset_class = RiskSourceFilterSet
    ordering = ["enterprise__name", "name", "id"]
    api_key_read_scope = ApiScope.HAZARDS_READ
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def _save(self, request: Request, source: RiskSource | None) -> Response:
        user: Any = request.user
        serializer = s.RiskSourceSerializer(source, data=request.data, partial=source is not None)
        serializer.is_valid(raise_exception=True)
        data = serializer.service_data()
        if source is not None:
            enterprise = source.enterprise
        elif is_enterprise_person(user):
            enterprise = user.enterprise
        else:
            chosen = data.get("enterprise")
            if chosen is None:
                raise exceptions.ValidationError({"enterprise": [_("This field is required.")]})
            enterprise = chosen
        with api_changes_shown_by(s.RiskSourceSerializer):
            saved = services.risk_source_save(
                actor=user,
                enterprise=enterprise,
                data=data,
                risk_source=source,
                opened=self.opened() if source is not None else None,
            )
        code = status.HTTP_200_OK if source else status.HTTP_201_CREATED
        headers = {"ETag": etag_of(saved, self.version_fields())}
        return Response(s.RiskSourceSerializer(saved).data, status=code, headers=headers)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._save(request, None)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._save(request, self.get_object())


class CampaignViewSet(viewsets.ReadOnlyModelViewSet):
    """Special rectification campaigns (专项整治) with hazard counts and closure rate (in the caller's scope)."""

    serializer_class = s.HazardCampaignSerializer
    api_key_read_scope = ApiScope.HAZARDS_READ

    def get_queryset(self) -> QuerySet[Campaign]:
        return (
            selectors.campaigns_with_stats(self.request.user)
            .prefetch_related("industries", "jurisdictions")
            .order_by("-starts_on", "-id")
        )

    def initial(self, request: Any, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        set_request_actor(request)


class StatReportViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Quarterly and annual hazard statistics (the enterprise's own, or those in the caller's scope)."""

    queryset = HazardStatReport.objects.select_related("enterprise")
    serializer_class = s.HazardStatReportSerializer
    filterset_fields = ["kind", "year", "quarter", "status", "enterprise"]
    ordering = ["-period_end", "enterprise_id"]
    api_key_read_scope = ApiScope.HAZARDS_READ

    @extend_schema(request=s.HazardNoteSerializer, responses={200: s.HazardStatReportSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: Any = None) -> Response:
        """File the report: figures are recomputed from the records and frozen."""
        report = self.get_object()
        serializer = s.HazardNoteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = services.stat_report_submit(
            report_id=report.pk, actor=request.user, note=serializer.validated_data["note"]
        )
        return Response(s.HazardStatReportSerializer(report).data)


class RiskMapView(APIView):
    """Risk sources by colour and open hazards per child of a jurisdiction (drill down with `jurisdiction`)."""

    schema_errors = ("404",)  # a `jurisdiction` that does not exist or is outside the inspector's area

    @extend_schema(
        parameters=[OpenApiParameter("jurisdiction", OpenApiTypes.INT, description="Node to drill into")],
        responses=s.RiskMapSerializer,
    )
    def get(self, request: Request) -> Response:
        user: Any = request.user
        if not can(user, "hazards.see_risk_map"):
            raise exceptions.PermissionDenied(_("The risk map is for supervisors."))
        raw = request.query_params.get("jurisdiction")
        node: Jurisdiction | None
        if raw:
            if not raw.isdecimal():
                raise exceptions.ValidationError({"jurisdiction": [_("A jurisdiction id is a number.")]})
            node = get_object_or_404(Jurisdiction, pk=int(raw))
            if user.scopes_by_jurisdiction and not any(node.path.startswith(p) for p in user.jurisdiction_paths):
                raise exceptions.NotFound()
        else:
            node = selectors.risk_map_root(user)
            if node is None:
                raise exceptions.NotFound()
        data = selectors.risk_map(user, node)
        return Response(
            {
                "jurisdiction": {"id": node.pk, "name": node.name, "level": node.level},
                "totals": s.RiskMapRowSerializer(data["totals"]).data,
                "children": s.RiskMapRowSerializer(data["rows"], many=True).data,
                "enterprises": s.RiskMapRowSerializer(data["enterprise_rows"], many=True).data,
            }
        )
