"""Push to departments: webhook subscriptions, the outbox of changes, and deliveries with retries."""

from __future__ import annotations

import secrets
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safety_platform.models.base import CreatedModel
from safety_platform.models.fields import created_by_field, department_link

from ..choices import DeliveryStatus, WebhookTopic


def _new_secret() -> str:
    return secrets.token_hex(32)


class WebhookSubscriptionQuerySet(models.QuerySet["WebhookSubscription"]):
    def visible_to(self, user: Any) -> WebhookSubscriptionQuerySet:
        if user is None or not user.is_authenticated:
            return self.none()
        if getattr(user, "is_platform_admin", False):
            return self
        if getattr(user, "is_department_staff", False) and user.department_id:
            return self.filter(department_id=user.department_id)
        return self.none()

    def for_topic(self, topic: str) -> WebhookSubscriptionQuerySet:
        return self.filter(is_active=True, **{topic: True})


class WebhookSubscription(CreatedModel):
    """数据推送订阅 — a department system's URL that receives signed change notifications."""

    department = department_link()
    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("URL"), max_length=500)
    secret = models.CharField(
        _("signing secret"),
        max_length=64,
        default=_new_secret,
        help_text=_("Deliveries carry X-Credit-Signature: sha256=HMAC(secret, timestamp + '.' + body)."),
    )
    blacklist = models.BooleanField(_("blacklist changes"), default=True)
    ratings = models.BooleanField(_("grade changes"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = created_by_field(on_delete=models.SET_NULL)

    objects = WebhookSubscriptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        ordering = ["department", "name"]

    def __str__(self) -> str:
        return f"{self.department} · {self.name}"

    def wants(self, topic: str) -> bool:
        return self.is_active and bool(getattr(self, topic, False))


class OutboxEvent(models.Model):
    """推送事件 — a change to announce, written in the same transaction as the change itself."""

    topic = models.CharField(_("topic"), max_length=20, choices=WebhookTopic.choices)
    object_id = models.BigIntegerField(_("object id"))
    payload = models.JSONField(_("payload"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("outbox event")
        verbose_name_plural = _("outbox events")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.topic}:{self.object_id} #{self.pk}"


class WebhookDelivery(models.Model):
    """推送投递 — one event to one subscription; retried with back-off until delivered or given up."""

    event = models.ForeignKey(
        OutboxEvent, verbose_name=_("outbox event"), on_delete=models.CASCADE, related_name="deliveries"
    )
    subscription = models.ForeignKey(
        WebhookSubscription, verbose_name=_("webhook subscription"), on_delete=models.CASCADE, related_name="deliveries"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    last_status_code = models.PositiveSmallIntegerField(_("last HTTP status"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="credit_delivery_due")]
        constraints = [
            models.UniqueConstraint(fields=["event", "subscription"], name="credit_delivery_once_per_subscription")
        ]

    def __str__(self) -> str:
        return f"{self.event_id} → {self.subscription_id}: {self.status}"
