"""Models of the hazards app: hazards and their closed loop, campaigns, risk sources, self-checks, statistics."""

from .campaign import Campaign
from .hazard import Hazard, HazardAttachment, HazardCodeCounter, HazardTransition, RemediationPlan
from .risk import RiskBand, RiskBanding, RiskSource
from .selfcheck import Checklist, ChecklistItem, SelfCheck, SelfCheckAnswer
from .stats import STAT_FIELDS, HazardStatReport
from .summary import HazardMonthSummary

__all__ = [
    "STAT_FIELDS",
    "Campaign",
    "Checklist",
    "ChecklistItem",
    "Hazard",
    "HazardAttachment",
    "HazardCodeCounter",
    "HazardMonthSummary",
    "HazardStatReport",
    "HazardTransition",
    "RemediationPlan",
    "RiskBand",
    "RiskBanding",
    "RiskSource",
    "SelfCheck",
    "SelfCheckAnswer",
]
