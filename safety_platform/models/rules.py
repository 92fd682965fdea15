"""Versioned legal numbers (DESIGN §3a: "every rule table carries a version, and every decision records the
version that justified it").

A rule book version (规则版本) holds the numbers the law sets — training hours, drill intervals, the
verification window, certificate validity … — each with its unit and legal basis. A version is written as
a draft; once put in force (active) it is frozen: a change is a new version, so a decision that recorded
the version it was taken under stays explainable. Apps declare their numbers and defaults in
`safety_platform.rules` and read them with `rule_number(key, on=day)`.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..versioning import RuleVersion, RuleVersionQuerySet, RuleVersionRow
from .base import CreatedModel
from .fields import created_by_field


class RuleBookStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("In force")
    RETIRED = "retired", _("Withdrawn")


class RuleBookVersionQuerySet(RuleVersionQuerySet["RuleBookVersion"]):
    """The shared version queryset, named for this table (each rule table has its own, as the type checker
    needs one manager class per queryset class)."""


class RuleBookVersion(RuleVersion, CreatedModel):
    """规则版本 — one version of the legal numbers, in force from a day."""

    in_force_field = "in_force_from"
    in_force_statuses = (RuleBookStatus.ACTIVE,)
    frozen_statuses = (RuleBookStatus.ACTIVE, RuleBookStatus.RETIRED)
    editable_when_frozen = ("note", "status")

    objects = RuleBookVersionQuerySet.as_manager()

    label = models.CharField(_("version"), max_length=40, unique=True)
    in_force_from = models.DateField(_("in force from"))
    status = models.CharField(_("status"), max_length=10, choices=RuleBookStatus.choices, default=RuleBookStatus.DRAFT)
    note = models.TextField(_("note"), blank=True)
    created_by = created_by_field()

    class Meta:
        verbose_name = _("rule book version")
        verbose_name_plural = _("rule book versions")
        ordering = ["-in_force_from", "-id"]

    def __str__(self) -> str:
        return self.label


class RuleNumber(RuleVersionRow, models.Model):
    """One legal number of a version: key, value, unit and the provision that sets it."""

    version_field = "version"

    version = models.ForeignKey(
        RuleBookVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="numbers"
    )
    key = models.CharField(_("key"), max_length=100)
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("legal number")
        verbose_name_plural = _("legal numbers")
        ordering = ["key"]
        constraints = [models.UniqueConstraint(fields=["version", "key"], name="rule_number_one_per_version")]

    def __str__(self) -> str:
        return f"{self.key} = {self.value}"
