"""In-platform notifications."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .base import CreatedModel
from .fields import person_link


class NotificationQuerySet(models.QuerySet["Notification"]):
    def visible_to(self, user: Any) -> NotificationQuerySet:
        if user is None or not user.is_authenticated or user.pk is None:
            return self.none()
        return self.filter(recipient_id=user.pk)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """站内通知 — a message to one user (a major hazard reported, a deadline passed, a warning issued)."""

    recipient = person_link(_("recipient"), on_delete=models.CASCADE, optional=False, related_name="notifications")
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    category = models.CharField(_("category"), max_length=40, blank=True)
    # Idempotency: the same event notifies a recipient once, however often the job that raises it runs.
    dedup_key = models.CharField(_("deduplication key"), max_length=200, null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedup_key"], condition=Q(dedup_key__isnull=False), name="notification_dedup"
            )
        ]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.title


class NotificationGroup(models.TextChoices):
    """Groups of notice categories a person chooses channels for (the `category` strings callers pass).

    Urgent groups (a warning, an accident or rescue dispatch, a major hazard, an escalated deadline) go
    by SMS as well by default: someone has to act within hours, often away from a desk. The rest go by
    e-mail by default when the person has an address. The site always keeps every notice.
    """

    WARNING = "warning", _("Emergency warnings")
    ACCIDENT = "accident", _("Accidents and rescue dispatches")
    MAJOR_HAZARD = "major_hazard", _("Major hazards")
    DEADLINE = "deadline", _("Overdue statutory deadlines")
    HAZARD = "hazard", _("Hazards")
    CREDIT = "credit", _("Credit and blacklist")
    OTHER = "other", _("Other notices")


URGENT_GROUPS = frozenset(
    {NotificationGroup.WARNING, NotificationGroup.ACCIDENT, NotificationGroup.MAJOR_HAZARD, NotificationGroup.DEADLINE}
)

_GROUP_OF_CATEGORY = {
    "emergency.warning": NotificationGroup.WARNING,
    "emergency.accident": NotificationGroup.ACCIDENT,
    "emergency.dispatch": NotificationGroup.ACCIDENT,
    "major_hazard": NotificationGroup.MAJOR_HAZARD,
    "deadline": NotificationGroup.DEADLINE,
    "hazard": NotificationGroup.HAZARD,
    "credit": NotificationGroup.CREDIT,
    "blacklist": NotificationGroup.CREDIT,
    "exit_proposal": NotificationGroup.CREDIT,
}


def notification_group(category: str) -> str:
    """The preference group a notice category belongs to (unknown categories: "other")."""
    return _GROUP_OF_CATEGORY.get(category or "", NotificationGroup.OTHER)


class NotificationPreference(models.Model):
    """通知设置 — the channels one user wants for one group of notices besides the site itself.

    No row for a group means the group's default (see `NotificationGroup`).
    """

    user = person_link(_("user"), on_delete=models.CASCADE, optional=False, related_name="notification_preferences")
    group = models.CharField(_("notice group"), max_length=20, choices=NotificationGroup.choices)
    email = models.BooleanField(_("e-mail"), default=False)
    sms = models.BooleanField(_("SMS"), default=False)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [models.UniqueConstraint(fields=["user", "group"], name="notificationpreference_unique")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.get_group_display()}"


class OutboundChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")


class OutboundStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class OutboundMessageQuerySet(models.QuerySet["OutboundMessage"]):
    def due(self, now: Any) -> OutboundMessageQuerySet:
        """Messages to (re)send now: pending ones whose time has come, and claims that ran out.

        A row in "sending" whose `next_attempt_at` (the claim's end) has passed belongs to a worker
        that died mid-send; it is sent again with the same `message_id`, which the gateway and the
        mail system use to drop the duplicate.
        """
        return self.filter(status__in=[OutboundStatus.PENDING, OutboundStatus.SENDING], next_attempt_at__lte=now)


class OutboundMessage(CreatedModel):
    """外发通知 — one e-mail or SMS to one person (a platform user or a contact without an account).

    Recorded in the transaction of the event that caused it and delivered later by a Celery task,
    so a request never waits on an SMTP server or an SMS gateway. Unique on (channel, address,
    dedup_key): one event reaches one person at most once per channel.
    """

    message_id = models.UUIDField(_("message id"), default=uuid.uuid4, unique=True, editable=False)
    channel = models.CharField(_("channel"), max_length=10, choices=OutboundChannel.choices)
    address = models.CharField(_("address"), max_length=254)
    name = models.CharField(_("name"), max_length=60, blank=True)
    recipient = person_link(_("recipient"), on_delete=models.SET_NULL, related_name="outbound_messages")
    category = models.CharField(_("category"), max_length=40, blank=True)
    dedup_key = models.CharField(_("event key"), max_length=200)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text sent"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=OutboundStatus.choices, default=OutboundStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # Pending: when to try next. Sending: when the worker's claim runs out (then it is tried again).
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    objects = OutboundMessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("outbound message")
        verbose_name_plural = _("outbound messages")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "address", "dedup_key"], name="outboundmessage_once_per_event")
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="outboundmessage_due",
                condition=Q(status__in=["pending", "sending"]),
            ),
            models.Index(fields=["status", "-created_at"], name="outboundmessage_status"),
            # The warning page reads delivery per person by key prefix ("warning:<id>:").
            models.Index(fields=["dedup_key"], name="outboundmessage_event", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.address}: {self.title}"


def notification_group_filter(group: str) -> Q:
    """The `category` condition of one notice group (for lists filtered by group)."""
    if group == NotificationGroup.OTHER:
        return ~Q(category__in=list(_GROUP_OF_CATEGORY))
    return Q(category__in=[category for category, g in _GROUP_OF_CATEGORY.items() if g == group])
