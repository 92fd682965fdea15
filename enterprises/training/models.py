"""Training (§4.3): employees and their posts, three-level training records, special-operation certificates."""

from __future__ import annotations

from decimal import Decimal
from typing import TypeVar

from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safety_platform.models.base import CreatedModel, TimestampedModel
from safety_platform.models.fields import enterprise_link, in_order, person_link, positive, rule_version_field
from safety_platform.scoping import ScopedQuerySet

_M = TypeVar("_M", bound=models.Model)


class PersonRole(models.TextChoices):
    STAFF = "staff", _("Employee")
    PRINCIPAL = "principal", _("Principal (主要负责人)")
    SAFETY_MANAGER = "safety_manager", _("Safety manager (安全生产管理人员)")


MANAGEMENT_ROLES = (PersonRole.PRINCIPAL, PersonRole.SAFETY_MANAGER)


class EmployeeStatus(models.TextChoices):
    ON_POST = "on_post", _("On post")
    AWAY = "away", _("Away from post")
    LEFT = "left", _("Left the enterprise")


class SpecialOperation(models.TextChoices):
    """特种作业目录 (SAWS Order 30): the operations that need a special-operation certificate."""

    ELECTRICAL = "electrical", _("Electrical work")
    WELDING = "welding", _("Welding and thermal cutting")
    HEIGHT = "height", _("Work at height")
    REFRIGERATION = "refrigeration", _("Refrigeration and air conditioning")
    COAL_MINE = "coal_mine", _("Coal-mine safety operation")
    METAL_MINE = "metal_mine", _("Metal and non-metal mine safety operation")
    OIL_GAS = "oil_gas", _("Oil and gas safety operation")
    METALLURGY = "metallurgy", _("Metallurgical production safety operation")
    HAZCHEM = "hazchem", _("Hazardous-chemicals safety operation")
    FIREWORKS = "fireworks", _("Fireworks safety operation")
    OTHER = "other", _("Other special operation")


