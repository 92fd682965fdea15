"""Responsibility system (§1): department responsibility lists and joint enforcement inspections."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safety_platform.dates import local_text
from safety_platform.models.base import CreatedModel, TimestampedModel
from safety_platform.models.fields import (
    created_by_field,
    department_link,
    enterprise_link,
    industry_link,
    person_link,
)
from safety_platform.scoping import JoinedScopedQuerySet, SignedInQuerySet


class DutyKind(models.TextChoices):
    SUPERVISION = "supervision", _("Industry supervision")
    ADMISSION = "admission", _("Approval and admission")
    ENFORCEMENT = "enforcement", _("Enforcement inspection")
    COORDINATION = "coordination", _("Coordination")
    EMERGENCY = "emergency", _("Emergency response")
    OTHER = "other", _("Other")


class ResponsibilityItemQuerySet(SignedInQuerySet["ResponsibilityItem"]):
    """Responsibility lists are published inside the government: every signed-in principal may read them."""

    active_only = True

    def current(self) -> ResponsibilityItemQuerySet:
        return self.filter(retired_on__isnull=True)


class ResponsibilityItem(TimestampedModel):
    """部门安全生产责任清单事项 — one duty on a department's responsibility list ("管行业必须管安全").

    A revised duty is a new row; the old one is retired (kept, with `replaced_by`), so the list's
    history can be read back.
    """

    department = department_link(related_name="responsibility_items")
    industry = industry_link(optional=True, help_text=_("Leave empty for a duty that is not tied to one industry."))
    kind = models.CharField(_("kind of duty"), max_length=20, choices=DutyKind.choices, default=DutyKind.SUPERVISION)
    duty = models.TextField(_("duty"))
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    effective_on = models.DateField(_("effective on"), default=timezone.localdate)
    retired_on = models.DateField(_("retired on"), null=True, blank=True)
    replaced_by = models.ForeignKey(
        "self", verbose_name=_("replaced by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = created_by_field(on_delete=models.SET_NULL)

    objects = ResponsibilityItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("responsibility list item")
        verbose_name_plural = _("responsibility list items")
        ordering = ["department_id", "kind", "id"]
        indexes = [models.Index(fields=["department", "retired_on"])]

    def __str__(self) -> str:
        return f"{self.department}: {self.duty[:40]}"

    @property
    def is_current(self) -> bool:
        return self.retired_on is None


class ResponsibilityReview(models.Model):
    """责任清单确认 — a department's confirmation that its responsibility list is current."""

    department = department_link()
    reviewed_by = person_link(_("reviewed by"), optional=False)
    reviewed_at = models.DateTimeField(_("reviewed at"), default=timezone.now)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("responsibility list review")
        verbose_name_plural = _("responsibility list reviews")
        ordering = ["-reviewed_at", "-id"]
        indexes = [models.Index(fields=["department", "reviewed_at"])]

    def __str__(self) -> str:
        return f"{self.department} @ {local_text(self.reviewed_at, with_time=False)}"


class JointInspectionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class JointInspectionQuerySet(JoinedScopedQuerySet["JointInspection"]):
    """The enterprise's scope, plus department staff of every department that joined the inspection."""


class JointInspection(TimestampedModel):
    """联合执法检查 — an enforcement inspection of one enterprise that several departments join.

    Its findings become hazards (source "joint_inspection") and credit facts when it is completed.
    """

    enterprise = enterprise_link(related_name="joint_inspections")
    title = models.CharField(_("title"), max_length=200)
    lead_department = department_link(_("lead department"))
    departments = models.ManyToManyField(
        "safety_platform.Department",
        verbose_name=_("participating departments"),
        related_name="joint_inspections",
    )
    planned_on = models.DateField(_("inspection date"))
    team = models.CharField(_("inspection team"), max_length=300, blank=True, help_text=_("Names of the inspectors."))
    status = models.CharField(
        _("status"), max_length=12, choices=JointInspectionStatus.choices, default=JointInspectionStatus.PLANNED
    )
    summary = models.TextField(_("summary"), blank=True)
    created_by = created_by_field(on_delete=models.SET_NULL)
    completed_by = person_link(_("completed by"), on_delete=models.SET_NULL)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    objects = JointInspectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("joint enforcement inspection")
        verbose_name_plural = _("joint enforcement inspections")
        ordering = ["-planned_on", "-id"]
        indexes = [models.Index(fields=["enterprise", "status"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("enterprises:joint_inspection_detail", args=[self.pk])


class JointInspectionFindingQuerySet(models.QuerySet["JointInspectionFinding"]):
    def visible_to(self, user: Any) -> JointInspectionFindingQuerySet:
        return self.filter(inspection__in=JointInspection.objects.visible_to(user).values("pk"))


class JointInspectionFinding(CreatedModel):
    """联合执法发现问题 — one problem found in a joint inspection; becomes a hazard and a credit fact."""

    inspection = models.ForeignKey(
        JointInspection, verbose_name=_("inspection"), on_delete=models.PROTECT, related_name="findings"
    )
    department = department_link(_("found by department"))
    title = models.CharField(_("problem"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    suspected_major = models.BooleanField(_("suspected major hazard"), default=False)
    # The hazard lives in the hazards app; only its id is kept so that neither app's migrations depend
    # on the other's. The hazard is found again by (source="joint_inspection", external_key).
    hazard_id = models.PositiveBigIntegerField(_("hazard"), null=True, blank=True)
    created_by = created_by_field(on_delete=models.SET_NULL)

    objects = JointInspectionFindingQuerySet.as_manager()

    class Meta:
        verbose_name = _("joint inspection finding")
        verbose_name_plural = _("joint inspection findings")
        ordering = ["inspection_id", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def external_key(self) -> str:
        return f"joint:{self.inspection_id}:{self.pk}"
