"""`within_path`, the one way to select a jurisdiction's subtree: exactly the rows LIKE 'path%' selected, and on
PostgreSQL a range the planner can estimate when a user's scope and a list filter name the same area."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection

from safety_platform.models import Jurisdiction
from safety_platform.scoping import in_own_areas, within_path

pytestmark = pytest.mark.django_db


def test_a_subtree_is_the_nodes_whose_path_starts_with_the_root_path_and_no_other(org: Any) -> None:
    city = org.jurisdiction("新罗区").parent
    # Ids that begin with one another's digits, side by side under one parent: "/…/900/" is not under "/…/90/".
    for pk in (90, 900, 9000):
        Jurisdiction.objects.create(pk=pk, name=f"测试区{pk}", code=f"T{pk}", level="county", parent=city)
    Jurisdiction.objects.create(pk=9001, name="测试镇", code="T9001", level="township", parent_id=900)
    nodes = list(Jurisdiction.objects.all())
    assert len(nodes) > 30
    for root in nodes:
        expected = {n.pk for n in nodes if n.path.startswith(root.path)}
        assert set(Jurisdiction.objects.filter(within_path("path", root.path)).values_list("pk", flat=True)) == (
            expected
        ), root.path
    assert set(Jurisdiction.objects.filter(within_path("path", f"{city.path}900/")).values_list("pk", flat=True)) == {
        900,
        9001,
    }


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_a_county_filter_inside_a_county_scope_is_estimated_as_the_county(users: dict[str, Any], org: Any) -> None:
    """The inspector of 新罗区 filtering a list to 新罗区: the scope and the filter put the same subtree twice on the
    jurisdictions joined to the rows. As two LIKEs the planner took their selectivities as unrelated and expected
    a fraction of the county's jurisdictions (2 of 10 in the city's tree), then few enterprises, and probed each of
    the county's 10,000 enterprises for its hazards (312 ms for a page at 1,000,000 hazards). Asked here of the
    jurisdictions alone, under the scope's and the filter's own conditions, so that the estimate is one number
    whatever plan the rest of a page's query gets on a test's few rows."""
    county = org.jurisdiction("新罗区")
    town = org.jurisdiction("新罗区/东城街道")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE safety_platform_jurisdiction")
    for chosen in (county, town):
        listed = Jurisdiction.objects.filter(in_own_areas(users["inspector"], "path")).filter(
            within_path("path", chosen.path)
        )
        actual = listed.count()
        sql, params = listed.values("pk").query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
            raw = cursor.fetchone()[0]
        estimate = (json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]["Plan Rows"]
        assert actual >= 3 and estimate >= actual / 2, (chosen.name, estimate, actual)
