"""Credit behaviour records (守信/失信信息) and the intake log of platform events."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safety_platform.models.fields import department_link, enterprise_link, fact_link, person_link
from safety_platform.scoping import ScopedQuerySet

from ..choices import Behaviour, IntakeOutcome, RecordSource, RecordStatus


class CreditRecordQuerySet(ScopedQuerySet["CreditRecord"]):
    def active(self) -> CreditRecordQuerySet:
        return self.filter(status=RecordStatus.ACTIVE)

    def proposed(self) -> CreditRecordQuerySet:
        return self.filter(status=RecordStatus.PROPOSED)


class CreditRecord(models.Model):
    """信用行为记录 — one trustworthy or untrustworthy behaviour of an enterprise, under one rule.

    Records are never deleted: a wrong one is revoked with a reason. `rule` is the rule (and so the
    rule-set version) it was recorded under; grading looks the rule up by `rule_code` in the version
    in force on the grading day, so a new version re-weighs old behaviour without rewriting it.

    Only ACTIVE records count. Staff's own records are active at once; an untrustworthy record the
    platform derives from an event starts PROPOSED (待确认) and counts only once a person of the
    supervising department or the committee confirms it (`decided_by`, `decided_at`, `decision_reason`);
    a rejected one (未采纳) keeps the reason and never counts.
    """

    enterprise = enterprise_link(related_name="credit_records")
    rule = models.ForeignKey("credit.Rule", verbose_name=_("rule"), on_delete=models.PROTECT, related_name="records")
    rule_code = models.CharField(_("rule code"), max_length=40, editable=False)
    behaviour = models.CharField(_("behaviour"), max_length=4, choices=Behaviour.choices, editable=False)
    occurred_on = models.DateField(_("date of the behaviour"))
    evidence = models.TextField(_("evidence"))
    evidence_file = models.FileField(_("evidence file"), upload_to="credit/evidence/%Y/%m/", blank=True)
    department = department_link(_("recording department"), optional=True)
    recorded_by = person_link(_("recorded by"))
    source = models.CharField(_("source"), max_length=10, choices=RecordSource.choices, default=RecordSource.MANUAL)
    fact = fact_link(related_name="credit_record")
    # Events about the same thing (an accident re-graded, a certificate granted then revoked) share a
    # key; the latest event's record replaces the earlier one.
    source_key = models.CharField(_("source key"), max_length=200, blank=True, db_index=True)
    status = models.CharField(_("status"), max_length=10, choices=RecordStatus.choices, default=RecordStatus.ACTIVE)
    revoked_at = models.DateTimeField(pgettext_lazy("credit", "revoked at"), null=True, blank=True)
    revoked_by = person_link(_("revoked by"))
    revoke_reason = models.CharField(_("reason for revocation"), max_length=300, blank=True)
    # Who confirmed or rejected a proposed record (None with a date: the system, e.g. superseded).
    decided_by = person_link(_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    # A database default too: bulk loaders (assessment.datagen, the benches) insert rows by COPY/SQL.
    decision_reason = models.CharField(
        _("reason for the decision"), max_length=300, blank=True, default="", db_default=""
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CreditRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("credit record")
        verbose_name_plural = _("credit records")
        ordering = ["-occurred_on", "-id"]
        indexes = [
            # The grading query reads active records of a range of enterprises from this index alone
            # (an index-only scan on PostgreSQL): records arrive in time order, so the heap rows of
            # one enterprise are scattered and fetching them would cost a random read each.
            models.Index(
                fields=["enterprise", "occurred_on"],
                include=["rule_code", "id"],
                condition=Q(status="active"),
                name="credit_record_grading",
            ),
            models.Index(fields=["enterprise", "status", "rule_code"], name="credit_record_by_rule"),
            # An incremental nightly run: the counted records whose day enters or leaves a rule's window between
            # two runs' dates, a day or two of records of 2,000,000 (index only).
            models.Index(
                fields=["occurred_on"],
                include=["rule_code", "enterprise"],
                condition=Q(status="active"),
                name="credit_record_window",
            ),
            # The deciders' list: pending proposals, oldest first, read from a small partial index.
            models.Index(fields=["created_at", "id"], condition=Q(status="proposed"), name="credit_record_proposed"),
            # The records page, newest first: one page read from the index's end, not millions sorted per view.
            models.Index(fields=["created_at", "id"], name="credit_record_newest"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="active", revoked_at__isnull=True)
                | Q(status="revoked", revoked_at__isnull=False)
                | Q(status="proposed", revoked_at__isnull=True, decided_at__isnull=True)
                | Q(status="rejected", revoked_at__isnull=True, decided_at__isnull=False),
                name="credit_record_revocation_consistent",
            )
        ]

    def __str__(self) -> str:
        return f"{self.rule_code} {self.enterprise_id} {self.occurred_on}"

    def get_absolute_url(self) -> str:
        return reverse("credit:enterprise", args=[self.enterprise_id]) + f"#record-{self.pk}"

    @property
    def is_active(self) -> bool:
        return self.status == RecordStatus.ACTIVE

    @property
    def is_proposed(self) -> bool:
        return self.status == RecordStatus.PROPOSED

    @property
    def is_rejected(self) -> bool:
        return self.status == RecordStatus.REJECTED

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.rule_id and not self.rule_code:
            self.rule_code = self.rule.code
            self.behaviour = self.rule.behaviour
        super().save(*args, **kwargs)


class CreditFactIntake(models.Model):
    """事实处理记录 — that a platform event was read by credit, and what came of it (once per event)."""

    fact = models.OneToOneField(
        "safety_platform.Fact",
        verbose_name=_("platform event"),
        primary_key=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    processed_at = models.DateTimeField(_("processed at"), auto_now_add=True)
    outcome = models.CharField(_("processing outcome"), max_length=20, choices=IntakeOutcome.choices)
    record = models.ForeignKey(
        CreditRecord, verbose_name=_("credit record"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("event intake")
        verbose_name_plural = _("event intake")

    def __str__(self) -> str:
        return f"{self.fact_id}: {self.outcome}"
