"""Emergency API (/api/v1/emergency/). Every queryset goes through `visible_to`; writes call services.

Department API keys read with the `emergency:read` scope; writes are for signed-in users only.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from safety_platform.api.steps import record_step, valid
from safety_platform.api.views import ScopedViewSetMixin
from safety_platform.choices import ApiScope
from safety_platform.concurrency import VersionedAPIMixin
from safety_platform.security import signed_in_user
from safety_platform.services import DomainError

from .. import selectors, services
from ..filtersets import (
    AccidentFilterSet,
    BatchFilterSet,
    DispatchFilterSet,
    DrillFilterSet,
    LedgerFilterSet,
    MeasureFilterSet,
    PlanFilterSet,
    TeamFilterSet,
    WarehouseFilterSet,
    WarningFilterSet,
)
from ..models import (
    Accident,
    AccidentEvaluation,
    CorrectiveMeasure,
    DispatchOrder,
    Drill,
    EmergencyPlan,
    EmergencyWarning,
    RescueTeam,
    Skill,
    StockAlert,
    StockBatch,
    StockMovement,
    SupplyItem,
    Warehouse,
)
from . import serializers as s


class EmergencyViewSet(ScopedViewSetMixin, viewsets.GenericViewSet):
    api_key_read_scope = ApiScope.EMERGENCY_READ
    # The selector of the rows the user sees with the figures the list carries (`<records>_visible_to`), where the
    # scoped `queryset` alone is not the list.
    visible: Callable[..., Any] | None = None
    # The answer of a step that changes the record itself (`record_step` without `answer`).
    detail_serializer: type[Any]

    def get_queryset(self) -> Any:
        if self.visible is not None:
            return self.visible(self.request.user)
        return super().get_queryset()

    def _detail(self, record: Any, code: int = status.HTTP_200_OK) -> Response:
        """The record as it now is, read again through the viewset's queryset (with the figures it carries)."""
        return Response(self.detail_serializer(self.get_queryset().get(pk=record.pk)).data, status=code)


