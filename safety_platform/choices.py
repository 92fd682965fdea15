"""Shared choices: jurisdiction levels, user roles, API scopes, fact kinds."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class JurisdictionLevel(models.TextChoices):
    CITY = "city", _("City")
    COUNTY = "county", _("County / district / zone")
    TOWNSHIP = "township", _("Township / subdistrict")
    GRID = "grid", _("Grid")


JURISDICTION_LEVEL_ORDER = [
    JurisdictionLevel.CITY,
    JurisdictionLevel.COUNTY,
    JurisdictionLevel.TOWNSHIP,
    JurisdictionLevel.GRID,
]


class Role(models.TextChoices):
    ADMIN = "admin", _("Platform administrator")
    COMMITTEE = "committee", _("Safety committee staff")
    COUNTY_OFFICE = "county_office", _("County safety committee office")
    INSPECTOR = "inspector", _("Inspector")
    DEPARTMENT = "department", _("Department staff")
    ENTERPRISE = "enterprise", _("Enterprise user")


class ApiScope(models.TextChoices):
    """What a department or enterprise API key may do. Keys are read-only unless a scope says otherwise."""

    ENTERPRISES_READ = "enterprises:read", _("Read the enterprise registry")
    BLACKLIST_READ = "blacklist:read", _("Read the blacklist")
    RATINGS_READ = "ratings:read", _("Read credit grades")
    HAZARDS_READ = "hazards:read", _("Read hazards")
    HAZARDS_PUSH = "hazards:push", _("Push hazards (key enterprises)")
    EMERGENCY_READ = "emergency:read", _("Read emergency data")
    MEASURES_READ = "measures:read", _("Read the joint measures the department recorded")
    MEASURES_WRITE = "measures:write", _("Record joint rewards and punishments measures")
    INSPECTIONS_READ = "inspections:read", _("Read inspections and inspection plans")
    ENFORCEMENT_READ = "enforcement:read", _("Read enforcement documents and penalty cases")


class FactKind(models.TextChoices):
    """Facts that one app records and others (credit, assessment) read. Apps only record facts."""

    ACCIDENT = "accident", _("Production-safety accident")
    ACCIDENT_CONCEALED = "accident_concealed", _("Accident concealed or falsely reported")
    MAJOR_HAZARD_OVERDUE = "major_hazard_overdue", _("Major hazard overdue")
    HAZARD_OVERDUE = "hazard_overdue", _("Hazard overdue")
    HAZARD_CLOSED = "hazard_closed", _("Hazard closed out")
    RECTIFICATION_REFUSED = "rectification_refused", _("Rectification refused")
    # A worker's risk-card report voided by the authorities: what it caused (credit records) is withdrawn.
    HAZARD_VOIDED = "hazard_voided", _("Worker report voided")
    STANDARDIZATION_GRANTED = "standardization_granted", _("Standardization certificate granted")
    STANDARDIZATION_REVOKED = "standardization_revoked", _("Standardization certificate revoked")
    STANDARDIZATION_EXPIRED = "standardization_expired", _("Standardization certificate expired")
    TRAINING_COMPLIANT = "training_compliant", _("Training compliant")
    TRAINING_NONCOMPLIANT = "training_noncompliant", _("Training non-compliant")
    LICENCE_VIOLATION = "licence_violation", _("Operating without or during suspension of a licence")
    SELF_REPORT_FILED = "self_report_filed", _("Hazard statistics filed on time")
    SELF_REPORT_LATE = "self_report_late", _("Hazard statistics filed late or missing")
    JOINT_INSPECTION_FINDING = "joint_inspection_finding", _("Joint enforcement finding")
    OCCUPATIONAL_HAZARD = "occupational_hazard", _("Occupational-hazard violation")
    SAFETY_STAFF_MISSING = "safety_staff_missing", _("Safety management organization or staff missing")
    INSPECTION_CONDUCTED = "inspection_conducted", _("On-site inspection conducted")
    PENALTY_DECIDED = "penalty_decided", _("Administrative penalty decided")
