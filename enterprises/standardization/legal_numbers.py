"""The legal numbers of standardization (DESIGN §3a), declared to the rule book by
`standardization.setup.register()`."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from safety_platform.rules import UNIT_MONTHS, UNIT_YEARS, register_rule

STANDARDIZATION = "《企业安全生产标准化建设定级办法》（应急〔2021〕83号）"

STANDARDIZATION_VALID_YEARS = "standardization.certificate_valid_years"
STANDARDIZATION_REREVIEW_MONTHS = "standardization.rereview_months"


def register() -> None:
    group = _("Standardization")
    register_rule(
        STANDARDIZATION_VALID_YEARS,
        default=3,
        unit=UNIT_YEARS,
        label=_("Standardization certificate: validity"),
        legal_basis=STANDARDIZATION,
        group=group,
    )
    register_rule(
        STANDARDIZATION_REREVIEW_MONTHS,
        default=3,
        unit=UNIT_MONTHS,
        label=_("Standardization: re-review applied for before expiry"),
        legal_basis=STANDARDIZATION,
        group=group,
    )
