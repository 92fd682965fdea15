"""An inspector logging a hazard on site counts as an inspection visit on the due-inspection list."""

from __future__ import annotations

from typing import Any

import pytest

from credit.models import SupervisionVisit
from hazards.services import hazard_register

pytestmark = pytest.mark.django_db


def test_hazard_found_on_site_records_one_visit_per_day(
    users: dict[str, Any], xinluo_chem: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        hazard_register(
            enterprise=xinluo_chem,
            title="消防通道堵塞",
            description="仓库门口堆放杂物",
            source="inspection",
            reported_by=users["inspector"],
        )
        hazard_register(
            enterprise=xinluo_chem,
            title="灭火器过期",
            description="二楼走廊",
            source="inspection",
            reported_by=users["inspector"],
        )
    visit = SupervisionVisit.objects.get(enterprise=xinluo_chem)
    assert visit.inspector == users["inspector"]


def test_self_reported_hazards_are_not_inspection_visits(
    users: dict[str, Any], xinluo_chem: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        hazard_register(
            enterprise=xinluo_chem,
            title="自查发现",
            description="x",
            source="self_check",
            reported_by=users["enterprise"],
        )
    assert not SupervisionVisit.objects.exists()
