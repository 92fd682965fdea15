"""Shared bits of the topic APIs (responsibility, admission, standardization, training)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..registry.models import Enterprise


@extend_schema_field(OpenApiTypes.INT)
class VisibleEnterpriseField(serializers.PrimaryKeyRelatedField):
    """An enterprise id the caller can see; others are reported exactly like unknown ids."""

    def get_queryset(self) -> Any:
        return Enterprise.objects.visible_to(self.context["request"].user)
