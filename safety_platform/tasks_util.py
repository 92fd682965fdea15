"""Enqueue Celery work through the task outbox: durable with the change, never waiting on Redis.

`enqueue()` inserts a `TaskOutbox` row in the caller's transaction, so the work commits (or rolls
back) together with the change that caused it. After commit the rows are published from a
background thread, never on the request thread: with Redis stopped a request answers as fast as
ever and the rows stay pending. `outbox_dispatch_pending()` (a periodic task, and a hook when a
worker starts) publishes whatever is still pending once the broker is back.

Publishing is claimed per row with a conditional UPDATE (and SKIP LOCKED on PostgreSQL), so two
dispatchers never publish the same row; a dispatcher that dies between publishing and marking the
row lets its claim run out and the row is published again. Tasks are idempotent, so that rare
second run changes nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from .claims import claim_rows

logger = logging.getLogger(__name__)

# Longer than a publish can take (the broker's connect and socket timeouts are a few seconds).
CLAIM = dt.timedelta(minutes=2)


def enqueue(task: Any, *args: Any, countdown: int | None = None, queue: str | None = None, **kwargs: Any) -> int | None:
    """Keep `task(*args, **kwargs)` in the outbox with the current transaction; publish it after commit.

    Returns the outbox row's id (None for a task object that is not a registered Celery task,
    which is published directly after commit, as before).
    """
    from .models import TaskOutbox

    name = getattr(task, "name", None)
    if not isinstance(name, str) or not _is_registered(name):
        transaction.on_commit(lambda: _publish_direct(task, args, kwargs, countdown))
        return None
    row = TaskOutbox.objects.create(
        task=name,
        args=list(args),
        kwargs=kwargs,
        queue=queue or "",
        not_before=timezone.now() + dt.timedelta(seconds=countdown) if countdown else None,
    )
    transaction.on_commit(lambda: _after_commit([row.pk]))
    return row.pk


def _is_registered(name: str) -> bool:
    from .celery import app

    return name in app.tasks


def _publish_direct(task: Any, args: tuple[Any, ...], kwargs: dict[str, Any], countdown: int | None) -> None:
    try:
        task.apply_async(args=args, kwargs=kwargs, countdown=countdown, retry=False)
    except Exception:  # broker down: logged, never raised into the request
        logger.exception("could not enqueue %s", getattr(task, "name", task))


def _after_commit(ids: list[int]) -> None:
    from .celery import app

    if app.conf.task_always_eager:
        # Tests and the single-process demo: run in-process right away, exactly as a worker would.
        outbox_dispatch_pending(ids=ids)
        return
    if not getattr(settings, "TASK_OUTBOX_PUBLISH_AFTER_COMMIT", True):
        return
    # Off the request thread: a stopped Redis costs this thread its connect timeout, not the user.
    threading.Thread(target=_publish_in_background, args=(ids,), name="outbox-publish", daemon=True).start()


def _publish_in_background(ids: list[int]) -> None:
    try:
        outbox_dispatch_pending(ids=ids)
    except Exception:
        logger.exception("publishing outbox rows %s failed; the periodic drain will retry", ids)
    finally:
        connection.close()  # this thread's own connection


def _claim(ids: Iterable[int] | None, limit: int, now: dt.datetime) -> list[Any]:
    from .models import TaskOutbox

    candidates = TaskOutbox.objects.pending().filter(_not_claimed(now), _due(now))
    if ids is not None:
        candidates = candidates.filter(pk__in=list(ids))
    return claim_rows(
        candidates,
        order_by=("id",),
        limit=limit,
        unchanged=("dispatched_at", "claimed_until"),  # still not published, nobody claimed it meanwhile
        claim=lambda row: {"claimed_until": now + CLAIM, "attempts": row.attempts + 1},
    )


def _not_claimed(now: dt.datetime) -> Any:
    from django.db.models import Q

    return Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)


def _due(now: dt.datetime) -> Any:
    from django.db.models import Q

    return Q(not_before__isnull=True) | Q(not_before__lte=now)


def outbox_dispatch_pending(*, ids: Iterable[int] | None = None, limit: int = 500) -> int:
    """Publish pending outbox rows (all due ones, or only `ids`); returns how many were published.

    Stops at the first broker error: the remaining rows keep waiting for the next drain.
    """
    from .celery import app
    from .models import TaskOutbox

    now = timezone.now()
    published = 0
    claimed = _claim(ids, limit, now)
    for index, row in enumerate(claimed):
        options: dict[str, Any] = {"retry": False}
        if row.queue:
            options["queue"] = row.queue
        try:
            # In eager mode (tests, the single-process demo) this runs the task in-process.
            app.tasks[row.task].apply_async(args=row.args, kwargs=row.kwargs, **options)
        except Exception as exc:
            # Give this row and the rest back at once so the next drain takes them (the broker is probably down).
            TaskOutbox.objects.filter(pk=row.pk).update(last_error=repr(exc)[:1000])
            TaskOutbox.objects.filter(pk__in=[r.pk for r in claimed[index:]], dispatched_at__isnull=True).update(
                claimed_until=None
            )
            logger.warning("could not publish %s; it stays in the outbox (#%s)", row.task, row.pk, exc_info=True)
            break
        TaskOutbox.objects.filter(pk=row.pk).update(dispatched_at=timezone.now(), last_error="")
        published += 1
    return published