class Employee(TimestampedModel):
    """从业人员 — a person working in an enterprise, with the post they hold and whether it is dangerous.

    `repeat_due_on` / `repeat_after` hold the last post change (or return after a year away) that asks
    for the workshop and team levels again (SAWS Order 3): training completed after `repeat_after` and
    by `repeat_due_on` counts as the repeat.
    """

    enterprise = enterprise_link(related_name="staff_members")
    name = models.CharField(_("name"), max_length=60)
    employee_number = models.CharField(_("employee number"), max_length=40, blank=True)
    role = models.CharField(
        pgettext_lazy("enterprises", "role"), max_length=16, choices=PersonRole.choices, default=PersonRole.STAFF
    )
    post = models.CharField(_("post"), max_length=100)
    post_is_high_risk = models.BooleanField(_("dangerous post"), default=False)
    special_operation = models.CharField(
        _("special operation of the post"),
        max_length=16,
        choices=SpecialOperation.choices,
        blank=True,
        help_text=_("Set when the post needs a special-operation certificate."),
    )
    posted_on = models.DateField(_("first started work on"))
    current_post_since = models.DateField(_("current post since"))
    status = models.CharField(
        _("status"), max_length=10, choices=EmployeeStatus.choices, default=EmployeeStatus.ON_POST
    )
    away_since = models.DateField(_("away since"), null=True, blank=True)
    repeat_due_on = models.DateField(_("repeat training due by"), null=True, blank=True)
    repeat_after = models.DateField(_("repeat training counts after"), null=True, blank=True, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("employee")
        verbose_name_plural = _("employees")
        ordering = ["enterprise_id", "name", "id"]
        indexes = [models.Index(fields=["enterprise", "status"])]
        constraints = [
            in_order("posted_on", "current_post_since", name="employee_post_after_first_posting"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("enterprises:employee_detail", args=[self.pk])


class EmployeeRowQuerySet(ScopedQuerySet[_M]):
    """An employee's records (trainings, certificates): seen by whoever sees the employee's enterprise."""

    scope_prefix = "employee__enterprise"


class PostEventKind(models.TextChoices):
    POSTED = "posted", _("Started work")
    POST_CHANGED = "post_changed", _("Changed post")
    AWAY = "away", _("Left the post")
    RETURNED = "returned", _("Returned to a post")
    LEFT = "left", _("Left the enterprise")


class EmployeePostEvent(models.Model):
    """岗位变动记录 — one change of an employee's post or presence (never edited)."""

    employee = models.ForeignKey(
        Employee, verbose_name=_("employee"), on_delete=models.PROTECT, related_name="post_events"
    )
    kind = models.CharField(_("change"), max_length=14, choices=PostEventKind.choices)
    on = models.DateField(_("on"))
    post = models.CharField(_("post"), max_length=100, blank=True)
    post_is_high_risk = models.BooleanField(_("dangerous post"), default=False)
    repeat_required = models.BooleanField(_("workshop and team training must be repeated"), default=False)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = person_link(_("recorded by"), on_delete=models.SET_NULL)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("post change")
        verbose_name_plural = _("post changes")
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"{self.employee}: {self.get_kind_display()} {self.on}"


class TrainingCategory(models.TextChoices):
    COMPANY = "company", _("Company level")
    WORKSHOP = "workshop", _("Workshop level")
    TEAM = "team", _("Team level")
    ANNUAL = "annual", _("Annual refresher")
    MANAGEMENT_INITIAL = "mgmt_initial", _("Initial training (principal / safety manager)")
    MANAGEMENT_ANNUAL = "mgmt_annual", _("Annual training (principal / safety manager)")


THREE_LEVELS = (TrainingCategory.COMPANY, TrainingCategory.WORKSHOP, TrainingCategory.TEAM)


class TrainingRecord(CreatedModel):
    """安全培训记录 — one training an employee completed (three-level education, refresher, management)."""

    employee = models.ForeignKey(
        Employee, verbose_name=_("employee"), on_delete=models.PROTECT, related_name="trainings"
    )
    category = models.CharField(_("training"), max_length=14, choices=TrainingCategory.choices)
    hours = models.DecimalField(
        _("hours"), max_digits=5, decimal_places=1, validators=[MinValueValidator(Decimal("0.5"))]
    )
    completed_on = models.DateField(_("completed on"))
    passed = models.BooleanField(_("assessment passed"), default=True)
    provider = models.CharField(_("trainer or provider"), max_length=200, blank=True)
    content = models.CharField(pgettext_lazy("enterprises", "content"), max_length=300, blank=True)
    recorded_by = person_link(_("recorded by"), on_delete=models.SET_NULL)

    objects = EmployeeRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("training record")
        verbose_name_plural = _("training records")
        ordering = ["-completed_on", "-id"]
        indexes = [models.Index(fields=["employee", "category", "completed_on"])]
        constraints = [positive("hours", name="training_hours_positive")]

    def __str__(self) -> str:
        return f"{self.employee}: {self.get_category_display()} {self.hours} h"


class SpecialOperationCertificate(TimestampedModel):
    """特种作业操作证 — a special-operation certificate of an employee, with its expiry."""

    employee = models.ForeignKey(
        Employee, verbose_name=_("employee"), on_delete=models.PROTECT, related_name="certificates"
    )
    operation = models.CharField(_("special operation"), max_length=16, choices=SpecialOperation.choices)
    certificate_number = models.CharField(_("certificate number"), max_length=60, unique=True)
    issuing_authority = models.CharField(_("issuing authority"), max_length=200, blank=True)
    issued_on = models.DateField(_("issued on"))
    expires_on = models.DateField(_("expires on"))
    # The rule-book version whose validity set `expires_on` (empty: the date was given from the certificate).
    rule_version = rule_version_field()

    objects = EmployeeRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("special-operation certificate")
        verbose_name_plural = _("special-operation certificates")
        ordering = ["expires_on", "id"]
        indexes = [models.Index(fields=["expires_on"])]
        constraints = [
            in_order("issued_on", "expires_on", strictly=True, name="opcert_expires_after_issue"),
        ]

    def __str__(self) -> str:
        return f"{self.certificate_number} ({self.get_operation_display()})"


class TrainingComplianceSummary(models.Model):
    """培训合规汇总 — one enterprise's people on post, how many are not compliant, and its special-operation
    certificates due for renewal (`selectors.certificates_due`), on day `on`.

    The compliance overview sorts every enterprise in scope by its non-compliant people; counting them
    through the rules (`selectors.with_training_totals`) for 100,000 enterprises costs seconds per page, and
    the home page's count of certificates due joins every certificate to its holder and enterprise (50-80 ms
    for a city's committee or a department at 100,000 enterprises). These rows hold the same counts for today
    (an enterprise has a row when it has people on post or a certificate due): rebuilt for every enterprise each night
    (`summary.compliance_summary_rebuild`) and refreshed for one enterprise in the transaction of each change
    of its employees, trainings, certificates or industry (`receivers`). The overview reads them only when
    the day's rebuild has finished under the rules in force (`TrainingComplianceBuild`); any other day, or
    before that, it counts live.
    """

    enterprise = models.OneToOneField(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="training_summary",
    )
    on = models.DateField(_("as of"))
    people_on_post = models.PositiveIntegerField(_("people on post"), default=0)
    noncompliant_people = models.PositiveIntegerField(_("people not compliant"), default=0)
    certificates_due = models.PositiveIntegerField(_("certificates due for renewal"), default=0)
    refreshed_at = models.DateTimeField(_("refreshed at"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("training compliance summary")
        verbose_name_plural = _("training compliance summaries")
        indexes = [
            # The overview's order (`selectors.OVERVIEW_ORDER`), only enterprises with people on post.
            models.Index(
                models.F("noncompliant_people").desc(),
                models.F("people_on_post").desc(),
                "enterprise",
                name="training_summary_worst",
                condition=models.Q(people_on_post__gt=0),
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.on}: {self.noncompliant_people}/{self.people_on_post}"


class TrainingComplianceBuild(models.Model):
    """A finished nightly rebuild of `TrainingComplianceSummary` for day `on`, under rule-book `rule_version`."""

    on = models.DateField(_("as of"), primary_key=True)
    rule_version = rule_version_field()
    enterprises = models.PositiveIntegerField(_("enterprises"), default=0)
    finished_at = models.DateTimeField(_("finished at"))

    class Meta:
        verbose_name = _("training compliance rebuild")
        verbose_name_plural = _("training compliance rebuilds")

    def __str__(self) -> str:
        return f"{self.on} ({self.rule_version})"
