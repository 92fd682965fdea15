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

from safety_platform.celery import app as celery_app


@pytest.fixture
def celery_worker_process(transactional_db: Any) -> Iterator[subprocess.Popen[bytes]]:
    """A real `celery worker` process on Redis, connected to the test database."""
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "safety_platform.settings.test",
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
    previous = celery_app.conf.task_always_eager, celery_app.conf.task_default_queue
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = queue
    try:
        yield proc
    finally:
        celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = previous
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.mark.redis
@pytest.mark.postgres
def test_real_worker_runs_task_enqueued_after_commit(celery_worker_process: Any) -> None:
    from safety_platform.models import Fact
    from safety_platform.tasks import ping, record_heartbeat
    from safety_platform.tasks_util import enqueue

    assert ping.delay("hello").get(timeout=60) == "hello"

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
