"""Unified social credit code (统一社会信用代码, GB 32100-2015) validation."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# 31 characters: digits and capital letters without I, O, S, V, Z; their index is their value.
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
CREDIT_CODE_LENGTH = 18


def credit_code_check_character(first17: str) -> str:
    """The 18th character for the first 17: 31 − (Σ value·weight mod 31), where 31 becomes 0."""
    total = sum(CREDIT_CODE_ALPHABET.index(ch) * w for ch, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True))
    check = 31 - total % 31
    return CREDIT_CODE_ALPHABET[0 if check == 31 else check]


def normalize_credit_code(value: str) -> str:
    return (value or "").strip().upper()


def validate_credit_code(value: str) -> None:
    """Raise ValidationError with a message that says what is wrong with the code."""
    code = normalize_credit_code(value)
    if len(code) != CREDIT_CODE_LENGTH:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(n)d."),
            code="length",
            params={"n": len(code)},
        )
    bad = sorted({ch for ch in code if ch not in CREDIT_CODE_ALPHABET})
    if bad:
        raise ValidationError(
            _("Characters not allowed in a credit code: %(chars)s (I, O, S, V and Z are never used)."),
            code="characters",
            params={"chars": " ".join(bad)},
        )
    expected = credit_code_check_character(code[:17])
    if code[17] != expected:
        raise ValidationError(
            _("The check character is wrong: expected %(expected)s, got %(got)s."),
            code="check",
            params={"expected": expected, "got": code[17]},
        )


def is_valid_credit_code(value: str) -> bool:
    try:
        validate_credit_code(value)
    except ValidationError:
        return False
    return True


def make_credit_code(region: str, serial: str, registration_authority: str = "9", kind: str = "1") -> str:
    """Build a valid code: authority + kind + 6-digit region + 9-character organisation code + check."""
    body = f"{registration_authority}{kind}{region}{serial}"
    if len(body) != 17:
        raise ValueError("region must have 6 and serial 9 characters")
    return body + credit_code_check_character(body)
