"""The legal numbers of training (DESIGN §3a), declared to the rule book by `training.setup.register()`."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from safety_platform.legal_numbers_decl import LegalNumbers
from safety_platform.rules import UNIT_DAYS, UNIT_HOURS, UNIT_YEARS

ORDER_3 = "《生产经营单位安全培训规定》（国家安全监管总局令第3号）"
ORDER_30 = "《特种作业人员安全技术培训考核管理规定》（国家安全监管总局令第30号）"

NUMBERS = LegalNumbers(_("Training"))

NEW_STAFF_HOURS = NUMBERS.declare(
    "training.new_staff_hours",
    24,
    UNIT_HOURS,
    _("New staff: three-level training before starting work"),
    ORDER_3 + "第十三条",
)
NEW_STAFF_HOURS_HIGH_RISK = NUMBERS.declare(
    "training.new_staff_hours.high_risk",
    72,
    UNIT_HOURS,
    _("New staff in high-risk industries: three-level training before starting work"),
    ORDER_3 + "第十三条",
)
STAFF_ANNUAL_HOURS_HIGH_RISK = NUMBERS.declare(
    "training.staff_annual_hours.high_risk",
    20,
    UNIT_HOURS,
    _("Staff in high-risk industries: refresher training a year"),
    ORDER_3 + "第十三条",
)
MANAGEMENT_INITIAL_HOURS = NUMBERS.declare(
    "training.management_initial_hours",
    32,
    UNIT_HOURS,
    _("Principals and safety managers: initial training"),
    ORDER_3 + "第九条",
)
MANAGEMENT_INITIAL_HOURS_HIGH_RISK = NUMBERS.declare(
    "training.management_initial_hours.high_risk",
    48,
    UNIT_HOURS,
    _("Principals and safety managers in high-risk industries: initial training"),
    ORDER_3 + "第九条",
)
MANAGEMENT_ANNUAL_HOURS = NUMBERS.declare(
    "training.management_annual_hours",
    12,
    UNIT_HOURS,
    _("Principals and safety managers: refresher training a year"),
    ORDER_3 + "第九条",
)
MANAGEMENT_ANNUAL_HOURS_HIGH_RISK = NUMBERS.declare(
    "training.management_annual_hours.high_risk",
    16,
    UNIT_HOURS,
    _("Principals and safety managers in high-risk industries: refresher training a year"),
    ORDER_3 + "第九条",
)
OPERATION_CERTIFICATE_YEARS = NUMBERS.declare(
    "training.operation_certificate_years",
    6,
    UNIT_YEARS,
    _("Special-operation certificate: validity"),
    ORDER_30 + "第二十一条",
)
CERTIFICATE_WARNING_DAYS = NUMBERS.declare(
    "training.certificate_warning_days",
    90,
    UNIT_DAYS,
    _("Special-operation certificate: reminder before expiry"),
    ORDER_30 + "第二十一条",
)
