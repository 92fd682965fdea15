"""Task outbox: work for the Celery workers, written in the same transaction as the change."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import CreatedModel


class TaskOutboxQuerySet(models.QuerySet["TaskOutbox"]):
    def pending(self) -> TaskOutboxQuerySet:
        return self.filter(dispatched_at__isnull=True)


class TaskOutbox(CreatedModel):
    """任务发件箱 — one piece of background work (a recalculation, a thumbnail, a delivery run) kept
    in the database until it has been handed to the broker.

    The request path only inserts rows; publishing happens after commit off the request thread, and
    again from the periodic drain, so a broker outage delays work but never loses it or hangs a page.
    """

    task = models.CharField(_("background task"), max_length=200)
    args = models.JSONField(_("arguments"), default=list, blank=True)
    kwargs = models.JSONField(_("keyword arguments"), default=dict, blank=True)
    queue = models.CharField(_("queue"), max_length=100, blank=True)
    not_before = models.DateTimeField(_("not before"), null=True, blank=True)
    # A dispatcher owns a row until this time; a crashed dispatcher's claim simply runs out.
    claimed_until = models.DateTimeField(_("claimed by a dispatcher until"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("handed to the workers at"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    objects = TaskOutboxQuerySet.as_manager()

    class Meta:
        verbose_name = _("queued task")
        verbose_name_plural = _("queued tasks")
        indexes = [
            models.Index(
                fields=["created_at"], name="taskoutbox_pending", condition=models.Q(dispatched_at__isnull=True)
            )
        ]

    def __str__(self) -> str:
        return f"{self.task} #{self.pk}"
