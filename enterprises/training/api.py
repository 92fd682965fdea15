"""API of training: employees, post changes, training records, special-operation certificates, compliance.

Enterprises keep these records through the portal or their own systems (enterprise users and
administrators write); staff read within their scope. Personal data: API keys get no access.
"""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, PolymorphicProxySerializer, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from safety_platform.api.fields import VisibleRelatedField
from safety_platform.api.filtering import day_param
from safety_platform.api.views import ScopedEditViewSet, ScopedViewSetMixin
from safety_platform.security import signed_in_user

from ..common.api import enterprise_for_write, request_data
from ..registry.models import Enterprise
from .filtersets import EmployeeFilterSet, SpecialCertificateFilterSet, TrainingRecordFilterSet
from .models import Employee, EmployeePostEvent, SpecialOperation, SpecialOperationCertificate, TrainingRecord
from .selectors import PersonCompliance, enterprises_with_compliance, person_compliance, summary_of, training_compliance
from .services import (
    POST_CHANGE_ACTIONS,
    employee_create,
    employee_post_change,
    employee_update,
    special_certificate_save,
    training_record_add,
    training_record_delete,
)


class PostEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = EmployeePostEvent
        fields = ["kind", "on", "post", "post_is_high_risk", "repeat_required", "note"]


class EmployeeSerializer(serializers.ModelSerializer):
    enterprise = VisibleRelatedField(Enterprise, required=False)

    class Meta:
        model = Employee
        fields = [
            "id",
            "enterprise",
            "name",
            "employee_number",
            "role",
            "post",
            "post_is_high_risk",
            "special_operation",
            "posted_on",
            "current_post_since",
            "status",
            "away_since",
            "repeat_due_on",
            "updated_at",
        ]
        read_only_fields = ["current_post_since", "status", "away_since", "repeat_due_on", "updated_at"]


class PostChangeSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=POST_CHANGE_ACTIONS)
    on = serializers.DateField()
    post = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)
    post_is_high_risk = serializers.BooleanField(required=False, allow_null=True, default=None)
    special_operation = serializers.ChoiceField(
        choices=SpecialOperation.choices, required=False, allow_blank=True, allow_null=True, default=None
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)


class ReasonSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


class PersonComplianceSerializer(serializers.Serializer):
    employee = serializers.IntegerField(source="employee.pk")
    name = serializers.CharField(source="employee.name")
    post = serializers.CharField(source="employee.post")
    role = serializers.CharField(source="employee.role")
    compliant = serializers.BooleanField()
    reasons = ReasonSerializer(many=True)


