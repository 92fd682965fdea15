"""`/api/v1/credit/measures/`: the joint rewards and punishments measures departments applied (seed §5.3).

`POST` records a measure for the caller's department: a department's staff (session or token) or a
department API key with the scope `measures:write`. The enterprise is named by its unified social credit
code. `GET` lists the measures the caller may see (`JointMeasure.objects.visible_to`): a key its department's
(scope `measures:read`), the committee all of them.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from enterprises.models import Enterprise
from enterprises.registry.validators import normalize_credit_code, validate_credit_code
from safety_platform.api.fields import EnterpriseRowSerializer
from safety_platform.api.views import ScopedViewSetMixin
from safety_platform.choices import ApiScope
from safety_platform.refusals import refusal_fields

from ..choices import JointMeasureBasis, JointMeasureChannel, JointMeasureKind
from ..models import JointMeasure
from ..services import joint as joint_services


class JointMeasureSerializer(EnterpriseRowSerializer):
    department_code = serializers.CharField(source="department.code", read_only=True)
    department_name = serializers.CharField(source="department.name", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = JointMeasure
        fields = [
            "id",
            "credit_code",
            "enterprise_name",
            "department_code",
            "department_name",
            "category",
            "kind",
            "kind_label",
            "basis",
            "blacklist_entry",
            "basis_grade",
            "basis_graded_on",
            "applied_on",
            "until",
            "note",
            "channel",
            "status",
            "revoked_at",
            "revoke_reason",
            "created_at",
        ]
        read_only_fields = fields


class JointMeasureCreateSerializer(serializers.Serializer):
    credit_code = serializers.CharField(
        max_length=30, help_text="The enterprise's 18-character unified social credit code (GB 32100-2015)."
    )
    kind = serializers.ChoiceField(choices=JointMeasureKind.choices, help_text="The measure applied.")
    applied_on = serializers.DateField(help_text="The day the measure was applied; not in the future.")
    until = serializers.DateField(required=False, allow_null=True, help_text="Optional end of the measure.")
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    basis = serializers.ChoiceField(
        choices=JointMeasureBasis.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="What the measure responds to: `blacklist` (the published entry) or `grade`; by default the "
        "blacklist entry when the enterprise is listed, else its grade.",
    )

    def validate_credit_code(self, value: str) -> str:
        code = normalize_credit_code(value)
        validate_credit_code(code)
        return code

    def validate_applied_on(self, value: Any) -> Any:
        if value > timezone.localdate():
            raise serializers.ValidationError(_("The day the measure was applied cannot be in the future."))
        return value


@extend_schema_view(
    list=extend_schema(
        summary="Joint measures applied (a department's own; the committee all)",
        description="Measures departments recorded, newest first. A department API key needs `measures:read` "
        "and sees its department's measures.",
    ),
    create=extend_schema(
        summary="Record a joint punishment or incentive measure",
        description=(
            "For a department's staff or a department API key with `measures:write`; the measure is recorded "
            "for the caller's department. A punishment needs the enterprise on the published blacklist or at "
            "grade 3, an incentive needs grade 1 and no listing; otherwise 400 with `errors.credit_code` "
            "(the enterprise is not listed). Unknown `credit_code`, unknown `kind` and a future `applied_on` "
            "are 400 naming the field. The same measure already in force for the enterprise is 409 "
            "`measure_already_recorded`."
        ),
        request=JointMeasureCreateSerializer,
        responses={201: JointMeasureSerializer},
    ),
)
class JointMeasureViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    queryset = JointMeasure.objects.select_related("enterprise", "department")
    serializer_class = JointMeasureSerializer
    filterset_fields = ["kind", "category", "status"]
    ordering = ["-applied_on", "-id"]
    api_key_scopes = {"list": ApiScope.MEASURES_READ, "create": ApiScope.MEASURES_WRITE}

    def get_queryset(self) -> QuerySet[JointMeasure]:
        return super().get_queryset().order_by("-applied_on", "-id")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = JointMeasureCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        enterprise = Enterprise.objects.filter(credit_code=data["credit_code"]).first()
        if enterprise is None:
            raise exceptions.ValidationError({"credit_code": [_("No enterprise has this unified social credit code.")]})
        with refusal_fields({"enterprise": "credit_code"}):  # "not listed": the body names it by its code
            measure = joint_services.joint_measure_record(
                actor=request.user,
                enterprise=enterprise,
                kind=data["kind"],
                applied_on=data["applied_on"],
                until=data.get("until"),
                note=data.get("note") or "",
                basis=data.get("basis") or "",
                channel=JointMeasureChannel.API,
            )
        measure = JointMeasure.objects.select_related("enterprise", "department").get(pk=measure.pk)
        return Response(JointMeasureSerializer(measure).data, status=status.HTTP_201_CREATED)
