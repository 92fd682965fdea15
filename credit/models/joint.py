"""Joint rewards and punishments (联合奖惩, seed §5.3): written notices to the same-level departments and the
measures those departments applied."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safety_platform.choices import Role
from safety_platform.models.base import CreatedModel
from safety_platform.models.fields import department_link, enterprise_link, in_order, link, person_link
from safety_platform.scoping import NOTHING, enterprise_scope_q

from ..choices import (
    Grade,
    JointMeasureBasis,
    JointMeasureCategory,
    JointMeasureChannel,
    JointMeasureKind,
    JointMeasureStatus,
)

# The departments seed §5.3 names (发改、财政、国土、环保、住建、工商 and the financial ones), by reference-data
# code: the recipients while nobody has chosen others in the admin (JointNoticeRecipient).
DEFAULT_NOTICE_RECIPIENT_CODES = ("fgw", "czj", "zrzyj", "sthjj", "zjj", "scjgj", "rmyh")
# The issuing office's document-number prefix (市安委办 信用告知): 龙安委办信告〔2026〕7号.
NOTICE_NUMBER_PREFIX = "龙安委办信告"


class JointNoticeRecipient(CreatedModel):
    """联合奖惩告知对象 — a same-level department that receives the written notice each period.

    Kept on the credit side (the core's Department has no such flag). While the table is empty the
    departments of `DEFAULT_NOTICE_RECIPIENT_CODES` receive it.
    """

    department = models.OneToOneField(
        "safety_platform.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="joint_notice_recipient",
    )
    is_active = models.BooleanField(_("receives the notice"), default=True)

    class Meta:
        verbose_name = _("notice recipient")
        verbose_name_plural = _("notice recipients")
        ordering = ["department__name"]

    def __str__(self) -> str:
        return str(self.department)


def _staff_role(user: Any) -> str:
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return ""
    if getattr(user, "api_key", None) is not None:
        return "api_key"
    return Role.ADMIN if user.is_superuser else str(user.role)


class JointNoticeQuerySet(models.QuerySet["JointNotice"]):
    def visible_to(self, user: Any) -> JointNoticeQuerySet:
        """The committee and administrators read every notice; a department's staff their department's."""
        role = _staff_role(user)
        if role in (Role.ADMIN, Role.COMMITTEE):
            return self
        if role == Role.DEPARTMENT and user.department_id:
            return self.filter(department_id=user.department_id)
        return self.none()

    def unacknowledged(self) -> JointNoticeQuerySet:
        return self.filter(acknowledged_at__isnull=True)


class JointNotice(CreatedModel):
    """联合奖惩告知书 — the written notice (书面告知) of one period to one same-level department.

    It snapshots what it lists (`content`: grade changes and blacklist entries published or removed in
    the period), so the document stays as issued whatever happens later. One per department and
    period; numbered per year (龙安委办信告〔2026〕7号). The department acknowledges receipt (签收).
    """

    department = department_link(_("addressee"))
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("number"))
    rule_set = models.ForeignKey(
        "credit.RuleSet", verbose_name=_("rule set version"), on_delete=models.PROTECT, related_name="+"
    )
    content = models.JSONField(_("what the notice lists"), default=dict)
    grade_count = models.PositiveIntegerField(_("grade changes"), default=0)
    listed_count = models.PositiveIntegerField(_("blacklist entries published"), default=0)
    removed_count = models.PositiveIntegerField(_("blacklist entries removed"), default=0)
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = person_link(_("issued by"))
    ack_due_on = models.DateField(_("acknowledge by"))
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = person_link(_("acknowledged by"))

    objects = JointNoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("joint rewards and punishments notice")
        verbose_name_plural = _("joint rewards and punishments notices")
        ordering = ["-period_start", "department__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["department", "period_start"], name="credit_notice_one_per_period"),
            models.UniqueConstraint(fields=["year", "number"], name="credit_notice_number_unique"),
            in_order("period_start", "period_end", name="credit_notice_period_ordered"),
        ]
        indexes = [models.Index(fields=["acknowledged_at", "period_start"], name="credit_notice_ack")]

    def __str__(self) -> str:
        return self.doc_number

    @property
    def doc_number(self) -> str:
        return f"{NOTICE_NUMBER_PREFIX}〔{self.year}〕{self.number}号"

    def get_absolute_url(self) -> str:
        return reverse("credit:joint_notice", args=[self.pk])

    @property
    def is_acknowledged(self) -> bool:
        return self.acknowledged_at is not None


class JointMeasureQuerySet(models.QuerySet["JointMeasure"]):
    def visible_to(self, user: Any) -> JointMeasureQuerySet:
        """Committee and administrators: every measure. A department's staff and its API keys: the measures
        their department applied, and (staff) those about the enterprises their department supervises.
        Inspectors and enterprise users: the measures about the enterprises they see. Enterprise keys: none."""
        role = _staff_role(user)
        if role in (Role.ADMIN, Role.COMMITTEE):
            return self
        if role == "api_key":
            if user.department_id and not user.enterprise_id:
                return self.filter(department_id=user.department_id)
            return self.none()
        if role == Role.DEPARTMENT:
            if not user.department_id:
                return self.none()
            return self.filter(
                Q(department_id=user.department_id) | Q(enterprise__supervising_department_id=user.department_id)
            )
        if role in (Role.INSPECTOR, Role.COUNTY_OFFICE, Role.ENTERPRISE):
            q = enterprise_scope_q(user, "enterprise")
            return self.filter(q if q is not None else NOTHING)
        return self.none()

    def active(self) -> JointMeasureQuerySet:
        return self.filter(status=JointMeasureStatus.ACTIVE)


class JointMeasure(CreatedModel):
    """联合奖惩措施 — a measure a department applied to a listed enterprise (a punishment for a blacklisted or
    grade-3 enterprise, an incentive for a grade-1 one), with what it responds to.

    Never deleted: a measure lifted or recorded by mistake is revoked with a reason.
    """

    enterprise = enterprise_link(related_name="joint_measures")
    department = department_link()
    category = models.CharField(_("category"), max_length=10, choices=JointMeasureCategory.choices, editable=False)
    kind = models.CharField(pgettext_lazy("joint measure", "measure"), max_length=30, choices=JointMeasureKind.choices)
    basis = models.CharField(_("basis"), max_length=10, choices=JointMeasureBasis.choices)
    blacklist_entry = link("credit.BlacklistEntry", _("blacklist entry"), related_name="joint_measures", optional=True)
    basis_grade = models.PositiveSmallIntegerField(
        _("grade responded to"), choices=Grade.choices, null=True, blank=True
    )
    basis_graded_on = models.DateField(_("graded on"), null=True, blank=True)
    notice = link(JointNotice, _("notice"), on_delete=models.SET_NULL, related_name="measures", optional=True)
    applied_on = models.DateField(_("applied on"))
    until = models.DateField(_("until"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    channel = models.CharField(_("recorded through"), max_length=4, choices=JointMeasureChannel.choices)
    recorded_by = person_link(_("recorded by"))
    api_key = link("safety_platform.ApiKey", _("API key"), optional=True)
    status = models.CharField(
        _("status"), max_length=10, choices=JointMeasureStatus.choices, default=JointMeasureStatus.ACTIVE
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = person_link(_("revoked by"))
    revoke_reason = models.TextField(_("reason for the revocation"), blank=True)

    objects = JointMeasureQuerySet.as_manager()

    class Meta:
        verbose_name = _("joint measure")
        verbose_name_plural = _("joint measures")
        ordering = ["-applied_on", "-id"]
        indexes = [
            models.Index(fields=["department", "-applied_on", "-id"], name="credit_measure_by_department"),
            models.Index(fields=["enterprise", "-applied_on"], name="credit_measure_by_enterprise"),
            models.Index(fields=["-applied_on", "-id"], name="credit_measure_recent"),
        ]
        constraints = [
            in_order("applied_on", "until", unless_empty=["until"], name="credit_measure_period_ordered"),
            models.CheckConstraint(
                condition=Q(recorded_by__isnull=False) | Q(api_key__isnull=False), name="credit_measure_has_recorder"
            ),
            models.CheckConstraint(
                condition=~Q(basis="blacklist") | Q(blacklist_entry__isnull=False),
                name="credit_measure_blacklist_basis_has_entry",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id}: {self.get_kind_display()} ({self.department})"

    def get_absolute_url(self) -> str:
        return reverse("credit:enterprise", args=[self.enterprise_id]) + "#joint-measures"

    @property
    def is_active(self) -> bool:
        return self.status == JointMeasureStatus.ACTIVE

    @property
    def basis_text(self) -> str:
        if self.basis == JointMeasureBasis.BLACKLIST and self.blacklist_entry_id:
            return str(_("Listed on the blacklist"))
        return str(self.get_basis_grade_display() or "")
