"""One JSON error shape for the whole API: {"detail": "...", "code": "...", "errors": {"field": ["..."]}}.

A refused rule (`DomainError`) is answered here and only here: views and serializers let it propagate.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from ..concurrency import StaleEdit
from ..refusals import api_body, status_for
from ..services import DomainError


def _flatten(errors: Any) -> dict[str, list[str]]:
    if isinstance(errors, dict):
        out: dict[str, list[str]] = {}
        for field, value in errors.items():
            if isinstance(value, dict):
                for sub, msgs in _flatten(value).items():
                    out[f"{field}.{sub}"] = msgs
            elif isinstance(value, list) and value and isinstance(value[0], dict):
                for index, item in enumerate(value):
                    for sub, msgs in _flatten(item).items():
                        out[f"{field}[{index}].{sub}"] = msgs
            else:
                out[str(field)] = [str(m) for m in (value if isinstance(value, list) else [value])]
        return out
    if isinstance(errors, list):
        return {"non_field_errors": [str(m) for m in errors]}
    return {"non_field_errors": [str(errors)]}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, StaleEdit):  # If-Match named a version that is no longer current: nothing was saved
        return Response(exc.api_body(), status=status.HTTP_412_PRECONDITION_FAILED, headers={"ETag": exc.etag})
    if isinstance(exc, DomainError):  # the one mapping of refusals (safety_platform/refusals.py)
        return Response(api_body(exc), status=status_for(exc.code))
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            errors = dict(exc.message_dict)
            # A model-wide rule (clean(), a constraint) is reported like DRF's own non-field errors.
            if NON_FIELD_ERRORS in errors:
                errors["non_field_errors"] = errors.pop(NON_FIELD_ERRORS)
        else:
            errors = {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(errors)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(response.data)
        first_field, first_messages = next(iter(errors.items()), ("", [""]))
        prefix = "" if first_field == "non_field_errors" else f"{first_field}: "
        response.data = {"detail": f"{prefix}{first_messages[0]}", "code": "invalid", "errors": errors}
    elif isinstance(response.data, dict) and "detail" in response.data:
        detail = response.data["detail"]
        response.data = {"detail": str(detail), "code": getattr(detail, "code", "error")}
    return response
