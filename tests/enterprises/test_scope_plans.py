"""A scope's enterprises are read from one index alone (PostgreSQL plans): an area's through
`enterprise_area_status_idx`, a department's through `enterprise_dept_status_idx`, each holding the id and the
home page's columns. Without them every count joined to a county's 20,000 enterprises read the whole table."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from enterprises.registry.selectors import enterprise_counts
from tests.plans import plan_without_seqscan

# VACUUM (outside a transaction) marks the table's pages all-visible, as autovacuum keeps a real city's: an index-only
# scan is then what the planner costs lowest, and whether the index covers the query is what the plan shows.
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", ()):
        yield from _nodes(child)


def _index_only_scans(sql: str) -> set[str]:
    # The captured SQL has its values written in: a LIKE's % must not read as a parameter.
    plan = json.loads(plan_without_seqscan(sql.replace("%", "%%")))[0]["Plan"]
    return {node["Index Name"] for node in _nodes(plan) if node["Node Type"] == "Index Only Scan"}


@pytest.mark.parametrize(
    ("role", "index"),
    [
        ("county_office", "enterprise_area_status_idx"),
        ("inspector_town", "enterprise_area_status_idx"),
        ("department", "enterprise_dept_status_idx"),
    ],
)
def test_a_scopes_enterprise_counts_read_its_index_alone(
    users: dict[str, Any], xinluo_chem: Any, role: str, index: str
) -> None:
    """The home page's enterprise counts (total, operating, suspended, closed, key) of a county, a town, a
    department: no row of the enterprise table is read."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE enterprises_enterprise")
    with CaptureQueriesContext(connection) as ctx:
        counts = enterprise_counts(users[role])
    assert counts["total"] >= 0
    scans = _index_only_scans(ctx.captured_queries[-1]["sql"])
    assert index in scans, scans
