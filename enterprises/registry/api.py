from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from safety_platform.api.views import ScopedEditViewSet
from safety_platform.choices import ApiScope
from safety_platform.permissions import can
from safety_platform.security import signed_in_user

from .filtersets import EnterpriseFilterSet
from .models import Enterprise
from .serializers import EnterpriseSerializer, EnterpriseStatusChangeSerializer, StatusChangeRequestSerializer
from .services import enterprise_change_status, enterprise_create, enterprise_update


class EnterpriseViewSet(ScopedEditViewSet):
    """The enterprise registry, scoped like the web UI. Department API keys need `enterprises:read`."""

    queryset = Enterprise.objects.select_related("jurisdiction", "industry", "supervising_department")
    serializer_class = EnterpriseSerializer
    filterset_class = EnterpriseFilterSet
    ordering_fields = ["name", "updated_at", "created_at", "employees"]
    ordering = ["name", "id"]
    search_fields: list[str] = []
    api_key_read_scope = ApiScope.ENTERPRISES_READ

    def _check_manage(self) -> None:
        if not can(self.request.user, "enterprises.manage"):
            raise PermissionDenied(_("Only staff may register or edit enterprises."))

    def perform_create(self, serializer: serializers.BaseSerializer[Any]) -> None:
        self._check_manage()
        serializer.instance = enterprise_create(
            actor=signed_in_user(self.request), data=dict(serializer.validated_data)
        )

    def perform_update(self, serializer: serializers.BaseSerializer[Any]) -> None:
        self._check_manage()
        serializer.instance = enterprise_update(
            actor=signed_in_user(self.request),
            enterprise=serializer.instance,  # type: ignore[arg-type]
            data=dict(serializer.validated_data),
            opened=self.opened(),
        )

    @extend_schema(responses=EnterpriseStatusChangeSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="status-history", pagination_class=None)
    def status_history(self, request: Request, pk: Any = None) -> Response:
        enterprise = self.get_object()
        changes = enterprise.status_changes.select_related("changed_by")
        return Response(EnterpriseStatusChangeSerializer(changes, many=True).data)

    @extend_schema(request=StatusChangeRequestSerializer, responses=EnterpriseSerializer)
    @action(detail=True, methods=["post"], url_path="change-status")
    def change_status(self, request: Request, pk: Any = None) -> Response:
        enterprise = self.get_object()
        payload = StatusChangeRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        updated = enterprise_change_status(
            actor=signed_in_user(request),
            enterprise=enterprise,
            status=payload.validated_data["status"],
            reason=payload.validated_data["reason"],
        )
        return Response(EnterpriseSerializer(updated, context=self.get_serializer_context()).data)
