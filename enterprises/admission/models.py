"""Source control (§2): planning admission (siting), process admission (banned equipment), backward capacity."""

from __future__ import annotations

import unicodedata
from decimal import Decimal
from typing import Any

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safety_platform.dates import local_text
from safety_platform.models.base import CreatedModel, TimestampedModel
from safety_platform.models.fields import (
    created_by_field,
    enterprise_link,
    jurisdiction_link,
    latitude_field,
    longitude_field,
    person_link,
    positive,
    state_change_fields,
)
from safety_platform.scoping import (
    ActiveFlagMixin,
    JurisdictionScopedQuerySet,
    ScopedQuerySet,
    SignedInQuerySet,
    jurisdiction_scope_q,
)

# Planning admission ---------------------------------------------------------------------------


class ProjectCategory(models.TextChoices):
    HAZCHEM_PLANT = "hazchem_plant", _("Hazardous-chemicals production plant")
    HAZCHEM_STORAGE = "hazchem_storage", _("Hazardous-chemicals storage")
    FUEL_STATION = "fuel_station", _("Fuel or gas filling station")
    FIREWORKS = "fireworks", _("Fireworks production or storage")
    EXPLOSIVES = "explosives", _("Civil explosives")
    TAILINGS = "tailings", _("Tailings pond")
    MINE = "mine", _("Mine")
    METAL_SMELTING = "metal_smelting", _("Metal smelting")
    OTHER = "other", _("Other high-risk project")


class PlaceKind(models.TextChoices):
    SCHOOL = "school", _("School or kindergarten")
    HOSPITAL = "hospital", _("Hospital")
    RESIDENTIAL = "residential", _("Residential area")
    MARKET = "market", _("Market or shopping centre")
    ELDERLY = "elderly", _("Elderly care home")
    TRANSPORT_HUB = "transport_hub", _("Station or transport hub")
    OTHER = "other", _("Other population-dense place")


class ProjectStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Siting approved")
    CONDITIONAL = "conditional", _("Approved with conditions")
    REJECTED = "rejected", _("Siting rejected")


class SeparationDistanceQuerySet(SignedInQuerySet["SeparationDistance"]):
    active_only = True

    def in_force(self, category: str, on: Any = None) -> SeparationDistance | None:
        """The rule for `category` in force on a date: the latest version that started by then."""
        on = on or timezone.localdate()
        return self.filter(category=category, valid_from__lte=on).order_by("-valid_from", "-id").first()


class SeparationDistance(CreatedModel):
    """安全防护距离 — the separation distance required between a project category and dense places.

    A versioned rule: a change is a new row with a later `valid_from`; each siting review records the
    row it used, so old decisions stay explainable.
    """

    category = models.CharField(_("project category"), max_length=20, choices=ProjectCategory.choices)
    distance_m = models.DecimalField(
        _("separation distance (m)"), max_digits=9, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    version = models.CharField(_("version"), max_length=30)
    valid_from = models.DateField(_("valid from"))
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)

    objects = SeparationDistanceQuerySet.as_manager()

    class Meta:
        verbose_name = _("separation distance rule")
        verbose_name_plural = _("separation distance rules")
        ordering = ["category", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["category", "version"], name="separation_distance_unique_version"),
            positive("distance_m", name="separation_distance_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} ≥ {self.distance_m} m ({self.version})"


class HighRiskProjectQuerySet(models.QuerySet["HighRiskProject"]):
    def visible_to(self, user: Any) -> HighRiskProjectQuerySet:
        """Planning data follows the jurisdiction; an enterprise also sees projects it builds itself."""
        q = jurisdiction_scope_q(user, "jurisdiction")
        if q is None:
            return self
        if getattr(user, "is_enterprise_user", False) and user.enterprise_id:
            q = q | Q(enterprise_id=user.enterprise_id)
        return self.filter(q)


class HighRiskProject(TimestampedModel):
    """高危建设项目 — a planned high-risk project whose siting is reviewed against dense places."""

    name = models.CharField(_("project name"), max_length=200)
    category = models.CharField(_("project category"), max_length=20, choices=ProjectCategory.choices)
    enterprise = enterprise_link(_("builder (enterprise)"), optional=True, related_name="high_risk_projects")
    jurisdiction = jurisdiction_link()
    address = models.CharField(_("address"), max_length=300, blank=True)
    longitude = longitude_field(optional=False)
    latitude = latitude_field(optional=False)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=ProjectStatus.choices, default=ProjectStatus.PROPOSED)
    created_by = created_by_field(on_delete=models.SET_NULL)

    objects = HighRiskProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("high-risk project")
        verbose_name_plural = _("high-risk projects")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("enterprises:project_detail", args=[self.pk])


