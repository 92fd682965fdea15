"""One statutory clock for every legal deadline, escalating level by level when it passes."""

from __future__ import annotations

from functools import reduce
from operator import or_
from typing import Any

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..dates import local_text
from ..scoping import enterprise_scope_q, in_own_areas
from .fields import person_link


class EscalationLevel(models.IntegerChoices):
    NONE = 0, _("Not escalated")
    RESPONSIBLE = 1, _("Responsible inspector")
    COUNTY = 2, _("County office")
    COMMITTEE = 3, _("Committee office")


class StatutoryDeadlineQuerySet(models.QuerySet["StatutoryDeadline"]):
    def open(self) -> StatutoryDeadlineQuerySet:
        return self.filter(met_at__isnull=True, cancelled_at__isnull=True)

    def overdue(self, now: Any = None) -> StatutoryDeadlineQuerySet:
        return self.open().filter(due_at__lt=now or timezone.now())

    def of(self, source: models.Model | type[models.Model], kind: str | None = None) -> StatutoryDeadlineQuerySet:
        """The clocks of `source`, of `kind` when one is given (else of every kind). `source` is an object, or a model:
        then the clocks of any object of that model, for the caller to narrow by `source_id` (an `OuterRef`, `__in`)."""
        qs = self.filter(source_type=ContentType.objects.get_for_model(source))
        if not isinstance(source, type):
            qs = qs.filter(source_id=source.pk)
        return qs.filter(kind=kind) if kind else qs

    def visible_to(self, user: Any) -> StatutoryDeadlineQuerySet:
        parts = _visible_parts(user)
        if parts is None:
            return self
        return self.filter(reduce(or_, parts)) if parts else self.none()

    def visible_parts(self, user: Any) -> list[StatutoryDeadlineQuerySet]:
        """`visible_to(user)` as parts that share no row and together hold it: the clocks of the enterprises in the
        user's scope and, for a user scoped by jurisdiction, the clocks without an enterprise in the user's areas.

        Each part alone is a plain join that PostgreSQL drives by index from the scope's enterprises; their OR in
        one filter joins every open clock to its enterprise first. Counted part by part (`deadline_counts_for`) at
        97,000 open clocks: a town's 60 -> 14 ms, a county's 57 -> 25 ms."""
        parts = _visible_parts(user)
        if parts is None:
            return [self]
        return [self.filter(q) for q in parts]


def _visible_parts(user: Any) -> list[Q] | None:
    """The rule of `visible_to`, as disjoint filters (None: every clock; an empty list: no clock)."""
    if user is None or not user.is_authenticated:
        return []
    q = enterprise_scope_q(user, "enterprise")
    if q is None:
        return None
    parts = [q]
    if getattr(user, "scopes_by_jurisdiction", False) and user.jurisdiction_paths:
        # Deadlines without an enterprise (a county's own duties) follow the jurisdiction.
        parts.append(Q(enterprise__isnull=True) & in_own_areas(user, "jurisdiction__path"))
    return parts


class StatutoryDeadline(models.Model):
    """法定时限 — a legal deadline (accident report, hazard rectification, statistics, re-review …).

    Apps open a clock with `deadline_open`, and close it with `deadline_met`; the scheduled job
    `deadlines_escalate` notifies the next level each time a step of `DEADLINE_ESCALATION_DAYS` passes.
    """

    kind = models.CharField(_("kind"), max_length=60, db_index=True)
    title = models.CharField(_("title"), max_length=200)
    source_type = models.ForeignKey(
        ContentType, verbose_name=_("source type"), on_delete=models.CASCADE, related_name="+"
    )
    source_id = models.PositiveBigIntegerField(_("source record number"))
    source = GenericForeignKey("source_type", "source_id")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deadlines",
    )
    jurisdiction = models.ForeignKey(
        "safety_platform.Jurisdiction",
        verbose_name=_("jurisdiction"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deadlines",
    )
    responsible = person_link(_("person responsible"), on_delete=models.SET_NULL)
    url = models.CharField(_("link"), max_length=300, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=200, blank=True)
    due_at = models.DateTimeField(_("due at"), db_index=True)
    met_at = models.DateTimeField(_("met at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(
        _("escalation level"), choices=EscalationLevel.choices, default=EscalationLevel.NONE
    )
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = StatutoryDeadlineQuerySet.as_manager()

    class Meta:
        verbose_name = _("statutory deadline")
        verbose_name_plural = _("statutory deadlines")
        ordering = ["due_at"]
        constraints = [
            models.UniqueConstraint(fields=["source_type", "source_id", "kind"], name="deadline_one_per_source_kind")
        ]
        indexes = [
            models.Index(fields=["met_at", "cancelled_at", "due_at"]),
            # The open clocks, few among millions met: home pages count a scope's open and overdue ones from this
            # index alone (enterprise to join the scope, due time to compare; PostgreSQL's INCLUDE for the county
            # duties followed by jurisdiction), not from the rows scattered over the table (260 ms at 1,860,000).
            models.Index(
                fields=["enterprise", "due_at"],
                include=["jurisdiction"],
                condition=Q(met_at__isnull=True, cancelled_at__isnull=True),
                name="deadline_open_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({local_text(self.due_at)})"

    @property
    def is_open(self) -> bool:
        return self.met_at is None and self.cancelled_at is None

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_at < timezone.now()
