"""Faults: Redis stopped, a worker killed, the database gone. Requests stay fast and answer cleanly;
work waits in the task outbox and runs once when the broker is back."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from credit.choices import DeliveryStatus, WebhookTopic
from credit.models import BlacklistEntry, OutboxEvent, WebhookDelivery, WebhookSubscription
from credit.services import blacklist_propose, blacklist_serve_notice, push
from safety_platform.celery import app as celery_app
from safety_platform.models import Notification, StatutoryDeadline, TaskOutbox
from safety_platform.tasks_util import outbox_dispatch_pending
from tests.clock import shanghai

from .broker import celery_conf, drop_broker_connections
from .schema_check import openapi, response_errors

pytestmark = [pytest.mark.django_db, pytest.mark.clock(shanghai(2026, 12, 4, 10))]

CLOSED_PORT_REDIS = "redis://127.0.0.1:6399/0"  # nothing listens there: a stopped Redis


@pytest.fixture
def broker_down(settings: Any) -> Iterator[None]:
    """The broker is unreachable and tasks are not eager (as in production with Redis stopped)."""
    settings.TASK_OUTBOX_PUBLISH_AFTER_COMMIT = False  # the after-commit publish did not get through either
    with celery_conf(
        CELERY_TASK_ALWAYS_EAGER=False,
        CELERY_BROKER_URL=CLOSED_PORT_REDIS,
        CELERY_BROKER_TRANSPORT_OPTIONS={"socket_connect_timeout": 1, "socket_timeout": 1, "max_retries": 1},
    ) as conf:
        drop_broker_connections()
        try:
            assert not conf.task_always_eager and conf.broker_url == CLOSED_PORT_REDIS
            yield
        finally:
            drop_broker_connections()


@pytest.fixture
def noticed(users: dict[str, Any], xinluo_chem: Any) -> BlacklistEntry:
    entry = blacklist_propose(
        actor=users["department"], enterprise=xinluo_chem, case="unlicensed", reason="暂扣安全生产许可证期间擅自生产"
    )
    entry = blacklist_serve_notice(actor=users["department"], entry=entry)
    BlacklistEntry.objects.filter(pk=entry.pk).update(objection_deadline=timezone.localdate() - dt.timedelta(days=1))
    return entry


@pytest.fixture
def subscription(org: Any) -> WebhookSubscription:
    return WebhookSubscription.objects.create(
        department=org.department("fgw"), name="发改委信用平台", url="https://fgw.example/hooks/credit", ratings=True
    )


def test_blacklist_approval_with_redis_stopped_answers_fast_and_keeps_the_work(
    broker_down: None,
    api_client: Any,
    users: dict[str, Any],
    noticed: BlacklistEntry,
    subscription: WebhookSubscription,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: Any,
) -> None:
    api_client.force_authenticate(users["committee"])
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(f"/api/v1/credit/blacklist/{noticed.pk}/approve/", {}, format="json")
    elapsed = time.monotonic() - started
    assert response.status_code == 200, response.content
    assert elapsed < 2, f"the approval took {elapsed:.1f}s with Redis stopped"
    # The recalculation and the webhook run are kept in the database, not lost.
    pending = dict(TaskOutbox.objects.pending().values_list("task", "kwargs"))
    assert set(pending) == {"credit.recalculate_enterprise", "credit.webhooks_deliver"}
    assert pending["credit.webhooks_deliver"] == {"topic": "blacklist"}

    # The drain while Redis is still down: fails fast, nothing is marked sent.
    started = time.monotonic()
    assert outbox_dispatch_pending() == 0
    assert time.monotonic() - started < 5
    assert TaskOutbox.objects.pending().count() == 2
    assert TaskOutbox.objects.exclude(last_error="").count() == 1  # it stopped at the first refusal

    # Redis is back: every row is published exactly once, however often the drain runs.
    sent: list[str] = []
    from credit import tasks

    for task in (tasks.webhooks_deliver_task, tasks.recalculate_enterprise_task):
        monkeypatch.setattr(task, "apply_async", lambda *a, _name=task.name, **k: sent.append(_name))
    assert outbox_dispatch_pending() == 2
    assert outbox_dispatch_pending() == 0
    assert sorted(sent) == ["credit.recalculate_enterprise", "credit.webhooks_deliver"]
    assert not TaskOutbox.objects.pending().exists()


def test_work_enqueued_in_a_rolled_back_transaction_is_not_kept(broker_down: None, xinluo_chem: Any) -> None:
    from django.db import transaction

    from safety_platform.tasks import record_heartbeat
    from safety_platform.tasks_util import enqueue

    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        enqueue(record_heartbeat, "x")
        raise Abort
    assert not TaskOutbox.objects.exists()


def test_a_claimed_row_is_not_published_by_a_second_drainer(broker_down: None, monkeypatch: Any) -> None:
    from safety_platform import tasks_util
    from safety_platform.tasks import record_heartbeat

    row = TaskOutbox.objects.create(task=record_heartbeat.name, args=["m"])
    now = timezone.now()
    assert [r.pk for r in tasks_util._claim(None, 10, now)] == [row.pk]
    assert tasks_util._claim(None, 10, now) == []  # held by the first dispatcher's claim
    # The first dispatcher died before marking it: after the claim runs out it is published again.
    assert len(tasks_util._claim(None, 10, now + tasks_util.CLAIM + dt.timedelta(seconds=1))) == 1


def test_the_worker_start_hook_and_the_drain_task_publish_pending_work(monkeypatch: Any) -> None:
    from safety_platform.celery import drain_outbox_on_start
    from safety_platform.tasks import outbox_drain_task, record_heartbeat

    runs: list[Any] = []
    monkeypatch.setattr(record_heartbeat, "apply_async", lambda *a, **k: runs.append(k["args"]))
    TaskOutbox.objects.create(task=record_heartbeat.name, args=["a"])
    drain_outbox_on_start()
    TaskOutbox.objects.create(task=record_heartbeat.name, args=["b"])
    assert outbox_drain_task() == 1
    assert runs == [["a"], ["b"]]


def test_the_escalation_notice_is_not_lost_when_the_worker_dies_after_raising_the_level(
    xinluo_chem: Any, org: Any, monkeypatch: Any
) -> None:
    from safety_platform import services
    from safety_platform.services import deadline_open, deadlines_escalate
    from tests.factories import UserFactory

    inspector = UserFactory(username="grid_insp", role="inspector")
    inspector.jurisdictions.add(org.jurisdiction("新罗区/东城街道/东城第一网格"))
    now = timezone.now()
    deadline = deadline_open(
        source=xinluo_chem, kind="test_rectification", title="限期整改", due_at=now - dt.timedelta(hours=1),
        enterprise=xinluo_chem, url="/x/",
    )  # fmt: skip

    class WorkerKilled(BaseException):
        pass

    real_notify = services.notify

    def killed(**kwargs: Any) -> int:
        raise WorkerKilled

    monkeypatch.setattr(services, "notify", killed)
    with pytest.raises(WorkerKilled):
        deadlines_escalate(now=now)
    # The level change went with the notice that never got written.
    assert StatutoryDeadline.objects.get(pk=deadline.pk).escalation_level == 0
    monkeypatch.setattr(services, "notify", real_notify)
    assert deadlines_escalate(now=now) == 1  # the restarted run escalates and notifies
    assert deadlines_escalate(now=now) == 0
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["grid_insp"]


def test_blacklist_deliveries_go_ahead_of_a_backlog_of_grade_changes(subscription: WebhookSubscription) -> None:
    earlier = timezone.now() - dt.timedelta(hours=3)
    ratings = OutboxEvent.objects.bulk_create(
        OutboxEvent(topic=WebhookTopic.RATINGS, object_id=n, payload={}, created_at=earlier) for n in range(30)
    )
    WebhookDelivery.objects.bulk_create(
        WebhookDelivery(event=e, subscription=subscription, next_attempt_at=earlier) for e in ratings
    )
    blacklist = OutboxEvent.objects.create(topic=WebhookTopic.BLACKLIST, object_id=1, payload={})
    WebhookDelivery.objects.create(event=blacklist, subscription=subscription, next_attempt_at=timezone.now())
    claimed = push._claim_due(timezone.now(), 5)
    assert claimed[0].event_id == blacklist.pk  # though it is the newest of 31
    assert [d.event.topic for d in claimed[1:]] == [WebhookTopic.RATINGS] * 4
    # A run of its own, asked for by the approval, sends only blacklist changes.
    delivered: list[str] = []
    WebhookDelivery.objects.update(next_attempt_at=earlier)
    import credit.services.push as push_module

    original = push_module._post
    push_module._post = lambda url, body, headers: delivered.append(headers["X-Credit-Topic"]) or 200  # type: ignore[assignment,func-returns-value]
    try:
        assert push.webhooks_deliver_due(topic=WebhookTopic.BLACKLIST) == 1
    finally:
        push_module._post = original
    assert delivered == ["blacklist"]
    assert WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING).count() == 30


def test_the_risk_card_report_works_with_the_cache_down(
    settings: Any, client: Any, users: dict[str, Any], xinluo_chem: Any
) -> None:
    from hazards.models import Hazard
    from hazards.services import risk_source_save
    from tests.hazards.test_risk_card import card_data

    source = risk_source_save(actor=users["enterprise"], enterprise=xinluo_chem, data=card_data())
    settings.CACHES = {
        "default": {
            "BACKEND": "safety_platform.cache.ResilientRedisCache",
            "LOCATION": CLOSED_PORT_REDIS,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    url = reverse("hazards:card_public", args=[source.card_token])
    started = time.monotonic()
    assert client.get(url).status_code == 200
    response = client.post(url, {"description": "阀门漏气，地面有积液"})
    assert response.status_code == 302, response.content[:500]
    assert time.monotonic() - started < 4
    assert Hazard.objects.count() == 1


def test_the_cache_degrades_to_a_miss_without_hanging(caplog: Any) -> None:
    from safety_platform.cache import ResilientRedisCache

    cache = ResilientRedisCache(CLOSED_PORT_REDIS, {"OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}})
    started = time.monotonic()
    assert cache.get("k", "fallback") == "fallback"
    cache.set("k", 1)
    assert cache.add("k", 0) is True
    assert cache.incr("k") == 1
    assert time.monotonic() - started < 4
    # Once it has failed, the next calls do not wait for Redis again for a while.
    started = time.monotonic()
    for _ in range(20):
        assert cache.get("k") is None
    assert time.monotonic() - started < 0.5


def test_no_result_backend_and_a_deliberate_visibility_timeout() -> None:
    from django.conf import settings

    assert celery_app.conf.result_backend is None
    assert celery_app.conf.task_ignore_result is True
    assert celery_app.conf.task_acks_late is True
    assert settings.CELERY_BROKER_VISIBILITY_TIMEOUT == 300


class _DownCursor:
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise OperationalError("could not connect to server: Connection refused")


@pytest.fixture
def take_database_down(monkeypatch: Any) -> Any:
    def down() -> None:
        monkeypatch.setattr(connection, "cursor", _DownCursor)
        monkeypatch.setattr(connection, "chunked_cursor", _DownCursor)

    return down


def test_the_api_answers_json_503_with_retry_after_when_the_database_is_down(
    users: dict[str, Any], take_database_down: Any
) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(users["committee"])
    take_database_down()
    response = client.get("/api/v1/credit/blacklist/", HTTP_ACCEPT="application/json")
    assert response.status_code == 503
    assert response["Content-Type"].startswith("application/json")
    assert response["Retry-After"].isdigit()
    assert response.json()["code"] == "service_unavailable"
    # As the published schema documents it: clients generated from /api/schema/ expect this body and header.
    assert response_errors("/api/v1/credit/blacklist/", "get", 503, response.json()) == []
    documented = openapi()["paths"]["/api/v1/credit/blacklist/"]["get"]["responses"]["503"]
    assert "Retry-After" in documented["headers"]


def test_a_web_page_answers_a_plain_503_page_when_the_database_is_down(
    users: dict[str, Any], take_database_down: Any
) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(users["inspector"])
    take_database_down()
    response = client.get("/enterprises/")
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert "Retry-After" in response
    body = response.content.decode()
    assert "Traceback" not in body and "OperationalError" not in body
    assert "<h1>" in body


def test_an_api_path_no_route_matches_answers_the_json_404_the_schema_documents(
    users: dict[str, Any], client: Client
) -> None:
    """Found by the stateful schema test: `/api/v1/hazards/117.037/start/` (an id that is no integer) answered
    Django's HTML 404 page where the schema documents the JSON error body."""
    client.force_login(users["committee"])
    response = client.post("/api/v1/hazards/117.037/start/", {}, HTTP_ACCEPT="application/json")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response_errors("/api/v1/hazards/{id}/start/", "post", 404, response.json()) == []
    assert client.get("/enterprises/no-such-page/")["Content-Type"].startswith("text/html")  # the web's own page
