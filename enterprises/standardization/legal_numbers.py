"""The legal numbers of standardization (DESIGN §3a), declared to the rule book by
`standardization.setup.register()`."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from safety_platform.legal_numbers_decl import LegalNumbers
from safety_platform.rules import UNIT_MONTHS, UNIT_YEARS

STANDARDIZATION = "《企业安全生产标准化建设定级办法》（应急〔2021〕83号）"

NUMBERS = LegalNumbers(_("Standardization"))

STANDARDIZATION_VALID_YEARS = NUMBERS.declare(
    "standardization.certificate_valid_years",
    3,
    UNIT_YEARS,
    _("Standardization certificate: validity"),
    STANDARDIZATION,
)
STANDARDIZATION_REREVIEW_MONTHS = NUMBERS.declare(
    "standardization.rereview_months",
    3,
    UNIT_MONTHS,
    _("Standardization: re-review applied for before expiry"),
    STANDARDIZATION,
)
