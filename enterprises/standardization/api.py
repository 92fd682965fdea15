"""API of standardization certificates, the share certified, and demonstration enterprises."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from safety_platform.api.fields import EnterpriseRowSerializer, VisibleRelatedField
from safety_platform.api.filtering import day_param
from safety_platform.api.views import ScopedReadOnlyViewSet
from safety_platform.choices import ApiScope
from safety_platform.models import Department, Industry, User
from safety_platform.security import signed_in_user

from ..common.api import RowActionsMixin, request_data
from ..registry.models import Enterprise
from .filtersets import CertificateFilterSet, DemonstrationFilterSet
from .models import (
    CertificateEvent,
    Demonstration,
    DemonstrationMeasure,
    IssuingLevel,
    MeasureKind,
    StandardizationCertificate,
    StandardizationLevel,
)
from .selectors import standardization_coverage, with_measure_totals
from .services import (
    PEOPLE_MAX,
    demonstration_add_measure,
    demonstration_designate,
    demonstration_revoke,
    stdcert_apply_rereview,
    stdcert_record,
    stdcert_revoke,
    stdcert_verify,
)


class CertificateEventSerializer(serializers.ModelSerializer):
    actor: serializers.StringRelatedField[User] = serializers.StringRelatedField(allow_null=True)

    class Meta:
        model = CertificateEvent
        fields = ["from_status", "to_status", "note", "actor", "at"]


class StandardizationCertificateSerializer(EnterpriseRowSerializer):
    industry: serializers.SlugRelatedField[Industry] = serializers.SlugRelatedField(slug_field="code", read_only=True)
    events = CertificateEventSerializer(many=True, read_only=True)
    has_scan = serializers.SerializerMethodField()

    class Meta:
        model = StandardizationCertificate
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "credit_code",
            "level",
            "industry",
            "certificate_number",
            "issuing_level",
            "issuing_authority",
            "issued_on",
            "expires_on",
            "status",
            "status_reason",
            "rereview_applied_on",
            "revoked_on",
            "has_scan",
            "events",
            "updated_at",
        ]

    def get_has_scan(self, obj: StandardizationCertificate) -> bool:
        return bool(obj.scan)


class CertificateCreateSerializer(serializers.Serializer):
    enterprise = VisibleRelatedField(Enterprise)
    level = serializers.ChoiceField(choices=StandardizationLevel.choices)
    industry = serializers.SlugRelatedField(slug_field="code", queryset=Industry.objects.all())
    certificate_number = serializers.CharField(max_length=60)
    issued_on = serializers.DateField()
    expires_on = serializers.DateField(required=False, allow_null=True)
    issuing_level = serializers.ChoiceField(choices=IssuingLevel.choices, required=False, allow_blank=True, default="")
    issuing_authority = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    scan = serializers.FileField(required=False, allow_null=True)

    def validate_level(self, value: Any) -> int:
        return int(value)

    def validate_certificate_number(self, value: str) -> str:
        if StandardizationCertificate.objects.filter(certificate_number=value.strip()).exists():
            raise serializers.ValidationError(_("A certificate with this number is already recorded."))
        return value.strip()


class VerifySerializer(serializers.Serializer):
    accept = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)


class RevokeSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)
    revoked_on = serializers.DateField(required=False, allow_null=True)


class RereviewSerializer(serializers.Serializer):
    applied_on = serializers.DateField(required=False, allow_null=True)


class StandardizationCertificateViewSet(RowActionsMixin, ScopedReadOnlyViewSet):
    """Standardization certificates (一/二/三级). Department keys with `enterprises:read` may read them."""

    queryset = StandardizationCertificate.objects.select_related("enterprise", "industry").prefetch_related(
        "events__actor"
    )
    serializer_class = StandardizationCertificateSerializer
    filterset_class = CertificateFilterSet
    ordering = ["expires_on", "id"]
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    api_key_read_scope = ApiScope.ENTERPRISES_READ
    row_argument = "certificate"

    @extend_schema(request=CertificateCreateSerializer, responses={201: StandardizationCertificateSerializer})
    def create(self, request: Request) -> Response:
        return self.create_row(request, stdcert_record, CertificateCreateSerializer)

    @extend_schema(request=VerifySerializer, responses=StandardizationCertificateSerializer)
    @action(detail=True, methods=["post"])
    def verify(self, request: Request, pk: Any = None) -> Response:
        return self.act(request, stdcert_verify, VerifySerializer)

    @extend_schema(request=RevokeSerializer, responses=StandardizationCertificateSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, pk: Any = None) -> Response:
        return self.act(request, stdcert_revoke, RevokeSerializer)

    @extend_schema(request=RereviewSerializer, responses=StandardizationCertificateSerializer)
    @action(detail=True, methods=["post"])
    def rereview(self, request: Request, pk: Any = None) -> Response:
        return self.act(request, stdcert_apply_rereview, RereviewSerializer)


class CoverageCellSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    certified = serializers.IntegerField()
    share = serializers.FloatField(allow_null=True)


class CoverageCountySerializer(CoverageCellSerializer):
    county_id = serializers.IntegerField()
    county = serializers.CharField()
    code = serializers.CharField(allow_null=True)


class CoverageRowSerializer(CoverageCellSerializer):
    code = serializers.CharField()
    name = serializers.CharField()
    by_county = serializers.DictField(child=CoverageCellSerializer(), help_text="Per county name.")


class CoverageSerializer(CoverageCellSerializer):
    """The body of the coverage endpoint (documents the schema; the view builds the dict)."""

    on = serializers.DateField()
    by_county = CoverageCountySerializer(many=True)
    by_industry = CoverageRowSerializer(many=True)


class StandardizationCoverageView(APIView):
    """Share of operating enterprises in the caller's scope holding a valid certificate, per county and industry."""

    api_key_read_scope = ApiScope.ENTERPRISES_READ

    @extend_schema(
        parameters=[OpenApiParameter("on", str, description="Date (YYYY-MM-DD); today by default")],
        responses=CoverageSerializer,
    )
    def get(self, request: Request) -> Response:
        on = day_param(request)
        data = standardization_coverage(request.user, on=on)
        return Response(
            {
                "on": on,
                "total": data["total"],
                "certified": data["certified"],
                "share": data["share"],
                "by_county": [
                    {
                        "county_id": row["county"].pk,
                        "county": row["county"].name,
                        "code": row["county"].code,
                        "total": row["total"],
                        "certified": row["certified"],
                        "share": row["share"],
                    }
                    for row in data["by_county"]
                ],
                "by_industry": [
                    {
                        "code": row["code"],
                        "name": row["name"],
                        "total": row["total"],
                        "certified": row["certified"],
                        "share": row["share"],
                        "by_county": {
                            county.name: cell for county, cell in zip(data["counties"], row["cells"], strict=True)
                        },
                    }
                    for row in data["by_industry"]
                ],
            }
        )


