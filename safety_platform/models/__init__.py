"""Core models shared by every app."""

from .apikeys import ApiKey, ApiKeyUse
from .deadlines import StatutoryDeadline
from .facts import Fact
from .notifications import Notification, NotificationPreference, OutboundMessage
from .org import Department, DepartmentIndustry, Industry, Jurisdiction, User
from .outbox import TaskOutbox
from .rules import RuleBookVersion, RuleNumber

__all__ = [
    "ApiKey",
    "ApiKeyUse",
    "Department",
    "DepartmentIndustry",
    "Fact",
    "Industry",
    "Jurisdiction",
    "Notification",
    "NotificationPreference",
    "OutboundMessage",
    "RuleBookVersion",
    "RuleNumber",
    "StatutoryDeadline",
    "TaskOutbox",
    "User",
]
