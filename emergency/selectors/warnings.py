"""Reads of warnings: lists with acknowledgement figures, who has not acknowledged (all in SQL)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from safety_platform.scoping import enterprise_scope_q

from ..models import EmergencyWarning, WarningRecipient
from ..models.warnings import EmergencyWarningQuerySet


def _recipient_count(user: Any, *, unacknowledged: bool) -> Coalesce:
    recipients = WarningRecipient.objects.filter(warning=OuterRef("pk"))
    q = enterprise_scope_q(user, "enterprise")
    if q is not None:
        recipients = recipients.filter(q)
    if unacknowledged:
        recipients = recipients.filter(acknowledged_at__isnull=True)
    counted = recipients.order_by().values("warning").annotate(n=Count("id")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def warnings_visible_to(user: Any) -> EmergencyWarningQuerySet:
    """Warnings with `recipient_count` and `pending_count` counted over the enterprises the user may see."""
    return (
        EmergencyWarning.objects.visible_to(user)
        .select_related("issued_by")
        .prefetch_related("jurisdictions", "industries")
        .annotate(
            recipient_count=_recipient_count(user, unacknowledged=False),
            pending_count=_recipient_count(user, unacknowledged=True),
        )
    )


def warning_recipients(user: Any, warning: EmergencyWarning) -> QuerySet[WarningRecipient]:
    return (
        WarningRecipient.objects.visible_to(user)
        .filter(warning=warning)
        .select_related("enterprise__jurisdiction", "acknowledged_by")
        .order_by("acknowledged_at", "enterprise__name", "id")
    )


def warning_unacknowledged(user: Any, warning: EmergencyWarning) -> QuerySet[WarningRecipient]:
    """Who has not acknowledged yet — the list staff follow up by phone."""
    return warning_recipients(user, warning).unacknowledged()  # type: ignore[attr-defined]


def warning_ack_stats(user: Any, warning: EmergencyWarning) -> dict[str, int]:
    return (
        WarningRecipient.objects.visible_to(user)
        .filter(warning=warning)
        .aggregate(total=Count("id"), acknowledged=Count("id", filter=Q(acknowledged_at__isnull=False)))
    )


def warnings_pending_for_enterprise(enterprise_id: int) -> QuerySet[WarningRecipient]:
    return (
        WarningRecipient.objects.filter(enterprise_id=enterprise_id, acknowledged_at__isnull=True)
        .filter(warning__status="issued")
        .select_related("warning")
        .order_by("-warning__issued_at")
    )
