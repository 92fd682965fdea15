"""The plausibility page at city scale (issue 16: 0.8-1.6 s at 1,000,000 hazards): vague and undated open hazards
are read off partial indexes of exactly those hazards, and the silent enterprises are counted from the recent
hazards alone before any enterprise is read; the answers are the rules' answers, edge by edge."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hazards.choices import MIN_DESCRIPTION_LENGTH
from hazards.models import Hazard
from hazards.selectors import plausibility_no_deadline, plausibility_silent_enterprises, plausibility_vague_hazards
from tests.clock import shanghai
from tests.factories import EnterpriseFactory
from tests.hazards.factories import make_hazard
from tests.plans import plan_without_seqscan

pytestmark = [pytest.mark.django_db, pytest.mark.clock(shanghai(2026, 12, 4, 10))]


def test_each_vague_rule_flags_open_hazards_only(users: dict[str, Any], xinluo_chem: Any) -> None:
    def hazard(
        title: str = "1号罐法兰泄漏", description: str = "储罐区1号罐出口法兰处有明显泄漏痕迹", **kw: Any
    ) -> Any:
        h = make_hazard(xinluo_chem, inspector=users["inspector"], title=title, **kw)
        Hazard.objects.filter(pk=h.pk).update(description=description)
        return h

    flagged = {
        hazard(title="其他"),
        hazard(description="同上"),
        hazard(description="x" * (MIN_DESCRIPTION_LENGTH - 1)),
        hazard(title="漏油"),  # two characters
        hazard(title="存在隐患", state="rectifying"),
    }
    hazard(description="x" * MIN_DESCRIPTION_LENGTH)  # long enough
    hazard(title="漏油了")  # three characters
    closed = hazard(title="存在问题")
    Hazard.objects.filter(pk=closed.pk).update(state="closed", grade="general", closed_at=timezone.now())
    assert set(plausibility_vague_hazards(users["committee"])) == flagged
    assert list(plausibility_vague_hazards(users["department_zjj"])) == []  # not its enterprise


def test_silent_enterprises_most_found_first_within_scope_and_limit(users: dict[str, Any], world: Any) -> None:
    chem, site, mine = world["xinluo_chem"], world["xinluo_site"], world["yongding_mine"]
    for enterprise, found in ((chem, 2), (site, 4), (mine, 3)):
        for _ in range(found):
            make_hazard(enterprise, inspector=users["inspector"])
    quiet = EnterpriseFactory(name="新罗区自报企业", jurisdiction=chem.jurisdiction, industry=chem.industry)
    for _ in range(3):
        make_hazard(quiet, inspector=users["inspector"])
    make_hazard(quiet, source="self_check")  # reports its own: not silent
    old = make_hazard(chem, inspector=users["inspector"])
    Hazard.objects.filter(pk=old.pk).update(found_at=timezone.now() - dt.timedelta(days=400))  # out of the window

    def flagged(user: Any, **kw: Any) -> list[tuple[str, int, int]]:
        return [(e.name, e.self_reported, e.found_by_inspection) for e in plausibility_silent_enterprises(user, **kw)]

    assert flagged(users["committee"]) == [(site.name, 0, 4), (mine.name, 0, 3), (chem.name, 0, 2)]
    assert flagged(users["committee"], limit=2) == [(site.name, 0, 4), (mine.name, 0, 3)]
    assert flagged(users["county_office"]) == [(site.name, 0, 4), (chem.name, 0, 2)]  # 新罗区 only
    assert [e.jurisdiction.name for e in plausibility_silent_enterprises(users["committee"])]  # loaded with them


def test_the_page_costs_the_same_queries_for_more_flags(client: Any, users: dict[str, Any], world: Any) -> None:
    client.force_login(users["committee"])
    url = reverse("hazards:plausibility")

    def flags(enterprise: Any) -> None:
        for _ in range(2):
            make_hazard(enterprise, inspector=users["inspector"], title="其他")

    flags(world["xinluo_chem"])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    flags(world["xinluo_site"])
    flags(world["yongding_mine"])
    with CaptureQueriesContext(connection) as many:
        body = client.get(url).content.decode()
    assert world["yongding_mine"].name in body
    assert len(many) == len(few), [q["sql"][:90] for q in many.captured_queries]


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_vague_and_undated_hazards_walk_their_partial_indexes(users: dict[str, Any]) -> None:
    for selector, index in (
        (plausibility_vague_hazards, "hazard_vague_open_idx"),
        (plausibility_no_deadline, "hazard_no_deadline_open_idx"),
    ):
        sql, params = selector(users["committee"])[:100].query.sql_with_params()
        assert index in plan_without_seqscan(sql, params), selector.__name__


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_silent_enterprises_are_counted_from_the_list_index_alone(users: dict[str, Any], world: Any) -> None:
    """The recent hazards' enterprise and source are read off hazard_list_idx, which covers every hazard column the
    count reads: at 1,000,000 hazards the department's page fetched 164,000 rows from the table for them (220 ->
    138 ms with an index-only scan). A test database's few unvacuumed rows never get that plan, so this checks the
    condition for it: each column of the hazards table that each role's count reads is in the index."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
            "AND a.attnum = ANY(i.indkey) WHERE i.indexrelid = 'hazard_list_idx'::regclass"
        )
        covered = {name for (name,) in cursor.fetchall()}
    for _ in range(2):
        make_hazard(world["xinluo_chem"], inspector=users["inspector"])
    for user in ("committee", "county_office", "department", "inspector"):
        with CaptureQueriesContext(connection) as queries:
            assert plausibility_silent_enterprises(users[user]) is not None
        counted = next(q["sql"] for q in queries.captured_queries if "found_by_inspection" in q["sql"])
        read = set(re.findall(r'"hazards_hazard"\."(\w+)"', counted))
        assert read and read <= covered, (user, read - covered)
