"""Fixtures of the hazards tests: a few enterprises across scopes, API keys."""

from __future__ import annotations

from typing import Any

import pytest

from safety_platform.choices import ApiScope
from safety_platform.services import api_key_create
from tests.factories import EnterpriseFactory


@pytest.fixture
def world(org: Any, users: dict[str, Any], xinluo_chem: Any, shanghang_site: Any) -> dict[str, Any]:
    """Enterprises in four scopes (same layout as the enterprise scoping tests)."""
    xinluo_site = EnterpriseFactory(
        name="新罗区西陂建筑",
        jurisdiction=org.jurisdiction("新罗区/西陂街道/西陂第一网格"),
        industry=org.industry("E4710"),
    )
    yongding_mine = EnterpriseFactory(
        name="永定区坎市铁矿", jurisdiction=org.jurisdiction("永定区/坎市镇"), industry=org.industry("B0810")
    )
    return {
        "xinluo_chem": xinluo_chem,
        "xinluo_site": xinluo_site,
        "shanghang_site": shanghang_site,
        "yongding_mine": yongding_mine,
    }


# Which of the world's enterprises each role sees.
EXPECTED = {
    "admin": {"xinluo_chem", "xinluo_site", "shanghang_site", "yongding_mine"},
    "committee": {"xinluo_chem", "xinluo_site", "shanghang_site", "yongding_mine"},
    "county_office": {"xinluo_chem", "xinluo_site"},  # 新罗区 whole
    "inspector": {"xinluo_chem", "xinluo_site"},
    "inspector_town": {"xinluo_chem"},
    "department": {"xinluo_chem", "yongding_mine"},
    "department_zjj": {"xinluo_site", "shanghang_site"},
    "enterprise": {"xinluo_chem"},
}


@pytest.fixture
def push_key(xinluo_chem: Any) -> str:
    _key, raw = api_key_create(name="DCS", enterprise=xinluo_chem, scopes=[ApiScope.HAZARDS_PUSH])
    return raw


@pytest.fixture
def dept_read_key(org: Any) -> str:
    _key, raw = api_key_create(name="fgw", department=org.department("fgw"), scopes=[ApiScope.HAZARDS_READ])
    return raw
