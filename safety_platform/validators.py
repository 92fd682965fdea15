"""Validators shared by every form and serializer that takes the same kind of value.

A mainland mobile number is what an SMS gateway accepts: 11 digits starting 13–19. People type them
with spaces or dashes ("138-0000-0000", "138 0000 0000") and sometimes with the country code
("+86 13800000000", "8613800000000"); those are accepted and stored without them.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_MAINLAND_MOBILE = re.compile(r"1[3-9]\d{9}")
_SEPARATORS = re.compile(r"[\s\-()]+")


def normalize_mainland_mobile(value: str) -> str:
    """The 11 digits of a mainland mobile number (separators and a +86 / 86 prefix removed).

    Raises ValidationError when what is left is not a mainland mobile number.
    """
    digits = _SEPARATORS.sub("", str(value or ""))
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if not _MAINLAND_MOBILE.fullmatch(digits):
        raise ValidationError(
            _("Enter a mainland mobile number: 11 digits starting with 13 to 19, e.g. 13800000000."),
            code="invalid_mobile",
        )
    return digits


def validate_mainland_mobile(value: str) -> None:
    """Django validator form of `normalize_mainland_mobile` (model fields, form fields, serializers)."""
    normalize_mainland_mobile(value)
