"""`GET /api/v1/supervision/documents/` and `/cases/`: enforcement documents and penalty cases, read-only.

A department API key needs the scope `enforcement:read` (and reads the whole registry's, as with the other
feeds); signed-in users read what `visible_to` allows. Newest first, paginated.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers

from safety_platform.api.fields import EnterpriseRowSerializer
from safety_platform.api.views import ScopedReadOnlyViewSet
from safety_platform.choices import ApiScope

from ..models.enforcement import EnforcementDocument, PenaltyCase


class EnforcementDocumentSerializer(EnterpriseRowSerializer):
    authority = serializers.CharField(source="authority.name", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    hazard_codes: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        source="hazards", many=True, read_only=True, slug_field="code"
    )

    class Meta:
        model = EnforcementDocument
        fields = [
            "id",
            "number",
            "kind",
            "kind_label",
            "year",
            "serial",
            "authority",
            "credit_code",
            "enterprise_name",
            "inspection",
            "case",
            "issued_on",
            "findings",
            "legal_basis",
            "order_items",
            "rectify_by",
            "conclusion",
            "hazard_codes",
            "created_at",
            "voided_at",
            "void_reason",
            "replaces",
        ]
        read_only_fields = fields


class PenaltyCaseSerializer(EnterpriseRowSerializer):
    authority = serializers.CharField(source="authority.name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    rule_set_version = serializers.CharField(source="rule_set.version", read_only=True)

    class Meta:
        model = PenaltyCase
        fields = [
            "id",
            "title",
            "violation",
            "status",
            "status_label",
            "authority",
            "credit_code",
            "enterprise_name",
            "filed_on",
            "decide_by",
            "extension_days",
            "notified_on",
            "hearing_request_by",
            "hearing_requested_on",
            "hearing_held_on",
            "decided_on",
            "fine_amount",
            "suspension_days",
            "licence_revocation_proposed",
            "legal_basis",
            "executed_on",
            "fine_paid_on",
            "closed_on",
            "rule_set_version",
            "updated_at",
        ]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(
        summary="Enforcement documents",
        description="The regulator's numbered documents (现场检查记录, 责令限期整改指令书, 整改复查意见书 and the "
        "penalty case's documents), newest first. A department API key needs `enforcement:read`. Filters `kind`, "
        "`year`.",
    ),
    retrieve=extend_schema(summary="One enforcement document"),
)
class EnforcementDocumentViewSet(ScopedReadOnlyViewSet):
    queryset = (
        EnforcementDocument.objects.select_related("enterprise", "authority")
        .prefetch_related("hazards")
        .order_by("-issued_on", "-id")
    )
    serializer_class = EnforcementDocumentSerializer
    filterset_fields = ["kind", "year"]
    api_key_read_scope = ApiScope.ENFORCEMENT_READ


@extend_schema_view(
    list=extend_schema(
        summary="Administrative penalty cases",
        description="Penalty cases with their status, clocks and decision, newest first. A department API key "
        "needs `enforcement:read`. Filter `status`.",
    ),
    retrieve=extend_schema(summary="One administrative penalty case"),
)
class PenaltyCaseViewSet(ScopedReadOnlyViewSet):
    queryset = PenaltyCase.objects.select_related("enterprise", "authority", "rule_set").order_by("-filed_on", "-id")
    serializer_class = PenaltyCaseSerializer
    filterset_fields = ["status", "violation"]
    api_key_read_scope = ApiScope.ENFORCEMENT_READ
