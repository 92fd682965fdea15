"""Audit trail: who changed what and when, for every domain model (django-auditlog underneath).

Apps call `audit_register(Model)` in their `AppConfig.ready()`. The log table is append-only; on
PostgreSQL a trigger (migration 0002) refuses UPDATE and DELETE on it, so not even a bug or a
console session can rewrite history.
"""

from __future__ import annotations

from typing import Any

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

# django-auditlog ships no Chinese catalog: its action names ("create", "update", ...) are
# translated in the platform's own catalog, which these marks keep in makemessages' reach.
ACTION_NAMES = (_("create"), _("update"), _("delete"), _("access"))

REGISTERED: list[type[models.Model]] = []


def audit_register(model: type[models.Model], **options: Any) -> None:
    """Track creates, updates and deletes of `model` in the audit trail."""
    if auditlog.contains(model):
        return
    auditlog.register(model, **options)
    REGISTERED.append(model)


def register_core_models() -> None:
    from .models import ApiKey, Department, DepartmentIndustry, Industry, Jurisdiction, User  # noqa: F401

    audit_register(Jurisdiction)
    audit_register(Department)
    audit_register(Industry)
    audit_register(
        User,
        exclude_fields=["password", "last_login"],
        m2m_fields={"jurisdictions"},
    )
    audit_register(ApiKey, exclude_fields=["hashed_secret", "last_used_at"])


def audit_entries_for(obj: models.Model) -> QuerySet[LogEntry]:
    """The audit history of one record, newest first, with the actor and content type (read by each
    update entry's `changes_display_dict`) loaded in the same query."""
    return LogEntry.objects.get_for_object(obj).select_related("actor", "content_type").order_by("-timestamp", "-id")


def set_request_actor(request: Any) -> None:
    """Attach the API-authenticated principal to audit entries written during this request.

    The middleware only knows session users; token and API-key requests are authenticated later by
    DRF, so API views call this after authentication.
    """
    from auditlog.context import auditlog_value

    from .models import User

    try:
        context = auditlog_value.get()
    except LookupError:
        return
    user = getattr(request, "user", None)
    if isinstance(user, User):
        context["actor"] = user
    elif (api_key := getattr(user, "api_key", None)) is not None:
        context["additional_data"] = {"api_key": api_key.prefix}
