"""On PostgreSQL the nightly run writes grades set-based (no model signal) and moves the dashboards' credit
figures (`grade_<n>`, `blacklisted` in `EnterpriseFigureSummary`) in the same statement: after the first
night, a night with changes (grades up and down, a blacklisting, a closure) and a quiet night, the summary
and each enterprise's stored share equal what a full recount (`enterprise_figures_rebuild`) gives."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from credit.choices import RecalcTrigger
from credit.models import BlacklistEntry, CreditRating, add_months
from credit.services import credit_recalculate_all
from enterprises.figures.services import enterprise_figures_forget, enterprise_figures_rebuild
from enterprises.models import EnterpriseFigures, EnterpriseFigureSummary
from enterprises.registry.choices import EnterpriseStatus
from tests.clock import shanghai
from tests.credit.factories import record
from tests.factories import EnterpriseFactory

pytestmark = [pytest.mark.postgres, pytest.mark.clock(shanghai(2026, 12, 4, 10))]

CODES = ["STD-1", "ACC-LARGER", "ACC-GENERAL", "ORG-MISSING", "HAZ-OVERDUE", "HAZ-REPORT-ONTIME"]


def summary() -> list[tuple[Any, ...]]:
    return sorted(
        EnterpriseFigureSummary.objects.filter(n__gt=0).values_list(
            "jurisdiction_id", "industry_id", "department_ref", "fact", "period", "n"
        )
    )


def shares() -> dict[int, dict[str, int]]:
    return dict(EnterpriseFigures.objects.values_list("enterprise_id", "facts"))


def recounted() -> tuple[list[tuple[Any, ...]], dict[int, dict[str, int]]]:
    """The summary and shares a full recount gives (then put back as they were)."""
    from django.db import transaction

    savepoint = transaction.savepoint()
    enterprise_figures_rebuild()
    rows, stored = summary(), shares()
    transaction.savepoint_rollback(savepoint)
    return rows, stored


def credit_counts() -> dict[str, int]:
    counts: dict[str, int] = {}
    rows = EnterpriseFigureSummary.objects.filter(fact__in=["grade_1", "grade_2", "grade_3", "blacklisted"])
    for fact, n in rows.values_list("fact", "n"):
        counts[fact] = counts.get(fact, 0) + n
    return {fact: n for fact, n in counts.items() if n}


def test_set_based_nights_keep_the_credit_figures_equal_to_a_recount(db: Any, org: Any, rule_set: Any) -> None:
    places = [("新罗区/东城街道", "C2614"), ("上杭县/临江镇/临江第一网格", "E4710")]
    city = [
        EnterpriseFactory(jurisdiction=org.jurisdiction(places[i % 2][0]), industry=org.industry(places[i % 2][1]))
        for i in range(12)
    ]
    for index, enterprise in enumerate(city):
        for offset in range(index % 4):
            record(enterprise, CODES[(index + offset) % len(CODES)], months_before=offset + 1)
    # One enterprise as bulk loading leaves it: no stored share yet (it gets the full recount).
    enterprise_figures_forget(city[11].pk)
    assert not EnterpriseFigures.objects.filter(enterprise=city[11]).exists()
    assert credit_counts() == {}

    first = credit_recalculate_all(trigger=RecalcTrigger.MANUAL, batch_size=5)
    assert first.changed == 12
    assert (summary(), shares()) == recounted()
    grades = {g: CreditRating.objects.filter(grade=g).count() for g in (1, 2, 3)}
    assert credit_counts() == {f"grade_{g}": n for g, n in grades.items() if n}
    assert sum(grades.values()) == 12 and len([n for n in grades.values() if n]) >= 2  # the grades differ

    # A night with changes: better and worse grades, a blacklisting, a closure (grade withdrawn, still counted).
    for enterprise in city[:3]:
        record(enterprise, "ACC-LARGER", months_before=1)
    record(city[4], "STD-1", months_before=1)
    BlacklistEntry.objects.create(
        enterprise=city[6],
        status="active",
        origin="department",
        case="other",
        rule_set=rule_set,
        reason="x",
        legal_basis="x",
        listed_on=timezone.localdate(),
        ends_on=add_months(timezone.localdate(), 36),
    )
    city[7].status = EnterpriseStatus.CLOSED
    city[7].save()
    before = credit_counts()
    second = credit_recalculate_all(trigger=RecalcTrigger.MANUAL, batch_size=5)
    assert second.changed >= 6 and second.grade_changes >= 1
    assert credit_counts() != before and credit_counts()["blacklisted"] == 1
    assert (summary(), shares()) == recounted()

    quiet = credit_recalculate_all(trigger=RecalcTrigger.MANUAL, batch_size=5)
    assert quiet.changed == 0
    assert (summary(), shares()) == recounted()
