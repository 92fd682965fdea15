"""Push to departments: outbox written with the change, HMAC-signed deliveries, retries, nothing lost."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from credit.choices import DeliveryStatus, WebhookTopic
from credit.models import OutboxEvent, WebhookDelivery, WebhookSubscription
from credit.services import (
    blacklist_approve,
    blacklist_propose,
    blacklist_serve_notice,
    credit_rating_recalculate,
    push,
    webhooks_deliver_due,
)
from tests.clock import shanghai
from tests.credit.factories import record

pytestmark = [pytest.mark.django_db, pytest.mark.clock(shanghai(2026, 12, 4, 10))]


@pytest.fixture
def subscription(org: Any) -> WebhookSubscription:
    return WebhookSubscription.objects.create(
        department=org.department("fgw"), name="发改委信用平台", url="https://fgw.example/hooks/credit", ratings=True
    )


class FakeReceiver:
    """Stands in for the department's server: records each POST, answers `status` (or raises it)."""

    def __init__(self) -> None:
        self.status: Any = 200
        self.calls: list[dict[str, Any]] = []

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        self.calls.append({"url": url, "body": body, "headers": headers})
        if isinstance(self.status, Exception):
            raise self.status
        return int(self.status)


@pytest.fixture
def receiver(monkeypatch: Any) -> FakeReceiver:
    fake = FakeReceiver()
    monkeypatch.setattr(push, "_post", fake.post)
    return fake


def approve(users: dict[str, Any], enterprise: Any) -> Any:
    entry = blacklist_propose(
        actor=users["department"], enterprise=enterprise, case="unlicensed", reason="暂扣期间生产"
    )
    entry = blacklist_serve_notice(actor=users["department"], entry=entry)
    entry.objection_deadline = timezone.localdate() - dt.timedelta(days=1)
    entry.save()
    return blacklist_approve(actor=users["committee"], entry=entry)


def test_publication_writes_the_outbox_in_the_same_transaction(
    users: dict[str, Any], xinluo_chem: Any, subscription: WebhookSubscription
) -> None:
    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        approve(users, xinluo_chem)
        assert OutboxEvent.objects.filter(topic=WebhookTopic.BLACKLIST).count() == 1
        raise Abort  # the approval fails later in its transaction: the event goes with it
    assert not OutboxEvent.objects.exists() and not WebhookDelivery.objects.exists()
    entry = approve(users, xinluo_chem)
    event = OutboxEvent.objects.get(topic=WebhookTopic.BLACKLIST)
    assert event.object_id == entry.pk and event.payload["status"] == "active"
    assert event.payload["credit_code"] == xinluo_chem.credit_code
    assert WebhookDelivery.objects.get().subscription == subscription


def test_delivery_is_signed_with_hmac(
    users: dict[str, Any], xinluo_chem: Any, subscription: WebhookSubscription, receiver: FakeReceiver
) -> None:
    entry = approve(users, xinluo_chem)
    assert webhooks_deliver_due() == 1
    call = receiver.calls[0]
    headers, body = call["headers"], call["body"]
    expected = hmac.new(
        subscription.secret.encode(), headers["X-Credit-Timestamp"].encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    assert headers["X-Credit-Signature"] == f"sha256={expected}"
    payload = json.loads(body)
    assert (payload["topic"], payload["object_id"], payload["data"]["status"]) == ("blacklist", entry.pk, "active")
    assert headers["X-Credit-Event"] == str(payload["event_id"])
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (DeliveryStatus.DELIVERED, 1, 200)
    assert webhooks_deliver_due() == 0  # delivered once


def test_failed_delivery_is_retried_with_backoff_then_given_up(
    users: dict[str, Any], xinluo_chem: Any, subscription: WebhookSubscription, receiver: FakeReceiver
) -> None:
    approve(users, xinluo_chem)
    receiver.status = ConnectionRefusedError("receiver down")
    assert webhooks_deliver_due() == 0
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 1)
    assert "receiver down" in delivery.last_error
    assert delivery.next_attempt_at > timezone.now() + dt.timedelta(seconds=50)
    assert webhooks_deliver_due() == 0 and len(receiver.calls) == 1  # not due yet: no second call
    receiver.status = 503
    for _attempt in range(push.MAX_ATTEMPTS - 1):
        webhooks_deliver_due(now=timezone.now() + dt.timedelta(days=3))
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
        DeliveryStatus.FAILED,
        push.MAX_ATTEMPTS,
        503,
    )


