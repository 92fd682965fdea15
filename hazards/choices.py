"""Choices of the hazards app: hazard states, grades, sources, transition actions, risk levels."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safety_platform.deadline_kinds import register_deadline_kind


class HazardState(models.TextChoices):
    """Where a hazard stands in the closed loop (排查→登记→评估→报告→监控→治理→销账)."""

    REGISTERED = "registered", pgettext_lazy("hazard state", "Registered")
    ASSESSED = "assessed", _("Assessed")
    REPORTED = "reported", _("Reported")
    RECTIFYING = "rectifying", _("Under remediation")
    REMEDIATED = "remediated", pgettext_lazy("hazard state", "Awaiting verification")
    CLOSED = "closed", _("Closed out")
    # A worker's risk-card report that staff found to be spam, malicious, a duplicate or unfounded (作废):
    # kept in the history, counted nowhere (see `HazardQuerySet.counted`).
    VOIDED = "voided", pgettext_lazy("hazard state", "Voided")


OPEN_STATES = frozenset(
    {HazardState.REGISTERED, HazardState.ASSESSED, HazardState.REPORTED, HazardState.RECTIFYING, HazardState.REMEDIATED}
)
# States in which the rectification clock runs (the enterprise still has to fix the hazard).
RECTIFICATION_STATES = frozenset({HazardState.ASSESSED, HazardState.REPORTED, HazardState.RECTIFYING})


class HazardGrade(models.TextChoices):
    """SAWS Order 16: general = small harm, fixable at once; major = needs a stop of production or outside help."""

    GENERAL = "general", _("General hazard")
    MAJOR = "major", _("Major hazard")


class HazardSource(models.TextChoices):
    """How a hazard was found (the contract with other apps uses these values)."""

    INSPECTION = "inspection", _("Inspection on site")
    SELF_CHECK = "self_check", _("Enterprise self-check")
    JOINT_INSPECTION = "joint_inspection", _("Joint inspection")
    EQUIPMENT_MATCH = "equipment_match", _("Banned equipment match")
    API_PUSH = "api_push", _("Pushed by the enterprise's system")
    # A worker scanned the QR code on a posted risk card (岗位风险告知卡) and reported without logging in.
    WORKER_REPORT = "worker_report", _("Worker report (risk card QR code)")


# Hazards the enterprise found itself: it may grade them itself (SAWS Order 16 makes it responsible).
# A worker's report (职工举报) is not among them: an inspector grades it, so the employer cannot play it down.
SELF_REPORTED_SOURCES = frozenset({HazardSource.SELF_CHECK, HazardSource.API_PUSH})
# Hazards found by the regulator (used by the plausibility check).
REGULATOR_SOURCES = frozenset({HazardSource.INSPECTION, HazardSource.JOINT_INSPECTION})


class TransitionAction(models.TextChoices):
    """One recorded step of the closed loop."""

    REGISTER = "register", _("Register")
    ASSESS = "assess", _("Assess")
    REPORT = "report", _("Report major hazard")
    LIST = "list", _("Put under listed supervision")
    START = "start", _("Start remediation")
    PROGRESS = "progress", _("Progress update")
    SUBMIT = "submit", _("Submit remediation evidence")
    CLOSE = "close", _("Verify and close out")
    REJECT = "reject", _("Fail verification")
    REFUSE = "refuse", _("Record refusal to rectify")
    EXTEND = "extend", _("Extend the deadline")
    VOID = "void", _("Void the report")


class VoidKind(models.TextChoices):
    """Why a worker report was voided: kept with the voiding step (an address sending spam is worth watching)."""

    SPAM = "spam", _("Spam or malicious")
    UNFOUNDED = "unfounded", _("Duplicate or unfounded")


class AttachmentKind(models.TextChoices):
    PHOTO = "photo", _("Photo on site")
    BEFORE = "before", _("Before remediation")
    AFTER = "after", _("After remediation")
    PROGRESS = "progress", _("Progress photo")
    DOCUMENT = "document", _("Document")


class RiskLevel(models.TextChoices):
    """Four risk levels and their colours (重大 red, 较大 orange, 一般 yellow, 低 blue)."""

    RED = "red", _("Major risk (red)")
    ORANGE = "orange", _("Larger risk (orange)")
    YELLOW = "yellow", _("General risk (yellow)")
    BLUE = "blue", _("Low risk (blue)")


RISK_LEVEL_ORDER = [RiskLevel.RED, RiskLevel.ORANGE, RiskLevel.YELLOW, RiskLevel.BLUE]


class RiskMethod(models.TextChoices):
    LEC = "lec", _("LEC (D = L × E × C)")
    MATRIX = "matrix", _("Likelihood × severity matrix")


# The standard LEC value sets (作业条件危险性评价法).
LEC_L_VALUES = ["10", "6", "3", "1", "0.5", "0.2", "0.1"]
LEC_E_VALUES = ["10", "6", "3", "2", "1", "0.5"]
LEC_C_VALUES = ["100", "40", "15", "7", "3", "1"]
MATRIX_VALUES = [1, 2, 3, 4, 5]


class StatPeriodKind(models.TextChoices):
    QUARTER = "quarter", _("Quarterly")
    YEAR = "year", _("Annual")


class StatReportStatus(models.TextChoices):
    DRAFT = "draft", _("Not submitted")
    SUBMITTED = "submitted", _("Submitted")


class CheckOutcome(models.TextChoices):
    OK = "ok", _("Compliant")
    HAZARD = "hazard", _("Hazard found")
    FIXED = "fixed", _("Hazard found and fixed at once")
    NOT_APPLICABLE = "na", _("Not applicable")


# Statutory deadline kinds opened on the foundation's clock.
DEADLINE_RECTIFICATION = register_deadline_kind("hazard_rectification", _("hazard rectification"))
DEADLINE_VERIFICATION = register_deadline_kind("hazard_verification", _("verification of a rectified hazard"))
DEADLINE_STATISTICS = register_deadline_kind("hazard_statistics", _("quarterly hazard statistics"))


# What a remediation plan (治理方案) holds, in the order its form and the API show it.
REMEDIATION_PLAN_FIELDS = (
    "goal",
    "measures",
    "funds_and_materials",
    "funds_amount",
    "responsible_people",
    "deadline",
    "safety_measures",
)


# Plausibility: an open hazard whose title or description says nothing a rectification could act on. The
# rule is one Q, used by the plausibility page and by the partial index that serves it
# (`hazard_vague_open_idx`): changing a text here needs a migration of that index (makemigrations sees it).
VAGUE_TEXTS = (
    "存在隐患",
    "有隐患",
    "隐患",
    "不规范",
    "有问题",
    "存在问题",
    "其他",
    "其它",
    "待查",
    "见附件",
    "同上",
    "无",
    "略",
    "-",
    "/",
    "n/a",
)
MIN_DESCRIPTION_LENGTH = 10
MIN_TITLE_LENGTH = 3


def vague_q() -> models.Q:
    """Hazards described too vaguely to act on (the plausibility check)."""
    from django.db.models.functions import Length
    from django.db.models.lookups import LessThan

    return (
        models.Q(title__in=VAGUE_TEXTS)
        | models.Q(description__in=VAGUE_TEXTS)
        | models.Q(LessThan(Length("description"), MIN_DESCRIPTION_LENGTH))
        | models.Q(LessThan(Length("title"), MIN_TITLE_LENGTH))
    )
