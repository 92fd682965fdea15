"""On PostgreSQL: append-only history, workers sharing a run, a worker killed with SIGKILL mid-batch,
no stale overwrite between a batch and a single recalculation, and a real Celery worker."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
import time
from typing import Any

import pytest
from django.db import connection, transaction

from credit import engine
from credit.choices import BatchStatus, RunStatus
from credit.models import (
    BlacklistTransition,
    CreditRating,
    CreditRatingHistory,
    CreditRecalcBatch,
    CreditRecalcRun,
)
from credit.services import (
    blacklist_propose,
    credit_rating_recalculate,
    credit_recalc_run_execute,
    credit_recalc_run_start,
)
from tests.clock import shanghai
from tests.credit.factories import default_rule_set, record
from tests.factories import EnterpriseFactory
from tests.platform.test_celery import celery_worker_process  # noqa: F401 - a real worker on Redis

pytestmark = [pytest.mark.postgres, pytest.mark.clock(shanghai(2026, 12, 4, 10))]

CODES = ["STD-1", "ACC-LARGER", "ACC-GENERAL", "ORG-MISSING", "HAZ-OVERDUE", "HAZ-REPORT-ONTIME"]


def make_city(org: Any, count: int = 12) -> list[Any]:
    jurisdiction = org.jurisdiction("新罗区/东城街道")
    industry = org.industry("C2614")
    enterprises = [EnterpriseFactory(jurisdiction=jurisdiction, industry=industry) for _ in range(count)]
    for index, enterprise in enumerate(enterprises):
        for offset in range(index % 4):
            record(enterprise, CODES[(index + offset) % len(CODES)], months_before=offset + 1)
    return enterprises


def expected() -> dict[int, tuple[int, int]]:
    from django.utils import timezone

    return {r.enterprise_id: (r.grade, r.score) for r in engine.score_range(default_rule_set(), timezone.localdate())}


def current() -> dict[int, tuple[int, int]]:
    return {r.enterprise_id: (r.grade, r.score) for r in CreditRating.objects.all()}


def test_history_tables_refuse_update_and_delete(db: Any, users: dict[str, Any], xinluo_chem: Any) -> None:
    rating = credit_rating_recalculate(enterprise_id=xinluo_chem.pk)
    entry = blacklist_propose(actor=users["committee"], enterprise=xinluo_chem, case="other", reason="x")
    transition = entry.transitions.get()
    for table, pk in (("credit_creditratinghistory", rating.latest_id), ("credit_blacklisttransition", transition.pk)):
        for sql in (f"UPDATE {table} SET id = id WHERE id = %s", f"DELETE FROM {table} WHERE id = %s"):
            with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql, [pk])
    assert BlacklistTransition.objects.get(pk=transition.pk).note == "x"


def test_two_workers_share_a_run_without_grading_anything_twice(transactional_db: Any, org: Any) -> None:
    city = make_city(org, 16)
    run = credit_recalc_run_start(batch_size=2)
    done: dict[str, int] = {}

    def worker(name: str) -> None:
        try:
            done[name] = credit_recalc_run_execute(run_id=run.pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    run.refresh_from_db()
    assert run.status == RunStatus.COMPLETED
    assert sum(done.values()) == run.batches_total == 8
    assert CreditRatingHistory.objects.count() == len(city)
    assert current() == expected()


def test_worker_killed_mid_batch_then_rerun_gives_the_clean_result(transactional_db: Any, org: Any) -> None:
    city = make_city(org, 12)
    run = credit_recalc_run_start(batch_size=3)
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    script = textwrap.dedent(
        f"""
        import os, signal
        import django
        django.setup()
        from credit.services import grading
        calls = {{"n": 0}}
        original = grading._mark_batch_done
        def die_in_third_batch(batch, outcome):
            calls["n"] += 1
            if calls["n"] == 3:
                os.kill(os.getpid(), signal.SIGKILL)  # the batch is written but its transaction is open
            return original(batch, outcome)
        grading._mark_batch_done = die_in_third_batch
        grading.credit_recalc_run_execute(run_id={run.pk})
        """
    )
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "safety_platform.settings.test"}
    worker = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, timeout=120)
    assert worker.returncode == -9, worker.stderr.decode()[-2000:]

    run.refresh_from_db()
    assert run.status == RunStatus.RUNNING
    assert CreditRecalcBatch.objects.filter(run=run, status=BatchStatus.DONE).count() == 2
    assert CreditRating.objects.count() == 6  # the killed batch left nothing behind

    assert credit_recalc_run_execute(run_id=run.pk) == 2
    run.refresh_from_db()
    assert run.status == RunStatus.COMPLETED
    assert current() == expected()
    assert CreditRatingHistory.objects.count() == len(city)


@pytest.mark.parametrize("one_statement", [True, False], ids=["one-statement path", "portable path"])
def test_a_batch_never_overwrites_a_newer_single_recalculation(
    one_statement: bool, transactional_db: Any, org: Any, monkeypatch: Any, settings: Any
) -> None:
    """The batch grades E, then (slowly) writes; meanwhile E gets a record and is regraded on its own.

    The single recalculation waits for the batch's row lock and grades again after it, so the newer
    result wins; without the lock the batch would write its stale grade last.
    """
    settings.CREDIT_SQL_GRADING = one_statement
    enterprise = make_city(org, 1)[0]
    credit_rating_recalculate(enterprise_id=enterprise.pk)
    assert CreditRating.objects.get(enterprise=enterprise).grade == 2
    record(enterprise, "STD-1", months_before=2)  # the nightly batch will find grade 1 …
    graded = threading.Event()

    def slow_after_grading(original: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            results = original(*args, **kwargs)
            if threading.current_thread().name == "batch":
                graded.set()
                time.sleep(1.5)  # graded (and, on the one-statement path, written) but not committed
            return results

        return wrapper

    monkeypatch.setattr(engine, "score_range", slow_after_grading(engine.score_range))
    monkeypatch.setattr(engine, "grade_and_write_pg", slow_after_grading(engine.grade_and_write_pg))
    run = credit_recalc_run_start(batch_size=10)

    def batch() -> None:
        try:
            credit_recalc_run_execute(run_id=run.pk)
        finally:
            connection.close()

    thread = threading.Thread(target=batch, name="batch")
    thread.start()
    assert graded.wait(30)
    record(enterprise, "ACC-LARGER", months_before=1)  # … which is stale once this commits
    credit_rating_recalculate(enterprise_id=enterprise.pk)  # blocks until the batch commits, then regrades
    thread.join(30)
    rating = CreditRating.objects.get(enterprise=enterprise)
    assert (rating.grade, rating.score) == (3, 70)
    grades = list(
        CreditRatingHistory.objects.filter(enterprise=enterprise).order_by("id").values_list("grade", flat=True)
    )
    assert grades == [2, 1, 3]  # the batch's result, then the newer one on top
    assert CreditRecalcRun.objects.get().status == RunStatus.COMPLETED


@pytest.mark.redis
def test_real_worker_regrades_an_enterprise_after_commit(celery_worker_process: Any, org: Any) -> None:  # noqa: F811
    from credit.tasks import recalculate_enterprise_task
    from safety_platform.tasks_util import enqueue

    enterprise = make_city(org, 1)[0]
    record(enterprise, "ACC-LARGER", months_before=1)
    with transaction.atomic():
        enqueue(recalculate_enterprise_task, enterprise.pk)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not CreditRating.objects.filter(enterprise=enterprise).exists():
        time.sleep(0.5)
    assert CreditRating.objects.get(enterprise=enterprise).grade == 3


def test_one_statement_path_writes_exactly_what_the_portable_path_writes(
    db: Any, org: Any, settings: Any, rule_set: Any
) -> None:
    """PostgreSQL grades a batch in one statement; the portable (SQLite) path grades in Python.

    Each path, run after the other, must find nothing to change; the explanations must match too.
    """
    from django.utils import timezone

    from credit.choices import RecalcTrigger
    from credit.models import BlacklistEntry, add_months
    from credit.services import credit_recalculate_all
    from enterprises.registry.choices import EnterpriseStatus

    city = make_city(org, 14)
    BlacklistEntry.objects.create(
        enterprise=city[5],
        status="active",
        origin="department",
        case="other",
        rule_set=rule_set,
        reason="x",
        legal_basis="x",
        listed_on=timezone.localdate(),
        ends_on=add_months(timezone.localdate(), 36),
    )
    city[6].status = EnterpriseStatus.CLOSED
    city[6].save()
    today = timezone.localdate()

    settings.CREDIT_SQL_GRADING = True
    first = credit_recalculate_all(trigger=RecalcTrigger.MANUAL, batch_size=4)
    assert first.changed == 13  # the closed enterprise was never graded
    settings.CREDIT_SQL_GRADING = False
    assert credit_recalculate_all(trigger=RecalcTrigger.MANUAL, batch_size=4).changed == 0
    results = {r.enterprise_id: r for r in engine.score_range(rule_set, today)}
    explained = engine.contributions(rule_set, today, list(results))
    for rating in CreditRating.objects.select_related("latest"):
        assert rating.latest.criteria == results[rating.enterprise_id].criteria
        assert rating.latest.contributions == explained.get(rating.enterprise_id, "")

    for enterprise in city[:5]:
        record(enterprise, "ACC-GENERAL", months_before=1)
    city[7].status = EnterpriseStatus.CLOSED  # graded before: now withdrawn
    city[7].save()
    settings.CREDIT_SQL_GRADING = False
    second = credit_recalculate_all(trigger=RecalcTrigger.MANUAL, batch_size=4)
    assert second.changed == 6
    settings.CREDIT_SQL_GRADING = True
    assert credit_recalculate_all(trigger=RecalcTrigger.MANUAL, batch_size=4).changed == 0
    never_graded = city[6].pk  # closed before its first grading
    assert current() == {k: v for k, v in expected().items() if k != never_graded}  # both agree with the engine


def test_both_forms_of_the_one_statement_write_the_same_rows(db: Any, org: Any, rule_set: Any) -> None:
    """A mostly ungraded range (the first night) reads its records once and keeps them; otherwise they
    are streamed and read again for the changed grades only. Same grades, explanations and history."""
    import datetime as dt

    from django.utils import timezone

    today = timezone.localdate()
    city = make_city(org, 10)

    def written(mostly_new: bool, now: dt.datetime) -> tuple[list[Any], list[Any]]:
        savepoint = transaction.savepoint()
        engine.grade_and_write_pg(
            rule_set, today, id_from=None, id_to=None, trigger="manual", run_id=None, now=now, mostly_new=mostly_new
        )
        history = sorted(
            CreditRatingHistory.objects.filter(computed_at=now).values_list(
                "enterprise_id",
                "grade",
                "score",
                "previous_grade",
                "record_count",
                "fingerprint",
                "criteria",
                "contributions",
            )
        )
        ratings = sorted(
            CreditRating.objects.values_list("enterprise_id", "grade", "score", "record_count", "fingerprint")
        )
        transaction.savepoint_rollback(savepoint)
        return history, ratings

    moment = timezone.now()
    first = written(True, moment)
    assert first == written(False, moment)
    assert len(first[0]) == 10 and any(row[7] for row in first[0])  # explanations written

    credit_rating_recalculate(enterprise_id=city[0].pk)  # only some already graded now
    for enterprise in city[1:]:
        credit_rating_recalculate(enterprise_id=enterprise.pk)
    record(city[2], "ACC-GENERAL", months_before=1)
    record(city[9], "STD-1", months_before=1)
    later = timezone.now() + dt.timedelta(seconds=1)
    regraded = written(False, later)
    assert regraded == written(True, later)
    assert [row[0] for row in regraded[0]] == sorted([city[2].pk, city[9].pk])
    assert all(row[3] is not None and row[7] for row in regraded[0])
