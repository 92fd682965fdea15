"""Celery tasks of credit: thin, take ids, safe to run twice."""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task
from django.conf import settings

from safety_platform.tasks_util import enqueue

logger = logging.getLogger(__name__)


@shared_task(name="credit.recalculate_enterprise")
def recalculate_enterprise_task(enterprise_id: int) -> int | None:
    from .services import credit_rating_recalculate

    rating = credit_rating_recalculate(enterprise_id=enterprise_id)
    return rating.grade if rating else None


@shared_task(name="credit.recalculate_all")
def recalculate_all_task(batch_size: int | None = None, helpers: int | None = None) -> dict[str, int]:
    """Nightly: catch up on missed events, then grade every enterprise (resuming a broken run).

    `helpers` more workers (setting CREDIT_RECALC_HELPERS) are called in to share the run's batches;
    if none is free, or the broker refuses, this worker simply does every batch itself.
    """
    from .services import credit_facts_ingest_pending, credit_recalculate_all
    from .services.grading import DEFAULT_BATCH_SIZE

    extra = getattr(settings, "CREDIT_RECALC_HELPERS", 1) if helpers is None else helpers
    called: list[int] = []

    def call_in_helpers(run: Any) -> None:
        for _ in range(max(0, extra)):
            # Through the outbox like all work: never blocks on the broker; a helper published late
            # finds the run's batches already claimed and returns at once.
            enqueue(recalc_run_execute_task, run.pk)
            called.append(1)

    ingested = credit_facts_ingest_pending()
    run = credit_recalculate_all(batch_size=batch_size or DEFAULT_BATCH_SIZE, on_start=call_in_helpers)
    return {
        "run": run.pk,
        "ingested": ingested,
        "changed": run.changed,
        "grade_changes": run.grade_changes,
        "helpers": len(called),
    }


@shared_task(name="credit.recalc_run_execute")
def recalc_run_execute_task(run_id: int) -> int:
    """An extra worker on an existing run (batches are claimed with SKIP LOCKED)."""
    from .services import credit_recalc_run_execute

    return credit_recalc_run_execute(run_id=run_id)


@shared_task(name="credit.ingest_fact")
def ingest_fact_task(fact_id: int) -> str:
    from safety_platform.models import Fact

    from .services import credit_fact_ingest

    fact = Fact.objects.filter(pk=fact_id).first()
    return credit_fact_ingest(fact=fact).outcome if fact else "missing"


@shared_task(name="credit.ingest_pending_facts")
def ingest_pending_facts_task() -> int:
    from .services import credit_facts_ingest_pending

    return credit_facts_ingest_pending()


@shared_task(name="credit.blacklist_expire")
def blacklist_expire_task() -> int:
    from .services import blacklist_expire_due

    return blacklist_expire_due()


@shared_task(name="credit.webhooks_deliver")
def webhooks_deliver_task(topic: str | None = None) -> int:
    from .services import webhooks_deliver_due

    return webhooks_deliver_due(topic=topic)


@shared_task(name="credit.joint_notices_issue")
def joint_notices_issue_task(period_start: str | None = None, actor_id: int | None = None) -> int:
    """Monthly: the written notices (联合奖惩告知书) of last month (or of `period_start`, ISO) to every
    recipient department. Idempotent: a department's notice of a month is issued once."""
    import datetime as dt

    from safety_platform.models import User

    from .services.joint import joint_notices_issue_period

    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    start = dt.date.fromisoformat(period_start) if period_start else None
    return joint_notices_issue_period(period_start=start, actor=actor)
