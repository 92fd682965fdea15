"""The legal numbers of emergency plans (DESIGN §3a), declared to the rule book at `ready()`."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from safety_platform.legal_numbers_decl import LegalNumbers
from safety_platform.rules import UNIT_MONTHS

ORDER_2 = "《生产安全事故应急预案管理办法》（应急管理部令第2号）第三十三条"

NUMBERS = LegalNumbers(_("Emergency plans"))

DRILL_INTERVAL_COMPREHENSIVE = NUMBERS.declare(
    "emergency.drill_interval_months.comprehensive",
    12,
    UNIT_MONTHS,
    _("Comprehensive plan: drilled at least every"),
    ORDER_2,
)
DRILL_INTERVAL_SPECIAL = NUMBERS.declare(
    "emergency.drill_interval_months.special", 12, UNIT_MONTHS, _("Special plan: drilled at least every"), ORDER_2
)
DRILL_INTERVAL_ON_SITE = NUMBERS.declare(
    "emergency.drill_interval_months.on_site", 6, UNIT_MONTHS, _("On-site plan: drilled at least every"), ORDER_2
)

register = NUMBERS.register