class EmployeeViewSet(ScopedEditViewSet):
    """People working in an enterprise, with their post and whether it is dangerous."""

    queryset = Employee.objects.select_related("enterprise")
    serializer_class = EmployeeSerializer
    filterset_class = EmployeeFilterSet
    ordering = ["enterprise_id", "name", "id"]

    def perform_create(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        user = self.request.user
        serializer.instance = employee_create(actor=user, enterprise=enterprise_for_write(data, user), **data)

    def perform_update(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        data.pop("enterprise", None)
        serializer.instance = employee_update(
            actor=self.request.user, employee=serializer.instance, data=data, opened=self.opened()
        )

    @extend_schema(request=PostChangeSerializer, responses=EmployeeSerializer)
    @action(detail=True, methods=["post"], url_path="post-change")
    def post_change(self, request: Request, pk: Any = None) -> Response:
        """Move to another post, leave the post for a while, return, or leave the enterprise."""
        employee = self.get_object()
        data = request_data(request, PostChangeSerializer)
        updated = employee_post_change(actor=signed_in_user(request), employee=employee, **data)
        return Response(EmployeeSerializer(updated, context=self.get_serializer_context()).data)

    @extend_schema(responses=PostEventSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="post-events", pagination_class=None)
    def post_events(self, request: Request, pk: Any = None) -> Response:
        employee = self.get_object()
        return Response(PostEventSerializer(employee.post_events.all(), many=True).data)

    @extend_schema(
        parameters=[OpenApiParameter("on", str, description="Date (YYYY-MM-DD); today by default")],
        responses=PersonComplianceSerializer,
    )
    @action(detail=True, methods=["get"])
    def compliance(self, request: Request, pk: Any = None) -> Response:
        employee = self.get_object()
        on = day_param(request)
        result: PersonCompliance = person_compliance(employee, on=on)
        return Response(PersonComplianceSerializer(result).data)


class TrainingRecordSerializer(serializers.ModelSerializer):
    employee = VisibleRelatedField(Employee)

    class Meta:
        model = TrainingRecord
        fields = ["id", "employee", "category", "hours", "completed_on", "passed", "provider", "content", "created_at"]
        read_only_fields = ["created_at"]


class TrainingRecordViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Training records: three-level education (company, workshop, team), refreshers, management training."""

    queryset = TrainingRecord.objects.select_related("employee")
    serializer_class = TrainingRecordSerializer
    filterset_class = TrainingRecordFilterSet
    ordering = ["-completed_on", "-id"]

    def perform_create(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        serializer.instance = training_record_add(actor=signed_in_user(self.request), **data)

    def perform_destroy(self, instance: TrainingRecord) -> None:
        training_record_delete(actor=signed_in_user(self.request), record=instance)


class SpecialCertificateSerializer(serializers.ModelSerializer):
    employee = VisibleRelatedField(Employee)
    expires_on = serializers.DateField(required=False)

    class Meta:
        model = SpecialOperationCertificate
        fields = [
            "id",
            "employee",
            "operation",
            "certificate_number",
            "issuing_authority",
            "issued_on",
            "expires_on",
            "updated_at",
        ]
        read_only_fields = ["updated_at"]


class SpecialCertificateViewSet(ScopedEditViewSet):
    """Special-operation certificates (特种作业操作证) with their expiry; `expiring=true` lists those due."""

    queryset = SpecialOperationCertificate.objects.select_related("employee")
    serializer_class = SpecialCertificateSerializer
    filterset_class = SpecialCertificateFilterSet
    ordering = ["expires_on", "id"]

    def perform_create(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        serializer.instance = special_certificate_save(actor=self.request.user, **data)

    def perform_update(self, serializer: Any) -> None:
        data = {**dict(serializer.validated_data)}
        cert = serializer.instance
        opened = self.opened()
        employee = data.pop("employee", cert.employee)
        values = {
            "operation": data.get("operation", cert.operation),
            "certificate_number": data.get("certificate_number", cert.certificate_number),
            "issued_on": data.get("issued_on", cert.issued_on),
            "expires_on": data.get("expires_on", cert.expires_on),
            "issuing_authority": data.get("issuing_authority", cert.issuing_authority),
        }
        serializer.instance = special_certificate_save(
            actor=self.request.user, employee=employee, certificate=cert, opened=opened, **values
        )


class EnterpriseComplianceSerializer(serializers.Serializer):
    enterprise = serializers.IntegerField(source="enterprise.pk")
    enterprise_name = serializers.CharField(source="enterprise.name")
    on = serializers.DateField()
    high_risk = serializers.BooleanField()
    people = serializers.IntegerField(source="people_count")
    noncompliant_people = serializers.IntegerField(source="noncompliant_count")


class EnterpriseComplianceDetailSerializer(EnterpriseComplianceSerializer):
    noncompliant = PersonComplianceSerializer(many=True)


class TrainingComplianceView(APIView):
    """Train-before-posting compliance: per enterprise in scope, or (with `enterprise`) every non-compliant
    person and why."""

    schema_errors = ("404",)  # an `enterprise` that does not exist or is outside the caller's scope

    @extend_schema(
        parameters=[
            OpenApiParameter("enterprise", int, description="One enterprise: list its non-compliant people"),
            OpenApiParameter("on", str, description="Date (YYYY-MM-DD); today by default"),
        ],
        # A list of enterprises, or one enterprise with its non-compliant people when `enterprise` is given.
        responses=PolymorphicProxySerializer(
            component_name="TrainingComplianceResponse",
            serializers=[EnterpriseComplianceSerializer(many=True), EnterpriseComplianceDetailSerializer],
            resource_type_field_name=None,
            many=False,
        ),
    )
    def get(self, request: Request) -> Response:
        on = day_param(request)
        visible = Enterprise.objects.visible_to(request.user)
        raw = request.query_params.get("enterprise")
        if raw is not None:
            if not raw.isdecimal():
                raise serializers.ValidationError({"enterprise": [_("An enterprise id is a whole number.")]})
            enterprise = get_object_or_404(visible, pk=int(raw))
            return Response(EnterpriseComplianceDetailSerializer(training_compliance(enterprise, on=on)).data)
        # Counted in SQL per enterprise: no person is loaded for the list.
        rows = enterprises_with_compliance(on=on, enterprises=visible).order_by("pk")
        summaries = [summary_of(enterprise, on) for enterprise in rows.iterator(chunk_size=500)]
        return Response(EnterpriseComplianceSerializer(summaries, many=True).data)