def test_nothing_is_lost_when_the_broker_is_down(
    users: dict[str, Any],
    xinluo_chem: Any,
    subscription: WebhookSubscription,
    receiver: FakeReceiver,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: Any,
) -> None:
    from credit import tasks

    def broker_down(*args: Any, **kwargs: Any) -> None:
        raise ConnectionError("redis unreachable")

    for task in (tasks.webhooks_deliver_task, tasks.recalculate_enterprise_task):
        monkeypatch.setattr(task, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        approve(users, xinluo_chem)  # the request still succeeds
    assert WebhookDelivery.objects.get().status == DeliveryStatus.PENDING
    assert webhooks_deliver_due() == 1  # the scheduled drain delivers it once the worker runs


def test_a_claimed_delivery_is_not_sent_twice(
    users: dict[str, Any], xinluo_chem: Any, subscription: WebhookSubscription
) -> None:
    approve(users, xinluo_chem)
    now = timezone.now()
    assert len(push._claim_due(now, 10)) == 1
    assert push._claim_due(now, 10) == []  # held by the first drainer's lease
    assert len(push._claim_due(now + push.LEASE + dt.timedelta(seconds=1), 10)) == 1  # it died: retried


def test_grade_changes_are_pushed_only_to_rating_subscribers(xinluo_chem: Any, org: Any) -> None:
    credit_rating_recalculate(enterprise_id=xinluo_chem.pk)
    assert not OutboxEvent.objects.exists()  # nobody subscribed to grades
    WebhookSubscription.objects.create(
        department=org.department("fgw"), name="x", url="https://x.example/", ratings=True
    )
    record(xinluo_chem, "ACC-LARGER", months_before=1)
    credit_rating_recalculate(enterprise_id=xinluo_chem.pk)
    event = OutboxEvent.objects.get(topic=WebhookTopic.RATINGS)
    assert (event.payload["credit_code"], event.payload["grade"], event.payload["score"]) == (
        xinluo_chem.credit_code,
        3,
        55,
    )


def test_department_registers_its_webhook_on_the_page(
    client: Any, users: dict[str, Any], django_assert_max_num_queries: Any, settings: Any, monkeypatch: Any
) -> None:
    import socket

    from django.urls import reverse

    settings.OUTBOUND_ALLOWED_HOSTS = ["yjj.example"]  # approved by an administrator, resolves to a public address
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: [(socket.AF_INET, 1, 6, "", ("36.110.0.20", 443))])
    client.force_login(users["department"])
    url = reverse("credit:webhooks")
    response = client.post(url, {"name": "应急局系统", "url": "https://yjj.example/hook", "blacklist": "on"})
    assert response.status_code == 302
    subscription = WebhookSubscription.objects.get()
    assert (subscription.department, subscription.blacklist, subscription.ratings) == (
        users["department"].department,
        True,
        False,
    )
    assert client.post(url, {"name": "x", "url": "not a url", "blacklist": "on"}).status_code == 200
    with django_assert_max_num_queries(8):
        page = client.get(url).content.decode()
    assert subscription.secret in page  # the department needs it to verify signatures
    # Another department neither sees nor switches it off; enterprises and inspectors have no page.
    client.force_login(users["department_zjj"])
    assert subscription.secret not in client.get(url).content.decode()
    assert client.post(reverse("credit:webhook_deactivate", args=[subscription.pk])).status_code == 404
    for role in ("enterprise", "inspector"):
        client.force_login(users[role])
        assert client.get(url).status_code == 403
    client.force_login(users["department"])
    client.post(reverse("credit:webhook_deactivate", args=[subscription.pk]))
    subscription.refresh_from_db()
    assert subscription.is_active is False
