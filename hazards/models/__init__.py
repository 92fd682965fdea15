"""Models of the hazards app: hazards and their closed loop, campaigns, risk sources, self-checks, statistics."""

from .campaign import Campaign
from .hazard import Hazard, HazardAttachment, HazardCodeCounter, HazardTransition, RemediationPlan

__all__ = [
    "Campaign",
    "Hazard",
    "HazardAttachment",
    "HazardCodeCounter",
    "HazardTransition",
    "RemediationPlan",
]
