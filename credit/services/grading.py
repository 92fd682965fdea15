"""Writing grades: one enterprise after its records change, or every enterprise in a resumable run.

Both paths grade a *range* of enterprises with one aggregate query (`engine.score_range`) and write
only what changed, so running twice changes nothing the second time.

Safety of the nightly run:
- a run is split into batches of enterprise-id ranges (`CreditRecalcBatch`);
- a worker claims the next pending batch with `SELECT … FOR UPDATE SKIP LOCKED` and grades it,
  writes the results and marks the batch done in ONE transaction; a worker that dies half-way
  rolls its batch back (PostgreSQL ends the transaction with the connection), the batch is pending
  again and the next worker or the rerun does it; several workers can share a run;
- the current-grade rows of the range are locked before grading, so a single-enterprise
  recalculation and a batch never overwrite each other with a stale result.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from safety_platform.choices import Role
from safety_platform.models import User
from safety_platform.services import DomainError, notify

from .. import engine
from ..choices import BatchStatus, Grade, RatingStatus, RecalcTrigger, RunStatus, WebhookTopic
from ..models import CreditRating, CreditRatingHistory, CreditRecalcBatch, CreditRecalcRun, RuleSet
from .push import outbox_emit

logger = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 2000
_RATING_FIELDS = [
    "grade",
    "score",
    "rule_set",
    "as_of",
    "computed_at",
    "cap_grade",
    "blacklisted",
    "record_count",
    "fingerprint",
    "status",
    "latest",
    "updated_at",
]


@dataclass
class GradeOutcome:
    enterprises: int = 0
    changed: int = 0
    grade_changes: int = 0


def _unchanged(current: CreditRating, result: engine.Result, rule_set: RuleSet) -> bool:
    return (
        current.grade == result.grade
        and current.score == result.score
        and current.rule_set_id == rule_set.pk
        and current.cap_grade == result.cap_grade
        and current.blacklisted == result.blacklisted
        and current.record_count == result.record_count
        and current.fingerprint == result.fingerprint
        and current.status == result.status
    )


def _grade_range(
    *,
    rule_set: RuleSet,
    as_of: dt.date,
    trigger: str,
    run: CreditRecalcRun | None = None,
    id_from: int | None = None,
    id_to: int | None = None,
) -> GradeOutcome:
    """Grade enterprises with id_from <= id < id_to and write the changes. Call inside a transaction."""
    rating_range = Q()
    if id_from is not None:
        rating_range &= Q(enterprise_id__gte=id_from)
    if id_to is not None:
        rating_range &= Q(enterprise_id__lt=id_to)
    # Lock first, grade second: under READ COMMITTED the grading statement then sees every record
    # committed by whoever held these rows before us.
    current = {
        rating.enterprise_id: rating
        for rating in CreditRating.objects.select_for_update().filter(rating_range).order_by("enterprise_id")
    }
    results = engine.score_range(rule_set, as_of, id_from=id_from, id_to=id_to)
    outcome = GradeOutcome(enterprises=len(results))
    changed: list[tuple[engine.Result, CreditRating | None]] = []
    for result in results:
        existing = current.get(result.enterprise_id)
        if existing is None and result.status == RatingStatus.WITHDRAWN:
            continue  # a closed enterprise that was never graded stays ungraded
        if existing is not None and _unchanged(existing, result, rule_set):
            continue
        changed.append((result, existing))
    if not changed:
        return outcome

    explained = engine.contributions(rule_set, as_of, [r.enterprise_id for r, _e in changed if r.record_count])
    now = timezone.now()
    histories = CreditRatingHistory.objects.bulk_create(
        CreditRatingHistory(
            enterprise_id=result.enterprise_id,
            grade=result.grade,
            score=result.score,
            previous_grade=existing.grade if existing else None,
            previous_score=existing.score if existing else None,
            rule_set=rule_set,
            as_of=as_of,
            computed_at=now,
            cap_grade=result.cap_grade,
            blacklisted=result.blacklisted,
            status=result.status,
            record_count=result.record_count,
            fingerprint=result.fingerprint,
            criteria=result.criteria,
            contributions=explained.get(result.enterprise_id, ""),
            trigger=trigger,
            run=run,
        )
        for result, existing in changed
    )
    fresh: list[CreditRating] = []
    updated: list[CreditRating] = []
    for (result, existing), history in zip(changed, histories, strict=True):
        rating = existing or CreditRating(enterprise_id=result.enterprise_id)
        rating.grade = result.grade
        rating.score = result.score
        rating.rule_set = rule_set
        rating.as_of = as_of
        rating.computed_at = now
        rating.cap_grade = result.cap_grade
        rating.blacklisted = result.blacklisted
        rating.record_count = result.record_count
        rating.fingerprint = result.fingerprint
        rating.status = result.status
        rating.latest = history
        rating.updated_at = now
        (updated if existing else fresh).append(rating)
    # A concurrent first grading of the same enterprise makes this insert fail: the whole batch
    # rolls back and is retried, never half-written.
    CreditRating.objects.bulk_create(fresh, batch_size=1000)
    if updated:
        CreditRating.objects.bulk_update(updated, _RATING_FIELDS, batch_size=500)
    outcome.changed = len(changed)
    grade_changes = [h for h in histories if h.previous_grade is not None and h.previous_grade != h.grade]
    outcome.grade_changes = len(grade_changes)
    _notify_grade_changes(grade_changes)
    outbox_emit(topic=WebhookTopic.RATINGS, items=_rating_payloads([r.pk for r in fresh + updated]))
    return outcome


def _rating_payloads(rating_ids: list[int]) -> Any:
    """Lazily (only when someone subscribed) the API representation of the changed grades."""
    from ..api.serializers import RatingSerializer

    for chunk_start in range(0, len(rating_ids), 1000):
        chunk = rating_ids[chunk_start : chunk_start + 1000]
        for rating in CreditRating.objects.filter(pk__in=chunk).select_related("enterprise", "rule_set"):
            yield rating.pk, dict(RatingSerializer(rating).data)


def _notify_grade_changes(histories: list[CreditRatingHistory]) -> None:
    """Tell the enterprise's users (one query for all recipients of the batch)."""
    if not histories:
        return
    recipients: dict[int, list[User]] = defaultdict(list)
    for user in User.objects.filter(
        is_active=True, role=Role.ENTERPRISE, enterprise_id__in={h.enterprise_id for h in histories}
    ):
        recipients[user.enterprise_id].append(user)
    for history in histories:
        users = recipients.get(history.enterprise_id)
        if not users:
            continue
        old, new = Grade(history.previous_grade).label, Grade(history.grade).label
        notify(
            recipients=users,
            title=_("Credit grade changed: %(old)s → %(new)s") % {"old": old, "new": new},
            body=_("Score %(score)s under rule set %(version)s, graded on %(day)s.")
            % {"score": history.score, "version": history.rule_set.version, "day": history.as_of.isoformat()},
            url=reverse("credit:enterprise", args=[history.enterprise_id]),
            category="credit",
            dedup_key=f"credit-grade:{history.pk}",
        )


