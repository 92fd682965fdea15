"""The legal numbers of the hazard closed loop (DESIGN §3a), declared to the rule book at `ready()`."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from safety_platform.legal_numbers_decl import LegalNumbers
from safety_platform.rules import UNIT_DAYS

ORDER_16 = "《安全生产事故隐患排查治理暂行规定》（国家安全监管总局令第16号）"

NUMBERS = LegalNumbers(_("Hazards"))
register = NUMBERS.register  # called from HazardsConfig.ready()

VERIFICATION_DAYS = NUMBERS.declare(
    "hazards.verification_days",
    10,
    UNIT_DAYS,
    _("Verification and closing of a rectified hazard after the request"),
    ORDER_16 + "；福建省隐患核销规定",
)
STATISTICS_QUARTER_DAYS = NUMBERS.declare(
    "hazards.statistics.quarter_filing_days",
    15,
    UNIT_DAYS,
    _("Quarterly hazard statistics: filed within days after the quarter"),
    ORDER_16 + "第十四条",
)
STATISTICS_YEAR_DAYS = NUMBERS.declare(
    "hazards.statistics.year_filing_days",
    31,
    UNIT_DAYS,
    _("Annual hazard statistics: filed within days after the year"),
    ORDER_16 + "第十四条",
)
