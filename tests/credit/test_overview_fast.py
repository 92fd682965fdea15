"""The grades list at city scale: its page read off an index in its order, the grade counts cached per
scope until a grade or an enterprise changes, no full COUNT."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from credit.selectors import grade_distribution
from credit.services import credit_rating_recalculate
from enterprises.models import Enterprise
from tests.clock import shanghai
from tests.credit.factories import record
from tests.factories import EnterpriseFactory
from tests.plans import plan_without_seqscan

pytestmark = [pytest.mark.django_db, pytest.mark.clock(shanghai(2026, 12, 4, 10))]


@pytest.fixture
def graded(org: Any, users: dict[str, Any], xinluo_chem: Any, shanghang_site: Any) -> list[Any]:
    """Four graded enterprises (two with a deduction) and one not yet graded."""
    enterprises = [xinluo_chem, shanghang_site] + [
        EnterpriseFactory(
            name=f"新罗区测试企业{k}", jurisdiction=org.jurisdiction("新罗区/东城街道"), industry=xinluo_chem.industry
        )
        for k in range(2)
    ]
    for index, enterprise in enumerate(enterprises):
        if index % 2:
            record(enterprise, "HAZ-OVERDUE", months_before=1)
        credit_rating_recalculate(enterprise_id=enterprise.pk)
    EnterpriseFactory(
        name="新罗区未评级企业", jurisdiction=org.jurisdiction("新罗区/东城街道"), industry=xinluo_chem.industry
    )
    return enterprises


def test_overview_lists_worst_grade_then_lowest_score_first(
    client: Any, users: dict[str, Any], graded: list[Any]
) -> None:
    client.force_login(users["committee"])
    page = client.get(reverse("credit:overview")).context["page_obj"]
    keys = [(-r.grade, r.score, r.pk) for r in page]
    assert keys == sorted(keys) and len(keys) == 4


def test_grade_counts_are_cached_per_scope_until_a_grade_changes(
    users: dict[str, Any], graded: list[Any], django_assert_max_num_queries: Any
) -> None:
    first = grade_distribution(users["committee"])
    assert first["total"] == 4 and first["ungraded"] == 1
    with CaptureQueriesContext(connection) as ctx:
        assert grade_distribution(users["committee"]) == first
    # Two index lookups (the newest change of a grade and of an enterprise), no count.
    assert len(ctx.captured_queries) == 2 and not [q for q in ctx.captured_queries if "COUNT(" in q["sql"]]
    # Another scope has its own figures.
    assert grade_distribution(users["inspector_town"])["total"] == 3  # 东城街道: the chemicals plant and two
    # A new grade shows at once.
    credit_rating_recalculate(enterprise_id=Enterprise.objects.get(name="新罗区未评级企业").pk)
    after = grade_distribution(users["committee"])
    assert after["total"] == 5 and after["ungraded"] == 0


def test_overview_counts_at_most_a_thousand_and_one_grades(
    client: Any, users: dict[str, Any], graded: list[Any], monkeypatch: Any, django_assert_max_num_queries: Any
) -> None:
    monkeypatch.setattr("credit.views.PAGE_SIZE", 2)
    client.force_login(users["committee"])
    assert client.get(reverse("credit:overview")).status_code == 200  # counts the grades once, into the cache
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("credit:overview"))
    assert response.status_code == 200
    counts = [q["sql"] for q in ctx.captured_queries if "COUNT(" in q["sql"] and "credit_creditrating" in q["sql"]]
    # Only the page's total, counted over LIMIT 1001 rows.
    assert len(counts) == 1 and re.search(r"LIMIT 1001\b", counts[0]), counts
    with django_assert_max_num_queries(len(ctx.captured_queries)):
        client.get(reverse("credit:overview"), {"page": 2})


@pytest.mark.postgres
def test_overview_page_is_read_off_the_overview_index(users: dict[str, Any], graded: list[Any]) -> None:
    from credit.selectors import ratings_visible_to

    rows = ratings_visible_to(users["committee"]).order_by("-grade", "score", "id")[:26]
    plan = plan_without_seqscan(*rows.query.sql_with_params())
    assert "credit_rating_overview" in plan, plan
    assert '"Node Type": "Sort"' not in plan, plan


@pytest.mark.postgres
def test_records_page_is_read_off_the_newest_records_index(users: dict[str, Any], graded: list[Any]) -> None:
    """The records page, newest first, is the end of an index, not a sort of every record (594 -> 30 ms for the
    committee at 320,000 records on the generated city)."""
    from credit.models import CreditRecord

    rows = (
        CreditRecord.objects.visible_to(users["committee"])
        .select_related("enterprise", "rule", "department")
        .order_by("-created_at", "-id")[:26]
    )
    plan = plan_without_seqscan(*rows.query.sql_with_params())
    assert "credit_record_newest" in plan, plan
    assert '"Node Type": "Sort"' not in plan, plan
