"""API of the responsibility system: department responsibility lists and joint enforcement inspections."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from safety_platform.api.fields import EnterpriseRowSerializer, VisibleRelatedField
from safety_platform.api.views import ScopedReadOnlyViewSet
from safety_platform.choices import ApiScope
from safety_platform.models import Department, Industry
from safety_platform.security import signed_in_user

from ..common.api import RowActionsMixin, request_data
from ..registry.models import Enterprise
from .filtersets import JointInspectionFilterSet, ResponsibilityItemFilterSet
from .models import DutyKind, JointInspection, JointInspectionFinding, ResponsibilityItem
from .services import (
    joint_finding_add,
    joint_inspection_cancel,
    joint_inspection_complete,
    joint_inspection_create,
    responsibility_item_create,
    responsibility_item_retire,
    responsibility_item_revise,
    responsibility_review_record,
)


class ResponsibilityItemSerializer(serializers.ModelSerializer):
    department_name = serializers.CharField(source="department.name", read_only=True)
    industry: serializers.SlugRelatedField[Industry] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    is_current = serializers.BooleanField(read_only=True)

    class Meta:
        model = ResponsibilityItem
        fields = [
            "id",
            "department",
            "department_name",
            "industry",
            "kind",
            "duty",
            "legal_basis",
            "effective_on",
            "retired_on",
            "replaced_by",
            "is_current",
            "updated_at",
        ]


class ResponsibilityItemWriteSerializer(serializers.Serializer):
    department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.filter(is_active=True))
    kind = serializers.ChoiceField(choices=DutyKind.choices, default=DutyKind.SUPERVISION)
    industry = serializers.SlugRelatedField(
        slug_field="code", queryset=Industry.objects.all(), required=False, allow_null=True
    )
    duty = serializers.CharField()
    legal_basis = serializers.CharField(required=False, allow_blank=True, default="")
    effective_on = serializers.DateField(required=False, allow_null=True)


class ReviseSerializer(ResponsibilityItemWriteSerializer):
    department = None  # type: ignore[assignment]


class ReviewSerializer(serializers.Serializer):
    department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.filter(is_active=True))
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)


class ResponsibilityItemViewSet(ScopedReadOnlyViewSet):
    """Department responsibility lists ("管行业必须管安全"). Revisions keep the retired wording."""

    queryset = ResponsibilityItem.objects.select_related("department", "industry")
    serializer_class = ResponsibilityItemSerializer
    filterset_class = ResponsibilityItemFilterSet
    ordering = ["department_id", "kind", "id"]
    api_key_read_scope = ApiScope.ENTERPRISES_READ

    @extend_schema(request=ResponsibilityItemWriteSerializer, responses={201: ResponsibilityItemSerializer})
    def create(self, request: Request) -> Response:
        data = request_data(request, ResponsibilityItemWriteSerializer)
        item = responsibility_item_create(actor=signed_in_user(request), **data)
        return Response(ResponsibilityItemSerializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReviseSerializer, responses={201: ResponsibilityItemSerializer})
    @action(detail=True, methods=["post"])
    def revise(self, request: Request, pk: Any = None) -> Response:
        item = self.get_object()
        data = request_data(request, ReviseSerializer)
        successor = responsibility_item_revise(actor=signed_in_user(request), item=item, **data)
        return Response(ResponsibilityItemSerializer(successor).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=ResponsibilityItemSerializer)
    @action(detail=True, methods=["post"])
    def retire(self, request: Request, pk: Any = None) -> Response:
        item = self.get_object()
        retired = responsibility_item_retire(actor=signed_in_user(request), item=item)
        return Response(ResponsibilityItemSerializer(retired).data)

    @extend_schema(
        request=ReviewSerializer,
        responses={
            201: inline_serializer(
                "ResponsibilityReviewRecorded",
                {"id": serializers.IntegerField(), "reviewed_at": serializers.DateTimeField()},
            )
        },
    )
    @action(detail=False, methods=["post"])
    def review(self, request: Request) -> Response:
        data = request_data(request, ReviewSerializer)
        review = responsibility_review_record(actor=signed_in_user(request), **data)
        return Response({"id": review.pk, "reviewed_at": review.reviewed_at}, status=status.HTTP_201_CREATED)


class FindingSerializer(serializers.ModelSerializer):
    department_name = serializers.CharField(source="department.name", read_only=True)

    class Meta:
        model = JointInspectionFinding
        fields = [
            "id",
            "department",
            "department_name",
            "title",
            "description",
            "location",
            "legal_basis",
            "suspected_major",
            "hazard_id",
            "created_at",
        ]
        read_only_fields = ["hazard_id", "created_at"]


class JointInspectionSerializer(EnterpriseRowSerializer):
    departments: serializers.PrimaryKeyRelatedField[Department] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )
    findings = FindingSerializer(many=True, read_only=True)

    class Meta:
        model = JointInspection
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "credit_code",
            "title",
            "lead_department",
            "departments",
            "planned_on",
            "team",
            "status",
            "summary",
            "completed_at",
            "findings",
            "updated_at",
        ]


class JointInspectionCreateSerializer(serializers.Serializer):
    enterprise = VisibleRelatedField(Enterprise)  # one the caller cannot see is answered like an unknown id
    title = serializers.CharField(max_length=200)
    lead_department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.filter(is_active=True))
    departments = serializers.PrimaryKeyRelatedField(many=True, queryset=Department.objects.filter(is_active=True))
    planned_on = serializers.DateField()
    team = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)


class FindingCreateSerializer(serializers.Serializer):
    department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all())
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    location = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    legal_basis = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)
    suspected_major = serializers.BooleanField(required=False, default=False)


class TextSerializer(serializers.Serializer):
    summary = serializers.CharField(required=False, allow_blank=True, default="")
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class JointInspectionViewSet(RowActionsMixin, ScopedReadOnlyViewSet):
    """Joint enforcement inspections (联合执法). Completing one registers every finding as a hazard."""

    queryset = JointInspection.objects.select_related("enterprise").prefetch_related(
        "departments", "findings__department"
    )
    serializer_class = JointInspectionSerializer
    filterset_class = JointInspectionFilterSet
    ordering = ["-planned_on", "-id"]
    api_key_read_scope = ApiScope.ENTERPRISES_READ
    row_argument = "inspection"

    @extend_schema(request=JointInspectionCreateSerializer, responses={201: JointInspectionSerializer})
    def create(self, request: Request) -> Response:
        return self.create_row(request, joint_inspection_create, JointInspectionCreateSerializer)

    @extend_schema(request=FindingCreateSerializer, responses={201: FindingSerializer})
    @action(detail=True, methods=["post"])
    def findings(self, request: Request, pk: Any = None) -> Response:
        inspection = self.get_object()
        data = request_data(request, FindingCreateSerializer)
        finding = joint_finding_add(actor=signed_in_user(request), inspection=inspection, **data)
        return Response(FindingSerializer(finding).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=TextSerializer, responses=JointInspectionSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: Any = None) -> Response:
        inspection = self.get_object()
        summary = request_data(request, TextSerializer)["summary"]
        joint_inspection_complete(actor=signed_in_user(request), inspection=inspection, summary=summary)
        return Response(self.fresh(inspection))

    @extend_schema(request=TextSerializer, responses=JointInspectionSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: Any = None) -> Response:
        inspection = self.get_object()
        reason = request_data(request, TextSerializer)["reason"]
        joint_inspection_cancel(actor=signed_in_user(request), inspection=inspection, reason=reason)
        return Response(self.fresh(inspection))
