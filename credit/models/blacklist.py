"""The blacklist (严重失信主体名单, MEM Order 11): entries, their transitions, credit repair."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safety_platform.dates import add_months
from safety_platform.models.base import CreatedModel
from safety_platform.models.fields import (
    department_link,
    enterprise_link,
    in_order,
    person_link,
    state_change_fields,
)
from safety_platform.permissions import is_enterprise_person
from safety_platform.scoping import ScopedQuerySet

from ..choices import (
    BLACKLIST_OPEN_STATUSES,
    BLACKLIST_PUBLISHED_STATUSES,
    BlacklistCase,
    BlacklistOrigin,
    BlacklistStatus,
    ObjectionDecision,
    RemovalReason,
    RepairStatus,
)


class BlacklistEntryQuerySet(ScopedQuerySet["BlacklistEntry"]):
    def visible_to(self, user: Any) -> BlacklistEntryQuerySet:
        qs = cast(BlacklistEntryQuerySet, super().visible_to(user))
        if getattr(user, "api_key", None) is not None:
            # Department systems read what has been published, never proposals under review.
            return qs.filter(status__in=BLACKLIST_PUBLISHED_STATUSES)
        if is_enterprise_person(user):
            # A proposal is internal until the enterprise has been given prior notice.
            return qs.exclude(status=BlacklistStatus.PROPOSED)
        return qs

    def published(self) -> BlacklistEntryQuerySet:
        return self.filter(status__in=BLACKLIST_PUBLISHED_STATUSES)

    def open(self) -> BlacklistEntryQuerySet:
        return self.filter(status__in=BLACKLIST_OPEN_STATUSES)


class BlacklistEntry(CreatedModel):
    """严重失信主体名单条目 — an enterprise's way onto (and off) the blacklist.

    proposed → noticed (prior notice, objection window) → [objected → noticed] → active (published
    with reason, legal basis, rule version, start and end) → removed (end of period or approved
    credit repair). A proposal can be rejected before publication. Every step is a
    `BlacklistTransition` row that cannot be changed.
    """

    enterprise = enterprise_link(related_name="blacklist")
    status = models.CharField(
        _("status"), max_length=10, choices=BlacklistStatus.choices, default=BlacklistStatus.PROPOSED
    )
    origin = models.CharField(_("origin"), max_length=12, choices=BlacklistOrigin.choices)
    case = models.CharField(_("Order 11 case"), max_length=30, choices=BlacklistCase.choices)
    rule = models.ForeignKey(
        "credit.Rule", verbose_name=_("rule"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rule_set = models.ForeignKey(
        "credit.RuleSet", verbose_name=_("rule set version"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"))
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    evidence_records = models.ManyToManyField(
        "credit.CreditRecord", verbose_name=_("evidence records"), blank=True, related_name="blacklist_entries"
    )
    department = department_link(_("listing department"), optional=True)
    proposed_by = person_link(_("proposed by"))
    proposed_at = models.DateTimeField(_("proposed at"), default=timezone.now)
    notice_served_by = person_link(_("notice served by"))
    notice_served_at = models.DateTimeField(_("notice served at"), null=True, blank=True)
    objection_deadline = models.DateField(_("objections until"), null=True, blank=True)
    objection = models.TextField(_("objection"), blank=True)
    objection_filed_at = models.DateTimeField(_("objection filed at"), null=True, blank=True)
    objection_decision = models.CharField(
        _("objection decision"), max_length=10, choices=ObjectionDecision.choices, blank=True
    )
    objection_decision_note = models.TextField(_("objection decision note"), blank=True)
    approved_by = person_link(_("approved by"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    listed_on = models.DateField(_("listed on"), null=True, blank=True)
    ends_on = models.DateField(_("listed until"), null=True, blank=True)
    removed_on = models.DateField(_("removed on"), null=True, blank=True)
    removal_reason = models.CharField(_("removal reason"), max_length=10, choices=RemovalReason.choices, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    # Set explicitly by every service that changes the entry: the API's incremental-sync key.
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    objects = BlacklistEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("blacklist entry")
        verbose_name_plural = _("blacklist entries")
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["updated_at", "id"], name="credit_blacklist_sync")]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise"],
                condition=Q(status__in=["proposed", "noticed", "objected", "active"]),
                name="credit_blacklist_one_open_entry",
            ),
            models.CheckConstraint(
                condition=~Q(status="active") | Q(listed_on__isnull=False, ends_on__isnull=False),
                name="credit_blacklist_active_has_period",
            ),
            in_order(
                "listed_on",
                "ends_on",
                strictly=True,
                unless_empty=["ends_on", "listed_on"],
                name="credit_blacklist_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.get_status_display()}"

    def get_absolute_url(self) -> str:
        return reverse("credit:blacklist_detail", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.status in BLACKLIST_PUBLISHED_STATUSES

    @property
    def objection_window_open(self) -> bool:
        return (
            self.status == BlacklistStatus.NOTICED
            and not self.objection_decision
            and self.objection_deadline is not None
            and timezone.localdate() <= self.objection_deadline
        )

    @property
    def approvable_from(self) -> dt.date | None:
        """While the objection window runs, the first day the committee may approve (else None)."""
        if self.objection_window_open and self.objection_deadline is not None:
            return self.objection_deadline + dt.timedelta(days=1)
        return None

    def period_end(self, listed_on: dt.date) -> dt.date:
        """The end of a listing starting on `listed_on`: the period of the entry's rule-set version."""
        return add_months(listed_on, 12 * self.rule_set.blacklist_years)


class BlacklistTransition(models.Model):
    """名单流转记录 — one step of a blacklist entry: who, when, from which state to which (append-only)."""

    entry = models.ForeignKey(
        BlacklistEntry, verbose_name=_("blacklist entry"), on_delete=models.PROTECT, related_name="transitions"
    )
    from_status, to_status = state_change_fields(BlacklistStatus.choices, max_length=10)
    action = models.CharField(_("action"), max_length=30)
    actor = person_link(_("by"))
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("blacklist transition")
        verbose_name_plural = _("blacklist transitions")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.entry_id}: {self.from_status or '—'} → {self.to_status}"


class CreditRepairQuerySet(ScopedQuerySet["CreditRepair"]):
    scope_prefix = "entry__enterprise"


class CreditRepair(models.Model):
    """信用修复申请 — an enterprise's application to leave the blacklist early (after 12 months listed)."""

    entry = models.ForeignKey(
        BlacklistEntry, verbose_name=_("blacklist entry"), on_delete=models.PROTECT, related_name="repairs"
    )
    status = models.CharField(_("status"), max_length=10, choices=RepairStatus.choices, default=RepairStatus.PENDING)
    statement = models.TextField(_("what the enterprise has corrected"))
    evidence_file = models.FileField(_("evidence file"), upload_to="credit/repair/%Y/%m/", blank=True)
    applied_by = person_link(_("applied by"), optional=False)
    applied_at = models.DateTimeField(_("applied at"), auto_now_add=True)
    decided_by = person_link(_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    objects = CreditRepairQuerySet.as_manager()

    class Meta:
        verbose_name = _("credit repair application")
        verbose_name_plural = _("credit repair applications")
        ordering = ["-applied_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["entry"], condition=Q(status="pending"), name="credit_repair_one_pending_per_entry"
            )
        ]

    def __str__(self) -> str:
        return f"{self.entry_id}: {self.get_status_display()}"
