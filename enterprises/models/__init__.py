"""Enterprise registry models. Admission, standardization and training live in sibling modules."""

from ..figures.models import EnterpriseFigures, EnterpriseFigureSummary
from ..registry.models import Enterprise, EnterpriseStatusChange
from .admission import (
    CatalogEntry,
    CatalogModelNumber,
    DeclaredEquipment,
    DensePlace,
    EquipmentMatch,
    ExitProposal,
    ExitTransition,
    HighRiskProject,
    SeparationDistance,
    SitingConflict,
    SitingReview,
)
from .responsibility import (
    JointInspection,
    JointInspectionFinding,
    ResponsibilityItem,
    ResponsibilityReview,
)
from .standardization import CertificateEvent, Demonstration, DemonstrationMeasure, StandardizationCertificate
from .training import Employee, EmployeePostEvent, SpecialOperationCertificate, TrainingRecord

__all__ = [
    "CatalogEntry",
    "CatalogModelNumber",
    "CertificateEvent",
    "DeclaredEquipment",
    "Demonstration",
    "DemonstrationMeasure",
    "DensePlace",
    "Employee",
    "EmployeePostEvent",
    "Enterprise",
    "EnterpriseFigureSummary",
    "EnterpriseFigures",
    "EnterpriseStatusChange",
    "EquipmentMatch",
    "ExitProposal",
    "ExitTransition",
    "HighRiskProject",
    "JointInspection",
    "JointInspectionFinding",
    "ResponsibilityItem",
    "ResponsibilityReview",
    "SeparationDistance",
    "SitingConflict",
    "SitingReview",
    "SpecialOperationCertificate",
    "StandardizationCertificate",
    "TrainingRecord",
]
