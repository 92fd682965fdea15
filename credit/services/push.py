"""Push to departments: an outbox written with the change, drained by a task with signed deliveries.

A change and its outbox rows commit together, so nothing is lost when Redis or the receiver is
down: the drain task (every minute, and right after a change) delivers whatever is due, retrying
with back-off. Delivery is at least once; receivers deduplicate by `X-Credit-Event`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Iterable
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Case, Value, When
from django.utils import timezone

from safety_platform.claims import claim_rows
from safety_platform.permissions import can
from safety_platform.tasks_util import enqueue

from ..choices import DeliveryStatus, WebhookTopic
from ..models import OutboxEvent, WebhookDelivery, WebhookSubscription

logger = logging.getLogger(__name__)

# Minutes to wait after the n-th failed attempt; after the last one the delivery is given up.
BACKOFF_MINUTES = (1, 5, 15, 60, 180, 360, 720, 1440)
MAX_ATTEMPTS = len(BACKOFF_MINUTES) + 1
LEASE = dt.timedelta(minutes=5)
TIMEOUT_SECONDS = 10
SIGNATURE_HEADER = "X-Credit-Signature"


def outbox_emit(*, topic: str, items: Iterable[tuple[int, dict[str, Any]]], always: bool = False) -> int:
    """Write one event per (object id, payload) and a delivery per subscriber, in the caller's transaction.

    With `always=False` nothing is written when no subscription wants the topic (grade changes of
    a nightly run would otherwise fill the table for nobody).
    """
    subscriptions = list(WebhookSubscription.objects.for_topic(topic).only("id"))
    if not subscriptions and not always:
        return 0
    now = timezone.now()
    events = OutboxEvent.objects.bulk_create(
        OutboxEvent(
            topic=topic,
            object_id=object_id,
            payload=json.loads(json.dumps(payload, cls=DjangoJSONEncoder)),
            created_at=now,
        )
        for object_id, payload in items
    )
    if subscriptions and events:
        WebhookDelivery.objects.bulk_create(
            WebhookDelivery(event=event, subscription=subscription, next_attempt_at=now)
            for event in events
            for subscription in subscriptions
        )
        from ..tasks import webhooks_deliver_task

        # A blacklist change gets a run of its own, so it does not wait behind a drain busy with grade changes.
        enqueue(webhooks_deliver_task, topic=topic if topic == WebhookTopic.BLACKLIST else None)
    return len(events)


def webhook_signature(secret: str, timestamp: int, body: bytes) -> str:
    """sha256=HMAC-SHA256(secret, "<timestamp>." + body), hex."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def _body(event: OutboxEvent) -> bytes:
    return json.dumps(
        {
            "event_id": event.pk,
            "topic": event.topic,
            "object_id": event.object_id,
            "created_at": event.created_at.isoformat(),
            "data": event.payload,
        },
        ensure_ascii=False,
        sort_keys=True,
    ).encode()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is not followed: it could lead to an internal address the URL check refused."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


# Direct connections only (no proxy from the environment): the address checked is the one called.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect)


def _post(url: str, body: bytes, headers: dict[str, str]) -> int:
    from safety_platform.net import outbound_url_problem

    problem = outbound_url_problem(url)  # again at each call: the name may now resolve elsewhere
    if problem:
        raise urllib.error.URLError(problem)
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)
    with _opener.open(request, timeout=TIMEOUT_SECONDS) as response:
        return int(response.status)


def _claim_due(now: dt.datetime, limit: int, topic: str | None = None) -> list[WebhookDelivery]:
    """Claim due deliveries by moving their next attempt past a lease, committed before any HTTP call.

    The HTTP request is made outside the transaction; if the worker dies during it, the lease
    runs out and another drain retries the delivery. Blacklist changes go first: a backlog of
    grade changes must never hold up a blacklist entry departments need to act on at once.
    """
    first = Case(When(event__topic=WebhookTopic.BLACKLIST, then=Value(0)), default=Value(1))
    due = WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
    if topic:
        due = due.filter(event__topic=topic)
    claimed = [
        delivery.pk
        for delivery in claim_rows(
            due,
            order_by=(first, "next_attempt_at", "id"),
            limit=limit,
            unchanged=("status", "next_attempt_at"),
            claim=lambda delivery: {"next_attempt_at": now + LEASE, "attempts": delivery.attempts + 1},
        )
    ]
    rows = {d.pk: d for d in WebhookDelivery.objects.filter(pk__in=claimed).select_related("event", "subscription")}
    return [rows[pk] for pk in claimed]  # in claim order: blacklist changes first


