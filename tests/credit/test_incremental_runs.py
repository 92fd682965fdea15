"""Nightly runs after a complete one grade again only the enterprises whose result can have changed (PostgreSQL):
those a write touched (statement triggers on the records, the blacklist entries and the enterprises, bulk writes
and raw SQL included), those with a record entering or leaving its rule's window since the last run, and those
without a grade; every week, and whenever staff start a run, every enterprise is compared again."""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any

import pytest
from django.db import connection

from credit import engine
from credit.choices import RecalcTrigger, RunStatus
from credit.models import CreditRating, CreditRatingHistory, CreditRecord, CreditRegrade, Rule
from credit.services import credit_recalc_run_execute, credit_recalc_run_start, credit_recalculate_all
from enterprises.models import Enterprise
from tests.clock import shanghai
from tests.credit.factories import record
from tests.factories import EnterpriseFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db, pytest.mark.clock(shanghai(2026, 12, 4, 10))]

CODES = ["STD-3", "ACC-GENERAL", "ORG-MISSING", "HAZ-OVERDUE", "HAZ-REPORT-ONTIME", "OCC-VIOLATION"]


@pytest.fixture
def city(org: Any, as_of: dt.date) -> list[Any]:
    jurisdiction = org.jurisdiction("新罗区/东城街道")
    industry = org.industry("C2614")
    enterprises = [EnterpriseFactory(jurisdiction=jurisdiction, industry=industry) for _ in range(10)]
    for index, enterprise in enumerate(enterprises):
        for offset in range(index % 4):
            record(enterprise, CODES[(index + offset) % len(CODES)], as_of=as_of, months_before=offset + 1)
    return enterprises


def graded() -> dict[int, tuple[int, int]]:
    return {r.enterprise_id: (r.grade, r.score) for r in CreditRating.objects.all()}


def expected(rule_set: Any, as_of: dt.date) -> dict[int, tuple[int, int]]:
    return {r.enterprise_id: (r.grade, r.score) for r in engine.score_range(rule_set, as_of)}


def bulk_record(enterprise: Any, code: str, on: dt.date, rule_set: Any) -> None:
    """A record written without any model signal (as an import or a data fix would): only the trigger sees it."""
    rule = Rule.objects.get(rule_set=rule_set, code=code)
    CreditRecord.objects.bulk_create(
        [
            CreditRecord(
                enterprise=enterprise,
                rule=rule,
                rule_code=rule.code,
                behaviour=rule.behaviour,
                occurred_on=on,
                evidence="imported",
                department=enterprise.supervising_department,
            )
        ]
    )


