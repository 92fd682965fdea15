"""Models of the credit app: rules, records, grades, blacklist, push."""

from safety_platform.dates import add_months

from .blacklist import BlacklistEntry, BlacklistTransition, CreditRepair
from .joint import JointMeasure, JointNotice, JointNoticeRecipient
from .ratings import CreditRating, CreditRatingHistory, CreditRecalcBatch, CreditRecalcRun, CreditRegrade
from .records import CreditFactIntake, CreditRecord
from .rules import CriterionLimit, Rule, RuleSet
from .webhooks import OutboxEvent, WebhookDelivery, WebhookSubscription

__all__ = [
    "BlacklistEntry",
    "BlacklistTransition",
    "CreditFactIntake",
    "CreditRating",
    "CreditRatingHistory",
    "CreditRecalcBatch",
    "CreditRecalcRun",
    "CreditRecord",
    "CreditRegrade",
    "CreditRepair",
    "CriterionLimit",
    "JointMeasure",
    "JointNotice",
    "JointNoticeRecipient",
    "OutboxEvent",
    "Rule",
    "RuleSet",
    "WebhookDelivery",
    "WebhookSubscription",
    "add_months",
]