def webhooks_deliver_due(*, now: dt.datetime | None = None, limit: int = 100, topic: str | None = None) -> int:
    """Deliver what is due (blacklist changes first, or only `topic`); returns how many were delivered."""
    now = now or timezone.now()
    delivered = 0
    for delivery in _claim_due(now, limit, topic):
        subscription = delivery.subscription
        body = _body(delivery.event)
        timestamp = int(time.time())
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "longyan-safety-credit/1",
            "X-Credit-Event": str(delivery.event_id),
            "X-Credit-Topic": delivery.event.topic,
            "X-Credit-Timestamp": str(timestamp),
            SIGNATURE_HEADER: webhook_signature(subscription.secret, timestamp, body),
        }
        status_code: int | None = None
        error = ""
        try:
            status_code = _post(subscription.url, body, headers)
        except urllib.error.HTTPError as exc:
            status_code, error = exc.code, f"HTTP {exc.code}"
        except Exception as exc:  # connection refused, timeout, DNS …: retried later
            error = f"{type(exc).__name__}: {exc}"[:300]
        if status_code is not None and 200 <= status_code < 300:
            WebhookDelivery.objects.filter(pk=delivery.pk).update(
                status=DeliveryStatus.DELIVERED,
                delivered_at=timezone.now(),
                last_status_code=status_code,
                last_error="",
            )
            delivered += 1
            continue
        attempts = delivery.attempts  # already counts this attempt (incremented when claimed)
        if attempts >= MAX_ATTEMPTS:
            update: dict[str, Any] = {"status": DeliveryStatus.FAILED}
        else:
            update = {"next_attempt_at": timezone.now() + dt.timedelta(minutes=BACKOFF_MINUTES[attempts - 1])}
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            last_status_code=status_code, last_error=error or f"HTTP {status_code}", **update
        )
        logger.warning("webhook delivery %s to %s failed: %s", delivery.pk, subscription.url, error or status_code)
    return delivered


def webhook_delivery_retry(*, delivery: WebhookDelivery) -> None:
    """Put a failed delivery back in the queue (admin action)."""
    WebhookDelivery.objects.filter(pk=delivery.pk).exclude(status=DeliveryStatus.DELIVERED).update(
        status=DeliveryStatus.PENDING, next_attempt_at=timezone.now(), attempts=0
    )


def webhook_subscription_create(
    *, actor: Any, name: str, url: str, blacklist: bool = True, ratings: bool = False
) -> WebhookSubscription:
    """A department registers its system's URL (platform administrators may register for any department)."""
    from django.core.exceptions import ValidationError
    from django.core.validators import URLValidator
    from django.utils.translation import gettext as _

    from safety_platform.net import outbound_url_problem
    from safety_platform.services import DomainError

    if not can(actor, "credit.register_webhook"):
        raise DomainError(_("Only department staff register their department's webhooks."), code="forbidden")
    try:
        URLValidator(schemes=["https", "http"])(url)
    except ValidationError as exc:
        raise DomainError(_("Enter a valid http(s) URL."), field="url", code="invalid") from exc
    problem = outbound_url_problem(url)
    if problem:
        raise DomainError(problem, field="url", code="invalid")
    if not (blacklist or ratings):
        raise DomainError(_("Choose at least one kind of change."), field="blacklist", code="invalid")
    return WebhookSubscription.objects.create(
        department_id=actor.department_id,
        name=(name or "").strip()[:100] or url[:100],
        url=url,
        blacklist=blacklist,
        ratings=ratings,
        created_by=actor,
    )


def webhook_subscription_deactivate(*, actor: Any, subscription: WebhookSubscription) -> WebhookSubscription:
    from django.utils.translation import gettext as _

    from safety_platform.services import DomainError

    if not WebhookSubscription.objects.visible_to(actor).filter(pk=subscription.pk).exists():
        raise DomainError(_("This webhook belongs to another department."), code="forbidden")
    WebhookSubscription.objects.filter(pk=subscription.pk).update(is_active=False)
    subscription.refresh_from_db()
    return subscription
