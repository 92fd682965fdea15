"""Every model of the enterprises app, gathered from its rooms so that Django finds them (app label
`enterprises`, tables unchanged); code inside the app imports each model from its room's `models.py`."""

from .admission.models import (
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
from .figures.models import EnterpriseFigures, EnterpriseFigureSummary
from .registry.models import Enterprise, EnterpriseStatusChange
from .responsibility.models import JointInspection, JointInspectionFinding, ResponsibilityItem, ResponsibilityReview
from .standardization.models import CertificateEvent, Demonstration, DemonstrationMeasure, StandardizationCertificate
from .training.models import Employee, EmployeePostEvent, SpecialOperationCertificate, TrainingRecord

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
