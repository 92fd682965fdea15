"""Fixtures of the emergency tests: a county reserve, a city reserve, an enterprise store, stock."""

from __future__ import annotations

from typing import Any

import pytest

from emergency.choices import WarehouseLevel
from emergency.models import SupplyItem
from tests.emergency.factories import WarehouseFactory


@pytest.fixture
def tent(db: Any) -> SupplyItem:
    return SupplyItem.objects.get(code="tent")


@pytest.fixture
def city_store(org: Any) -> Any:
    return WarehouseFactory(
        name="龙岩市应急物资储备库", level=WarehouseLevel.CITY, jurisdiction=org.jurisdiction("龙岩市")
    )


@pytest.fixture
def xinluo_store(org: Any) -> Any:
    return WarehouseFactory(
        name="新罗区应急物资储备库", level=WarehouseLevel.COUNTY, jurisdiction=org.jurisdiction("新罗区")
    )


@pytest.fixture
def shanghang_store(org: Any) -> Any:
    return WarehouseFactory(
        name="上杭县应急物资储备库", level=WarehouseLevel.COUNTY, jurisdiction=org.jurisdiction("上杭县")
    )


@pytest.fixture
def chem_store(xinluo_chem: Any) -> Any:
    return WarehouseFactory(
        name="东城化工应急物资库",
        level=WarehouseLevel.ENTERPRISE,
        enterprise=xinluo_chem,
        jurisdiction=xinluo_chem.jurisdiction,
    )
