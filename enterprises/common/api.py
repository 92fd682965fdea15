"""Shared bits of the topic APIs (responsibility, admission, standardization, training)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rest_framework.exceptions import PermissionDenied

from safety_platform.services import DomainError


def call_service(call: Callable[[], Any]) -> Any:
    """Run a service; a refusal ("forbidden") is a 403, other rule violations keep their 409/400."""
    try:
        return call()
    except DomainError as exc:
        if exc.code == "forbidden":
            raise PermissionDenied(exc.message) from exc
        raise
