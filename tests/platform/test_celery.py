"""Celery: a real worker on Redis runs platform tasks against the same database; the request path
survives a broker outage; schedules exist in the database after migrate."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection, transaction

from .broker import celery_conf


@pytest.fixture
def celery_worker_process(transactional_db: Any) -> Iterator[subprocess.Popen[bytes]]:
    """A real `celery worker` process on Redis, connected to the test database."""
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "safety_platform.settings.test",
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }
    queue = f"test-{uuid.uuid4().hex[:8]}"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "safety_platform",
            "worker",
            "--pool",
            "solo",
            "-Q",
            queue,
            "--loglevel",
            "WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    # Not eager, or the task would quietly run in this process instead of the worker.
    try:
        with celery_conf(CELERY_TASK_ALWAYS_EAGER=False, CELERY_TASK_DEFAULT_QUEUE=queue):
            yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.mark.redis
@pytest.mark.postgres
def test_real_worker_runs_task_enqueued_after_commit(celery_worker_process: Any) -> None:
    from safety_platform.models import Fact
    from safety_platform.tasks import record_heartbeat
    from safety_platform.tasks_util import enqueue

    marker = uuid.uuid4().hex
    with transaction.atomic():
        enqueue(record_heartbeat, marker)
        # Nothing is sent before the transaction commits.
        time.sleep(1)
        assert not Fact.objects.filter(dedup_key=f"heartbeat:{marker}").exists()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if Fact.objects.filter(dedup_key=f"heartbeat:{marker}").exists():
            break
        time.sleep(0.5)
    else:
        output = celery_worker_process.stdout.read1(65536) if celery_worker_process.stdout else b""  # type: ignore[attr-defined]
        pytest.fail(f"worker did not write the row; worker output: {output!r}")


def test_broker_outage_is_logged_not_raised(db: Any, django_capture_on_commit_callbacks: Any, caplog: Any) -> None:
    from safety_platform.tasks_util import enqueue

    class BrokenTask:
        name = "broken"

        def apply_async(self, **kwargs: Any) -> None:
            raise ConnectionError("broker unreachable")

    with django_capture_on_commit_callbacks(execute=True):
        enqueue(BrokenTask())
    assert "could not enqueue broken" in caplog.text


def test_periodic_jobs_are_in_the_database_after_migrate(db: Any) -> None:
    from django_celery_beat.models import PeriodicTask

    from safety_platform.schedules import SCHEDULES

    names = set(PeriodicTask.objects.values_list("name", flat=True))
    assert set(SCHEDULES) <= names
    assert "Escalate overdue statutory deadlines" in names


def test_embedded_default_beat_runs_a_scheduled_job_on_the_filesystem_broker(tmp_path: Any) -> None:
    """The README's run command on a machine without Redis: SQLite, kombu's filesystem broker, and
    `celery worker -B` with the database scheduler. A job scheduled every second must run."""
    from django.conf import settings

    for folder in ("celery/queue", "celery/processed", "celery/control", "media"):
        (tmp_path / folder).mkdir(parents=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "safety_platform.settings.local",
        "DJANGO_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "REDIS_URL": "",
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }
    manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True, timeout=300)
    marker = uuid.uuid4().hex
    schedule = (
        "import json; from django_celery_beat.models import IntervalSchedule, PeriodicTask; "
        "every, _ = IntervalSchedule.objects.get_or_create(every=1, period='seconds'); "
        f"PeriodicTask.objects.create(name='beat test', task='safety_platform.record_heartbeat', "
        f"interval=every, args=json.dumps(['{marker}']))"
    )
    subprocess.run([*manage, "shell", "-c", schedule], env=env, check=True, timeout=120)
    log = tmp_path / "worker.log"
    with log.open("wb") as out:  # the child keeps its own copy of the descriptor
        worker = subprocess.Popen(
            [
                *(sys.executable, "-m", "celery", "-A", "safety_platform", "worker", "-B", "--pool", "solo"),
                *("--loglevel", "INFO", "-s", str(tmp_path / "celerybeat-schedule")),
            ],
            env=env,
            cwd=settings.BASE_DIR,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    check = (
        f"from safety_platform.models import Fact; print(Fact.objects.filter(dedup_key='heartbeat:{marker}').exists())"
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            time.sleep(2)
            assert worker.poll() is None, log.read_text()
            done = subprocess.run([*manage, "shell", "-c", check], env=env, capture_output=True, text=True, timeout=60)
            if done.stdout.strip().endswith("True"):
                break
        else:
            pytest.fail("beat did not run the scheduled job within two minutes")
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
    output = log.read_text()
    assert "Sending due task beat test (safety_platform.record_heartbeat)" in output
    assert "filesystem://" in output


def test_a_setting_a_test_changed_is_put_back_and_later_publishes_find_their_queue() -> None:
    """A test that pointed the app at its own queue left `CELERY_TASK_DEFAULT_QUEUE = None` behind, and
    every later publish to a real broker in that process failed in Celery's router (a drill then waited
    for an outbox that could never drain)."""
    from safety_platform.celery import app

    default = app.conf.task_default_queue
    with celery_conf(CELERY_TASK_DEFAULT_QUEUE="test-elsewhere", CELERY_TASK_ALWAYS_EAGER=False):
        assert app.amqp.router.route({}, "credit.recalculate_enterprise")["queue"].name == "test-elsewhere"
        assert not app.conf.task_always_eager
    assert app.conf.task_default_queue == default and default
    assert app.amqp.router.route({}, "credit.recalculate_enterprise")["queue"].name == default
    assert app.conf.task_always_eager  # the test settings' value, back
