"""Celery application: configuration from Django settings (CELERY_*), tasks from every app."""

from __future__ import annotations

import os
from pathlib import Path

from celery import Celery
from celery.signals import beat_init, celeryd_init, worker_process_init, worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safety_platform.settings.local")

app = Celery("safety_platform")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@celeryd_init.connect
@worker_process_init.connect
@beat_init.connect
def allow_long_statements(**_: object) -> None:
    """Tasks run set-based work over every enterprise (the nightly credit recalculation, assessment runs):
    the worker's statements get DB_LONG_STATEMENT_TIMEOUT, not the web's 20 s (safety_platform/db_timeouts.py)."""
    from .db_timeouts import use_long_statement_timeout

    use_long_statement_timeout()


@worker_ready.connect
def drain_outbox_on_start(**_: object) -> None:
    """A worker coming up (after an outage or a crash) publishes the work that waited in the outbox."""
    import logging

    from .tasks_util import outbox_dispatch_pending

    try:
        while outbox_dispatch_pending():
            pass
    except Exception:  # the database may still be coming up; the periodic drain retries
        logging.getLogger(__name__).warning("outbox drain at worker start failed", exc_info=True)


def ensure_filesystem_broker_folders() -> None:
    """kombu's filesystem transport needs its folders to exist before the first message."""
    options = app.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        folder = options.get(key)
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
