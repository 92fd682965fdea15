"""Test helpers: change the Celery app's configuration for one test, point it at another broker mid-run."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from safety_platform.celery import app as celery_app

_ABSENT = object()


@contextlib.contextmanager
def celery_conf(**values: Any) -> Iterator[Any]:
    """Set Django-style keys (`CELERY_TASK_ALWAYS_EAGER=False`) on the app's configuration, and put each
    back as it was afterwards. Celery reads these names before its own (namespace CELERY), so
    `conf.task_always_eager = x` would not stick. A key that was not set is removed again, not set to
    None: a left-over `CELERY_TASK_DEFAULT_QUEUE = None` made every later publish to a real broker fail
    (`'NoneType' object has no attribute 'pop'` in Celery's router) and an outbox drill in the same
    process wait forever."""
    conf = celery_app.conf
    previous = {key: conf.changes.get(key, _ABSENT) for key in values}
    for key, value in values.items():
        setattr(conf, key, value)
    try:
        yield conf
    finally:
        for key, value in previous.items():
            if value is _ABSENT:
                conf.changes.pop(key, None)
            else:
                setattr(conf, key, value)


def drop_broker_connections() -> None:
    """Forget the app's pooled broker connections and producers, so the next publish connects to the
    broker configured now. Resetting `_pool` alone left the producer pool bound to the earlier (live)
    Redis, and a "stopped" broker still took the tasks when an earlier test had published."""
    celery_app._pool = None
    amqp = celery_app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None
