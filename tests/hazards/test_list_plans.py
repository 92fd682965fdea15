"""On PostgreSQL: every filter the hazard list offers finds its page through an index, for an inspector
(their jurisdiction) and for committee staff (the whole city) — no Seq Scan on hazards, no sort of a whole
table's rows, no SELECT DISTINCT.

The requests run through the API as a user would send them; each SQL statement they send that reads
hazards is EXPLAINed on a city of 30,000 hazards (states, grades, deadlines, campaigns as in the bench
data), with sequential scans disabled so the assertion is about which index serves the query, not about
the planner's taste at this size.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hazards.models import Campaign, Hazard
from tests.clock import shanghai
from tests.factories import EnterpriseFactory
from tests.hazards.factories import make_hazard

pytestmark = [pytest.mark.postgres, pytest.mark.django_db, pytest.mark.clock(shanghai(2026, 12, 4, 10))]

HAZARDS = 30_000


@pytest.fixture
def city(org: Any, users: dict[str, Any], xinluo_chem: Any, shanghang_site: Any) -> dict[str, Any]:
    """300 enterprises in and out of the inspector's county, 30,000 hazards copied from a real one."""
    towns = [
        org.jurisdiction("新罗区/东城街道/东城第一网格"),
        org.jurisdiction("新罗区/西陂街道/西陂第一网格"),
        org.jurisdiction("上杭县/临江镇/临江第一网格"),
        org.jurisdiction("永定区/坎市镇"),
    ]
    enterprises = [xinluo_chem, shanghang_site] + [
        EnterpriseFactory(jurisdiction=towns[k % len(towns)], industry=xinluo_chem.industry) for k in range(298)
    ]
    campaign = Campaign.objects.create(name="专项行动", starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 12, 31))
    template = make_hazard(xinluo_chem)
    ids = [e.pk for e in enterprises]
    state = (
        "(CASE WHEN r < 0.62 THEN 'closed' WHEN r < 0.70 THEN 'registered' WHEN r < 0.78 THEN 'assessed' "
        "WHEN r < 0.81 THEN 'reported' WHEN r < 0.91 THEN 'rectifying' WHEN r < 0.99 THEN 'remediated' "
        "ELSE 'voided' END)"
    )
    found = "(now() - (r2 * interval '1095 days'))"
    overrides = {
        "code": "'YH-PLAN-' || g",
        "enterprise_id": f"(ARRAY{ids})[1 + g %% {len(ids)}]",
        "state": state,
        "grade": f"(CASE WHEN {state} IN ('registered', 'voided') THEN '' "
        "WHEN r3 < 0.1 THEN 'major' ELSE 'general' END)",
        "found_at": found,
        "deadline": f"(CASE WHEN {state} IN ('registered', 'voided') THEN NULL "
        f"ELSE ({found} + interval '30 days')::date END)",
        "closed_at": f"(CASE WHEN {state} = 'closed' THEN {found} + interval '20 days' ELSE NULL END)",
        "campaign_id": f"(CASE WHEN r3 > 0.9 THEN {campaign.pk} ELSE NULL END)",
        "is_listed": "(r3 < 0.02)",
        "created_at": found,
        "updated_at": found,
    }
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'hazards_hazard' "
            "ORDER BY ordinal_position"
        )
        columns = [c for (c,) in cursor.fetchall() if c != "id"]
        select = ", ".join(overrides.get(c, f"t.{c}") for c in columns)
        cursor.execute(
            f"INSERT INTO hazards_hazard ({', '.join(columns)}) SELECT {select} FROM "
            "(SELECT g, random() AS r, random() AS r2, random() AS r3 FROM generate_series(1, %s) AS g) AS s, "
            "(SELECT * FROM hazards_hazard WHERE id = %s) AS t",
            [HAZARDS, template.pk],
        )
        cursor.execute("ANALYZE hazards_hazard")
        cursor.execute("ANALYZE enterprises_enterprise")
    return {"campaign": campaign, "enterprise": xinluo_chem, "town": towns[0].parent}


