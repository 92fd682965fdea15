"""Hazards (事故隐患) and their closed loop: transitions, attachments, remediation plans."""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safety_platform.model_meta import verbose_name_of
from safety_platform.models.fields import (
    coordinates_both_or_none,
    enterprise_link,
    latitude_field,
    link,
    longitude_field,
    person_link,
    rule_version_field,
    state_change_fields,
)
from safety_platform.scoping import ScopedQuerySet

from ..choices import (
    OPEN_STATES,
    RECTIFICATION_STATES,
    AttachmentKind,
    HazardGrade,
    HazardSource,
    HazardState,
    TransitionAction,
    vague_q,
)

_M = TypeVar("_M", bound=models.Model)


class HazardCodeCounter(models.Model):
    """隐患编号计数器 — the last serial number issued per region code and year (YH-350802-2026-000123)."""

    region = models.CharField(_("region code"), max_length=12)
    year = models.PositiveSmallIntegerField(_("year"))
    last = models.PositiveIntegerField(_("last serial number issued"), default=0)

    class Meta:
        verbose_name = _("hazard code counter")
        verbose_name_plural = _("hazard code counters")
        constraints = [models.UniqueConstraint(fields=["region", "year"], name="hazard_code_counter_unique")]

    def __str__(self) -> str:
        return f"{self.region}-{self.year}: {self.last}"


class HazardQuerySet(ScopedQuerySet["Hazard"]):
    def open(self) -> HazardQuerySet:
        return self.filter(state__in=OPEN_STATES)

    def counted(self) -> HazardQuerySet:
        """Hazards that count (lists, statistics, dashboards, assessment): all but voided worker reports."""
        return self.exclude(state=HazardState.VOIDED)

    def overdue(self, today: dt.date | None = None) -> HazardQuerySet:
        """Past the rectification deadline and not yet fixed (evidence not submitted)."""
        return self.filter(state__in=RECTIFICATION_STATES, deadline__lt=today or timezone.localdate())

    def for_list(self) -> HazardQuerySet:
        return self.select_related("enterprise", "enterprise__jurisdiction", "campaign")


