"""Grades: the current grade per enterprise, its append-only history, and recalculation runs."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safety_platform.dates import local_text
from safety_platform.models.fields import enterprise_link
from safety_platform.scoping import ScopedQuerySet

from ..choices import BatchStatus, Criterion, Grade, RatingStatus, RecalcTrigger, RunStatus


def _graded_under() -> models.ForeignKey[Any, Any]:
    """The rule set a grade was computed under, without index or database constraint (why: at CreditRating.rule_set)."""
    return models.ForeignKey(
        "credit.RuleSet",
        verbose_name=_("rule set"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )


class CreditRatingQuerySet(ScopedQuerySet["CreditRating"]):
    scope_prefix = "enterprise"


class CreditRating(models.Model):
    """信用等级 — the current grade of one enterprise (one row per enterprise).

    Only a change of the result (grade, score, version, records counted, blacklist cap, status)
    rewrites this row and appends a `CreditRatingHistory` row; recalculating an unchanged enterprise
    writes nothing, so `updated_at` is exactly "when this result last changed" (the API's sync key).
    """

    enterprise = models.OneToOneField(
        "enterprises.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="credit_rating"
    )
    grade = models.PositiveSmallIntegerField(pgettext_lazy("credit", "grade"), choices=Grade.choices)
    score = models.SmallIntegerField(pgettext_lazy("credit", "score"))
    # Few indexes on purpose: the nightly run rewrites many of these rows, and every index is written
    # again on each change. Rule sets and history rows are never deleted, so their FKs need none.
    # No database constraint on the links the grading statement writes from what it has just read or
    # inserted (the rule set graded under, the history row it appended): a constraint costs a trigger
    # and a lookup per row at commit, a fifth of the first night. The ORM still refuses to delete what
    # they point to (PROTECT), and history rows are append-only (a trigger refuses UPDATE and DELETE).
    # The enterprise keeps its constraint.
    rule_set = _graded_under()
    as_of = models.DateField(_("grading date"))
    computed_at = models.DateTimeField(_("computed at"))
    cap_grade = models.PositiveSmallIntegerField(_("grade cap"), choices=Grade.choices, null=True, blank=True)
    blacklisted = models.BooleanField(_("blacklisted"), default=False)
    record_count = models.PositiveIntegerField(_("records counted"), default=0)
    fingerprint = models.CharField(_("fingerprint of the records counted"), max_length=80, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=RatingStatus.choices, default=RatingStatus.ACTIVE)
    latest = models.ForeignKey(
        "credit.CreditRatingHistory",
        verbose_name=_("latest grading result"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    updated_at = models.DateTimeField(_("updated at"))

    objects = CreditRatingQuerySet.as_manager()

    class Meta:
        verbose_name = _("credit grade")
        verbose_name_plural = _("credit grades")
        ordering = ["updated_at", "id"]
        indexes = [
            models.Index(fields=["updated_at", "id"], name="credit_rating_sync"),
            # The grades list (worst first): its page is the first rows of this index, not a sort of every grade.
            models.Index(fields=["-grade", "score", "id"], name="credit_rating_overview"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id}: {self.get_grade_display()} ({self.score})"

    def get_absolute_url(self) -> str:
        return reverse("credit:enterprise", args=[self.enterprise_id])


class CreditRatingHistoryQuerySet(ScopedQuerySet["CreditRatingHistory"]):
    scope_prefix = "enterprise"

    def grade_changes(self) -> CreditRatingHistoryQuerySet:
        return self.exclude(previous_grade=models.F("grade"))


class CreditRatingHistory(models.Model):
    """信用等级评定记录 — one result of grading an enterprise, with the records that made it (append-only).

    `contributions` lists "record id:points" of every record counted; `criteria` the subtotal of each
    criterion after its limit. Together with `rule_set` they explain the grade forever.
    """

    # Indexed only by (enterprise, computed_at) below: the nightly run appends many rows.
    enterprise = enterprise_link(db_index=False)
    grade = models.PositiveSmallIntegerField(pgettext_lazy("credit", "grade"), choices=Grade.choices)
    score = models.SmallIntegerField(pgettext_lazy("credit", "score"))
    previous_grade = models.PositiveSmallIntegerField(_("previous grade"), choices=Grade.choices, null=True, blank=True)
    previous_score = models.SmallIntegerField(_("previous score"), null=True, blank=True)
    # No database constraint on the rule set and the run (see CreditRating.rule_set): the nightly run
    # appends a row per changed grade, and both point to rows the ORM refuses to delete.
    rule_set = _graded_under()
    as_of = models.DateField(_("grading date"))
    computed_at = models.DateTimeField(_("computed at"))
    cap_grade = models.PositiveSmallIntegerField(_("grade cap"), choices=Grade.choices, null=True, blank=True)
    blacklisted = models.BooleanField(_("blacklisted"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=RatingStatus.choices, default=RatingStatus.ACTIVE)
    record_count = models.PositiveIntegerField(_("records counted"), default=0)
    fingerprint = models.CharField(_("fingerprint of the records counted"), max_length=80, blank=True)
    criteria = models.JSONField(_("subtotals by criterion"), default=dict, blank=True)
    contributions = models.TextField(_("records counted"), blank=True)
    trigger = models.CharField(_("trigger"), max_length=20, choices=RecalcTrigger.choices)
    run = models.ForeignKey(
        "credit.CreditRecalcRun",
        verbose_name=_("recalculation run"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="results",
        db_index=False,
        db_constraint=False,
    )

    objects = CreditRatingHistoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("grading result")
        verbose_name_plural = _("grading results")
        ordering = ["-computed_at", "-id"]
        indexes = [models.Index(fields=["enterprise", "-computed_at"], name="credit_history_by_enterprise")]

    def __str__(self) -> str:
        return f"{self.enterprise_id}: {self.get_grade_display()} @ {local_text(self.computed_at)}"

    @property
    def is_grade_change(self) -> bool:
        return self.previous_grade != self.grade

    def contribution_points(self) -> dict[int, int]:
        """{record id: points} of the records counted."""
        out: dict[int, int] = {}
        for item in filter(None, (self.contributions or "").split(",")):
            record_id, _sep, points = item.partition(":")
            out[int(record_id)] = int(points)
        return out

    def criteria_display(self) -> list[tuple[str, int]]:
        labels = dict(Criterion.choices)
        return [(str(labels.get(key, key)), int(value)) for key, value in sorted((self.criteria or {}).items())]


class CreditRecalcRun(models.Model):
    """信用等级重算任务 — one recalculation of every enterprise, split into claimable batches.

    `key` makes starting the same nightly run twice resume it instead of starting again.
    """

    key = models.CharField(_("run key"), max_length=80, unique=True)
    trigger = models.CharField(_("trigger"), max_length=20, choices=RecalcTrigger.choices)
    as_of = models.DateField(_("grading date"))
    rule_set = models.ForeignKey(
        "credit.RuleSet", verbose_name=_("rule set"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.RUNNING)
    batch_size = models.PositiveIntegerField(_("enterprises per batch"), default=2000)
    batches_total = models.PositiveIntegerField(_("number of batches"), default=0)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    enterprises = models.PositiveIntegerField(_("enterprises graded"), default=0)
    changed = models.PositiveIntegerField(_("results changed"), default=0)
    grade_changes = models.PositiveIntegerField(_("grade changes"), default=0)
    # A nightly run after a complete one (same rule set, within a week of the last full run) grades again only
    # the enterprises whose result can have changed since (`CreditRegrade`); the others are known unchanged.
    incremental = models.BooleanField(_("only the enterprises that can have changed"), default=False)

    class Meta:
        verbose_name = _("recalculation run")
        verbose_name_plural = _("recalculation runs")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return self.key


class CreditRecalcBatch(models.Model):
    """One slice of a run: the enterprises with `id_from <= id < id_to` (no upper bound when null)."""

    run = models.ForeignKey(
        CreditRecalcRun, verbose_name=_("recalculation run"), on_delete=models.CASCADE, related_name="batches"
    )
    seq = models.PositiveIntegerField(_("batch number"))
    id_from = models.BigIntegerField(_("from enterprise number"))
    id_to = models.BigIntegerField(_("to enterprise number (exclusive)"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=BatchStatus.choices, default=BatchStatus.PENDING)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)
    enterprises = models.PositiveIntegerField(_("enterprises graded"), default=0)
    changed = models.PositiveIntegerField(_("results changed"), default=0)
    grade_changes = models.PositiveIntegerField(_("grade changes"), default=0)

    class Meta:
        verbose_name = _("recalculation batch")
        verbose_name_plural = _("recalculation batches")
        ordering = ["run", "seq"]
        constraints = [models.UniqueConstraint(fields=["run", "seq"], name="credit_batch_unique_seq")]
        indexes = [models.Index(fields=["run", "status", "seq"], name="credit_batch_claim")]

    def __str__(self) -> str:
        return f"{self.run_id}#{self.seq}"


class CreditRegrade(models.Model):
    """待重算企业 — an enterprise whose grade can have changed since the last recalculation run.

    On PostgreSQL, statement triggers on the credit records, the blacklist entries and the enterprises add the
    enterprises each write touches (migration 0015: bulk updates and raw SQL included), and one on the grades the
    enterprises whose grade is deleted (0016, which also marked every enterprise once); a run claims the waiting
    rows when it starts (`run_id`), adds the enterprises with a record entering or leaving its rule's window since
    the last run, and deletes its rows when it completes. Rows written during a run
    wait for the next one. No links: the trigger writes plain numbers, and a row outliving its enterprise is
    harmless (nothing is graded for it)."""

    enterprise_id = models.BigIntegerField(_("enterprise number"))
    run_id = models.BigIntegerField(_("claimed by run"), null=True, blank=True)

    class Meta:
        verbose_name = _("enterprise to grade again")
        verbose_name_plural = _("enterprises to grade again")
        constraints = [
            # One waiting row per enterprise: the triggers insert ON CONFLICT DO NOTHING.
            models.UniqueConstraint(
                fields=["enterprise_id"], condition=models.Q(run_id__isnull=True), name="credit_regrade_waiting"
            )
        ]
        indexes = [models.Index(fields=["run_id", "enterprise_id"], name="credit_regrade_run")]

    def __str__(self) -> str:
        return f"{self.enterprise_id} ({self.run_id or '-'})"
