"""Differentiated supervision: inspection visits that reset the clock of the due-inspection list."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from safety_platform.models.base import CreatedModel
from safety_platform.scoping import ScopedQuerySet


class SupervisionVisitQuerySet(ScopedQuerySet["SupervisionVisit"]):
    scope_prefix = "enterprise"


class SupervisionVisit(CreatedModel):
    """监管检查记录 — an on-site inspection of an enterprise (entered here or from an `inspection_conducted` event)."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="credit_visits"
    )
    visited_on = models.DateField(_("inspected on"))
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("inspector"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    fact = models.OneToOneField(
        "safety_platform.Fact", null=True, blank=True, on_delete=models.PROTECT, related_name="credit_visit"
    )

    objects = SupervisionVisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("inspection visit")
        verbose_name_plural = _("inspection visits")
        ordering = ["-visited_on", "-id"]
        indexes = [models.Index(fields=["enterprise", "-visited_on"], name="credit_visit_latest")]

    def __str__(self) -> str:
        return f"{self.enterprise_id} @ {self.visited_on}"
