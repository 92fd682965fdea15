"""检查记录 — an on-site inspection of an enterprise, the first-class record plans count and cases start from."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from safety_platform.models.base import TimestampedModel
from safety_platform.scoping import ScopedQuerySet

from ..choices import InspectionReason


class InspectionQuerySet(ScopedQuerySet["Inspection"]):
    scope_prefix = "enterprise"


class Inspection(TimestampedModel):
    """One inspection of one enterprise on one day; a joint inspection (§1.2) lists every department that joined."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="inspections"
    )
    inspected_on = models.DateField(_("inspected on"))
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("inspector"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The inspector who leads the inspection."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    departments = models.ManyToManyField(
        "safety_platform.Department",
        verbose_name=_("departments joining"),
        blank=True,
        related_name="inspections",
        help_text=_("A joint inspection: every department that took part shares this one record."),
    )
    reason = models.CharField(
        _("reason"), max_length=20, choices=InspectionReason.choices, default=InspectionReason.PLANNED
    )
    reason_note = models.CharField(
        _("reason stated"),
        max_length=300,
        blank=True,
        help_text=_("Required when the inspection goes beyond the yearly cap of the enterprise's class."),
    )
    note = models.TextField(_("findings"), blank=True)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=8,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    fact = models.OneToOneField(
        "safety_platform.Fact", null=True, blank=True, on_delete=models.PROTECT, related_name="inspection"
    )

    objects = InspectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-inspected_on", "-id"]
        indexes = [
            models.Index(fields=["enterprise", "-inspected_on"], name="supervision_insp_latest"),
            models.Index(fields=["inspected_on"], name="supervision_insp_on"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} @ {self.inspected_on}"


__all__ = ["Inspection", "InspectionQuerySet"]
