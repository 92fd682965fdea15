"""Warnings (预警信息): blue/yellow/orange/red, for jurisdictions and industries, acknowledged by enterprises."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safety_platform.choices import Role
from safety_platform.models.fields import enterprise_link, industries_covered, person_link
from safety_platform.scoping import ScopedQuerySet, within_path

from ..choices import AcknowledgedVia, WarningKind, WarningLevel, WarningStatus


def _ancestor_paths(paths: list[str]) -> set[str]:
    """ "/1/4/17/" → {"/1/", "/1/4/", "/1/4/17/"}: the nodes whose warnings cover this one."""
    out: set[str] = set()
    for path in paths:
        parts = [p for p in path.strip("/").split("/") if p]
        for n in range(1, len(parts) + 1):
            out.add("/" + "/".join(parts[:n]) + "/")
    return out


class EmergencyWarningQuerySet(models.QuerySet["EmergencyWarning"]):
    def visible_to(self, user: Any) -> EmergencyWarningQuerySet:
        """Committee, admins and department staff: every warning. Inspectors: warnings covering any part of
        their jurisdictions (issued for the area, a place inside it, or a node above it). Enterprises: the
        warnings they received."""
        if user is None or not getattr(user, "is_authenticated", False):
            return self.none()
        if getattr(user, "api_key", None) is not None:
            return self.none() if user.enterprise_id else self
        if not user.is_active:
            return self.none()
        if user.is_superuser or user.role in (Role.ADMIN, Role.COMMITTEE, Role.DEPARTMENT):
            return self
        if user.role in (Role.INSPECTOR, Role.COUNTY_OFFICE):
            paths = user.jurisdiction_paths
            if not paths:
                return self.none()
            q = Q(jurisdiction__path__in=_ancestor_paths(paths))
            for path in paths:
                q |= within_path("jurisdiction__path", path)
            targets = EmergencyWarning.jurisdictions.through.objects.filter(q, emergencywarning_id=OuterRef("pk"))
            return self.filter(Exists(targets))
        if user.role == Role.ENTERPRISE and user.enterprise_id:
            received = WarningRecipient.objects.filter(warning=OuterRef("pk"), enterprise_id=user.enterprise_id)
            return self.filter(Exists(received))
        return self.none()

    def in_force(self) -> EmergencyWarningQuerySet:
        now = timezone.now()
        return self.filter(status=WarningStatus.ISSUED).filter(Q(valid_until__isnull=True) | Q(valid_until__gt=now))


class EmergencyWarning(models.Model):
    """预警信息 — a weather or other warning for jurisdictions (down to grid) and industries."""

    title = models.CharField(pgettext_lazy("emergency", "title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=WarningKind.choices)
    level = models.CharField(pgettext_lazy("emergency", "level"), max_length=8, choices=WarningLevel.choices)
    content = models.TextField(pgettext_lazy("emergency", "content"))
    measures_required = models.TextField(_("measures required"), blank=True)
    jurisdictions = models.ManyToManyField(
        "safety_platform.Jurisdiction", verbose_name=_("jurisdictions"), related_name="+"
    )
    industries = industries_covered(_("Empty: every industry. A code covers everything under it."))
    issued_by = person_link(_("issued by"), optional=False)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now, db_index=True)
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=WarningStatus.choices, default=WarningStatus.ISSUED)
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    lifted_by = person_link(_("lifted by"))
    lift_note = models.CharField(_("lifting note"), max_length=300, blank=True)

    objects = EmergencyWarningQuerySet.as_manager()

    class Meta:
        verbose_name = _("warning")
        verbose_name_plural = _("warnings")
        ordering = ["-issued_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("emergency:warning_detail", args=[self.pk])


class WarningRecipientQuerySet(ScopedQuerySet["WarningRecipient"]):
    def unacknowledged(self) -> WarningRecipientQuerySet:
        return self.filter(acknowledged_at__isnull=True)


class WarningRecipient(models.Model):
    """预警签收 — one enterprise a warning reached: notified, acknowledged, measures taken."""

    warning = models.ForeignKey(
        EmergencyWarning, verbose_name=_("warning"), on_delete=models.CASCADE, related_name="recipients"
    )
    enterprise = enterprise_link(related_name="warnings")
    notified_at = models.DateTimeField(_("notified at"), default=timezone.now)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True, db_index=True)
    acknowledged_by = person_link(_("acknowledged by"))
    acknowledged_via = models.CharField(
        _("acknowledged via"), max_length=10, choices=AcknowledgedVia.choices, blank=True
    )
    # Who acknowledged when it was nobody with an account ("企业主要负责人（短信链接）").
    acknowledged_by_name = models.CharField(_("acknowledged by (name)"), max_length=60, blank=True)
    measures_taken = models.TextField(_("measures taken"), blank=True)
    measures_updated_at = models.DateTimeField(_("measures updated at"), null=True, blank=True)

    objects = WarningRecipientQuerySet.as_manager()

    class Meta:
        verbose_name = _("warning recipient")
        verbose_name_plural = _("warning recipients")
        ordering = ["warning", "enterprise__name", "id"]
        constraints = [models.UniqueConstraint(fields=["warning", "enterprise"], name="warningrecipient_unique")]
        indexes = [models.Index(fields=["warning", "acknowledged_at"])]

    def __str__(self) -> str:
        return f"{self.warning_id} → {self.enterprise_id}"
