"""Special rectification campaigns (专项整治)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safety_platform.choices import Role
from safety_platform.models.base import CreatedModel
from safety_platform.models.fields import created_by_field, department_link, in_order, industries_covered
from safety_platform.scoping import ids_on_paths, within_path


class CampaignQuerySet(models.QuerySet["Campaign"]):
    def visible_to(self, user: Any) -> CampaignQuerySet:
        """Staff see campaigns that touch their area; enterprises see the campaigns that cover them."""
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if getattr(user, "api_key", None) is not None:
            return self.none() if user.enterprise_id else self
        if user.is_superuser or user.role in (Role.ADMIN, Role.COMMITTEE, Role.DEPARTMENT):
            return self
        if user.role in (Role.INSPECTOR, Role.COUNTY_OFFICE):
            paths = user.jurisdiction_paths
            if not paths:
                return self.none()
            q = Q(jurisdictions__isnull=True) | Q(jurisdictions__in=ids_on_paths(paths))
            for path in paths:
                q |= within_path("jurisdictions__path", path)
            return self.filter(pk__in=self.filter(q).values("pk"))
        if user.role == Role.ENTERPRISE and user.enterprise_id:
            return self.covering(user.enterprise)
        return self.none()

    def covering(self, enterprise: Any) -> CampaignQuerySet:
        """Campaigns whose industries and jurisdictions include this enterprise (empty = all)."""
        ancestor_ids = enterprise.jurisdiction.ancestor_ids
        prefixes = enterprise.industry.prefixes()
        matching = self.filter(Q(jurisdictions__isnull=True) | Q(jurisdictions__in=ancestor_ids)).filter(
            Q(industries__isnull=True) | Q(industries__code__in=prefixes)
        )
        return self.filter(pk__in=matching.values("pk"))

    def running(self, on: dt.date | None = None) -> CampaignQuerySet:
        on = on or timezone.localdate()
        return self.filter(starts_on__lte=on, ends_on__gte=on)


class Campaign(CreatedModel):
    """专项整治 — a time-boxed special rectification campaign over industries and jurisdictions."""

    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    industries = industries_covered()
    jurisdictions = models.ManyToManyField(
        "safety_platform.Jurisdiction",
        verbose_name=_("jurisdictions"),
        blank=True,
        related_name="+",
        help_text=_("A jurisdiction covers everything under it. Empty: the whole city."),
    )
    organizer = department_link(_("organizing department"), optional=True)
    created_by = created_by_field()

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("rectification campaign")
        verbose_name_plural = _("rectification campaigns")
        ordering = ["-starts_on", "-id"]
        constraints = [in_order("starts_on", "ends_on", name="campaign_ends_after_start")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("hazards:campaign_detail", args=[self.pk])

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("A campaign cannot end before it starts.")})

    @property
    def is_running(self) -> bool:
        today = timezone.localdate()
        return self.starts_on <= today <= self.ends_on