class ReadOnlyEmergencyViewSet(EmergencyViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    pass


class ServiceWritesMixin(VersionedAPIMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin):
    """Register and edit through the app's services: `create_service(actor, data)` and `update_service(actor,
    <record_name>=the row, data, opened)`. The answer carries the list's figures (e.g. a warehouse's usable units
    and open flags), read again through the viewset's queryset, not the bare row the service returned."""

    create_service: Callable[..., Any]
    update_service: Callable[..., Any]
    record_name: str

    def perform_create(self, serializer: serializers.BaseSerializer[Any]) -> None:
        record = self.create_service(actor=signed_in_user(self.request), data=dict(serializer.validated_data))
        serializer.instance = self.get_queryset().get(pk=record.pk)  # type: ignore[attr-defined]

    def perform_update(self, serializer: serializers.BaseSerializer[Any]) -> None:
        record = self.update_service(
            actor=signed_in_user(self.request),
            **{self.record_name: serializer.instance},
            data=dict(serializer.validated_data),
            opened=self.opened(),
        )
        serializer.instance = self.get_queryset().get(pk=record.pk)  # type: ignore[attr-defined]


# Catalogs -----------------------------------------------------------------------------------


class SkillViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Rescue skills (the catalog teams and members are searched by)."""

    queryset = Skill.objects.all()
    serializer_class = s.EmSkillSerializer
    pagination_class = None
    api_key_read_scope = ApiScope.EMERGENCY_READ


class SupplyItemViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Emergency supply items."""

    queryset = SupplyItem.objects.all()
    serializer_class = s.EmSupplyItemSerializer
    search_fields = ["code", "name", "category"]
    api_key_read_scope = ApiScope.EMERGENCY_READ


# Teams --------------------------------------------------------------------------------------


class TeamViewSet(ServiceWritesMixin, ReadOnlyEmergencyViewSet):
    """Rescue teams. Search: `skill` (id), `jurisdiction` (id, with everything below), `kind`, `readiness`,
    and `lat`/`lon`/`radius_km` for teams within a distance (nearest first, with `distance_km`)."""

    create_service = staticmethod(services.team_create)
    update_service = staticmethod(services.team_update)
    record_name = "team"
    detail_serializer = s.EmTeamSerializer

    queryset = RescueTeam.objects.all()
    filterset_class = TeamFilterSet
    ordering = ["name", "id"]

    def get_queryset(self) -> Any:
        if self.action == "retrieve":
            return selectors.team_detail_queryset(self.request.user)
        return selectors.teams_visible_to(self.request.user).order_by("name", "id")

    def get_serializer_class(self) -> type[Any]:
        return s.EmTeamDetailSerializer if self.action == "retrieve" else s.EmTeamSerializer

    def filter_queryset(self, queryset: Any) -> Any:
        # Distance ordering comes from the filterset; the generic OrderingFilter must not override it.
        for backend in self.filter_backends:
            if backend.__name__ != "OrderingFilter":
                queryset = backend().filter_queryset(self.request, queryset, self)
        return queryset

    readiness = record_step(
        "readiness", services.team_set_readiness, s.EmReadinessSerializer, target="team", responses=s.EmTeamSerializer
    )

    @extend_schema(request=s.EmMemberWriteSerializer, responses={201: s.EmMemberSerializer})
    @action(detail=True, methods=["post"])
    def members(self, request: Request, pk: Any = None) -> Response:
        instance = self.get_object()  # out of scope → 404, before any input is read
        team = instance
        data = valid(s.EmMemberWriteSerializer, request)
        skills = data.pop("skills", [])
        certificates = data.pop("certificates", [])
        member = services.team_member_save(actor=signed_in_user(request), team=team, data=data, skills=skills)
        for certificate in certificates:
            services.member_certificate_add(actor=signed_in_user(request), member=member, data=certificate)
        return Response(s.EmMemberSerializer(member).data, status=status.HTTP_201_CREATED)

    equipment = record_step(
        "equipment",
        lambda actor, team, **data: services.team_equipment_save(actor=actor, team=team, data=data),
        s.EmEquipmentSerializer,
        target="team",
        answer=s.EmEquipmentSerializer,
        status_code=status.HTTP_201_CREATED,
    )


# Warehouses and stock -----------------------------------------------------------------------


class WarehouseViewSet(ServiceWritesMixin, ReadOnlyEmergencyViewSet):
    """Warehouses (city, county, enterprise stores) with usable units and open flags."""

    create_service = staticmethod(services.warehouse_create)
    update_service = staticmethod(services.warehouse_update)
    record_name = "warehouse"
    visible = staticmethod(selectors.warehouses_visible_to)

    queryset = Warehouse.objects.all()
    serializer_class = s.EmWarehouseSerializer
    filterset_class = WarehouseFilterSet
    ordering_fields = ["name", "usable_units", "open_alerts"]
    ordering = ["level", "name", "id"]

    @extend_schema(responses=s.EmStockRowSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)  # every item of the warehouse, not a page
    def stock(self, request: Request, pk: Any = None) -> Response:
        instance = self.get_object()  # out of scope → 404, before any input is read
        return Response(s.EmStockRowSerializer(selectors.warehouse_stock(instance), many=True).data)

    receive = record_step(
        "receive",
        services.stock_receive,
        s.EmReceiveSerializer,
        target="warehouse",
        answer=s.EmMovementSerializer,
        status_code=status.HTTP_201_CREATED,
    )

    @extend_schema(request=s.EmIssueSerializer, responses={201: s.EmMovementSerializer(many=True)})
    @action(detail=True, methods=["post"], pagination_class=None)  # the movements made, not a page
    def issue(self, request: Request, pk: Any = None) -> Response:
        instance = self.get_object()  # out of scope → 404, before any input is read
        data = valid(s.EmIssueSerializer, request)
        takes = services.stock_issue(actor=signed_in_user(request), warehouse=instance, **data)
        return Response(
            s.EmMovementSerializer([t.movement for t in takes], many=True).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        request=s.EmTransferSerializer,
        responses={201: inline_serializer("EmTransferDone", {"transfer_ref": serializers.CharField()})},
    )
    @action(detail=True, methods=["post"])
    def transfer(self, request: Request, pk: Any = None) -> Response:
        instance = self.get_object()  # out of scope → 404, before any input is read
        data = valid(s.EmTransferSerializer, request)
        ref = services.stock_transfer(actor=signed_in_user(request), source=instance, **data)
        return Response({"transfer_ref": str(ref)}, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=s.EmMinimumSerializer,
        responses=inline_serializer(
            "EmMinimumSet", {"item": serializers.CharField(), "min_quantity": serializers.IntegerField()}
        ),
    )
    @action(detail=True, methods=["post"])
    def minimum(self, request: Request, pk: Any = None) -> Response:
        instance = self.get_object()  # out of scope → 404, before any input is read
        data = valid(s.EmMinimumSerializer, request)
        setting = services.warehouse_set_minimum(actor=signed_in_user(request), warehouse=instance, **data)
        return Response({"item": setting.item.code, "min_quantity": setting.min_quantity})


class BatchViewSet(ReadOnlyEmergencyViewSet):
    """Stock per item and batch (expiry dates), in the warehouses the user may see."""

    queryset = StockBatch.objects.select_related("warehouse", "item")
    serializer_class = s.EmBatchSerializer
    filterset_class = BatchFilterSet
    ordering_fields = ["expires_on", "quantity"]
    ordering = ["warehouse_id", "item_id", "expires_on", "id"]


class LedgerViewSet(ReadOnlyEmergencyViewSet):
    """The stock ledger: every receipt, dispatch, return, consumption, write-off and transfer."""

    queryset = StockMovement.objects.select_related("item", "batch", "actor")
    serializer_class = s.EmMovementSerializer
    filterset_class = LedgerFilterSet
    ordering = ["-occurred_at", "-id"]


class StockAlertViewSet(ReadOnlyEmergencyViewSet):
    """Open stock flags (expiring, expired, under minimum), raised by the scheduled check."""

    queryset = StockAlert.objects.filter(resolved_at__isnull=True).select_related("warehouse", "item")
    serializer_class = s.EmAlertSerializer
    filterset_fields = ["kind", "warehouse"]
    ordering = ["-raised_at", "-id"]


# Dispatch -----------------------------------------------------------------------------------

_order_step = partial(record_step, target="order", responses=s.EmDispatchOrderDetailSerializer)


class DispatchOrderViewSet(ReadOnlyEmergencyViewSet):
    """Dispatch orders across counties: request → approve → ship (per warehouse) → deliver → settle."""

    queryset = DispatchOrder.objects.all()
    filterset_class = DispatchFilterSet
    ordering = ["-created_at", "-id"]

    def get_queryset(self) -> Any:
        qs = selectors.dispatch_orders_visible_to(self.request.user)
        if self.action == "retrieve":
            qs = qs.prefetch_related(
                "lines__item", "lines__allocations__warehouse", "lines__allocations__batch", "steps__actor"
            )
        return qs

    def get_serializer_class(self) -> type[Any]:
        return s.EmDispatchOrderDetailSerializer if self.action != "list" else s.EmDispatchOrderSerializer

    def _detail(self, order: DispatchOrder, code: int = status.HTTP_200_OK) -> Response:
        fresh = (
            self.get_queryset().prefetch_related("lines__item", "lines__allocations", "steps__actor").get(pk=order.pk)
        )
        return Response(s.EmDispatchOrderDetailSerializer(fresh).data, status=code)

    @extend_schema(request=s.EmDispatchRequestSerializer, responses=s.EmDispatchOrderDetailSerializer)
    def create(self, request: Request) -> Response:
        data = valid(s.EmDispatchRequestSerializer, request)
        lines = [(line["item"], line["quantity"]) for line in data.pop("lines")]
        order = services.dispatch_request(actor=signed_in_user(request), lines=lines, **data)
        return self._detail(order, status.HTTP_201_CREATED)

    @extend_schema(request=s.EmApproveSerializer, responses=s.EmDispatchOrderDetailSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: Any = None) -> Response:
        instance = self.get_object()  # out of scope → 404, before any input is read
        data = valid(s.EmApproveSerializer, request)
        if data.get("approved") is not None:
            try:
                data["approved"] = {int(k): v for k, v in data["approved"].items()}
            except ValueError:
                from rest_framework.exceptions import ValidationError

                raise ValidationError({"approved": [_("Keys are line ids.")]}) from None
        order = services.dispatch_approve(actor=signed_in_user(request), order=instance, **data)
        return self._detail(order)

    reject = _order_step("reject", services.dispatch_reject, s.EmRequiredNoteSerializer, rename={"note": "reason"})
    cancel = _order_step("cancel", services.dispatch_cancel, s.EmRequiredNoteSerializer, rename={"note": "reason"})
    ship = _order_step("ship", services.dispatch_ship, s.EmShipSerializer)
    deliver = _order_step("deliver", services.dispatch_confirm_delivery, s.EmNoteSerializer)
    settle = _order_step("settle", services.dispatch_settle, s.EmSettleSerializer)


# Accidents ----------------------------------------------------------------------------------

_accident_step = partial(record_step, target="accident", responses=s.EmAccidentDetailSerializer)


def _evaluation(viewset: Any, accident: Accident) -> Any:
    """The accident's evaluation, which a finding, a measure or the conclusion needs started."""
    evaluation = getattr(accident, "evaluation", None)
    if evaluation is None:
        raise DomainError(_("Start the evaluation first."), field="evaluation", code="evaluation_not_started")
    return evaluation


_evaluation_step = partial(record_step, target="evaluation", record=_evaluation)


class AccidentViewSet(ReadOnlyEmergencyViewSet):
    """Accidents and incidents, graded by Decree 493, with their reporting clocks and revisions."""

    detail_serializer = s.EmAccidentDetailSerializer
    queryset = Accident.objects.all()
    filterset_class = AccidentFilterSet
    ordering_fields = ["occurred_at", "updated_at", "deaths"]
    ordering = ["-occurred_at", "-id"]

    def get_queryset(self) -> Any:
        qs = selectors.accidents_visible_to(self.request.user)
        if self.action != "list":
            qs = qs.prefetch_related("revisions__rule_set", "revisions__recorded_by", "report_steps")
        return qs

    def get_serializer_class(self) -> type[Any]:
        return s.EmAccidentSerializer if self.action == "list" else s.EmAccidentDetailSerializer

    @extend_schema(request=s.EmAccidentReportSerializer, responses=s.EmAccidentDetailSerializer)
    def create(self, request: Request) -> Response:
        data = valid(s.EmAccidentReportSerializer, request)
        accident = services.accident_report(actor=signed_in_user(request), **data)
        return self._detail(accident, status.HTTP_201_CREATED)

    supplement = _accident_step("supplement", services.accident_supplement, s.EmSupplementSerializer)
    forward = _accident_step("forward", services.accident_forward, s.EmForwardSerializer)
    concealed = _accident_step("concealed", services.accident_mark_concealed, s.EmRequiredNoteSerializer)

    extend_investigation = _accident_step(
        "extend_investigation",
        services.accident_extend_investigation,
        s.EmExtendSerializer,
        url_path="extend-investigation",
    )

    investigation_report = _accident_step(
        "investigation_report",
        services.accident_submit_investigation,
        s.EmInvestigationReportSerializer,
        url_path="investigation-report",
    )

    end_response = _accident_step(
        "end_response", services.accident_end_response, s.EmNoteSerializer, url_path="end-response"
    )

    close = _accident_step("close", services.accident_close, None)

    @extend_schema(methods=["GET"], responses=s.EmLogEntrySerializer(many=True))
    @extend_schema(methods=["POST"], request=s.EmLogEntryWriteSerializer, responses={201: s.EmLogEntrySerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None)  # the whole log, not a page
    def log(self, request: Request, pk: Any = None) -> Response:
        instance = self.get_object()  # out of scope → 404, before any input is read
        accident = instance
        if request.method == "POST":
            data = valid(s.EmLogEntryWriteSerializer, request)
            entry = services.response_log_add(actor=signed_in_user(request), accident=accident, **data)
            return Response(s.EmLogEntrySerializer(entry).data, status=status.HTTP_201_CREATED)
        entries = accident.response_log.select_related("recorded_by").prefetch_related("teams")
        return Response(s.EmLogEntrySerializer(entries, many=True).data)

    @extend_schema(request=s.EmEvaluationSerializer, responses=s.EmEvaluationSerializer)
    @action(detail=True, methods=["get", "put"])
    def evaluation(self, request: Request, pk: Any = None) -> Response:
        instance = self.get_object()  # out of scope → 404, before any input is read
        accident = instance
        evaluation: AccidentEvaluation | None
        if request.method == "PUT":
            data = valid(s.EmEvaluationSerializer, request)
            evaluation = services.evaluation_save(actor=signed_in_user(request), accident=accident, **data)
        else:
            evaluation = getattr(accident, "evaluation", None)
            if evaluation is None:
                return Response(
                    {"detail": _("No evaluation yet."), "code": "not_found"}, status=status.HTTP_404_NOT_FOUND
                )
        return Response(s.EmEvaluationSerializer(evaluation).data)

    conclude = _evaluation_step(
        "conclude", services.evaluation_conclude, None, url_path="evaluation/conclude", answer=s.EmEvaluationSerializer
    )
    findings = _evaluation_step(
        "findings", services.accountability_add, s.EmFindingSerializer, answer=s.EmFindingSerializer, status_code=201
    )
    measures = _evaluation_step(
        "measures", services.measure_add, s.EmMeasureSerializer, answer=s.EmMeasureSerializer, status_code=201
    )


class MeasureViewSet(ReadOnlyEmergencyViewSet):
    """Corrective measures from post-incident evaluations, followed to completion. Filters: `status`,
    `overdue` (past the deadline and not done)."""

    queryset = CorrectiveMeasure.objects.select_related("evaluation")
    serializer_class = s.EmMeasureSerializer
    filterset_class = MeasureFilterSet
    ordering = ["due_on", "id"]

    progress = record_step(
        "progress",
        services.measure_progress,
        s.EmMeasureProgressSerializer,
        target="measure",
        answer=s.EmMeasureSerializer,
    )


# Warnings -----------------------------------------------------------------------------------


class WarningViewSet(ReadOnlyEmergencyViewSet):
    """Warnings (blue/yellow/orange/red) with acknowledgement counts over the enterprises you may see."""

    visible = staticmethod(selectors.warnings_visible_to)
    detail_serializer = s.EmWarningSerializer
    queryset = EmergencyWarning.objects.all()
    serializer_class = s.EmWarningSerializer
    filterset_class = WarningFilterSet
    ordering = ["-issued_at", "-id"]

    @extend_schema(request=s.EmWarningIssueSerializer, responses=s.EmWarningSerializer)
    def create(self, request: Request) -> Response:
        data = valid(s.EmWarningIssueSerializer, request)
        warning = services.warning_issue(actor=signed_in_user(request), **data)
        return self._detail(warning, status.HTTP_201_CREATED)

    @extend_schema(responses=s.EmRecipientSerializer(many=True))
    @action(detail=True, methods=["get"])
    def recipients(self, request: Request, pk: Any = None) -> Response:
        instance = self.get_object()  # out of scope → 404, before any input is read
        qs = selectors.warning_recipients(request.user, instance)
        acknowledged = request.query_params.get("acknowledged")
        if acknowledged in ("true", "false"):
            qs = qs.filter(acknowledged_at__isnull=acknowledged == "false")
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(s.EmRecipientSerializer(page, many=True).data)

    @extend_schema(responses=s.EmRecipientSerializer(many=True))
    @action(detail=True, methods=["get"])
    def unacknowledged(self, request: Request, pk: Any = None) -> Response:
        instance = self.get_object()  # out of scope → 404, before any input is read
        page = self.paginate_queryset(selectors.warning_unacknowledged(request.user, instance))
        return self.get_paginated_response(s.EmRecipientSerializer(page, many=True).data)

    acknowledge = record_step(
        "acknowledge",
        services.warning_acknowledge,
        s.EmAcknowledgeSerializer,
        target="warning",
        answer=s.EmRecipientSerializer,
    )

    lift = record_step(
        "lift", services.warning_lift, s.EmNoteSerializer, target="warning", responses=s.EmWarningSerializer
    )

    @extend_schema(request=None, responses=inline_serializer("EmReminded", {"reminded": serializers.IntegerField()}))
    @action(detail=True, methods=["post"])
    def remind(self, request: Request, pk: Any = None) -> Response:
        instance = self.get_object()  # out of scope → 404, before any input is read
        sent = services.warning_remind_unacknowledged(actor=signed_in_user(request), warning=instance)
        return Response({"reminded": sent})


# Plans and drills ---------------------------------------------------------------------------


class PlanViewSet(ServiceWritesMixin, ReadOnlyEmergencyViewSet):
    """Emergency plans of enterprises and departments, with `last_drill_on` and `drill_overdue`."""

    create_service = staticmethod(services.plan_create)
    update_service = staticmethod(services.plan_update)
    record_name = "plan"
    visible = staticmethod(selectors.plans_visible_to)

    queryset = EmergencyPlan.objects.all()
    serializer_class = s.EmPlanSerializer
    filterset_class = PlanFilterSet
    ordering = ["title", "id"]

    @extend_schema(responses=s.EmOverdueEnterpriseSerializer(many=True))
    @action(detail=False, methods=["get"], url_path="overdue-enterprises")
    def overdue_enterprises(self, request: Request) -> Response:
        """Enterprises with a plan in force overdue for a drill."""
        page = self.paginate_queryset(selectors.enterprises_overdue_for_drill(request.user).order_by("name", "id"))
        return self.get_paginated_response(s.EmOverdueEnterpriseSerializer(page, many=True).data)


class DrillViewSet(ReadOnlyEmergencyViewSet, mixins.CreateModelMixin):
    """Drills of emergency plans."""

    queryset = Drill.objects.select_related("plan")
    serializer_class = s.EmDrillSerializer
    filterset_class = DrillFilterSet
    ordering = ["-held_on", "-id"]

    def perform_create(self, serializer: serializers.BaseSerializer[Any]) -> None:
        # The serializer's `plan` is a VisibleRelatedField: a plan the caller cannot see is already a 400 there.
        data = dict(serializer.validated_data)
        serializer.instance = services.drill_record(actor=signed_in_user(self.request), **data)
