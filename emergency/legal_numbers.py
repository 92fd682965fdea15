"""The legal numbers of emergency plans (DESIGN §3a), declared to the rule book at `ready()`."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from safety_platform.rules import UNIT_MONTHS, register_rule

ORDER_2 = "《生产安全事故应急预案管理办法》（应急管理部令第2号）第三十三条"

DRILL_INTERVAL_COMPREHENSIVE = "emergency.drill_interval_months.comprehensive"
DRILL_INTERVAL_SPECIAL = "emergency.drill_interval_months.special"
DRILL_INTERVAL_ON_SITE = "emergency.drill_interval_months.on_site"


def register() -> None:
    group = _("Emergency plans")
    register_rule(
        DRILL_INTERVAL_COMPREHENSIVE,
        default=12,
        unit=UNIT_MONTHS,
        label=_("Comprehensive plan: drilled at least every"),
        legal_basis=ORDER_2,
        group=group,
    )
    register_rule(
        DRILL_INTERVAL_SPECIAL,
        default=12,
        unit=UNIT_MONTHS,
        label=_("Special plan: drilled at least every"),
        legal_basis=ORDER_2,
        group=group,
    )
    register_rule(
        DRILL_INTERVAL_ON_SITE,
        default=6,
        unit=UNIT_MONTHS,
        label=_("On-site plan: drilled at least every"),
        legal_basis=ORDER_2,
        group=group,
    )
