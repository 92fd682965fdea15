"""A list filter given a bad value says which filter, by its label, in the reader's language."""

from __future__ import annotations

import re
from typing import Any

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("/hazards/", {"overdue": "maybe"}),
        ("/enterprises/", {"jurisdiction": "not-a-number"}),
    ],
)
def test_a_bad_filter_value_is_named_by_its_label_not_its_parameter(
    client: Any, users: dict[str, Any], url: str, params: dict[str, str]
) -> None:
    client.force_login(users["committee"])
    response = client.get(url, params)
    page = response.content.decode()
    match = re.search(r'data-testid="filter-errors">(.*?)</div>', page, re.S)
    assert match, f"{url} shows no filter error for {params}"
    text = match.group(1)
    (name,) = params
    assert f"{name}：" not in text and f"{name}:" not in text
    # The message may quote the value typed; nothing else in it is Latin script (no parameter names).
    assert "：" in text and not re.search(r"[A-Za-z_]{3,}", text.replace(params[name], "")), text