def refuse_full_comparison(monkeypatch: Any) -> None:
    def refused(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("an incremental run compared every enterprise")

    monkeypatch.setattr(engine, "changed_pg", refused)


def test_the_next_night_grades_again_only_the_enterprise_a_bulk_write_touched(
    city: Any, rule_set: Any, as_of: dt.date, monkeypatch: Any
) -> None:
    first = credit_recalculate_all(as_of=as_of, batch_size=3)
    assert first.status == RunStatus.COMPLETED and not first.incremental
    assert not CreditRegrade.objects.exists()  # the first night's marks went with it
    before = graded()
    history = CreditRatingHistory.objects.count()

    bulk_record(city[5], "ACC-GENERAL", as_of, rule_set)
    assert list(CreditRegrade.objects.values_list("enterprise_id", "run_id")) == [(city[5].pk, None)]
    refuse_full_comparison(monkeypatch)
    tomorrow = as_of + dt.timedelta(days=1)
    run = credit_recalculate_all(as_of=tomorrow, batch_size=3)

    assert run.status == RunStatus.COMPLETED and run.incremental
    assert run.enterprises == len(city)  # every enterprise is accounted for, most known unchanged
    assert (first.batches_total, run.batches_total) == (4, 1)  # batches of 3 enterprises, then of 3 regraded
    assert graded() == expected(rule_set, tomorrow)
    assert graded()[city[5].pk] != before[city[5].pk]
    assert {e: g for e, g in graded().items() if e != city[5].pk} == {
        e: g for e, g in before.items() if e != city[5].pk
    }
    assert CreditRatingHistory.objects.count() == history + 1
    assert run.changed == 1
    assert not CreditRegrade.objects.exists()


def test_a_record_leaving_its_window_overnight_is_seen_without_any_write(
    city: Any, rule_set: Any, as_of: dt.date, monkeypatch: Any
) -> None:
    rule = Rule.objects.get(rule_set=rule_set, code="ACC-GENERAL")
    tomorrow = as_of + dt.timedelta(days=1)
    # Counted today, out of the window tomorrow: dated the last day tomorrow's window leaves out.
    last = rule.window_start(tomorrow)
    assert last > rule.window_start(as_of)
    lonely = EnterpriseFactory(jurisdiction=city[0].jurisdiction, industry=city[0].industry)
    record(lonely, "ACC-GENERAL", on=last)
    credit_recalculate_all(as_of=as_of, batch_size=4)
    today = graded()[lonely.pk]
    assert not CreditRegrade.objects.exists()

    refuse_full_comparison(monkeypatch)
    run = credit_recalculate_all(as_of=tomorrow, batch_size=4)

    assert run.incremental
    assert graded()[lonely.pk] != today
    assert graded() == expected(rule_set, tomorrow)


def test_an_enterprise_closed_or_new_or_whose_grade_was_deleted_is_graded_again(
    city: Any, rule_set: Any, as_of: dt.date, monkeypatch: Any
) -> None:
    credit_recalculate_all(as_of=as_of, batch_size=3)
    Enterprise.objects.filter(pk=city[1].pk).update(status="closed")  # no signal: the trigger sees it
    newcomer = EnterpriseFactory(jurisdiction=city[0].jurisdiction, industry=city[0].industry)
    with connection.cursor() as cursor:  # a data fix in SQL: no model signal, the grades' trigger sees it
        cursor.execute("DELETE FROM credit_creditrating WHERE enterprise_id = %s", [city[6].pk])
    assert set(CreditRegrade.objects.values_list("enterprise_id", flat=True)) == {city[1].pk, newcomer.pk, city[6].pk}
    refuse_full_comparison(monkeypatch)
    tomorrow = as_of + dt.timedelta(days=1)

    run = credit_recalculate_all(as_of=tomorrow, batch_size=3)

    assert run.incremental
    assert CreditRating.objects.get(enterprise=city[1]).status == "withdrawn"
    assert CreditRating.objects.filter(enterprise=newcomer).exists()
    assert CreditRating.objects.filter(enterprise=city[6]).exists()
    assert graded() == expected(rule_set, tomorrow)


def test_every_week_and_every_run_staff_start_compare_every_enterprise(
    city: Any, rule_set: Any, as_of: dt.date
) -> None:
    runs = [credit_recalculate_all(as_of=as_of + dt.timedelta(days=day), batch_size=4) for day in range(8)]
    assert [run.incremental for run in runs] == [False, True, True, True, True, True, True, False]
    manual = credit_recalculate_all(as_of=as_of + dt.timedelta(days=8), trigger=RecalcTrigger.MANUAL)
    assert not manual.incremental
    assert graded() == expected(rule_set, as_of + dt.timedelta(days=8))


def test_a_write_during_a_run_waits_for_the_next(city: Any, rule_set: Any, as_of: dt.date) -> None:
    credit_recalculate_all(as_of=as_of, batch_size=3)
    tomorrow = as_of + dt.timedelta(days=1)
    bulk_record(city[2], "ACC-GENERAL", as_of, rule_set)
    run = credit_recalc_run_start(as_of=tomorrow, batch_size=3)
    assert run.incremental
    assert list(CreditRegrade.objects.values_list("enterprise_id", "run_id")) == [(city[2].pk, run.pk)]

    bulk_record(city[7], "ACC-GENERAL", as_of, rule_set)  # after the run claimed its marks
    credit_recalc_run_execute(run_id=run.pk)

    assert list(CreditRegrade.objects.values_list("enterprise_id", "run_id")) == [(city[7].pk, None)]
    next_night = credit_recalculate_all(as_of=tomorrow + dt.timedelta(days=1), batch_size=3)
    assert next_night.incremental
    assert graded() == expected(rule_set, tomorrow + dt.timedelta(days=1))
    assert not CreditRegrade.objects.exists()


def test_a_write_from_before_the_marks_existed_is_graded_by_the_next_night(
    city: Any, rule_set: Any, as_of: dt.date, monkeypatch: Any
) -> None:
    """Runs before migration 0015 left no marks; the writes after the last of them were seen by no trigger. 0016
    marks every enterprise, so the next (incremental) night grades them all and misses none of those writes."""
    credit_recalculate_all(as_of=as_of, batch_size=3)
    bulk_record(city[4], "ACC-GENERAL", as_of, rule_set)
    CreditRegrade.objects.all().delete()  # as if written before the triggers
    tomorrow = as_of + dt.timedelta(days=1)
    stale = graded()[city[4].pk]
    assert expected(rule_set, tomorrow)[city[4].pk] != stale

    migration = importlib.import_module("credit.migrations.0016_regrade_marks_complete")
    with connection.schema_editor() as editor:
        migration.mark_every_enterprise(None, editor)
    assert CreditRegrade.objects.count() == Enterprise.objects.count()
    refuse_full_comparison(monkeypatch)
    run = credit_recalculate_all(as_of=tomorrow, batch_size=3)

    assert run.incremental
    assert graded() == expected(rule_set, tomorrow)
    assert not CreditRegrade.objects.exists()