# One enterprise -------------------------------------------------------------------------------


def credit_rating_recalculate(
    *, enterprise_id: int, as_of: dt.date | None = None, trigger: str = RecalcTrigger.RECORD_CHANGE
) -> CreditRating | None:
    """Grade one enterprise now (after its records or blacklist status changed). Idempotent."""
    as_of = as_of or timezone.localdate()
    rule_set = RuleSet.objects.in_force(as_of)
    if rule_set is None:
        logger.warning("no published credit rule set; enterprise %s not graded", enterprise_id)
        return None
    for attempt in range(3):
        try:
            with transaction.atomic():
                _grade_range(
                    rule_set=rule_set, as_of=as_of, trigger=trigger, id_from=enterprise_id, id_to=enterprise_id + 1
                )
            break
        except IntegrityError:  # a concurrent first grading inserted the row: grade again against it
            if attempt == 2:
                raise
    return CreditRating.objects.filter(enterprise_id=enterprise_id).select_related("rule_set").first()


# Every enterprise: runs and batches ------------------------------------------------------------


def _batch_starts(batch_size: int) -> list[int]:
    """The first enterprise id of every batch of `batch_size` enterprises (one query, ids stay in SQL)."""
    from enterprises.models import Enterprise

    table = Enterprise._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS rn FROM {table}) AS t "
            "WHERE (rn - 1) %% %s = 0 ORDER BY id",
            [batch_size],
        )
        return [int(row[0]) for row in cursor.fetchall()]


