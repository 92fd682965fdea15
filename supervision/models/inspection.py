"""检查记录 — an on-site inspection of an enterprise, the first-class record plans count and cases start from."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from safety_platform.models.base import TimestampedModel
from safety_platform.models.fields import (
    created_by_field,
    enterprise_link,
    fact_link,
    latitude_field,
    link,
    longitude_field,
    person_link,
)
from safety_platform.scoping import JoinedScopedQuerySet

from ..choices import InspectionReason


class InspectionResult(models.TextChoices):
    """The answer to one checklist item on site."""

    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")
    NOT_APPLICABLE = "na", _("Not applicable")


class InspectionQuerySet(JoinedScopedQuerySet["Inspection"]):
    """Who sees an inspection: whoever sees its enterprise, and the staff of every department that joined it."""


class Inspection(TimestampedModel):
    """One inspection of one enterprise on one day; a joint inspection (§1.2) lists every department that joined."""

    enterprise = enterprise_link(related_name="inspections")
    inspected_on = models.DateField(_("inspected on"))
    inspector = person_link(_("inspector"), help_text=_("The inspector who leads the inspection."))
    created_by = created_by_field()
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
    latitude = latitude_field()
    longitude = longitude_field()
    fact = fact_link(related_name="inspection")
    checklist = link(
        "hazards.Checklist",
        _("checklist"),
        optional=True,
        help_text=_("The checklist the inspector followed, chosen by the enterprise's industry."),
    )
    # Made by the form when it opens: a submission sent again after a dropped connection returns the
    # inspection the first attempt created instead of a second one.
    client_key = models.CharField(_("form key"), max_length=64, blank=True, editable=False)

    objects = InspectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-inspected_on", "-id"]
        indexes = [
            models.Index(fields=["enterprise", "-inspected_on"], name="supervision_insp_latest"),
            models.Index(fields=["inspected_on"], name="supervision_insp_on"),
            models.Index(fields=["updated_at", "id"], name="supervision_insp_sync"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["created_by", "client_key"],
                condition=~models.Q(client_key=""),
                name="supervision_insp_client_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} @ {self.inspected_on}"


def _answer_photo_path(instance: InspectionAnswer, filename: str) -> str:
    from safety_platform.uploads import random_upload_name

    return random_upload_name("inspections", filename)


class InspectionAnswer(models.Model):
    """One checklist item as the inspector found it: pass, fail or not applicable, with a note and a photo."""

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("inspection"), on_delete=models.CASCADE, related_name="answers"
    )
    item = models.ForeignKey(
        "hazards.ChecklistItem", verbose_name=_("checklist item"), on_delete=models.PROTECT, related_name="+"
    )
    result = models.CharField(_("result"), max_length=4, choices=InspectionResult.choices)
    note = models.CharField(_("note"), max_length=400, blank=True)
    photo = models.FileField(_("photo"), upload_to=_answer_photo_path, max_length=200, blank=True)
    hazard = models.OneToOneField(
        "hazards.Hazard",
        verbose_name=_("hazard"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspection_answer",
        help_text=_("The hazard this failed item became."),
    )

    class Meta:
        verbose_name = _("inspection answer")
        verbose_name_plural = _("inspection answers")
        ordering = ["inspection", "item__order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "item"], name="supervision_insp_one_answer_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.get_result_display()}"


__all__ = ["Inspection", "InspectionAnswer", "InspectionQuerySet", "InspectionResult"]
