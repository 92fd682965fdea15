"""`GET /api/v1/supervision/inspections/`: the inspections a caller may see, for departments' systems.

A department API key needs the scope `inspections:read` and reads every inspection (the whole registry, as
with the other feeds); a key enterprise's key reads its own; signed-in staff read what `visible_to` allows
(an inspection a department joined included). Keyset pagination over (updated_at, id) as the credit feeds:
follow `next`; the last page's `sync_cursor` returns exactly what changed since; or `updated_since`.
"""

from __future__ import annotations

import django_filters
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets

from credit.api.pagination import SyncCursorPagination
from credit.filtersets import CreditCodeFilter
from safety_platform.api.fields import EnterpriseRowSerializer
from safety_platform.api.views import ScopedViewSetMixin
from safety_platform.choices import ApiScope
from safety_platform.filters import SinceFilter

from ..choices import InspectionReason
from ..models import Inspection, InspectionAnswer


class InspectionAnswerSerializer(serializers.ModelSerializer):
    item = serializers.CharField(source="item.text", read_only=True)
    category = serializers.CharField(source="item.category", read_only=True)
    hazard_code = serializers.CharField(source="hazard.code", read_only=True, default=None, allow_null=True)

    class Meta:
        model = InspectionAnswer
        fields = ["item", "category", "result", "note", "hazard_code"]
        read_only_fields = fields


class InspectionSerializer(EnterpriseRowSerializer):
    inspector = serializers.SerializerMethodField()
    departments = serializers.SerializerMethodField()
    checklist = serializers.CharField(source="checklist.name", read_only=True, default=None, allow_null=True)
    answers = InspectionAnswerSerializer(many=True, read_only=True)

    class Meta:
        model = Inspection
        fields = [
            "id",
            "credit_code",
            "enterprise_name",
            "inspected_on",
            "reason",
            "reason_note",
            "inspector",
            "departments",
            "checklist",
            "note",
            "latitude",
            "longitude",
            "answers",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_inspector(self, obj: Inspection) -> str | None:
        person = obj.inspector or obj.created_by
        return (person.full_name or person.username) if person is not None else None

    def get_departments(self, obj: Inspection) -> list[str]:
        """Codes of the departments that joined (a joint inspection lists several)."""
        return [d.code for d in obj.departments.all()]


class InspectionFeedFilterSet(django_filters.FilterSet):
    credit_code = CreditCodeFilter()
    reason = django_filters.ChoiceFilter(choices=InspectionReason.choices, label=_("Reason"))
    inspected_from = django_filters.DateFilter(field_name="inspected_on", lookup_expr="gte", label=_("From"))
    inspected_to = django_filters.DateFilter(field_name="inspected_on", lookup_expr="lte", label=_("To"))
    updated_since = SinceFilter(help_text="ISO 8601 date-time: inspections recorded or changed at or after it.")

    class Meta:
        model = Inspection
        fields = ["credit_code", "reason", "inspected_from", "inspected_to", "updated_since"]


@extend_schema_view(
    list=extend_schema(
        summary="Inspections (检查记录), incrementally",
        description="Inspections with their checklist answers, oldest change first. A department API key needs "
        "`inspections:read`. Follow `next`; keep the last page's `sync_cursor` for the next pull.",
    ),
)
class InspectionFeedViewSet(ScopedViewSetMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    queryset = Inspection.objects.select_related("enterprise", "inspector", "created_by", "checklist")
    serializer_class = InspectionSerializer
    pagination_class = SyncCursorPagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = InspectionFeedFilterSet
    api_key_read_scope = ApiScope.INSPECTIONS_READ
    api_key_scopes = {"list": ApiScope.INSPECTIONS_READ}

    def get_queryset(self) -> QuerySet[Inspection]:
        answers = InspectionAnswer.objects.select_related("item", "hazard").order_by("item__order", "item_id")
        return (
            super()
            .get_queryset()
            .prefetch_related("departments", Prefetch("answers", queryset=answers))
            .order_by("updated_at", "pk")
        )
