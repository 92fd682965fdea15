"""API of source control: planning registers and siting reviews, the catalog, declared equipment, exits."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from safety_platform.api.fields import EnterpriseRowSerializer, VisibleRelatedField
from safety_platform.api.views import ScopedEditViewSet, ScopedReadOnlyViewSet, ScopedViewSetMixin
from safety_platform.choices import ApiScope
from safety_platform.models import Jurisdiction, User
from safety_platform.permissions import can
from safety_platform.security import signed_in_user

from ..common.api import RowActionsMixin, enterprise_for_write, request_data
from ..registry.models import Enterprise
from .filtersets import (
    CatalogEntryFilterSet,
    DeclaredEquipmentFilterSet,
    DensePlaceFilterSet,
    ExitProposalFilterSet,
    HighRiskProjectFilterSet,
)
from .models import (
    CatalogEntry,
    DeclaredEquipment,
    DensePlace,
    EquipmentMatch,
    ExitKind,
    ExitProposal,
    ExitTransition,
    HighRiskProject,
    ReviewDecision,
    SitingConflict,
    SitingReview,
)
from .selectors import siting_reviews
from .services import (
    EQUIPMENT_FIELDS,
    catalog_entry_save,
    dense_place_save,
    equipment_declare,
    equipment_update,
    exit_proposal_create,
    exit_proposal_decide,
    exit_proposal_execute,
    exit_proposal_withdraw,
    high_risk_project_save,
    siting_review_decide,
    siting_review_run,
)

# Planning admission ----------------------------------------------------------------------------


class ConflictSerializer(serializers.ModelSerializer):
    class Meta:
        model = SitingConflict
        fields = ["place", "place_name", "place_kind", "distance_m"]


class SitingReviewSerializer(serializers.ModelSerializer):
    conflicts = ConflictSerializer(many=True, read_only=True)

    class Meta:
        model = SitingReview
        fields = [
            "id",
            "project",
            "separation_m",
            "rule_version",
            "places_checked",
            "conflicts",
            "decision",
            "decision_note",
            "decided_at",
            "created_at",
        ]


class HighRiskProjectSerializer(serializers.ModelSerializer):
    enterprise = VisibleRelatedField(Enterprise, required=False, allow_null=True)
    jurisdiction = serializers.PrimaryKeyRelatedField(queryset=Jurisdiction.objects.all())
    jurisdiction_name = serializers.CharField(source="jurisdiction.name", read_only=True)

    class Meta:
        model = HighRiskProject
        fields = [
            "id",
            "name",
            "category",
            "enterprise",
            "jurisdiction",
            "jurisdiction_name",
            "address",
            "longitude",
            "latitude",
            "description",
            "status",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["status", "created_at", "updated_at"]


class DecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[c for c in ReviewDecision.choices if c[0] != ReviewDecision.PENDING])
    note = serializers.CharField(required=False, allow_blank=True, default="")


class PlanningWriteMixin:
    """Create/update through the service that checks the caller's jurisdictions: `save_service(actor=, <row>=,
    opened=)`, the row under the service's own keyword (`save_argument`)."""

    request: Any
    save_service: Any
    save_argument: str  # "project", "place"

    def perform_create(self, serializer: Any) -> None:
        if not can(self.request.user, "enterprises.manage_planning"):
            raise PermissionDenied(_("Only staff keep the planning registers."))
        instance = serializer.Meta.model(**serializer.validated_data)
        serializer.instance = self._save(instance)

    def perform_update(self, serializer: Any) -> None:
        if not can(self.request.user, "enterprises.manage_planning"):
            raise PermissionDenied(_("Only staff keep the planning registers."))
        instance = serializer.instance
        opened = self.opened()  # type: ignore[attr-defined]
        for key, value in serializer.validated_data.items():
            setattr(instance, key, value)
        serializer.instance = self._save(instance, opened)

    def _save(self, instance: Any, opened: Any = None) -> Any:
        return type(self).save_service(actor=self.request.user, **{self.save_argument: instance}, opened=opened)


class HighRiskProjectViewSet(PlanningWriteMixin, ScopedEditViewSet):
    """High-risk projects for planning admission; `siting-review` computes the dense places too close."""

    queryset = HighRiskProject.objects.select_related("jurisdiction")
    serializer_class = HighRiskProjectSerializer
    filterset_class = HighRiskProjectFilterSet
    ordering = ["-created_at", "-id"]
    api_key_read_scope = ApiScope.ENTERPRISES_READ
    save_service = staticmethod(high_risk_project_save)
    save_argument = "project"

    @extend_schema(request=None, responses={201: SitingReviewSerializer})
    @action(detail=True, methods=["post"], url_path="siting-review")
    def siting_review(self, request: Request, pk: Any = None) -> Response:
        project = self.get_object()
        review = siting_review_run(actor=signed_in_user(request), project=project)
        return Response(SitingReviewSerializer(review).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=SitingReviewSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)  # the whole list, not a page
    def reviews(self, request: Request, pk: Any = None) -> Response:
        project = self.get_object()
        return Response(SitingReviewSerializer(siting_reviews(project), many=True).data)


class SitingReviewViewSet(ScopedViewSetMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Siting reviews; `decide` records approval, approval with conditions or rejection."""

    queryset = SitingReview.objects.prefetch_related("conflicts")
    serializer_class = SitingReviewSerializer

    @extend_schema(request=DecisionSerializer, responses=SitingReviewSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: Any = None) -> Response:
        review = self.get_object()
        decided = siting_review_decide(
            actor=signed_in_user(request), review=review, **request_data(request, DecisionSerializer)
        )
        return Response(SitingReviewSerializer(decided).data)


class DensePlaceSerializer(serializers.ModelSerializer):
    jurisdiction = serializers.PrimaryKeyRelatedField(queryset=Jurisdiction.objects.all())

    class Meta:
        model = DensePlace
        fields = [
            "id",
            "name",
            "kind",
            "jurisdiction",
            "address",
            "longitude",
            "latitude",
            "population",
            "is_active",
            "updated_at",
        ]
        read_only_fields = ["updated_at"]


class DensePlaceViewSet(PlanningWriteMixin, ScopedEditViewSet):
    """Population-dense places (schools, hospitals, residential areas, markets) with coordinates."""

    queryset = DensePlace.objects.all()
    serializer_class = DensePlaceSerializer
    filterset_class = DensePlaceFilterSet
    ordering = ["name", "id"]
    api_key_read_scope = ApiScope.ENTERPRISES_READ
    save_service = staticmethod(dense_place_save)
    save_argument = "place"


# Catalog and equipment --------------------------------------------------------------------------


class CatalogEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = CatalogEntry
        fields = [
            "id",
            "name",
            "kind",
            "status",
            "reason",
            "scope",
            "replacement",
            "source_document",
            "batch",
            "model_numbers",
            "published_on",
            "is_active",
            "updated_at",
        ]
        read_only_fields = ["updated_at"]


class CatalogEntryViewSet(ScopedEditViewSet):
    """The catalog of banned and obsolete equipment and processes (淘汰落后安全技术装备目录)."""

    queryset = CatalogEntry.objects.all()
    serializer_class = CatalogEntrySerializer
    filterset_class = CatalogEntryFilterSet
    ordering = ["source_document", "batch", "name", "id"]
    api_key_read_scope = ApiScope.ENTERPRISES_READ

    def _may_edit(self) -> None:
        if not can(self.request.user, "enterprises.edit_catalog"):
            raise PermissionDenied(_("Only the committee office and departments edit the catalog."))

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self._may_edit()  # refused before the body is read: no validation errors for those who may not write
        return super().create(request, *args, **kwargs)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self.get_object()  # outside the scope is a 404 first
        self._may_edit()
        return super().update(request, *args, **kwargs)

    def _save(self, serializer: Any, instance: CatalogEntry, opened: Any = None) -> None:
        self._may_edit()
        for key, value in serializer.validated_data.items():
            setattr(instance, key, value)
        serializer.instance = catalog_entry_save(actor=self.request.user, entry=instance, opened=opened)

    def perform_create(self, serializer: Any) -> None:
        self._save(serializer, CatalogEntry())

    def perform_update(self, serializer: Any) -> None:
        self._save(serializer, serializer.instance, self.opened())


class MatchSerializer(serializers.ModelSerializer):
    entry_name = serializers.CharField(source="entry.name", read_only=True)
    entry_status = serializers.CharField(source="entry.status", read_only=True)

    class Meta:
        model = EquipmentMatch
        fields = ["entry", "entry_name", "entry_status", "matched_by", "matched_at", "hazard_id"]


class DeclaredEquipmentSerializer(serializers.ModelSerializer):
    enterprise = VisibleRelatedField(Enterprise, required=False)
    catalog_entry = serializers.PrimaryKeyRelatedField(
        queryset=CatalogEntry.objects.filter(is_active=True), required=False, allow_null=True
    )
    matches = MatchSerializer(many=True, read_only=True)

    class Meta:
        model = DeclaredEquipment
        fields = ["id", "enterprise", *EQUIPMENT_FIELDS, "matches", "updated_at"]
        read_only_fields = ["updated_at"]


class DeclaredEquipmentViewSet(ScopedEditViewSet):
    """Equipment and processes an enterprise declares; a catalog match registers a hazard once."""

    queryset = DeclaredEquipment.objects.select_related("enterprise").prefetch_related("matches__entry")
    serializer_class = DeclaredEquipmentSerializer
    filterset_class = DeclaredEquipmentFilterSet
    ordering = ["enterprise_id", "name", "id"]
    api_key_read_scope = ApiScope.ENTERPRISES_READ

    def perform_create(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        user = self.request.user
        item = equipment_declare(actor=user, enterprise=enterprise_for_write(data, user), data=data)
        serializer.instance = self.get_queryset().get(pk=item.pk)

    def perform_update(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        data.pop("enterprise", None)  # an item stays with its enterprise
        opened = self.opened()
        item = equipment_update(actor=self.request.user, equipment=serializer.instance, data=data, opened=opened)
        serializer.instance = self.get_queryset().get(pk=item.pk)


# Exit proposals ----------------------------------------------------------------------------------


class ExitTransitionSerializer(serializers.ModelSerializer):
    actor: serializers.StringRelatedField[User] = serializers.StringRelatedField()

    class Meta:
        model = ExitTransition
        fields = ["from_status", "to_status", "note", "actor", "at"]


class ExitProposalSerializer(EnterpriseRowSerializer):
    transitions = ExitTransitionSerializer(many=True, read_only=True)

    class Meta:
        model = ExitProposal
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "kind",
            "reasons",
            "exit_by",
            "status",
            "decision_note",
            "decided_at",
            "created_at",
            "transitions",
        ]


class ExitProposalCreateSerializer(serializers.Serializer):
    enterprise = VisibleRelatedField(Enterprise)
    kind = serializers.ChoiceField(choices=ExitKind.choices)
    reasons = serializers.CharField()
    exit_by = serializers.DateField(required=False, allow_null=True)


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ExitDecisionSerializer(NoteSerializer):
    approve = serializers.BooleanField()


class ExitProposalViewSet(RowActionsMixin, ScopedReadOnlyViewSet):
    """Proposals to close (提请关闭) or guide out (引导退出) enterprises lacking basic safety conditions."""

    queryset = ExitProposal.objects.select_related("enterprise").prefetch_related("transitions__actor")
    serializer_class = ExitProposalSerializer
    filterset_class = ExitProposalFilterSet
    ordering = ["-created_at", "-id"]
    row_argument = "proposal"

    @extend_schema(request=ExitProposalCreateSerializer, responses={201: ExitProposalSerializer})
    def create(self, request: Request) -> Response:
        return self.create_row(request, exit_proposal_create, ExitProposalCreateSerializer)

    @extend_schema(request=ExitDecisionSerializer, responses=ExitProposalSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: Any = None) -> Response:
        return self.act(request, exit_proposal_decide, ExitDecisionSerializer)

    @extend_schema(request=NoteSerializer, responses=ExitProposalSerializer)
    @action(detail=True, methods=["post"])
    def execute(self, request: Request, pk: Any = None) -> Response:
        return self.act(request, exit_proposal_execute, NoteSerializer)

    @extend_schema(request=NoteSerializer, responses=ExitProposalSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: Any = None) -> Response:
        return self.act(request, exit_proposal_withdraw, NoteSerializer)
