"""Shared bits of the topic APIs (responsibility, admission, standardization, training)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from safety_platform.security import signed_in_user


def enterprise_for_write(data: dict[str, Any], user: Any) -> Any:
    """The enterprise a new row belongs to: the one named in `data` (taken out), else the enterprise user's own;
    none at all is the 400 a missing required field gets."""
    enterprise = data.pop("enterprise", None) or getattr(user, "enterprise", None)
    if enterprise is None:
        raise serializers.ValidationError({"enterprise": [_("This field is required.")]})
    return enterprise


def request_data(request: Request, serializer_class: Any) -> dict[str, Any]:
    """The request body as `serializer_class` validates it (the request in its context); invalid input answers
    400 with the field errors."""
    payload = serializer_class(data=request.data, context={"request": request})
    payload.is_valid(raise_exception=True)
    return dict(payload.validated_data)


class RowActionsMixin:
    """Actions on one row: check the body, call the service with the row, answer the row as it now reads."""

    row_argument: str  # the services' keyword for the row: "proposal", "certificate", ...
    serializer_class: Any

    def fresh(self, row: Any) -> dict[str, Any]:
        return dict(self.serializer_class(self.get_queryset().get(pk=row.pk)).data)  # type: ignore[attr-defined]

    def create_row(self, request: Request, service: Any, payload_class: Any) -> Response:
        """A new row from the body as `payload_class` checks it, made by `service`; answered 201 as it reads."""
        row = service(actor=signed_in_user(request), **request_data(request, payload_class))
        return Response(self.fresh(row), status=status.HTTP_201_CREATED)

    def act(self, request: Request, service: Any, payload_class: Any = None) -> Response:
        row = self.get_object()  # type: ignore[attr-defined]
        data = request_data(request, payload_class) if payload_class is not None else {}
        service(actor=signed_in_user(request), **{self.row_argument: row}, **data)
        return Response(self.fresh(row))
