"""The risk map at a grid lists the grid's enterprises a page at a time (issue 16: a grid of 500 enterprises made a
280 KB page, and an enterprise after the 500th was never shown)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hazards.views import MAP_ENTERPRISES_PAGE
from tests.clock import shanghai
from tests.factories import EnterpriseFactory

pytestmark = [pytest.mark.django_db, pytest.mark.clock(shanghai(2026, 12, 4, 10))]


def test_a_grids_enterprises_come_a_page_at_a_time_and_none_is_lost(
    client: Any, org: Any, users: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    grid = org.jurisdiction("新罗区/东城街道/东城第一网格")
    names = {f"网格企业{i:03d}" for i in range(MAP_ENTERPRISES_PAGE + 5)}
    for name in names:
        EnterpriseFactory(name=name, jurisdiction=grid, industry=org.industry("C2614"))
    client.force_login(users["committee"])
    url = reverse("hazards:risk_map")
    client.get(url, {"node": grid.pk})
    with CaptureQueriesContext(connection) as full_page:
        first = client.get(url, {"node": grid.pk})
    rows = first.context["enterprise_rows"]
    assert len(rows) == MAP_ENTERPRISES_PAGE
    html = first.content.decode()
    assert f"node={grid.pk}&amp;page=2" in html or f"node={grid.pk}&page=2" in html
    with django_assert_max_num_queries(len(full_page)):  # a few rows or a hundred: the same queries
        second = client.get(url, {"node": grid.pk, "page": 2})
    shown = {row.name for row in rows} | {row.name for row in second.context["enterprise_rows"]}
    assert names <= shown  # the committee's fixture enterprises of the grid are there too
    assert len(second.context["enterprise_rows"]) == len(shown) - MAP_ENTERPRISES_PAGE
