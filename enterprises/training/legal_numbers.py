"""The legal numbers of training (DESIGN §3a), declared to the rule book by `training.setup.register()`."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from safety_platform.rules import UNIT_DAYS, UNIT_HOURS, UNIT_YEARS, register_rule

ORDER_3 = "《生产经营单位安全培训规定》（国家安全监管总局令第3号）"
ORDER_30 = "《特种作业人员安全技术培训考核管理规定》（国家安全监管总局令第30号）"

NEW_STAFF_HOURS = "training.new_staff_hours"
NEW_STAFF_HOURS_HIGH_RISK = "training.new_staff_hours.high_risk"
STAFF_ANNUAL_HOURS_HIGH_RISK = "training.staff_annual_hours.high_risk"
MANAGEMENT_INITIAL_HOURS = "training.management_initial_hours"
MANAGEMENT_INITIAL_HOURS_HIGH_RISK = "training.management_initial_hours.high_risk"
MANAGEMENT_ANNUAL_HOURS = "training.management_annual_hours"
MANAGEMENT_ANNUAL_HOURS_HIGH_RISK = "training.management_annual_hours.high_risk"
CERTIFICATE_WARNING_DAYS = "training.certificate_warning_days"
OPERATION_CERTIFICATE_YEARS = "training.operation_certificate_years"


def register() -> None:
    group = _("Training")
    register_rule(
        NEW_STAFF_HOURS,
        default=24,
        unit=UNIT_HOURS,
        label=_("New staff: three-level training before starting work"),
        legal_basis=ORDER_3 + "第十三条",
        group=group,
    )
    register_rule(
        NEW_STAFF_HOURS_HIGH_RISK,
        default=72,
        unit=UNIT_HOURS,
        label=_("New staff in high-risk industries: three-level training before starting work"),
        legal_basis=ORDER_3 + "第十三条",
        group=group,
    )
    register_rule(
        STAFF_ANNUAL_HOURS_HIGH_RISK,
        default=20,
        unit=UNIT_HOURS,
        label=_("Staff in high-risk industries: refresher training a year"),
        legal_basis=ORDER_3 + "第十三条",
        group=group,
    )
    register_rule(
        MANAGEMENT_INITIAL_HOURS,
        default=32,
        unit=UNIT_HOURS,
        label=_("Principals and safety managers: initial training"),
        legal_basis=ORDER_3 + "第九条",
        group=group,
    )
    register_rule(
        MANAGEMENT_INITIAL_HOURS_HIGH_RISK,
        default=48,
        unit=UNIT_HOURS,
        label=_("Principals and safety managers in high-risk industries: initial training"),
        legal_basis=ORDER_3 + "第九条",
        group=group,
    )
    register_rule(
        MANAGEMENT_ANNUAL_HOURS,
        default=12,
        unit=UNIT_HOURS,
        label=_("Principals and safety managers: refresher training a year"),
        legal_basis=ORDER_3 + "第九条",
        group=group,
    )
    register_rule(
        MANAGEMENT_ANNUAL_HOURS_HIGH_RISK,
        default=16,
        unit=UNIT_HOURS,
        label=_("Principals and safety managers in high-risk industries: refresher training a year"),
        legal_basis=ORDER_3 + "第九条",
        group=group,
    )
    register_rule(
        OPERATION_CERTIFICATE_YEARS,
        default=6,
        unit=UNIT_YEARS,
        label=_("Special-operation certificate: validity"),
        legal_basis=ORDER_30 + "第二十一条",
        group=group,
    )
    register_rule(
        CERTIFICATE_WARNING_DAYS,
        default=90,
        unit=UNIT_DAYS,
        label=_("Special-operation certificate: reminder before expiry"),
        legal_basis=ORDER_30 + "第二十一条",
        group=group,
    )
