"""Shared bits of the topic APIs (responsibility, admission, standardization, training)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied

from safety_platform.services import DomainError

from ..registry.models import Enterprise


def call_service(call: Callable[[], Any]) -> Any:
    """Run a service; a refusal ("forbidden") is a 403, other rule violations keep their 409/400."""
    try:
        return call()
    except DomainError as exc:
        if exc.code == "forbidden":
            raise PermissionDenied(exc.message) from exc
        raise


@extend_schema_field(OpenApiTypes.INT)
class VisibleEnterpriseField(serializers.PrimaryKeyRelatedField):
    """An enterprise id the caller can see; others are reported exactly like unknown ids."""

    def get_queryset(self) -> Any:
        return Enterprise.objects.visible_to(self.context["request"].user)
