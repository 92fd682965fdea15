"""Enforcement: the regulator's numbered documents and the administrative penalty case (§3.2 严打, DESIGN §3d)."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from safety_platform.models.base import CreatedModel, TimestampedModel
from safety_platform.models.fields import enterprise_link, jurisdiction_link, link, not_negative, person_link
from safety_platform.scoping import ScopedQuerySet
from safety_platform.versioning import RuleVersion, RuleVersionQuerySet


class DocumentKind(models.TextChoices):
    """The regulator's documents (执法文书); each is numbered per authority, kind and year."""

    INSPECTION_RECORD = "inspection_record", _("On-site inspection record")
    RECTIFICATION_ORDER = "rectification_order", _("Order to rectify within a deadline")
    REINSPECTION_OPINION = "reinspection_opinion", _("Re-inspection opinion")
    CASE_FILING = "case_filing", _("Case filing approval form")
    PENALTY_NOTICE = "penalty_notice", _("Administrative penalty notice")
    HEARING_NOTICE = "hearing_notice", _("Hearing notice")
    PENALTY_DECISION = "penalty_decision", _("Administrative penalty decision")
    CASE_CLOSING = "case_closing", _("Case closing approval form")


# The kind's abbreviation in the number (龙新应急责改〔2026〕12号) and its official title on paper.
KIND_ABBREVIATION: dict[str, str] = {
    DocumentKind.INSPECTION_RECORD: "检记",
    DocumentKind.RECTIFICATION_ORDER: "责改",
    DocumentKind.REINSPECTION_OPINION: "复查",
    DocumentKind.CASE_FILING: "立审",
    DocumentKind.PENALTY_NOTICE: "罚告",
    DocumentKind.HEARING_NOTICE: "听告",
    DocumentKind.PENALTY_DECISION: "罚决",
    DocumentKind.CASE_CLOSING: "结审",
}
KIND_TITLE: dict[str, str] = {
    DocumentKind.INSPECTION_RECORD: "现场检查记录",
    DocumentKind.RECTIFICATION_ORDER: "责令限期整改指令书",
    DocumentKind.REINSPECTION_OPINION: "整改复查意见书",
    DocumentKind.CASE_FILING: "立案审批表",
    DocumentKind.PENALTY_NOTICE: "行政处罚告知书",
    DocumentKind.HEARING_NOTICE: "听证告知书",
    DocumentKind.PENALTY_DECISION: "行政处罚决定书",
    DocumentKind.CASE_CLOSING: "结案审批表",
}
# Documents an inspector issues from an inspection; the others are written by the case's steps.
INSPECTION_KINDS = (
    DocumentKind.INSPECTION_RECORD,
    DocumentKind.RECTIFICATION_ORDER,
    DocumentKind.REINSPECTION_OPINION,
)


class CaseStatus(models.TextChoices):
    """The administrative penalty case (行政处罚), Administrative Penalty Law 2021."""

    FILED = "filed", _("Case filed")
    INVESTIGATING = "investigating", _("Investigating")
    NOTIFIED = "notified", _("Party notified")
    HEARING = "hearing", _("Hearing")
    DECIDED = "decided", _("Decided")
    EXECUTING = "executing", _("Executing")
    CLOSED = "closed", _("Case closed")
    WITHDRAWN = "withdrawn", _("Case withdrawn")


OPEN_CASE_STATUSES = (CaseStatus.FILED, CaseStatus.INVESTIGATING, CaseStatus.NOTIFIED, CaseStatus.HEARING)
# 当事人: the enterprise a case or a document is about, in the law's words.
PARTY_CONCERNED = _("party concerned")


class Violation(models.TextChoices):
    """What the case is about; it decides which credit facts a decided case records."""

    LICENCE = "licence", _("Operating without or during suspension of a licence")
    RECTIFICATION_REFUSED = "rectification_refused", _("Refusing to rectify a hazard or to obey an order")
    OCCUPATIONAL = "occupational", _("Occupational-hazard violation")
    SAFETY_STAFF = "safety_staff", _("Safety management organization or staff missing")
    OTHER = "other", _("Other work-safety violation")


