"""Choices of the credit app: criteria, grades, record and blacklist states."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Criterion(models.TextChoices):
    """The six criteria of seed §5.2 (守信等级评定标准)."""

    STANDARDIZATION = "standardization", _("Work-safety standardization")
    ORGANIZATION = "organization", _("Safety management organization and staff")
    RESPONSIBILITY = "responsibility", _("Main responsibility")
    ACCIDENT = "accident", _("Production-safety accidents")
    OCCUPATIONAL = "occupational", _("Occupational hazards")
    HAZARD_REPORTING = "hazard_reporting", _("Hazard inspection and information reporting")


class Behaviour(models.TextChoices):
    GOOD = "good", _("Trustworthy (守信)")
    BAD = "bad", _("Untrustworthy (失信)")


class Grade(models.IntegerChoices):
    """一级 is the best grade, 三级 the worst."""

    ONE = 1, _("Grade 1")
    TWO = 2, _("Grade 2")
    THREE = 3, _("Grade 3")


class RuleSetStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class RecordStatus(models.TextChoices):
    """A record counts in the grade only while ACTIVE; a record the platform derived from an event that
    costs the enterprise points starts PROPOSED (待确认) until a person confirms or rejects it (未采纳)."""

    PROPOSED = "proposed", pgettext_lazy("credit record", "Awaiting confirmation")
    ACTIVE = "active", _("Active")
    REJECTED = "rejected", pgettext_lazy("credit record", "Not adopted")
    REVOKED = "revoked", _("Revoked")


class RecordSource(models.TextChoices):
    MANUAL = "manual", _("Recorded by staff")
    FACT = "fact", _("From a platform event")


class IntakeOutcome(models.TextChoices):
    RECORDED = "recorded", _("Credit record created")
    NO_RULE = "no_rule", _("No rule applies")
    STALE = "stale", _("Superseded by a later event")
    NO_ENTERPRISE = "no_enterprise", _("Not about an enterprise")
    INSPECTION = "inspection", _("Inspection visit recorded")


class RatingStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    WITHDRAWN = "withdrawn", _("Withdrawn (enterprise closed)")


class RecalcTrigger(models.TextChoices):
    NIGHTLY = "nightly", _("Nightly recalculation")
    RECORD_CHANGE = "record_change", _("Change of the enterprise's records")
    MANUAL = "manual", _("Started by staff")


class RunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    COMPLETED = "completed", _("Completed")


class BatchStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DONE = "done", _("Done")


class BlacklistStatus(models.TextChoices):
    PROPOSED = "proposed", pgettext_lazy("credit", "Proposed")
    NOTICED = "noticed", _("Prior notice served")
    OBJECTED = "objected", _("Objection under review")
    ACTIVE = "active", pgettext_lazy("credit", "Listed")
    REMOVED = "removed", _("Removed")
    REJECTED = "rejected", _("Not listed")


# Entries that are still on their way to the list or on it: at most one per enterprise.
BLACKLIST_OPEN_STATUSES = (
    BlacklistStatus.PROPOSED,
    BlacklistStatus.NOTICED,
    BlacklistStatus.OBJECTED,
    BlacklistStatus.ACTIVE,
)
# What other departments see through the API: published entries only.
BLACKLIST_PUBLISHED_STATUSES = (BlacklistStatus.ACTIVE, BlacklistStatus.REMOVED)


class BlacklistOrigin(models.TextChoices):
    RULE = "rule", _("Proposed by rule")
    DEPARTMENT = "department", _("Proposed by a department")


class BlacklistCase(models.TextChoices):
    """Cases of MEM Order 11 (安全生产严重失信主体名单管理办法) the platform can detect or staff can cite."""

    MAJOR_ACCIDENT = "major_accident", _("Major or especially major production-safety accident")
    REPEATED_LARGER_ACCIDENTS = "repeated_larger_accidents", _("Two or more larger accidents within 12 months")
    ACCIDENT_CONCEALED = "accident_concealed", _("Accident concealed or falsely reported")
    UNLICENSED = "unlicensed", _("Operating without or during suspension of a safety licence")
    OTHER = "other", _("Other serious violation under Order 11")


class ObjectionDecision(models.TextChoices):
    DISMISSED = "dismissed", _("Objection dismissed")
    UPHELD = "upheld", _("Objection upheld")


class RemovalReason(models.TextChoices):
    EXPIRED = "expired", _("Listing period ended")
    REPAIRED = "repaired", _("Early removal after approved credit repair")


class RepairStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class WebhookTopic(models.TextChoices):
    BLACKLIST = "blacklist", _("Blacklist changes")
    RATINGS = "ratings", _("Credit grade changes")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed (gave up)")
    # Pending when a backup was taken and restored since: it may have been sent after the backup, so it waits
    # for an operator (`manage.py restore --release-outbound`); see safety_platform.backup.
    HELD = "held", _("Held after a restore")


class JointMeasureCategory(models.TextChoices):
    """Joint rewards and punishments (联合奖惩, seed §5.3): a measure is an incentive or a punishment."""

    PUNISHMENT = "punishment", _("Joint punishment")
    INCENTIVE = "incentive", _("Joint incentive")


class JointMeasureKind(models.TextChoices):
    """What a department did about a listed enterprise (seed §5.3: 行政审批、项目审批、融资贷款、评先评优)."""

    TENDER_EXCLUDED = "tender_excluded", _("Excluded from public tenders")
    LOAN_RESTRICTED = "loan_restricted", _("Loans and financing restricted")
    AWARDS_WITHHELD = "awards_withheld", _("Withheld from honours and awards")
    SUBSIDY_RESTRICTED = "subsidy_restricted", _("Subsidies and financial support restricted")
    APPROVAL_SCRUTINIZED = "approval_scrutinized", _("Licences and approvals examined strictly")
    MARKET_ACCESS_RESTRICTED = "market_access_restricted", _("Market access restricted")
    GREEN_CHANNEL = "green_channel", _("Green channel: simplified approval")
    PRIORITY_SUPPORT = "priority_support", _("Priority for funds and projects")
    AWARDS_RECOMMENDED = "awards_recommended", _("Recommended for honours and awards")
    LOAN_FAVOURED = "loan_favoured", _("Favourable loans and financing")


JOINT_INCENTIVE_KINDS = frozenset(
    {
        JointMeasureKind.GREEN_CHANNEL,
        JointMeasureKind.PRIORITY_SUPPORT,
        JointMeasureKind.AWARDS_RECOMMENDED,
        JointMeasureKind.LOAN_FAVOURED,
    }
)


class JointMeasureBasis(models.TextChoices):
    """What a measure responds to: the published blacklist entry or the enterprise's grade."""

    BLACKLIST = "blacklist", _("Listed on the blacklist")
    GRADE = "grade", _("Credit grade")


class JointMeasureStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("joint measure", "In force")
    REVOKED = "revoked", pgettext_lazy("joint measure", "Revoked")


class JointMeasureChannel(models.TextChoices):
    WEB = "web", _("Web page")
    API = "api", _("Department API")
