"""Models of the emergency app, one module per topic."""

from .accidents import (
    Accident,
    AccidentEvaluation,
    AccidentReportStep,
    AccidentRevision,
    AccountabilityFinding,
    CorrectiveMeasure,
    GradingRuleSet,
    MeasureProgress,
    ResponseLogEntry,
)
from .contacts import WarningContact
from .dispatch import DispatchAllocation, DispatchLine, DispatchOrder, DispatchStep
from .plans import Drill, EmergencyPlan
from .supplies import StockAlert, StockBatch, StockMovement, SupplyItem, Warehouse, WarehouseItem
from .teams import MemberCertificate, RescueTeam, Skill, TeamEquipment, TeamMember, TeamReadinessChange
from .warnings import EmergencyWarning, WarningRecipient

__all__ = [
    "Accident",
    "AccidentEvaluation",
    "AccidentReportStep",
    "AccidentRevision",
    "AccountabilityFinding",
    "CorrectiveMeasure",
    "DispatchAllocation",
    "DispatchLine",
    "DispatchOrder",
    "DispatchStep",
    "Drill",
    "EmergencyPlan",
    "EmergencyWarning",
    "GradingRuleSet",
    "MeasureProgress",
    "MemberCertificate",
    "RescueTeam",
    "ResponseLogEntry",
    "Skill",
    "StockAlert",
    "StockBatch",
    "StockMovement",
    "SupplyItem",
    "TeamEquipment",
    "TeamMember",
    "TeamReadinessChange",
    "Warehouse",
    "WarehouseItem",
    "WarningContact",
    "WarningRecipient",
]