def credit_recalc_run_start(
    *,
    trigger: str = RecalcTrigger.NIGHTLY,
    as_of: dt.date | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    key: str | None = None,
) -> CreditRecalcRun:
    """Create the run and its batches, or return the existing run with the same key (resume)."""
    as_of = as_of or timezone.localdate()
    if batch_size < 1:
        raise DomainError("The batch size must be positive.", field="batch_size", code="invalid")
    key = key or (
        f"{trigger}:{as_of.isoformat()}" if trigger == RecalcTrigger.NIGHTLY else f"{trigger}:{uuid.uuid4().hex}"
    )
    existing = CreditRecalcRun.objects.filter(key=key).first()
    if existing is not None:
        return existing
    rule_set = RuleSet.objects.in_force(as_of)
    if rule_set is None:
        raise DomainError(_("No published credit rule set: publish one in the admin first."))
    try:
        with transaction.atomic():
            run = CreditRecalcRun.objects.create(
                key=key, trigger=trigger, as_of=as_of, rule_set=rule_set, batch_size=batch_size
            )
            starts = _batch_starts(batch_size)
            CreditRecalcBatch.objects.bulk_create(
                CreditRecalcBatch(
                    run=run,
                    seq=seq,
                    id_from=start if seq else 0,
                    id_to=starts[seq + 1] if seq + 1 < len(starts) else None,
                )
                for seq, start in enumerate(starts)
            )
            run.batches_total = len(starts)
            run.save(update_fields=["batches_total"])
    except IntegrityError:  # the same run was started concurrently: join it
        return CreditRecalcRun.objects.get(key=key)
    return run


def _mark_batch_done(batch: CreditRecalcBatch, outcome: GradeOutcome) -> bool:
    """Conditional UPDATE: only a pending batch becomes done (a second finisher changes nothing)."""
    return bool(
        CreditRecalcBatch.objects.filter(pk=batch.pk, status=BatchStatus.PENDING).update(
            status=BatchStatus.DONE,
            processed_at=timezone.now(),
            enterprises=outcome.enterprises,
            changed=outcome.changed,
            grade_changes=outcome.grade_changes,
        )
    )


class _BatchTakenError(Exception):
    pass


def _process_next_batch(run: CreditRecalcRun) -> bool:
    """Claim, grade and finish one batch in one transaction. False when no batch is left to claim."""
    try:
        with transaction.atomic():
            batch = (
                CreditRecalcBatch.objects.select_for_update(skip_locked=True)
                .filter(run=run, status=BatchStatus.PENDING)
                .order_by("seq")
                .first()
            )
            if batch is None:
                return False
            outcome = _grade_range(
                rule_set=run.rule_set,
                as_of=run.as_of,
                trigger=run.trigger,
                run=run,
                id_from=batch.id_from,
                id_to=batch.id_to,
            )
            if not _mark_batch_done(batch, outcome):
                raise _BatchTakenError  # someone else finished it first: undo our duplicate writes
    except _BatchTakenError:
        return True
    return True


def _finish_run(run: CreditRecalcRun) -> bool:
    if run.batches.filter(status=BatchStatus.PENDING).exists():
        return False
    totals = run.batches.aggregate(e=Sum("enterprises"), c=Sum("changed"), g=Sum("grade_changes"))
    CreditRecalcRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(
        status=RunStatus.COMPLETED,
        finished_at=timezone.now(),
        enterprises=totals["e"] or 0,
        changed=totals["c"] or 0,
        grade_changes=totals["g"] or 0,
    )
    return True


def credit_recalc_run_execute(*, run_id: int, max_batches: int | None = None) -> int:
    """Work on a run until no batch is left (or `max_batches` were done). Safe to call from many workers."""
    run = CreditRecalcRun.objects.select_related("rule_set").get(pk=run_id)
    if run.status == RunStatus.COMPLETED:
        return 0
    done = 0
    conflicts = 0
    while max_batches is None or done < max_batches:
        try:
            if not _process_next_batch(run):
                break
        except IntegrityError:
            # A single-enterprise grading created a row in our range meanwhile; the batch rolled
            # back, is pending again, and the next claim grades it against that row.
            conflicts += 1
            if conflicts > 3:
                raise
            logger.info("credit batch of run %s rolled back after a concurrent insert; retrying", run.pk)
            continue
        conflicts = 0
        done += 1
    _finish_run(run)
    return done


def credit_recalculate_all(
    *,
    trigger: str = RecalcTrigger.NIGHTLY,
    as_of: dt.date | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    key: str | None = None,
) -> CreditRecalcRun:
    """The nightly job: finish any run a dead worker left behind, then run (or resume) today's."""
    for stale in CreditRecalcRun.objects.filter(status=RunStatus.RUNNING).order_by("started_at", "id"):
        credit_recalc_run_execute(run_id=stale.pk)
    run = credit_recalc_run_start(trigger=trigger, as_of=as_of, batch_size=batch_size, key=key)
    credit_recalc_run_execute(run_id=run.pk)
    run.refresh_from_db()
    return run
