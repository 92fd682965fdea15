"""Reads of warnings: lists with acknowledgement figures, who has not acknowledged (all in SQL)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce

from safety_platform.scoping import enterprise_scope_q

from ..models import EmergencyWarning, WarningRecipient
from ..models.warnings import EmergencyWarningQuerySet
from .common import subtotal


def _recipient_count(user: Any, *, unacknowledged: bool) -> Coalesce:
    recipients = WarningRecipient.objects.filter(warning=OuterRef("pk"))
    q = enterprise_scope_q(user, "enterprise")
    if q is not None:
        recipients = recipients.filter(q)
    if unacknowledged:
        recipients = recipients.filter(acknowledged_at__isnull=True)
    return subtotal(recipients, "warning", Count("id"))


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


# Delivery to people without an account (the warning page) ---------------------------------------------------

DELIVERY_ORDER = {"failed": 0, "pending": 1, "sending": 2, "sent": 3}


@dataclass
class Delivery:
    """What became of one person's SMS / e-mail of a warning: the latest message of each channel."""

    sms: Any = None  # OutboundMessage or None (nothing sent)
    email: Any = None
    reminders: int = 0


def _deliveries(keys: list[str]) -> dict[str, Delivery]:
    """Per event key ("warning:<w>:principal:<e>"), its messages and its reminders' — one query (prefix LIKEs on
    an index of the key)."""
    from safety_platform.models import OutboundMessage

    if not keys:
        return {}
    q = Q(dedup_key__in=keys)
    for key in keys:
        q |= Q(dedup_key__startswith=f"{key}:remind:")
    out: dict[str, Delivery] = {key: Delivery() for key in keys}
    rows = OutboundMessage.objects.filter(q).only(
        "channel", "address", "dedup_key", "status", "attempts", "last_error", "sent_at", "created_at"
    )
    for message in rows.order_by("created_at", "id"):
        base = message.dedup_key.split(":remind:")[0]
        delivery = out.get(base)
        if delivery is None:
            continue
        if ":remind:" in message.dedup_key:
            delivery.reminders += 1
        setattr(delivery, message.channel, message)  # the latest one wins
    return out


def principal_deliveries(warning: EmergencyWarning, recipients: Iterable[WarningRecipient]) -> dict[int, Delivery]:
    """The principal-in-charge SMS of each enterprise on a page of recipients, by enterprise id."""
    keys = {r.enterprise_id: f"warning:{warning.pk}:principal:{r.enterprise_id}" for r in recipients}
    found = _deliveries(list(keys.values()))
    return {enterprise_id: found[key] for enterprise_id, key in keys.items()}


CONTACTS_SHOWN = 100


def warning_contact_deliveries(user: Any, warning: EmergencyWarning) -> tuple[list[tuple[Any, Delivery]], int]:
    """The contacts without an account this warning targets (those the user may see), with what was sent to each:
    at most CONTACTS_SHOWN of them and how many in all. Three queries: count, contacts, messages."""
    from ..models import WarningContact

    paths = [j.path for j in warning.jurisdictions.all()]
    codes = [i.code for i in warning.industries.all()]
    targeted = (
        WarningContact.objects.visible_to(user)
        .for_targets(paths=paths, industry_codes=codes)
        .select_related("jurisdiction")
        .order_by("jurisdiction__path", "name", "id")
    )
    total = targeted.count()
    contacts = list(targeted[:CONTACTS_SHOWN]) if total else []
    found = _deliveries([f"warning:{warning.pk}:contact:{c.pk}" for c in contacts])
    return [(c, found[f"warning:{warning.pk}:contact:{c.pk}"]) for c in contacts], total
