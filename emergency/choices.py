"""Choices of the emergency app: teams, supplies, dispatch, accidents, warnings, plans."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .legal_numbers import DRILL_INTERVAL_COMPREHENSIVE, DRILL_INTERVAL_ON_SITE, DRILL_INTERVAL_SPECIAL

# Rescue teams -------------------------------------------------------------------------------


class TeamKind(models.TextChoices):
    PROFESSIONAL = "professional", _("Professional rescue team")
    ENTERPRISE = "enterprise", _("Enterprise rescue team")
    SOCIAL = "social", _("Social (volunteer) rescue team")


class Readiness(models.TextChoices):
    READY = "ready", _("Ready")
    STANDBY = "standby", _("On standby")
    DEPLOYED = "deployed", _("Deployed")
    UNAVAILABLE = "unavailable", _("Unavailable")


class EquipmentStatus(models.TextChoices):
    SERVICEABLE = "serviceable", _("Serviceable")
    MAINTENANCE = "maintenance", _("Under maintenance")
    RETIRED = "retired", _("Retired")


# Warehouses and supplies ---------------------------------------------------------------------


class WarehouseLevel(models.TextChoices):
    CITY = "city", _("City reserve")
    COUNTY = "county", _("County reserve")
    ENTERPRISE = "enterprise", _("Enterprise store")


class MovementKind(models.TextChoices):
    RECEIVE = "receive", _("Received")
    DISPATCH = "dispatch", _("Dispatched")
    RETURN = "return", _("Returned")
    CONSUME = "consume", _("Consumed")
    WRITE_OFF = "write_off", _("Written off")
    TRANSFER_OUT = "transfer_out", _("Transferred out")
    TRANSFER_IN = "transfer_in", _("Transferred in")


# Movements that add to a batch (positive quantity); all others take from it (negative).
INBOUND_MOVEMENTS = frozenset({MovementKind.RECEIVE, MovementKind.RETURN, MovementKind.TRANSFER_IN})


class StockAlertKind(models.TextChoices):
    EXPIRING = "expiring", _("Expiring soon")
    EXPIRED = "expired", _("Expired")
    LOW = "low", _("Low stock")


# Dispatch orders -----------------------------------------------------------------------------


class DispatchStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")
    IN_TRANSIT = "in_transit", _("Dispatched, in transit")
    DELIVERED = "delivered", _("Delivery confirmed")
    CLOSED = "closed", _("Closed (returned or consumed)")


class DispatchAction(models.TextChoices):
    REQUEST = "request", _("Requested")
    APPROVE = "approve", _("Approved")
    REJECT = "reject", _("Rejected")
    CANCEL = "cancel", _("Cancelled")
    SHIP = "ship", _("Dispatched from a warehouse")
    DELIVER = "deliver", _("Delivery confirmed")
    SETTLE = "settle", _("Return or consumption recorded")
    CLOSE = "close", pgettext_lazy("emergency", "Closed")


# Accidents -----------------------------------------------------------------------------------


class AccidentGrade(models.TextChoices):
    """Decree 493 art. 3 grades, lowest first (the order matters: grading takes the highest)."""

    GENERAL = "general", _("General accident")
    LARGER = "larger", _("Larger accident")
    MAJOR = "major", _("Major accident")
    ESPECIALLY_MAJOR = "especially_major", _("Especially major accident")


GRADE_ORDER = [AccidentGrade.GENERAL, AccidentGrade.LARGER, AccidentGrade.MAJOR, AccidentGrade.ESPECIALLY_MAJOR]


class AccidentCategory(models.TextChoices):
    INDUSTRIAL = "industrial", _("Industrial and trade")
    MINING = "mining", _("Mining")
    HAZARDOUS_CHEMICALS = "hazardous_chemicals", _("Hazardous chemicals")
    FIREWORKS = "fireworks", _("Fireworks")
    CONSTRUCTION = "construction", _("Construction")
    ROAD_TRAFFIC = "road_traffic", _("Road traffic")
    FIRE = "fire", _("Fire")
    SPECIAL_EQUIPMENT = "special_equipment", _("Special equipment")
    OTHER = "other", _("Other")


# Decree 493 art. 13: casualty changes of road-traffic and fire accidents are supplemented within 7 days.
SHORT_SUPPLEMENT_CATEGORIES = frozenset({AccidentCategory.ROAD_TRAFFIC, AccidentCategory.FIRE})


class AccidentStatus(models.TextChoices):
    REPORTED = "reported", _("Reported")
    RESPONDING = "responding", _("Emergency response")
    INVESTIGATING = "investigating", _("Under investigation")
    CLOSED = "closed", pgettext_lazy("emergency", "Closed")


class ReportLevel(models.TextChoices):
    """Who holds the report: the county regulator first, then each level up (Decree 493 art. 9–10)."""

    COUNTY = "county", _("County regulator")
    CITY = "city", _("City regulator")
    PROVINCE = "province", _("Provincial regulator")
    MINISTRY = "ministry", _("Ministry of Emergency Management")


REPORT_LEVEL_ORDER = [ReportLevel.COUNTY, ReportLevel.CITY, ReportLevel.PROVINCE, ReportLevel.MINISTRY]

# The highest level a report must reach, by grade (Decree 493 art. 10).
TOP_REPORT_LEVEL = {
    AccidentGrade.GENERAL: ReportLevel.CITY,
    AccidentGrade.LARGER: ReportLevel.PROVINCE,
    AccidentGrade.MAJOR: ReportLevel.MINISTRY,
    AccidentGrade.ESPECIALLY_MAJOR: ReportLevel.MINISTRY,
}


class ResponseKind(models.TextChoices):
    COMMAND = "command", _("Command and coordination")
    RESCUE = "rescue", _("Search and rescue")
    MEDICAL = "medical", _("Medical treatment")
    EVACUATION = "evacuation", _("Evacuation")
    RESOURCES = "resources", _("Resources and supplies")
    MONITORING = "monitoring", _("Monitoring")
    INFORMATION = "information", _("Information release")
    OTHER = "other", _("Other")


class ResponsibilityKind(models.TextChoices):
    DIRECT = "direct", _("Direct responsibility")
    PRINCIPAL = "principal", _("Principal responsibility")
    LEADERSHIP = "leadership", _("Leadership responsibility")
    SUPERVISORY = "supervisory", _("Supervisory responsibility")


class PartyKind(models.TextChoices):
    PERSON = "person", _("Person")
    ENTERPRISE = "enterprise", _("Enterprise")
    DEPARTMENT = "department", _("Government department")
    OFFICIAL = "official", _("Public official")


class MeasureStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("emergency", "Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done, awaiting verification")
    VERIFIED = "verified", _("Verified complete")


# Warnings ------------------------------------------------------------------------------------


class WarningLevel(models.TextChoices):
    BLUE = "blue", _("Blue")
    YELLOW = "yellow", _("Yellow")
    ORANGE = "orange", _("Orange")
    RED = "red", _("Red")


class WarningKind(models.TextChoices):
    WEATHER = "weather", _("Weather")
    FLOOD = "flood", _("Flood")
    GEOLOGICAL = "geological", _("Geological hazard")
    FOREST_FIRE = "forest_fire", _("Forest fire")
    PRODUCTION_SAFETY = "production_safety", _("Production safety")
    OTHER = "other", _("Other")


class WarningStatus(models.TextChoices):
    ISSUED = "issued", _("In force")
    LIFTED = "lifted", _("Lifted")


class AcknowledgedVia(models.TextChoices):
    """How an acknowledgement reached the platform (the warning page says which)."""

    SITE = "site", _("In the platform")
    PHONE = "phone", _("By phone, recorded by staff")
    SMS_LINK = "sms_link", _("Principal in charge (SMS link)")


class ContactKind(models.TextChoices):
    """Who a contact without an account is (预警联系人)."""

    COMMUNITY = "community", _("Community contact")
    VILLAGE = "village", _("Village contact")
    TOWNSHIP = "township", _("Township contact")
    ENTERPRISE = "enterprise", _("Enterprise contact")
    OTHER = "other", _("Other contact")


# Plans and drills ----------------------------------------------------------------------------


class PlanKind(models.TextChoices):
    COMPREHENSIVE = "comprehensive", _("Comprehensive plan")
    SPECIAL = "special", _("Special plan")
    ON_SITE = "on_site", _("On-site disposal plan")


# Drill intervals in months (comprehensive and special plans yearly, on-site plans every half-year) are legal
# numbers of the rule book: the key of each kind's.
DRILL_INTERVAL_RULES = {
    PlanKind.COMPREHENSIVE: DRILL_INTERVAL_COMPREHENSIVE,
    PlanKind.SPECIAL: DRILL_INTERVAL_SPECIAL,
    PlanKind.ON_SITE: DRILL_INTERVAL_ON_SITE,
}


class PlanStatus(models.TextChoices):
    ACTIVE = "active", _("In force")
    SUPERSEDED = "superseded", _("Superseded")
    WITHDRAWN = "withdrawn", pgettext_lazy("emergency", "Withdrawn")


class DrillKind(models.TextChoices):
    TABLETOP = "tabletop", _("Tabletop exercise")
    FUNCTIONAL = "functional", _("Functional drill")
    FULL_SCALE = "full_scale", _("Full-scale drill")
