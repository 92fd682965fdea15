"""One way for an app to declare its legal numbers (DESIGN §3a) to the rule book.

An app's `legal_numbers.py` keeps one table per group; each number is declared once, where its key is named:

    NUMBERS = LegalNumbers(_("Training"))
    NEW_STAFF_HOURS = NUMBERS.declare("training.new_staff_hours", 24, UNIT_HOURS, _("…"), ORDER_3 + "第十三条")
    register = NUMBERS.register   # called from the app's `ready()` (or its room's `setup.register()`)

`declare` only records the number and hands its key back (for the app's readers); `register` hands the whole
table to `register_rule`, which stays the one registry, so the rule book, its page and its defaults are the
same as with one `register_rule` call per number.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .rules import register_rule


@dataclass(frozen=True)
class LegalNumber:
    key: str
    default: int | str | Decimal
    unit: str
    label: Any
    legal_basis: str = ""


class LegalNumbers:
    """The legal numbers of one group (a heading on the legal numbers' page)."""

    def __init__(self, group: Any) -> None:
        self.group = group
        self.numbers: list[LegalNumber] = []

    def declare(self, key: str, default: int | str | Decimal, unit: str, label: Any, legal_basis: str = "") -> str:
        self.numbers.append(LegalNumber(key, default, unit, label, legal_basis))
        return key

    def register(self) -> None:
        """Declare the table to the rule book (idempotent, like `register_rule`)."""
        for number in self.numbers:
            register_rule(
                number.key,
                default=number.default,
                unit=number.unit,
                label=number.label,
                legal_basis=number.legal_basis,
                group=self.group,
            )
