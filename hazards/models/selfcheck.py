"""Enterprise self-checks (自查) against industry checklists."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safety_platform.dates import local_text
from safety_platform.models.fields import enterprise_link, industry_link, person_link
from safety_platform.scoping import ScopedQuerySet, SignedInQuerySet

from ..choices import CheckOutcome


class ChecklistQuerySet(SignedInQuerySet["Checklist"]):
    """Checklists are public inside the platform."""

    def for_industry(self, industry: Any) -> ChecklistQuerySet:
        """Active checklists for an industry: those keyed by its code or any ancestor code, plus general ones."""
        return self.filter(is_active=True).filter(Q(industry__isnull=True) | Q(industry__code__in=industry.prefixes()))


class Checklist(models.Model):
    """隐患排查清单 — a self-check checklist, keyed by a GB/T 4754 industry code (empty: every industry)."""

    name = models.CharField(_("name"), max_length=200)
    industry = industry_link(
        optional=True, help_text=_("A code covers every industry under it. Empty: applies to every enterprise.")
    )
    basis = models.CharField(_("basis"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ChecklistQuerySet.as_manager()

    class Meta:
        verbose_name = _("self-check checklist")
        verbose_name_plural = _("self-check checklists")
        ordering = ["industry__code", "name"]

    def __str__(self) -> str:
        return f"{self.industry.code if self.industry else '*'} {self.name}"


class ChecklistItem(models.Model):
    """排查项 — one item of a checklist."""

    checklist = models.ForeignKey(
        Checklist, verbose_name=_("checklist"), on_delete=models.CASCADE, related_name="items"
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    category = models.CharField(_("category"), max_length=60, blank=True)
    text = models.CharField(_("what to check"), max_length=400)
    basis = models.CharField(_("basis"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["checklist", "order", "id"]

    def __str__(self) -> str:
        return self.text


class SelfCheck(models.Model):
    """企业自查 — one self-check of an enterprise against a checklist; failed items become hazards."""

    enterprise = enterprise_link(related_name="self_checks")
    checklist = models.ForeignKey(Checklist, verbose_name=_("checklist"), on_delete=models.PROTECT, related_name="+")
    performed_by = person_link(_("performed by"))
    performed_at = models.DateTimeField(_("performed at"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("self-check")
        verbose_name_plural = _("self-checks")
        ordering = ["-performed_at", "-id"]
        # "No self-check in the period" (the enterprise list's filter, the dashboards) reads one period's
        # checks of every enterprise.
        indexes = [models.Index(fields=["performed_at", "enterprise"], name="selfcheck_performed_idx")]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.checklist.name} · {local_text(self.performed_at, with_time=False)}"

    def get_absolute_url(self) -> str:
        return reverse("hazards:selfcheck_detail", args=[self.pk])


class SelfCheckAnswer(models.Model):
    """One checked item of a self-check, with the hazard it raised."""

    self_check = models.ForeignKey(
        SelfCheck, verbose_name=_("self-check"), on_delete=models.CASCADE, related_name="answers"
    )
    item = models.ForeignKey(
        ChecklistItem, verbose_name=_("checklist item"), on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=CheckOutcome.choices)
    note = models.CharField(_("note"), max_length=400, blank=True)
    hazard = models.ForeignKey(
        "hazards.Hazard",
        verbose_name=_("hazard"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="self_check_answers",
    )

    class Meta:
        verbose_name = _("self-check answer")
        verbose_name_plural = _("self-check answers")
        ordering = ["self_check", "item__order", "id"]
        constraints = [models.UniqueConstraint(fields=["self_check", "item"], name="self_check_one_answer_per_item")]

    def __str__(self) -> str:
        return f"{self.item}: {self.get_outcome_display()}"
