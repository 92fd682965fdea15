"""Fault drills on the real services: a private Redis that is stopped and started again, a real Celery
worker that is killed with SIGKILL mid-task, PostgreSQL for both processes.

Each drill keeps its own `redis-server` on a free port, so stopping it disturbs nobody else.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import connection, transaction
from django.utils import timezone

from safety_platform.celery import app as celery_app

from .broker import drop_broker_connections

pytestmark = [pytest.mark.redis, pytest.mark.postgres]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.3)
    pytest.fail(f"not within {seconds}s: {what}")


class PrivateRedis:
    def __init__(self, tmp_path: Any) -> None:
        self.port = _free_port()
        self.dir = tmp_path
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        subprocess.run(
            [
                *(shutil.which("redis-server") or "redis-server", "--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--daemonize", "yes", "--dir", str(self.dir)),
            ],
            check=True,
            timeout=30,
        )
        _wait(self.up, 15, "redis-server answers")

    def up(self) -> bool:
        done = subprocess.run(["redis-cli", "-p", str(self.port), "ping"], capture_output=True, text=True, timeout=10)
        return done.stdout.strip() == "PONG"

    def stop(self) -> None:
        subprocess.run(["redis-cli", "-p", str(self.port), "shutdown", "nosave"], capture_output=True, timeout=10)
        _wait(lambda: not self.up(), 15, "redis-server stopped")


@pytest.fixture
def redis_server(tmp_path: Any) -> Iterator[PrivateRedis]:
    server = PrivateRedis(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


class Worker:
    """`celery worker` subprocesses on the private Redis and the test database."""

    def __init__(self, redis_url: str, extra_env: dict[str, str]) -> None:
        db = connection.settings_dict
        self.env = {
            **os.environ,
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
            "REDIS_URL": redis_url,
            "DJANGO_SETTINGS_MODULE": "safety_platform.settings.test",
            **extra_env,
        }
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                *(sys.executable, "-m", "celery", "-A", "safety_platform", "worker", "--pool", "solo"),
                *("--loglevel", "WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat"),
            ],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=20)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def on_private_broker(redis_server: PrivateRedis, transactional_db: Any) -> Iterator[PrivateRedis]:
    """This process publishes to the private Redis, not eagerly (Django-style keys: Celery reads those first)."""
    conf = celery_app.conf
    keys = ("CELERY_TASK_ALWAYS_EAGER", "CELERY_BROKER_URL", "CELERY_BROKER_TRANSPORT_OPTIONS")
    previous = {key: getattr(conf, key, None) for key in keys}
    conf.CELERY_TASK_ALWAYS_EAGER = False
    conf.CELERY_BROKER_URL = redis_server.url
    conf.CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 2, "max_retries": 1}
    drop_broker_connections()
    try:
        yield redis_server
    finally:
        for key, value in previous.items():
            setattr(conf, key, value)
        drop_broker_connections()


@pytest.fixture
def worker(on_private_broker: PrivateRedis) -> Iterator[Callable[..., Worker]]:
    started: list[Worker] = []

    def start(**extra_env: str) -> Worker:
        proc = Worker(on_private_broker.url, extra_env)
        proc.start()
        started.append(proc)
        return proc

    try:
        yield start
    finally:
        for proc in started:
            proc.stop()


def _all_published() -> bool:
    from safety_platform.models import TaskOutbox

    return not TaskOutbox.objects.pending().exists()


def test_redis_stopped_requests_stay_fast_and_the_work_runs_once_when_it_returns(
    on_private_broker: PrivateRedis, worker: Callable[..., Worker], users: dict[str, Any], xinluo_chem: Any
) -> None:
    from rest_framework.test import APIClient

    from credit.models import BlacklistEntry, CreditRating
    from credit.services import blacklist_propose, blacklist_serve_notice
    from safety_platform.models import TaskOutbox
    from safety_platform.tasks_util import outbox_dispatch_pending

    worker()
    entry = blacklist_propose(
        actor=users["department"], enterprise=xinluo_chem, case="unlicensed", reason="暂扣安全生产许可证期间擅自生产"
    )
    entry = blacklist_serve_notice(actor=users["department"], entry=entry)
    BlacklistEntry.objects.filter(pk=entry.pk).update(objection_deadline=timezone.localdate() - dt.timedelta(days=1))
    _wait(_all_published, 30, "the proposal's work was published while Redis was up")

    on_private_broker.stop()
    client = APIClient()
    client.force_authenticate(users["committee"])
    timings = {}
    for name, call in {
        "approve": lambda: client.post(f"/api/v1/credit/blacklist/{entry.pk}/approve/", {}, format="json"),
        "list": lambda: client.get("/api/v1/credit/blacklist/"),
    }.items():
        started = time.monotonic()
        response = call()
        timings[name] = time.monotonic() - started
        assert response.status_code == 200, (name, response.content[:300])
    assert max(timings.values()) < 2, timings
    # The recalculation waits in the database; the rating does not know yet.
    time.sleep(2)  # the after-commit publisher has tried (and failed fast) meanwhile
    waiting = list(TaskOutbox.objects.pending().values_list("task", flat=True))
    assert "credit.recalculate_enterprise" in waiting
    assert not CreditRating.objects.filter(enterprise=xinluo_chem, blacklisted=True).exists()

    on_private_broker.start()
    drop_broker_connections()
    # The periodic drain (every 15 s under beat) publishes what waited; the worker reconnects and runs it.
    _wait(lambda: outbox_dispatch_pending() >= 0 and _all_published(), 30, "the outbox drained")
    _wait(
        lambda: CreditRating.objects.filter(enterprise=xinluo_chem, blacklisted=True).exists(),
        45,
        "the worker recalculated the rating after Redis returned",
    )
    assert outbox_dispatch_pending() == 0  # nothing published twice
    assert (
        TaskOutbox.objects.filter(task="credit.recalculate_enterprise", attempts__gt=0)
        .exclude(dispatched_at=None)
        .count()
        == TaskOutbox.objects.filter(task="credit.recalculate_enterprise").count()
    )


def test_a_worker_killed_mid_escalation_finishes_after_restart_with_every_notice_once(
    worker: Callable[..., Worker], org: Any, xinluo_chem: Any
) -> None:
    from django.contrib.contenttypes.models import ContentType

    from safety_platform.models import Notification, StatutoryDeadline
    from safety_platform.tasks import deadlines_escalate_task
    from safety_platform.tasks_util import enqueue
    from tests.factories import UserFactory

    inspector = UserFactory(username="grid_insp", role="inspector")
    inspector.jurisdictions.add(org.jurisdiction("新罗区/东城街道/东城第一网格"))
    now = timezone.now()
    count = 300  # enough that the kill lands mid-run; smaller keeps the drill short on a loaded machine
    StatutoryDeadline.objects.bulk_create(
        StatutoryDeadline(
            source_type=ContentType.objects.get_for_model(xinluo_chem),
            source_id=n,
            kind="drill",
            title=f"限期整改 {n}",
            due_at=now - dt.timedelta(hours=1),
            enterprise=xinluo_chem,
            jurisdiction=xinluo_chem.jurisdiction,
            url="/x/",
        )
        for n in range(count)
    )
    # A killed task comes back after the visibility timeout: 5 minutes in production, 5 s here.
    fast = {"CELERY_BROKER_VISIBILITY_TIMEOUT": "5", "CELERY_BROKER_RESTORE_INTERVAL": "1"}
    first = worker(**fast)
    with transaction.atomic():
        enqueue(deadlines_escalate_task)
    _wait(lambda: Notification.objects.exists(), 45, "the escalation run started")
    first.kill()
    at_kill = Notification.objects.count()
    assert at_kill < count, "the worker finished before the kill: the drill proves nothing"

    worker(**fast)
    # A bound for a hung run, not a speed target: a loaded 2-core CI machine missed 60 s.
    _wait(lambda: Notification.objects.count() >= count, 180, f"the run resumed (had {at_kill} at the kill)")
    time.sleep(1)
    # The same as a clean run: every deadline escalated once, every notice exactly once.
    assert Notification.objects.count() == count
    assert Notification.objects.values("dedup_key").distinct().count() == count
    assert not StatutoryDeadline.objects.filter(kind="drill", escalation_level=0).exists()
    deadline_ids = set(StatutoryDeadline.objects.filter(kind="drill").values_list("pk", flat=True))
    noticed = {int(key.split(":")[1]) for key in Notification.objects.values_list("dedup_key", flat=True)}
    assert noticed == deadline_ids