class Hazard(models.Model):
    """事故隐患 — a hazard found in an enterprise, followed from discovery to close-out (销账)."""

    code = models.CharField(_("code"), max_length=30, unique=True, editable=False)
    enterprise = enterprise_link(related_name="hazards")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    location = models.CharField(_("location / post"), max_length=200, blank=True)
    # Where it is (the phone's position, with consent, or typed in): both or neither (constraint below).
    latitude = latitude_field()
    longitude = longitude_field()
    source = models.CharField(_("found by"), max_length=20, choices=HazardSource.choices)
    # Idempotency of registrations from other systems: one hazard per (source, external_key).
    external_key = models.CharField(_("external key"), max_length=200, null=True, blank=True, editable=False)
    state = models.CharField(
        _("state"), max_length=12, choices=HazardState.choices, default=HazardState.REGISTERED, db_index=True
    )
    grade = models.CharField(_("grade"), max_length=10, choices=HazardGrade.choices, blank=True, db_index=True)
    found_at = models.DateTimeField(_("found at"), default=timezone.now)  # indexed by hazard_list_idx (Meta)
    reported_by = person_link(_("registered by"))
    deadline = models.DateField(_("rectification deadline"), null=True, blank=True, db_index=True)
    responsible_person = models.CharField(_("responsible person"), max_length=60, blank=True)
    responsible_phone = models.CharField(_("responsible person's phone"), max_length=30, blank=True)
    inspector = person_link(_("responsible inspector"), help_text=_("Follows the hazard and verifies the remediation."))
    campaign = link("hazards.Campaign", _("campaign"), related_name="hazards", optional=True)
    risk_source = link("hazards.RiskSource", _("risk source"), related_name="hazards", optional=True)
    reporter_contact = models.CharField(
        _("reporter's contact"),
        max_length=60,
        blank=True,
        editable=False,
        help_text=_(
            "A worker's name and phone from a risk-card report; kept confidential (shown to authorities only)."
        ),
    )
    is_listed = models.BooleanField(_("under listed supervision"), default=False, help_text=_("挂牌督办"))
    assessed_at = models.DateTimeField(_("assessed at"), null=True, blank=True)
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("remediation submitted at"), null=True, blank=True)
    # The rule-book version whose verification window (核销, hazards.verification_days) set the clock.
    verification_rule_version = rule_version_field(_("verification rule version"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = HazardQuerySet.as_manager()

    class Meta:
        verbose_name = _("hazard")
        verbose_name_plural = _("hazards")
        ordering = ["-found_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_key"],
                condition=Q(external_key__isnull=False),
                name="hazard_unique_external_key",
            ),
            models.CheckConstraint(
                # A worker report may be voided before anyone graded it.
                condition=Q(state__in=[HazardState.REGISTERED, HazardState.VOIDED]) | ~Q(grade=""),
                name="hazard_assessed_has_grade",
            ),
            models.CheckConstraint(
                condition=~Q(state=HazardState.CLOSED) | Q(closed_at__isnull=False), name="hazard_closed_has_time"
            ),
            coordinates_both_or_none("hazard_position_both_or_none"),
        ]
        indexes = [
            # Covering: a scoped count (an inspector's enterprises) by state, grade or deadline reads no row.
            models.Index(
                fields=["enterprise", "state"], include=["grade", "deadline"], name="hazard_enterprise_state_idx"
            ),
            models.Index(fields=["state", "deadline"]),
            # The lists (page and API) read hazards newest first, LIMIT one page: each filter the list offers
            # finds its page by walking one of these in order, with no sort of the matching rows. Scoped
            # lists (an inspector's jurisdictions) walk hazard_list_idx and keep the rows whose enterprise
            # is in scope (a hash of those enterprises), stopping after a page.
            # Covering the enterprise and source too: the plausibility page counts each enterprise's hazards of
            # the last months by source from this index alone (an index-only scan, no heap read).
            models.Index(fields=["-found_at", "-id"], include=["enterprise", "source"], name="hazard_list_idx"),
            models.Index(fields=["state", "-found_at", "-id"], name="hazard_state_list_idx"),
            models.Index(fields=["grade", "-found_at", "-id"], name="hazard_grade_list_idx"),
            models.Index(
                fields=["-found_at", "-id"],
                name="hazard_rectifying_list_idx",  # the overdue filter: rectification states, then deadline
                condition=Q(state__in=sorted(RECTIFICATION_STATES)),
            ),
            models.Index(fields=["enterprise", "-found_at", "-id"], name="hazard_enterprise_list_idx"),
            # Open major hazards (the dashboards' "major, open" links, `grade=major&open=true`): a few thousand of a
            # city's million, walked newest first, the enterprise at hand for the scope, and counted from the index
            # alone. A town inspector probed each of the town's 6,700 enterprises' hazards instead (239 -> 31 ms).
            models.Index(
                fields=["-found_at", "-id"],
                include=["enterprise"],
                name="hazard_major_open_list_idx",
                condition=Q(grade=HazardGrade.MAJOR, state__in=sorted(OPEN_STATES)),
            ),
            # The closed-between filter in a scope (a county's enterprises): each enterprise's hazards closed then,
            # not every hazard of each enterprise read and tested (a county office's page: 288 -> 119 ms).
            models.Index(
                fields=["enterprise", "closed_at"],
                name="hazard_enterprise_closed_idx",
                condition=Q(closed_at__isnull=False),
            ),
            models.Index(
                fields=["-found_at", "-id"],
                name="hazard_position_list_idx",  # the risk map's points: the latest hazards with a position
                condition=Q(latitude__isnull=False),
            ),
            models.Index(
                fields=["-found_at", "-id"],
                name="hazard_listed_list_idx",  # the listed filter (挂牌督办): few among the city's hazards
                condition=Q(is_listed=True),
            ),
            models.Index(
                fields=["campaign", "-found_at", "-id"],
                name="hazard_campaign_list_idx",
                condition=Q(campaign__isnull=False),
            ),
            models.Index(
                fields=["-found_at", "-id"],
                name="hazard_vague_open_idx",  # the plausibility page: open hazards described too vaguely
                condition=Q(vague_q(), state__in=sorted(OPEN_STATES)),
            ),
            models.Index(
                fields=["created_at"],
                name="hazard_no_deadline_open_idx",  # the plausibility page: open hazards never given a deadline
                condition=Q(deadline__isnull=True, state__in=sorted(OPEN_STATES)),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("hazards:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def is_major(self) -> bool:
        return self.grade == HazardGrade.MAJOR

    @property
    def is_overdue(self) -> bool:
        return self.state in RECTIFICATION_STATES and self.deadline is not None and self.deadline < timezone.localdate()

    @property
    def due_at(self) -> dt.datetime | None:
        """The deadline as a moment: the end of the deadline day, local time."""
        if self.deadline is None:
            return None
        end = dt.datetime.combine(self.deadline, dt.time(23, 59, 59))
        return timezone.make_aware(end)


class HazardRowQuerySet(ScopedQuerySet[_M]):
    """The rows of a hazard (its steps, attachments and plan): seen by whoever sees the hazard's enterprise."""

    scope_prefix = "hazard__enterprise"


class HazardTransition(models.Model):
    """隐患处置记录 — one step of a hazard's closed loop: who, when, from which state to which, note.

    Append-only: PostgreSQL refuses UPDATE and DELETE on this table (migration 0001).
    """

    hazard = models.ForeignKey(Hazard, verbose_name=_("hazard"), on_delete=models.PROTECT, related_name="transitions")
    action = models.CharField(_("action"), max_length=12, choices=TransitionAction.choices)
    from_state, to_state = state_change_fields(HazardState.choices, max_length=12)
    actor = person_link(_("by"))
    # Who acted when it was not a signed-in user: an API key, another app's service, the system.
    actor_label = models.CharField(_("by (system)"), max_length=100, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    note = models.TextField(_("note"), blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    objects = HazardRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("hazard transition")
        verbose_name_plural = _("hazard transitions")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.hazard_id}: {self.from_state or '∅'} → {self.to_state} ({self.action})"

    @property
    def actor_display(self) -> str:
        return str(self.actor) if self.actor_id else (self.actor_label or str(_("system")))


def _attachment_path(instance: HazardAttachment, filename: str) -> str:
    from safety_platform.uploads import random_upload_name

    return random_upload_name("hazards", filename)


class HazardAttachment(models.Model):
    """隐患附件 — a photo or document attached to one step of the closed loop. Never replaced or deleted."""

    hazard = models.ForeignKey(Hazard, verbose_name=_("hazard"), on_delete=models.PROTECT, related_name="attachments")
    transition = models.ForeignKey(
        HazardTransition,
        verbose_name=_("hazard transition"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attachments",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=AttachmentKind.choices, default=AttachmentKind.PHOTO)
    file = models.FileField(_("file"), upload_to=_attachment_path, max_length=200)
    original_name = models.CharField(_("original name"), max_length=200, blank=True)
    size = models.PositiveIntegerField(_("size"), default=0)
    uploaded_by = person_link(_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    objects = HazardRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("hazard attachment")
        verbose_name_plural = _("hazard attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name or self.file.name or ""

    def get_absolute_url(self) -> str:
        return reverse("hazards:attachment", args=[self.pk])

    @property
    def is_image(self) -> bool:
        return (self.file.name or "").rsplit(".", 1)[-1].lower() in ("jpg", "jpeg", "png", "gif", "webp", "heic")


class RemediationPlan(models.Model):
    """重大隐患治理方案 — the remediation plan a major hazard needs before it can move on."""

    hazard = models.OneToOneField(Hazard, verbose_name=_("hazard"), on_delete=models.PROTECT, related_name="plan")
    goal = models.TextField(_("goal and tasks"), blank=True)
    measures = models.TextField(_("methods and measures"), blank=True)
    funds_and_materials = models.TextField(_("funds and materials"), blank=True)
    funds_amount = models.DecimalField(_("funds (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True)
    responsible_people = models.TextField(_("responsible organisation and people"), blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    safety_measures = models.TextField(_("safety and emergency measures"), blank=True)
    updated_by = person_link(_("updated by"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = HazardRowQuerySet.as_manager()

    REQUIRED_FIELDS = ("goal", "measures", "funds_and_materials", "responsible_people", "deadline", "safety_measures")

    class Meta:
        verbose_name = _("remediation plan")
        verbose_name_plural = _("remediation plans")

    def __str__(self) -> str:
        return f"{self.hazard.code}: {self.goal[:40]}"

    def missing_fields(self) -> list[str]:
        """Fields of the plan still empty (SAWS Order 16 art. 15 lists what a plan must hold)."""
        missing = []
        for name in self.REQUIRED_FIELDS:
            value = getattr(self, name)
            if value is None or (isinstance(value, str) and not value.strip()):
                missing.append(name)
        return missing

    @property
    def is_complete(self) -> bool:
        return not self.missing_fields()

    def missing_labels(self) -> list[Any]:
        return [verbose_name_of(self, name) for name in self.missing_fields()]
