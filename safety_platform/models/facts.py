"""Domain facts: what happened, recorded once by the app that saw it, read by credit and assessment."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..choices import FactKind
from ..dates import local_text
from ..scoping import ScopedQuerySet
from .fields import enterprise_link


class Fact(models.Model):
    """领域事实 — an accident, an overdue major hazard, a revoked certificate … about an enterprise.

    Apps that see something happen only record the fact (`fact_record`); credit and assessment
    decide what it means under the rule version in force. Facts are append-only; a correction is a
    new fact with the same source (readers take the latest per source and kind).
    """

    # No `choices=` on purpose: apps add fact kinds to FactKind without a core migration.
    kind = models.CharField(_("kind"), max_length=40, db_index=True)
    enterprise = enterprise_link(optional=True, related_name="facts")
    jurisdiction = models.ForeignKey(
        "safety_platform.Jurisdiction",
        verbose_name=_("jurisdiction"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    occurred_at = models.DateTimeField(_("occurred at"), db_index=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    source_type = models.ForeignKey(
        ContentType, verbose_name=_("source type"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source_id = models.PositiveBigIntegerField(_("source record number"), null=True, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    payload = models.JSONField(_("details"), default=dict, blank=True)
    dedup_key = models.CharField(_("deduplication key"), max_length=200, unique=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("domain fact")
        verbose_name_plural = _("domain facts")
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["enterprise", "kind", "occurred_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} @ {local_text(self.occurred_at, with_time=False)}"

    def get_kind_display(self) -> str:
        try:
            return str(FactKind(self.kind).label)
        except ValueError:
            return self.kind

    def describe(self) -> dict[str, Any]:
        return {"kind": self.kind, "occurred_at": self.occurred_at.isoformat(), **self.payload}