class DensePlace(TimestampedModel):
    """人员密集场所 — a school, hospital, residential area, market … with its coordinates."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=PlaceKind.choices)
    jurisdiction = jurisdiction_link()
    address = models.CharField(_("address"), max_length=300, blank=True)
    longitude = longitude_field(optional=False)
    latitude = latitude_field(optional=False)
    population = models.PositiveIntegerField(_("people (typical)"), default=0)
    is_active = models.BooleanField(pgettext_lazy("enterprises", "active"), default=True)

    objects = JurisdictionScopedQuerySet.as_manager()

    # Set by `dense_place_save`: the siting reviews this save re-ran (not a column).
    siting_reviews: tuple[Any, ...] | list[Any] = ()

    class Meta:
        verbose_name = _("population-dense place")
        verbose_name_plural = _("population-dense places")
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["latitude", "longitude"])]

    def __str__(self) -> str:
        return self.name


class ReviewDecision(models.TextChoices):
    PENDING = "pending", _("Pending decision")
    APPROVED = "approved", _("Approved")
    CONDITIONAL = "conditional", _("Approved with conditions")
    REJECTED = "rejected", _("Rejected")


class SitingReviewQuerySet(models.QuerySet["SitingReview"]):
    def visible_to(self, user: Any) -> SitingReviewQuerySet:
        return self.filter(project__in=HighRiskProject.objects.visible_to(user).values("pk"))


class SitingReview(models.Model):
    """选址审查 — a siting review: every dense place inside the separation distance, and the decision."""

    project = models.ForeignKey(
        HighRiskProject, verbose_name=_("project"), on_delete=models.PROTECT, related_name="reviews"
    )
    rule = models.ForeignKey(
        SeparationDistance, verbose_name=_("rule applied"), on_delete=models.PROTECT, related_name="+"
    )
    separation_m = models.DecimalField(_("separation distance (m)"), max_digits=9, decimal_places=2)
    rule_version = models.CharField(_("rule version"), max_length=30)
    project_longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6)
    project_latitude = models.DecimalField(_("latitude"), max_digits=8, decimal_places=6)
    places_checked = models.PositiveIntegerField(_("places checked"), default=0)
    # Siting works both ways (§2.1): a place registered or moved near the project re-runs its review.
    triggered_by_place = models.ForeignKey(
        DensePlace,
        verbose_name=_("re-run because of the place"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decision = models.CharField(
        _("decision"), max_length=12, choices=ReviewDecision.choices, default=ReviewDecision.PENDING
    )
    decision_note = models.TextField(_("decision note"), blank=True)
    decided_by = person_link(_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_by = created_by_field(on_delete=models.SET_NULL)
    created_at = models.DateTimeField(_("reviewed at"), auto_now_add=True)

    objects = SitingReviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("siting review")
        verbose_name_plural = _("siting reviews")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.project} @ {local_text(self.created_at, with_time=False)}"


class SitingConflict(models.Model):
    """选址冲突 — a dense place found inside the separation distance in one siting review (never edited)."""

    review = models.ForeignKey(
        SitingReview, verbose_name=_("siting review"), on_delete=models.CASCADE, related_name="conflicts"
    )
    place = models.ForeignKey(DensePlace, verbose_name=_("place"), on_delete=models.PROTECT, related_name="+")
    place_name = models.CharField(_("place"), max_length=200)
    place_kind = models.CharField(_("kind"), max_length=20, choices=PlaceKind.choices)
    distance_m = models.DecimalField(_("distance (m)"), max_digits=10, decimal_places=2)

    class Meta:
        verbose_name = _("siting conflict")
        verbose_name_plural = _("siting conflicts")
        ordering = ["distance_m", "id"]

    def __str__(self) -> str:
        return f"{self.place_name}: {self.distance_m} m"


# Process admission ----------------------------------------------------------------------------


class CatalogKind(models.TextChoices):
    EQUIPMENT = "equipment", _("Equipment")
    PROCESS = "process", _("Process")


class CatalogStatus(models.TextChoices):
    BANNED = "banned", _("Banned (eliminated)")
    RESTRICTED = "restricted", _("Restricted")


def model_key(value: str) -> str:
    """A model number as compared: full-width folded, upper case, without spaces."""
    return "".join(unicodedata.normalize("NFKC", value or "").upper().split())


class CatalogEntryQuerySet(ActiveFlagMixin, SignedInQuerySet["CatalogEntry"]):
    """The catalog is public to every signed-in principal: enterprises check their own equipment with it."""

    active_only = True


class CatalogEntry(TimestampedModel):
    """淘汰落后安全技术装备目录条目 — a banned or restricted piece of equipment or process."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=CatalogKind.choices, default=CatalogKind.EQUIPMENT)
    status = models.CharField(_("banned or restricted"), max_length=12, choices=CatalogStatus.choices)
    reason = models.TextField(_("reason"), blank=True)
    scope = models.CharField(
        _("scope"), max_length=300, blank=True, help_text=_("Where the ban or restriction applies.")
    )
    replacement = models.CharField(_("replacement"), max_length=300, blank=True)
    source_document = models.CharField(_("source document"), max_length=200)
    batch = models.CharField(_("batch"), max_length=60, blank=True)
    model_numbers = models.TextField(
        _("model numbers"),
        blank=True,
        help_text=_("Exact model numbers, one per line; declared equipment with one of them matches."),
    )
    published_on = models.DateField(_("published on"), null=True, blank=True)
    is_active = models.BooleanField(pgettext_lazy("enterprises", "active"), default=True)

    objects = CatalogEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("banned equipment or process")
        verbose_name_plural = _("catalog of banned equipment and processes")
        ordering = ["source_document", "batch", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["source_document", "batch", "name"], name="catalog_entry_unique_in_batch"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("enterprises:catalog_detail", args=[self.pk])

    def model_keys(self) -> list[str]:
        return sorted({model_key(line) for line in (self.model_numbers or "").splitlines() if model_key(line)})


class CatalogModelNumber(models.Model):
    """目录型号 — one exact model number of a catalog entry, normalised, so matching is one indexed join."""

    entry = models.ForeignKey(
        CatalogEntry, verbose_name=_("banned equipment or process"), on_delete=models.CASCADE, related_name="model_rows"
    )
    model_key = models.CharField(_("normalised model number"), max_length=120, db_index=True)

    class Meta:
        verbose_name = _("catalog model number")
        verbose_name_plural = _("catalog model numbers")
        constraints = [models.UniqueConstraint(fields=["entry", "model_key"], name="catalog_model_number_unique")]

    def __str__(self) -> str:
        return self.model_key


class DeclaredEquipment(TimestampedModel):
    """企业在用设备设施与工艺 — equipment or a process an enterprise declares it uses."""

    enterprise = enterprise_link(related_name="equipment")
    kind = models.CharField(_("kind"), max_length=12, choices=CatalogKind.choices, default=CatalogKind.EQUIPMENT)
    name = models.CharField(_("name"), max_length=200)
    model_number = models.CharField(_("model number"), max_length=120, blank=True)
    model_key = models.CharField(
        _("normalised model number"), max_length=120, blank=True, db_index=True, editable=False
    )
    manufacturer = models.CharField(_("manufacturer"), max_length=200, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    installed_on = models.DateField(_("in use since"), null=True, blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    catalog_entry = models.ForeignKey(
        CatalogEntry,
        verbose_name=_("catalog entry (if known)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Choose the catalog entry when this item is listed in the catalog of banned equipment."),
    )
    in_use = models.BooleanField(_("in use"), default=True)
    declared_by = person_link(_("declared by"), on_delete=models.SET_NULL)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("declared equipment")
        verbose_name_plural = _("declared equipment")
        ordering = ["enterprise_id", "name", "id"]

    def __str__(self) -> str:
        return f"{self.name} {self.model_number}".strip()

    def get_absolute_url(self) -> str:
        return reverse("enterprises:equipment_edit", args=[self.pk])

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.model_key = model_key(self.model_number)
        if kwargs.get("update_fields") is not None and "model_number" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "model_key"}
        super().save(*args, **kwargs)


class MatchedBy(models.TextChoices):
    MODEL_NUMBER = "model_number", _("Exact model number")
    CHOSEN = "chosen", _("Catalog entry chosen")


class EquipmentMatchQuerySet(ScopedQuerySet["EquipmentMatch"]):
    scope_prefix = "equipment__enterprise"


class EquipmentMatch(models.Model):
    """淘汰目录比对命中 — a declared item matched to a catalog entry; it becomes a hazard, once."""

    equipment = models.ForeignKey(
        DeclaredEquipment, verbose_name=_("declared equipment"), on_delete=models.PROTECT, related_name="matches"
    )
    entry = models.ForeignKey(
        CatalogEntry, verbose_name=_("banned equipment or process"), on_delete=models.PROTECT, related_name="matches"
    )
    matched_by = models.CharField(_("matched by"), max_length=14, choices=MatchedBy.choices)
    matched_at = models.DateTimeField(_("matched at"), auto_now_add=True)
    hazard_id = models.PositiveBigIntegerField(_("hazard"), null=True, blank=True)

    objects = EquipmentMatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("catalog match")
        verbose_name_plural = _("catalog matches")
        ordering = ["-matched_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["equipment", "entry"], name="equipment_match_once")]

    def __str__(self) -> str:
        return f"{self.equipment} ↔ {self.entry}"

    @property
    def external_key(self) -> str:
        return f"equipment:{self.equipment_id}:{self.entry_id}"


# Backward capacity ----------------------------------------------------------------------------


class ExitKind(models.TextChoices):
    CLOSURE = "closure", _("Proposed closure")
    GUIDED_EXIT = "guided_exit", _("Guided exit")


class ExitStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    EXECUTED = "executed", _("Executed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_EXIT_STATUSES = (ExitStatus.PROPOSED, ExitStatus.APPROVED)


class ExitProposal(models.Model):
    """落后产能退出 — a proposal to close (提请关闭) or guide the exit (引导退出) of an enterprise lacking basic
    safety conditions; its decision and every status change are kept."""

    enterprise = enterprise_link(related_name="exit_proposals")
    kind = models.CharField(_("proposal"), max_length=12, choices=ExitKind.choices)
    reasons = models.TextField(_("missing basic safety conditions"))
    exit_by = models.DateField(_("exit by"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=ExitStatus.choices, default=ExitStatus.PROPOSED)
    decision_note = models.TextField(_("decision note"), blank=True)
    proposed_by = person_link(_("proposed by"), optional=False)
    created_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    decided_by = person_link(_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("exit proposal")
        verbose_name_plural = _("exit proposals")
        ordering = ["-created_at", "-id"]
        constraints = [
            # One open proposal per enterprise: a second one would race the first to close it.
            models.UniqueConstraint(
                fields=["enterprise"], condition=Q(status__in=["proposed", "approved"]), name="exit_proposal_one_open"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.enterprise}"

    def get_absolute_url(self) -> str:
        return reverse("enterprises:exit_detail", args=[self.pk])


class ExitTransition(models.Model):
    """退出建议状态变更 — one status change of an exit proposal: who, when, from, to, note (never edited)."""

    proposal = models.ForeignKey(
        ExitProposal, verbose_name=_("exit proposal"), on_delete=models.PROTECT, related_name="transitions"
    )
    from_status, to_status = state_change_fields(ExitStatus.choices, max_length=12)
    note = models.TextField(_("note"), blank=True)
    actor = person_link(_("actor"), optional=False)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("exit proposal status change")
        verbose_name_plural = _("exit proposal status changes")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"
