from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from enterprises.registry.validators import credit_code_check_character, is_valid_credit_code, validate_credit_code
from tests.factories import with_wrong_check

# Published codes of real companies (Tencent, Huawei, a Beijing company, Alibaba).
REAL_CODES = ["9144030071526726XG", "914403001922038216", "91110000600037341L", "91330100716105852F"]


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_published_codes_are_valid(code: str) -> None:
    validate_credit_code(code)
    assert is_valid_credit_code(code.lower())  # lower case input is normalised


def test_check_character_31_becomes_zero() -> None:
    # Find a body whose weighted sum is ≡ 0 (mod 31): its check character must be "0", not "31".
    body = "9135080000000000"
    for ch in "0123456789ABCDEFGHJKLMNPQRTUWXY":
        if credit_code_check_character(body + ch) == "0":
            assert is_valid_credit_code(body + ch + "0")
            break
    else:  # pragma: no cover
        pytest.fail("no body with check character 0 found")


@pytest.mark.parametrize("code", [with_wrong_check(c) for c in REAL_CODES])
def test_wrong_check_character_is_refused_with_expected_value(code: str) -> None:
    with pytest.raises(ValidationError) as info:
        validate_credit_code(code)
    assert info.value.error_list[0].code == "check"
    assert "expected" in str(info.value.messages[0]) or "应为" in str(info.value.messages[0])


@pytest.mark.parametrize("bad", ["I", "O", "S", "V", "Z", "-", "*"])
def test_characters_outside_the_alphabet_are_refused(bad: str) -> None:
    code = "91440300" + bad + "1526726XG"
    with pytest.raises(ValidationError) as info:
        validate_credit_code(code)
    assert info.value.error_list[0].code == "characters"


@pytest.mark.parametrize("code", ["", "914403007152672", "9144030071526726XG1", "9144030071526726X"])
def test_wrong_length_is_refused(code: str) -> None:
    with pytest.raises(ValidationError) as info:
        validate_credit_code(code)
    assert info.value.error_list[0].code == "length"
