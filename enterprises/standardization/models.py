"""Technology and standardization (§4.1, §4.2): standardization certificates and demonstration enterprises."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safety_platform.dates import add_months  # training and the selectors import it from here
from safety_platform.models.base import TimestampedModel
from safety_platform.models.fields import (
    created_by_field,
    department_link,
    enterprise_link,
    in_order,
    industry_link,
    person_link,
    rule_version_field,
    state_change_fields,
)
from safety_platform.rules import RuleValue, rule_int, rule_number
from safety_platform.scoping import ScopedQuerySet

from .legal_numbers import STANDARDIZATION_REREVIEW_MONTHS, STANDARDIZATION_VALID_YEARS


def rereview_months(on: dt.date | None = None) -> int:
    """3a: re-review (复评) is applied for in the months before expiry (3; the rule book in force on `on`)."""
    return rule_int(STANDARDIZATION_REREVIEW_MONTHS, on)


def certificate_validity(issued_on: dt.date) -> RuleValue:
    """3a: standardization certificates are valid three years (the rule book in force on the day of issue)."""
    return rule_number(STANDARDIZATION_VALID_YEARS, issued_on)


class StandardizationLevel(models.IntegerChoices):
    LEVEL_1 = 1, _("Level 1")
    LEVEL_2 = 2, _("Level 2")
    LEVEL_3 = 3, _("Level 3")


class IssuingLevel(models.TextChoices):
    NATIONAL = "national", _("National")
    PROVINCIAL = "provincial", _("Provincial")
    CITY = "city", pgettext_lazy("enterprises", "City")


# 3a: level 1 is announced nationally, level 2 by the province, level 3 by the city.
ISSUING_LEVEL_FOR = {1: IssuingLevel.NATIONAL, 2: IssuingLevel.PROVINCIAL, 3: IssuingLevel.CITY}


class CertificateStatus(models.TextChoices):
    PENDING = "pending", _("Declared, awaiting verification")
    VALID = "valid", _("Valid")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")
    SUPERSEDED = "superseded", _("Superseded by a newer certificate")
    REJECTED = "rejected", _("Declaration rejected")


class StandardizationCertificateQuerySet(ScopedQuerySet["StandardizationCertificate"]):
    def in_force(self, on: dt.date) -> StandardizationCertificateQuerySet:
        return self.filter(status=CertificateStatus.VALID, issued_on__lte=on, expires_on__gte=on)


class StandardizationCertificate(TimestampedModel):
    """安全生产标准化证书 — a standardization certificate (level 一/二/三) of an enterprise."""

    enterprise = enterprise_link(related_name="standardization_certificates")
    level = models.PositiveSmallIntegerField(
        pgettext_lazy("enterprises", "level"), choices=StandardizationLevel.choices
    )
    industry = industry_link(help_text=_("The industry standard the enterprise was assessed against."))
    certificate_number = models.CharField(_("certificate number"), max_length=60, unique=True)
    issuing_level = models.CharField(_("issuing level"), max_length=12, choices=IssuingLevel.choices)
    issuing_authority = models.CharField(_("issuing authority"), max_length=200, blank=True)
    issued_on = models.DateField(_("issued on"))
    expires_on = models.DateField(_("expires on"))
    # The rule-book version whose validity set `expires_on` (empty: the date was given from the certificate).
    rule_version = rule_version_field()
    status = models.CharField(
        _("status"), max_length=12, choices=CertificateStatus.choices, default=CertificateStatus.PENDING
    )
    rereview_applied_on = models.DateField(_("re-review applied on"), null=True, blank=True)
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)
    status_reason = models.CharField(_("reason"), max_length=300, blank=True)
    scan = models.FileField(_("certificate scan"), upload_to="standardization/", blank=True)
    declared_by = person_link(_("declared by"), on_delete=models.SET_NULL)
    verified_by = person_link(_("verified by"), on_delete=models.SET_NULL)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)

    objects = StandardizationCertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("standardization certificate")
        verbose_name_plural = _("standardization certificates")
        ordering = ["-issued_on", "-id"]
        constraints = [
            in_order("issued_on", "expires_on", strictly=True, name="stdcert_expires_after_issue"),
            models.CheckConstraint(condition=Q(level__in=[1, 2, 3]), name="stdcert_level_1_to_3"),
        ]
        indexes = [models.Index(fields=["status", "expires_on"]), models.Index(fields=["enterprise", "status"])]

    def __str__(self) -> str:
        return f"{self.certificate_number} ({self.get_level_display()})"

    def get_absolute_url(self) -> str:
        return reverse("enterprises:stdcert_detail", args=[self.pk])

    @property
    def rereview_reminder_on(self) -> dt.date:
        return add_months(self.expires_on, -rereview_months(self.expires_on))

    @staticmethod
    def default_expiry(issued_on: dt.date) -> dt.date:
        return add_months(issued_on, 12 * certificate_validity(issued_on).years)


class CertificateEvent(models.Model):
    """标准化证书状态变更 — one status change of a standardization certificate (never edited)."""

    certificate = models.ForeignKey(
        StandardizationCertificate,
        verbose_name=_("standardization certificate"),
        on_delete=models.PROTECT,
        related_name="events",
    )
    from_status, to_status = state_change_fields(CertificateStatus.choices, max_length=12)
    note = models.CharField(_("note"), max_length=300, blank=True)
    actor = person_link(_("actor"))
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("certificate status change")
        verbose_name_plural = _("certificate status changes")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class DemonstrationStatus(models.TextChoices):
    ACTIVE = "active", _("Designated")
    REVOKED = "revoked", _("Designation withdrawn")


class Demonstration(TimestampedModel):
    """ "机械化换人、自动化减人"示范企业 — an enterprise designated as a demonstration of replacing people in
    dangerous posts by machines and automation."""

    enterprise = enterprise_link(related_name="demonstrations")
    designated_on = models.DateField(_("designated on"))
    batch = models.CharField(_("batch"), max_length=60, blank=True)
    designating_department = department_link(_("designated by"), optional=True)
    summary = models.TextField(_("what was mechanized or automated"))
    status = models.CharField(
        _("status"), max_length=10, choices=DemonstrationStatus.choices, default=DemonstrationStatus.ACTIVE
    )
    revoked_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    created_by = created_by_field(on_delete=models.SET_NULL)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("demonstration enterprise")
        verbose_name_plural = _("demonstration enterprises")
        ordering = ["-designated_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise"], condition=Q(status="active"), name="demonstration_one_active_per_enterprise"
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} ({self.batch or self.designated_on})"

    def get_absolute_url(self) -> str:
        return reverse("enterprises:demonstration_detail", args=[self.pk])


class MeasureKind(models.TextChoices):
    MECHANIZATION = "mechanization", _("Mechanization (机械化换人)")
    AUTOMATION = "automation", _("Automation (自动化减人)")


class DemonstrationMeasure(models.Model):
    """示范措施 — one mechanization or automation measure and the people it moved out of dangerous posts."""

    demonstration = models.ForeignKey(
        Demonstration, verbose_name=_("demonstration enterprise"), on_delete=models.CASCADE, related_name="measures"
    )
    kind = models.CharField(_("kind"), max_length=14, choices=MeasureKind.choices)
    description = models.CharField(_("what was mechanized or automated"), max_length=300)
    post = models.CharField(_("dangerous post"), max_length=100, blank=True)
    people_moved = models.PositiveIntegerField(_("people moved out of dangerous posts"), default=0)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("demonstration measure")
        verbose_name_plural = _("demonstration measures")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.description

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "description": self.description, "people_moved": self.people_moved}
