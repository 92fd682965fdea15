"""Related-object inputs of the API take their querysets from `visible_to(request.user)`.

An id the caller cannot see is answered exactly like an id that does not exist (400, "does_not_exist"): a 403 for
one and a 400 for the other would tell an outsider which ids exist.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


@extend_schema_field(OpenApiTypes.INT)
class VisibleRelatedField(serializers.PrimaryKeyRelatedField):  # type: ignore[type-arg]
    """`VisibleRelatedField(Warehouse)`: the id of a warehouse the caller sees (`Warehouse.objects.visible_to`).

    `scope=lambda user: queryset` for a model without its own `visible_to` (e.g. rows reached through a parent).
    """

    def __init__(
        self, model: type[models.Model] | None = None, *, scope: Callable[[Any], Any] | None = None, **kwargs: Any
    ) -> None:
        if model is None and scope is None:
            raise TypeError("VisibleRelatedField needs a model with visible_to() or a scope")
        self.model = model
        self.scope = scope
        super().__init__(**kwargs)

    def get_queryset(self) -> Any:
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if self.scope is not None:
            return self.scope(user)
        assert self.model is not None
        return self.model._default_manager.visible_to(user)  # type: ignore[attr-defined]


# A row about one enterprise, which the answer names by its unified social credit code and its name (read only); a
# subclass lists `credit_code` and `enterprise_name` in its `Meta.fields` where they belong. No docstring: the schema
# would give it to every subclass without its own as the description.
class EnterpriseRowSerializer(serializers.ModelSerializer):
    credit_code = serializers.CharField(source="enterprise.credit_code", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
