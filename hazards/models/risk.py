"""Risk sources (风险点) graded by LEC or a likelihood × severity matrix against a versioned banding."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safety_platform.models.base import CreatedModel, TimestampedModel
from safety_platform.models.fields import created_by_field, enterprise_link
from safety_platform.scoping import ScopedQuerySet, SignedInQuerySet

from ..choices import RISK_LEVEL_ORDER, RiskLevel, RiskMethod


class RiskBandingQuerySet(SignedInQuerySet["RiskBanding"]):
    """The rule tables are public inside the platform."""

    def active(self, method: str) -> RiskBanding | None:
        return self.filter(method=method, is_active=True).prefetch_related("bands").first()


class RiskBanding(CreatedModel):
    """风险分级标准 — one version of the table that turns a risk score into a level and colour.

    Rule tables change, so each version is kept: a risk source records the version that graded it.
    Only one version per method is active; a version that has graded sources is not edited but
    copied into a new version (see the admin).
    """

    method = models.CharField(_("method"), max_length=10, choices=RiskMethod.choices)
    version = models.PositiveIntegerField(_("version"))
    name = models.CharField(_("name"), max_length=200)
    basis = models.CharField(_("basis"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active"), default=False)
    effective_from = models.DateField(_("effective from"), null=True, blank=True)

    objects = RiskBandingQuerySet.as_manager()

    class Meta:
        verbose_name = _("risk banding")
        verbose_name_plural = _("risk bandings")
        ordering = ["method", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["method", "version"], name="risk_banding_unique_version"),
            models.UniqueConstraint(
                fields=["method"], condition=Q(is_active=True), name="risk_banding_one_active_per_method"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_method_display()} v{self.version}"

    def level_for(self, score: Decimal) -> str:
        """The level whose band holds `score`: the highest band whose lower bound the score passes.

        Each band says whether its lower bound belongs to it: with the LEC defaults D > 320 is red
        (320 itself is orange), 160 ≤ D ≤ 320 orange, 70 ≤ D < 160 yellow, D < 70 blue.
        """
        bands = sorted(self.bands.all(), key=lambda b: (b.lower_bound, b.lower_inclusive), reverse=True)
        for band in bands:
            if score > band.lower_bound or (band.lower_inclusive and score == band.lower_bound):
                return band.level
        return RiskLevel.BLUE

    def describe(self) -> list[dict[str, Any]]:
        bands = {b.level: b for b in self.bands.all()}
        rows = []
        upper: RiskBand | None = None
        for level in RISK_LEVEL_ORDER:
            band = bands.get(level)
            if band is None:
                continue
            rows.append({"level": level, "band": band, "upper": upper})
            upper = band
        return rows


class RiskBand(models.Model):
    """One row of a banding: the lower bound of a level, and whether the bound itself belongs to it."""

    banding = models.ForeignKey(
        RiskBanding, verbose_name=_("risk banding"), on_delete=models.CASCADE, related_name="bands"
    )
    level = models.CharField(pgettext_lazy("risk", "level"), max_length=10, choices=RiskLevel.choices)
    lower_bound = models.DecimalField(_("lower bound"), max_digits=10, decimal_places=2)
    lower_inclusive = models.BooleanField(
        _("bound included"), default=True, help_text=_("Ticked: a score equal to the bound belongs to this level.")
    )

    class Meta:
        verbose_name = _("risk band")
        verbose_name_plural = _("risk bands")
        ordering = ["banding", "-lower_bound"]
        constraints = [models.UniqueConstraint(fields=["banding", "level"], name="risk_band_one_per_level")]

    def __str__(self) -> str:
        op = "≥" if self.lower_inclusive else ">"
        return f"{self.get_level_display()} {op} {self.lower_bound}"


class RiskSource(TimestampedModel):
    """风险点 — a place or post of an enterprise with its risk score, level, controls and review date."""

    enterprise = enterprise_link(related_name="risk_sources")
    name = models.CharField(_("location / post"), max_length=200)
    description = models.TextField(_("risk description"), blank=True, help_text=_("What could happen, to whom."))
    method = models.CharField(_("method"), max_length=10, choices=RiskMethod.choices, default=RiskMethod.LEC)
    lec_l = models.DecimalField(_("L (likelihood)"), max_digits=5, decimal_places=1, null=True, blank=True)
    lec_e = models.DecimalField(_("E (exposure)"), max_digits=5, decimal_places=1, null=True, blank=True)
    lec_c = models.DecimalField(_("C (consequence)"), max_digits=5, decimal_places=1, null=True, blank=True)
    likelihood = models.PositiveSmallIntegerField(_("likelihood (1–5)"), null=True, blank=True)
    severity = models.PositiveSmallIntegerField(_("severity (1–5)"), null=True, blank=True)
    score = models.DecimalField(_("score"), max_digits=10, decimal_places=2)
    level = models.CharField(pgettext_lazy("risk", "level"), max_length=10, choices=RiskLevel.choices, db_index=True)
    banding = models.ForeignKey(
        RiskBanding, verbose_name=_("graded by"), on_delete=models.PROTECT, related_name="risk_sources"
    )
    control_measures = models.TextField(_("control measures"))
    emergency_measures = models.TextField(
        _("emergency measures"), blank=True, help_text=_("What to do when it happens: printed on the risk card.")
    )
    responsible_person = models.CharField(_("responsible person"), max_length=60)
    responsible_phone = models.CharField(_("phone"), max_length=30, blank=True)
    review_date = models.DateField(_("next review"), null=True, blank=True)
    # The QR code on the posted risk card (岗位风险告知卡) carries this token, not the id.
    card_token = models.UUIDField(_("risk card QR code token"), default=uuid.uuid4, unique=True, editable=False)
    created_by = created_by_field()

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("risk source")
        verbose_name_plural = _("risk sources")
        ordering = ["enterprise", "name", "id"]
        indexes = [models.Index(fields=["enterprise", "level"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(method=RiskMethod.MATRIX)
                | Q(lec_l__isnull=False, lec_e__isnull=False, lec_c__isnull=False),
                name="risk_source_lec_complete",
            ),
            models.CheckConstraint(
                condition=Q(method=RiskMethod.LEC) | Q(likelihood__isnull=False, severity__isnull=False),
                name="risk_source_matrix_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("hazards:risk_detail", args=[self.pk])

    @property
    def formula(self) -> str:
        if self.method == RiskMethod.LEC:
            factors = " × ".join(plain_number(v) for v in (self.lec_l, self.lec_e, self.lec_c))
            return f"D = {factors} = {plain_number(self.score)}"
        return f"R = {self.likelihood} × {self.severity} = {plain_number(self.score)}"


def plain_number(value: Decimal | None) -> str:
    """70.00 → "70", 0.50 → "0.5"."""
    return "—" if value is None else format(Decimal(value).normalize(), "f")