@pytest.fixture
def no_seqscan() -> Iterator[None]:
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
    yield
    with connection.cursor() as cursor:
        cursor.execute("RESET enable_seqscan")


def _nodes(plan: dict[str, Any], ancestors: tuple[dict[str, Any], ...] = ()) -> Iterator[tuple[dict, tuple]]:
    yield plan, ancestors
    for child in plan.get("Plans", ()):
        yield from _nodes(child, (*ancestors, plan))


def _problems(sql: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
        raw = cursor.fetchone()[0]
    plan = (json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]
    problems = []
    for node, ancestors in _nodes(plan):
        kind = node["Node Type"]
        if node.get("Relation Name") != "hazards_hazard":
            continue
        if kind == "Seq Scan":
            problems.append("Seq Scan on hazards_hazard")
        # An index walked end to end (no Index Cond) is fine when it gives the order and LIMIT stops it;
        # below a Sort it means sorting every hazard.
        restricted = "Index Cond" in node or kind == "Bitmap Heap Scan"
        if not restricted and any(a["Node Type"] == "Sort" for a in ancestors):
            problems.append(f"Sort over a whole {kind} of hazards_hazard ({node.get('Index Name')})")
    return problems


CASES = [
    ("no filter", {}),
    ("state", {"state": "rectifying"}),
    ("open", {"open": "true"}),
    ("grade", {"grade": "major"}),
    ("overdue", {"overdue": "true"}),
    ("listed", {"listed": "true"}),
    ("enterprise", {"enterprise": "ENTERPRISE"}),
    ("campaign", {"campaign": "CAMPAIGN"}),
    ("jurisdiction", {"jurisdiction": "TOWN"}),
    ("state and grade", {"state": "rectifying", "grade": "major"}),
]


@pytest.mark.parametrize("role", ["inspector", "committee"])
def test_every_list_filter_finds_its_page_through_an_index(
    api_client: Any, users: dict[str, Any], city: dict[str, Any], no_seqscan: None, role: str
) -> None:
    api_client.force_authenticate(users[role])
    failures = {}
    for label, params in CASES:
        values = {
            k: {"ENTERPRISE": city["enterprise"].pk, "CAMPAIGN": city["campaign"].pk, "TOWN": city["town"].pk}.get(v, v)
            for k, v in params.items()
        }
        with CaptureQueriesContext(connection) as ctx:
            response = api_client.get("/api/v1/hazards/", values)
        assert response.status_code == 200, (label, response.content)
        assert response.json()["results"], label  # the city has hazards for every filter
        statements = [q["sql"] for q in ctx.captured_queries if '"hazards_hazard"' in q["sql"]]
        assert statements, label
        for sql in statements:
            assert "DISTINCT" not in sql.upper(), (label, sql)
            problems = _problems(sql)
            if problems:
                failures[f"{label}: {sql[:200]}"] = problems
    assert not failures, json.dumps(failures, ensure_ascii=False, indent=1)


def test_the_city_is_big_enough_to_matter(city: dict[str, Any]) -> None:
    assert Hazard.objects.count() > HAZARDS
    assert Hazard.objects.filter(deadline__lt=timezone.localdate(), state="rectifying").exists()


def test_the_listed_filter_walks_the_listed_hazards_alone(
    api_client: Any, users: dict[str, Any], city: dict[str, Any], no_seqscan: None
) -> None:
    """A county's open listed major hazards (a few hundred of a million) were found by reading every hazard of
    each of its enterprises (0.4 s at 1,000,000 hazards): the partial index of listed hazards serves them."""
    api_client.force_authenticate(users["inspector"])
    with CaptureQueriesContext(connection) as ctx:
        response = api_client.get("/api/v1/hazards/", {"listed": "true", "open": "true", "grade": "major"})
    assert response.status_code == 200 and response.json()["results"]
    page = next(q["sql"] for q in ctx.captured_queries if q["sql"].startswith('SELECT "hazards_hazard"."id"'))
    with connection.cursor() as cursor:
        # At this size probing each enterprise's few hazards is as cheap (a county: 20,000 enterprises, 0.4 s);
        # without that way the plan shows whether the filter's WHERE lets the partial index serve it at all.
        cursor.execute("SET enable_nestloop = off")
        try:
            cursor.execute(f"EXPLAIN (FORMAT JSON) {page}")
            raw = cursor.fetchone()[0]
        finally:
            cursor.execute("RESET enable_nestloop")
    plan = raw if isinstance(raw, str) else json.dumps(raw)
    assert "hazard_listed_list_idx" in plan, sorted(set(re.findall(r'"Index Name": "([^"]+)"', plan)))


def test_the_open_major_filter_walks_the_open_major_hazards_alone(
    api_client: Any, users: dict[str, Any], city: dict[str, Any], no_seqscan: None
) -> None:
    """A town's open major hazards (the dashboards' "major, open" link) were found by reading every hazard of each
    of the town's 6,700 enterprises (a town inspector's page at 1,000,000 hazards: 239 ms, the slowest of the page
    sweep): the page and its count walk the partial index of open major hazards, which carries the enterprise."""
    api_client.force_authenticate(users["inspector"])
    with CaptureQueriesContext(connection) as ctx:
        response = api_client.get("/api/v1/hazards/", {"grade": "major", "open": "true"})
    rows = response.json()["results"]
    assert response.status_code == 200 and rows
    assert all(row["grade"] == "major" and row["state"] not in ("closed", "voided") for row in rows)
    statements = [q["sql"] for q in ctx.captured_queries if '"hazards_hazard"' in q["sql"]]
    assert statements
    with connection.cursor() as cursor:
        # As for the listed filter: at this size probing each enterprise's few hazards costs as little, so the plan
        # is asked without that way, to show that the filter's WHERE lets the partial index serve it.
        cursor.execute("SET enable_nestloop = off")
        try:
            plans = []
            for sql in statements:
                cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
                raw = cursor.fetchone()[0]
                plans.append(raw if isinstance(raw, str) else json.dumps(raw))
        finally:
            cursor.execute("RESET enable_nestloop")
    for sql, plan in zip(statements, plans, strict=True):
        assert "hazard_major_open_list_idx" in plan, (
            sql[:120],
            sorted(set(re.findall(r'"Index Name": "([^"]+)"', plan))),
        )


def test_the_closed_between_filter_reads_only_the_hazards_closed_then(
    api_client: Any, users: dict[str, Any], city: dict[str, Any], no_seqscan: None
) -> None:
    """A county's hazards closed in a quarter were found by reading every hazard of each of its enterprises and
    testing when it closed (a county office's page at 1,000,000 hazards: 290 ms, 95,000 rows read for 5,000):
    the closing time is now looked up in an index, per enterprise or over the city."""
    api_client.force_authenticate(users["inspector"])
    with CaptureQueriesContext(connection) as ctx:
        response = api_client.get(
            "/api/v1/hazards/", {"closed_after": "2026-01-01", "closed_before": "2026-12-31", "page_size": 20}
        )
    assert response.status_code == 200 and response.json()["results"]
    page = next(q["sql"] for q in ctx.captured_queries if q["sql"].startswith('SELECT "hazards_hazard"."id"'))
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {page}")
        raw = cursor.fetchone()[0]
    plan = (json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]
    hazards = [node for node, _ in _nodes(plan) if node.get("Relation Name") == "hazards_hazard"]
    assert hazards and all("closed_at" in node.get("Index Cond", node.get("Recheck Cond", "")) for node in hazards), [
        (node["Node Type"], node.get("Index Name"), node.get("Index Cond"), node.get("Filter")) for node in hazards
    ]
