"""The enterprise registry (生产经营单位名录)."""

from __future__ import annotations

import contextlib
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from safety_platform.models.base import ChangeRecord, CreatedModel
from safety_platform.models.fields import (
    coordinates_both_or_none,
    department_link,
    industry_link,
    jurisdiction_link,
    latitude_field,
    longitude_field,
    state_change_fields,
)
from safety_platform.scoping import ScopedQuerySet
from safety_platform.validators import normalize_mainland_mobile, validate_mainland_mobile

from .choices import EnterpriseScale, EnterpriseStatus, RiskCategory
from .validators import validate_credit_code


class EnterpriseQuerySet(ScopedQuerySet["Enterprise"]):
    scope_prefix = ""

    def operating(self) -> EnterpriseQuerySet:
        return self.filter(status=EnterpriseStatus.OPERATING)


class Enterprise(CreatedModel):
    """生产经营单位 — an enterprise under work-safety supervision, identified by its credit code."""

    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, unique=True, validators=[validate_credit_code]
    )
    name = models.CharField(_("name"), max_length=200, db_index=True)
    legal_representative = models.CharField(_("legal representative"), max_length=60)
    address = models.CharField(_("address"), max_length=300, blank=True)
    longitude = longitude_field()
    latitude = latitude_field()
    jurisdiction = jurisdiction_link(related_name="enterprises", help_text=_("Down to the grid where known."))
    industry = industry_link(_("industry (GB/T 4754)"), related_name="enterprises")
    risk_category = models.CharField(
        _("high-risk category"), max_length=30, choices=RiskCategory.choices, default=RiskCategory.OTHER
    )
    supervising_department = department_link(
        _("supervising department"), optional=True, related_name="supervised_enterprises"
    )
    department_set_manually = models.BooleanField(
        _("department set manually"),
        default=False,
        help_text=_("Unticked: the supervising department follows the industry."),
    )
    scale = models.CharField(_("scale"), max_length=10, choices=EnterpriseScale.choices, default=EnterpriseScale.SMALL)
    employees = models.PositiveIntegerField(_("employees"), default=0)
    is_key = models.BooleanField(_("key enterprise"), default=False, db_index=True)
    status = models.CharField(
        _("status"), max_length=12, choices=EnterpriseStatus.choices, default=EnterpriseStatus.OPERATING
    )
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    # 主要负责人: who red and orange warnings reach by SMS (with an acknowledgement link), account or not.
    principal_name = models.CharField(_("principal in charge"), max_length=60, blank=True, default="", db_default="")
    principal_mobile = models.CharField(
        _("principal's mobile"),
        max_length=20,
        blank=True,
        default="",
        db_default="",  # bulk SQL loaders (generate_city) insert enterprises without naming these columns
        validators=[validate_mainland_mobile],
        help_text=_("A mainland mobile number; red and orange warnings reach it by SMS."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name", "id"]
        constraints = [
            coordinates_both_or_none("enterprise_coordinates_both_or_none"),
        ]
        indexes = [
            # A scope's enterprises (an area's, a department's) with their id and the home page's columns, read from
            # the index alone: every count joined to a county's 20,000 enterprises read the whole table instead
            # (issue 16: county and department home pages 240-250 -> 185-205 ms at 100,000 enterprises).
            models.Index(
                fields=["jurisdiction", "status"], include=["id", "is_key"], name="enterprise_area_status_idx"
            ),
            models.Index(
                fields=["supervising_department", "status"],
                include=["id", "is_key"],
                name="enterprise_dept_status_idx",
            ),
            models.Index(fields=["risk_category"]),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("enterprises:detail", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        # The database constraint says the same, but its message names no field.
        if (self.longitude is None) != (self.latitude is None):
            missing = "latitude" if self.latitude is None else "longitude"
            raise ValidationError({missing: _("Give both longitude and latitude, or neither.")})
        if self.principal_mobile:
            # Stored as the 11 digits a gateway takes ("+86 138-0000-0000" → "13800000000"); a number that
            # is not a mobile is reported by the field's validator (clean_fields), not a second time here.
            with contextlib.suppress(ValidationError):
                self.principal_mobile = normalize_mainland_mobile(self.principal_mobile)

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.credit_code = (self.credit_code or "").strip().upper()
        super().save(*args, **kwargs)


class EnterpriseStatusChange(ChangeRecord):
    """经营状态变更 — one change of an enterprise's status (operating, suspended, closed), never edited."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="status_changes"
    )
    from_status, to_status = state_change_fields(EnterpriseStatus.choices, max_length=12)
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta(ChangeRecord.Meta):
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self) -> str:
        return f"{self.enterprise}: {self.from_status} → {self.to_status}"
