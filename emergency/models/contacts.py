"""Warning contacts without an account (预警联系人): community, village and township contacts, enterprise
contacts — people a warning must reach by SMS (and e-mail) although they never log in."""

from __future__ import annotations

import contextlib
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from safety_platform.models.base import TimestampedModel
from safety_platform.models.fields import enterprise_link, industry_link, jurisdiction_link
from safety_platform.scoping import ActiveFlagMixin, JurisdictionScopedQuerySet, within_path
from safety_platform.validators import normalize_mainland_mobile, validate_mainland_mobile

from ..choices import ContactKind


class WarningContactQuerySet(ActiveFlagMixin, JurisdictionScopedQuerySet["WarningContact"]):
    def visible_to(self, user: Any) -> WarningContactQuerySet:
        """Committee, administrators and department staff: every contact; inspectors: the contacts of their
        jurisdictions and below; enterprises and API keys: none (these are personal numbers)."""
        if getattr(user, "api_key", None) is not None:
            return self.none()
        return super().visible_to(user)

    def for_targets(self, *, paths: list[str], industry_codes: list[str]) -> WarningContactQuerySet:
        """Active contacts a warning for these jurisdictions (each with its whole subtree) and industries reaches.

        A contact with neither industry nor enterprise (a village or community contact) gets every warning for
        its area. One tied to an industry, or to an enterprise, gets it when the warning names no industry or
        one that covers its own (a warning for C26 reaches a C2611 contact) or that its own covers (a contact
        for all of C hears of a warning for C26).
        """
        if not paths:
            return self.none()
        area = Q()
        for path in paths:
            area |= within_path("jurisdiction__path", path)
        qs = self.active().filter(area)
        if not industry_codes:
            return qs
        prefixes = {code[:n] for code in industry_codes for n in range(1, len(code) + 1)}
        covered = Q(industry__code__in=prefixes) | Q(enterprise__industry__code__in=prefixes)
        for code in industry_codes:
            covered |= Q(industry__code__startswith=code) | Q(enterprise__industry__code__startswith=code)
        return qs.filter(Q(industry__isnull=True, enterprise__isnull=True) | covered)


class WarningContact(TimestampedModel):
    """预警联系人 — a person without an account whom warnings for their area reach by SMS (and e-mail)."""

    name = models.CharField(_("full name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=20, choices=ContactKind.choices, default=ContactKind.VILLAGE)
    jurisdiction = jurisdiction_link(help_text=_("Warnings for this area or an area above it reach the contact."))
    industry = industry_link(
        optional=True,
        help_text=_("Empty: every warning for the area. Set: only warnings for this industry (or none named)."),
    )
    enterprise = enterprise_link(optional=True, related_name="warning_contacts")
    mobile = models.CharField(_("mobile"), max_length=20, validators=[validate_mainland_mobile])
    email = models.EmailField(_("e-mail"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = WarningContactQuerySet.as_manager()

    class Meta:
        verbose_name = _("warning contact")
        verbose_name_plural = _("warning contacts")
        ordering = ["jurisdiction__path", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "mobile"], name="warningcontact_once_per_area"),
        ]
        indexes = [models.Index(fields=["is_active", "jurisdiction"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("emergency:contact_edit", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        if self.mobile:
            with contextlib.suppress(ValidationError):  # reported once, by the field validator
                self.mobile = normalize_mainland_mobile(self.mobile)
