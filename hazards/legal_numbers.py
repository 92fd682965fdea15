"""The legal numbers of the hazard closed loop (DESIGN §3a), declared to the rule book at `ready()`."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from safety_platform.rules import UNIT_DAYS, register_rule

ORDER_16 = "《安全生产事故隐患排查治理暂行规定》（国家安全监管总局令第16号）"

VERIFICATION_DAYS = "hazards.verification_days"
STATISTICS_QUARTER_DAYS = "hazards.statistics.quarter_filing_days"
STATISTICS_YEAR_DAYS = "hazards.statistics.year_filing_days"


def register() -> None:
    group = _("Hazards")
    register_rule(
        VERIFICATION_DAYS,
        default=10,
        unit=UNIT_DAYS,
        label=_("Verification and closing of a rectified hazard after the request"),
        legal_basis=ORDER_16 + "；福建省隐患核销规定",
        group=group,
    )
    register_rule(
        STATISTICS_QUARTER_DAYS,
        default=15,
        unit=UNIT_DAYS,
        label=_("Quarterly hazard statistics: filed within days after the quarter"),
        legal_basis=ORDER_16 + "第十四条",
        group=group,
    )
    register_rule(
        STATISTICS_YEAR_DAYS,
        default=31,
        unit=UNIT_DAYS,
        label=_("Annual hazard statistics: filed within days after the year"),
        legal_basis=ORDER_16 + "第十四条",
        group=group,
    )