class EnforcementRuleSet(RuleVersion, CreatedModel):
    """执法时限规则 — the legal numbers of a penalty case, versioned: each case records the version it used, and a
    version a case used is frozen."""

    recorded_in = (("supervision.PenaltyCase", "rule_set"),)
    editable_when_frozen = ("notes",)

    objects = RuleVersionQuerySet.as_manager()

    version = models.CharField(_("version"), max_length=40, unique=True)
    effective_from = models.DateField(_("effective from"))
    hearing_request_days = models.PositiveSmallIntegerField(
        _("days to request a hearing after the notice"), default=5, help_text=_("Administrative Penalty Law art. 64")
    )
    decision_days = models.PositiveSmallIntegerField(
        _("days from filing to the decision"), default=90, help_text=_("Administrative Penalty Law art. 60")
    )
    fine_payment_days = models.PositiveSmallIntegerField(
        _("days to pay a fine after the decision"), default=15, help_text=_("Administrative Penalty Law art. 67")
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("enforcement rule set")
        verbose_name_plural = _("enforcement rule sets")
        ordering = ["-effective_from", "-id"]

    def __str__(self) -> str:
        return self.version


class DocumentCounter(models.Model):
    """文书编号计数器 — the last serial issued per authority, document kind and year (row-locked when issuing)."""

    authority = models.ForeignKey(
        "safety_platform.Jurisdiction", verbose_name=_("authority"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("document kind"), max_length=30, choices=DocumentKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    last = models.PositiveIntegerField(_("last serial number issued"), default=0)

    class Meta:
        verbose_name = _("document number counter")
        verbose_name_plural = _("document number counters")
        constraints = [
            models.UniqueConstraint(fields=["authority", "kind", "year"], name="supervision_doc_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.authority_id}-{self.kind}-{self.year}: {self.last}"


class PenaltyCase(TimestampedModel):
    """行政处罚案件 — 立案 → 调查取证 → 告知 → 听证 (if asked) → 决定 → 执行 → 结案, each step recorded."""

    authority = jurisdiction_link(_("authority"))
    enterprise = enterprise_link(PARTY_CONCERNED, related_name="penalty_cases")
    inspection = link("supervision.Inspection", _("inspection"), related_name="penalty_cases", optional=True)
    title = models.CharField(_("cause of the case"), max_length=200)
    violation = models.CharField(_("violation"), max_length=30, choices=Violation.choices, default=Violation.OTHER)
    status = models.CharField(_("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.FILED)
    rule_set = models.ForeignKey(
        EnforcementRuleSet, verbose_name=_("rule set version"), on_delete=models.PROTECT, related_name="+"
    )
    filed_on = models.DateField(_("date filed"))
    filed_by = person_link(_("case filed by"))
    decide_by = models.DateField(_("decide by"))
    notified_on = models.DateField(_("notified on"), null=True, blank=True)
    hearing_request_by = models.DateField(_("hearing may be requested until"), null=True, blank=True)
    statement = models.TextField(_("the party's statement and defence"), blank=True)
    hearing_requested_on = models.DateField(_("hearing requested on"), null=True, blank=True)
    hearing_held_on = models.DateField(_("hearing held on"), null=True, blank=True)
    hearing_note = models.TextField(_("hearing record"), blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    fine_amount = models.DecimalField(_("fine (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True)
    suspension_days = models.PositiveIntegerField(_("suspension of production (days)"), null=True, blank=True)
    licence_revocation_proposed = models.BooleanField(_("proposal to revoke a licence"), default=False)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    extension_days = models.PositiveSmallIntegerField(_("decision deadline extended by (days)"), default=0)
    extension_reason = models.CharField(_("reason for the extension"), max_length=300, blank=True)
    extension_approved_by = person_link(_("extension approved by"))
    executed_on = models.DateField(_("execution started on"), null=True, blank=True)
    fine_paid_on = models.DateField(_("fine paid on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("administrative penalty case")
        verbose_name_plural = _("administrative penalty cases")
        ordering = ["-filed_on", "-id"]
        indexes = [
            models.Index(fields=["status", "decide_by"], name="supervision_case_status"),
            models.Index(fields=["enterprise", "-filed_on"], name="supervision_case_ent"),
        ]
        constraints = [not_negative("fine_amount", optional=True, name="supervision_case_fine_positive")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("supervision:enforcement_case", args=[self.pk])

    @property
    def has_penalty(self) -> bool:
        return bool(self.fine_amount) or bool(self.suspension_days) or self.licence_revocation_proposed

    def hearing_window_open_on(self, day: dt.date) -> bool:
        """The party may still request a hearing on `day` (until the end of the last day of the window)."""
        return self.hearing_request_by is not None and day <= self.hearing_request_by


class EnforcementDocumentQuerySet(ScopedQuerySet["EnforcementDocument"]):
    def for_list(self) -> EnforcementDocumentQuerySet:
        return self.select_related("enterprise", "authority", "case")


class EnforcementDocument(CreatedModel):
    """执法文书 — one numbered document of the regulator (龙新应急责改〔2026〕12号), printable in its layout."""

    authority = jurisdiction_link(_("authority"))
    kind = models.CharField(_("kind"), max_length=30, choices=DocumentKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    serial = models.PositiveIntegerField(_("serial"))
    number = models.CharField(_("document number"), max_length=60)
    hand_numbered = models.BooleanField(_("number typed by hand"), default=False)
    enterprise = enterprise_link(PARTY_CONCERNED, related_name="enforcement_documents")
    inspection = link("supervision.Inspection", _("inspection"), related_name="enforcement_documents", optional=True)
    case = link(PenaltyCase, _("penalty case"), related_name="documents", optional=True)
    issued_on = models.DateField(_("date of issue"))
    issued_by = person_link(_("signed by"))
    findings = models.TextField(_("facts found"), blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    order_items = models.JSONField(_("items ordered"), default=list, blank=True)
    rectify_by = models.DateField(_("rectify by"), null=True, blank=True)
    conclusion = models.TextField(_("conclusion"), blank=True)
    hazards = models.ManyToManyField(
        "hazards.Hazard", verbose_name=_("hazards"), blank=True, related_name="enforcement_documents"
    )
    # 作废: an issued document is never edited nor deleted; a mistake voids it (its number is never reused) and a
    # new document with a new number replaces it (重新制发).
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    voided_by = person_link(_("voided by"))
    void_reason = models.CharField(_("reason for voiding"), max_length=300, blank=True)
    voided_hazard_codes = models.JSONField(_("hazards the voided document covered"), default=list, blank=True)
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("replaces"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replacement",
    )

    objects = EnforcementDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("enforcement document")
        verbose_name_plural = _("enforcement documents")
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "kind", "year", "serial"], name="supervision_doc_number_unique"
            )
        ]
        indexes = [
            models.Index(fields=["-issued_on", "-id"], name="supervision_doc_issued"),
            models.Index(fields=["enterprise", "-issued_on"], name="supervision_doc_ent"),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("supervision:enforcement_document", args=[self.pk])

    @property
    def official_title(self) -> str:
        return KIND_TITLE.get(self.kind, "")

    @property
    def is_voided(self) -> bool:
        return self.voided_at is not None


class PenaltyCaseTransition(models.Model):
    """One recorded step of a case (from, to, by, at, note), with the document it produced."""

    case = models.ForeignKey(
        PenaltyCase, verbose_name=_("penalty case"), on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(_("from"), max_length=20, choices=CaseStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=CaseStatus.choices)
    action = models.CharField(_("action"), max_length=30)
    actor = person_link(_("by"))
    at = models.DateTimeField(_("at"), auto_now_add=True)
    note = models.TextField(_("note"), blank=True)
    document = models.ForeignKey(
        EnforcementDocument,
        verbose_name=_("enforcement document"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("penalty case step")
        verbose_name_plural = _("penalty case steps")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.from_status} → {self.to_status}"


__all__ = [
    "INSPECTION_KINDS",
    "KIND_ABBREVIATION",
    "KIND_TITLE",
    "OPEN_CASE_STATUSES",
    "CaseStatus",
    "DocumentCounter",
    "DocumentKind",
    "EnforcementDocument",
    "EnforcementDocumentQuerySet",
    "EnforcementRuleSet",
    "PenaltyCase",
    "PenaltyCaseTransition",
    "Violation",
]