# Demonstration enterprises -----------------------------------------------------------------------


class MeasureSerializer(serializers.ModelSerializer):
    class Meta:
        model = DemonstrationMeasure
        fields = ["kind", "description", "post", "people_moved", "completed_on"]


class DemonstrationSerializer(EnterpriseRowSerializer):
    measures = MeasureSerializer(many=True, read_only=True)
    people_moved = serializers.IntegerField(read_only=True)

    class Meta:
        model = Demonstration
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "designated_on",
            "batch",
            "designating_department",
            "summary",
            "status",
            "revoked_on",
            "people_moved",
            "measures",
        ]


class MeasureWriteSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=MeasureKind.choices)
    description = serializers.CharField(max_length=300)
    post = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)
    people_moved = serializers.IntegerField(min_value=0, max_value=PEOPLE_MAX, default=0)
    completed_on = serializers.DateField(required=False, allow_null=True)


class DemonstrationRevokeSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class DemonstrationCreateSerializer(serializers.Serializer):
    enterprise = VisibleRelatedField(Enterprise)
    designated_on = serializers.DateField()
    batch = serializers.CharField(required=False, allow_blank=True, default="", max_length=60)
    department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.filter(is_active=True), required=False, allow_null=True
    )
    summary = serializers.CharField()
    measures = MeasureWriteSerializer(many=True, required=False, default=list)


class DemonstrationViewSet(RowActionsMixin, ScopedReadOnlyViewSet):
    """Demonstration enterprises for "机械化换人、自动化减人" and the people moved out of dangerous posts."""

    queryset = Demonstration.objects.select_related("enterprise").prefetch_related("measures")
    serializer_class = DemonstrationSerializer
    filterset_class = DemonstrationFilterSet
    ordering = ["-designated_on", "-id"]
    api_key_read_scope = ApiScope.ENTERPRISES_READ
    row_argument = "demonstration"

    def get_queryset(self) -> Any:
        return with_measure_totals(super().get_queryset())

    @extend_schema(request=DemonstrationCreateSerializer, responses={201: DemonstrationSerializer})
    def create(self, request: Request) -> Response:
        data = request_data(request, DemonstrationCreateSerializer)
        data["measures"] = [dict(m) for m in data.get("measures", [])]
        demo = demonstration_designate(actor=signed_in_user(request), **data)
        return Response(self.fresh(demo), status=status.HTTP_201_CREATED)

    @extend_schema(request=MeasureWriteSerializer, responses=DemonstrationSerializer)
    @action(detail=True, methods=["post"])
    def measures(self, request: Request, pk: Any = None) -> Response:
        demo = self.get_object()
        measure = request_data(request, MeasureWriteSerializer)
        demonstration_add_measure(actor=signed_in_user(request), demonstration=demo, measure=measure)
        return Response(self.fresh(demo))

    @extend_schema(request=DemonstrationRevokeSerializer, responses=DemonstrationSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, pk: Any = None) -> Response:
        return self.act(request, demonstration_revoke, DemonstrationRevokeSerializer)
