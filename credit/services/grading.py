"""Writing grades: one enterprise after its records change, or every enterprise in a resumable run.

Both paths grade a *range* of enterprises set-based and write only what changed, so running twice
changes nothing the second time. On PostgreSQL one statement grades, compares and writes a whole
batch (`engine.grade_and_write_pg`), the dashboards' credit figures included; a mostly graded
batch (every night after the first) first compares without locking or writing (`engine.changed_pg`)
and writes only the enterprises found changed. Elsewhere (SQLite) the portable path grades with one
query and writes through the ORM. Both are tested to write the same results.

Safety of the nightly run:
- a run is split into batches of enterprise-id ranges (`CreditRecalcBatch`);
- a worker claims the next pending batch with `SELECT … FOR UPDATE SKIP LOCKED` and grades it,
  writes the results and marks the batch done (a conditional UPDATE) in ONE transaction; a worker
  that dies half-way rolls its batch back (PostgreSQL ends the transaction with the connection),
  the batch is pending again and the next worker or the rerun does it; several workers can share
  a run;
- every write happens under a lock taken before the writing statement's snapshot — on PostgreSQL the
  enterprise rows written (FOR NO KEY UPDATE), elsewhere the range's current-grade rows — so a
  single-enterprise recalculation and a batch never overwrite each other with a stale result.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from enterprises.models import Enterprise
from safety_platform.models import User
from safety_platform.services import DomainError, enterprise_users, notify

from .. import engine
from ..choices import BatchStatus, Grade, RatingStatus, RecalcTrigger, RecordStatus, RunStatus, WebhookTopic
from ..models import (
    CreditRating,
    CreditRatingHistory,
    CreditRecalcBatch,
    CreditRecalcRun,
    CreditRecord,
    CreditRegrade,
    RuleSet,
)
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


# The current result of an enterprise as read (and locked) before grading: no model instances,
# the nightly run reads 100,000 of them.
_CURRENT_FIELDS = (
    "enterprise_id",
    "id",
    "grade",
    "score",
    "rule_set_id",
    "cap_grade",
    "blacklisted",
    "record_count",
    "fingerprint",
    "status",
)


def _unchanged(current: tuple[Any, ...], result: engine.Result, rule_set: RuleSet) -> bool:
    return current[2:] == (
        result.grade,
        result.score,
        rule_set.pk,
        result.cap_grade,
        result.blacklisted,
        result.record_count,
        result.fingerprint,
        result.status,
    )


def _graded(result: engine.Result, rule_set: RuleSet, as_of: dt.date, now: dt.datetime) -> dict[str, Any]:
    """What an enterprise's current grade and its history row both record of a result."""
    return {
        "enterprise_id": result.enterprise_id,
        "grade": result.grade,
        "score": result.score,
        "rule_set_id": rule_set.pk,
        "as_of": as_of,
        "computed_at": now,
        "cap_grade": result.cap_grade,
        "blacklisted": result.blacklisted,
        "status": result.status,
        "record_count": result.record_count,
        "fingerprint": result.fingerprint,
    }


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
    if _sql_path():
        return _grade_range_pg(rule_set=rule_set, as_of=as_of, trigger=trigger, run=run, id_from=id_from, id_to=id_to)
    rating_range = Q()
    if id_from is not None:
        rating_range &= Q(enterprise_id__gte=id_from)
    if id_to is not None:
        rating_range &= Q(enterprise_id__lt=id_to)
    # Lock first, grade second: under READ COMMITTED the grading statement then sees every record
    # committed by whoever held these rows before us.
    current = {
        row[0]: row
        for row in CreditRating.objects.select_for_update()
        .filter(rating_range)
        .order_by("enterprise_id")
        .values_list(*_CURRENT_FIELDS)
    }
    results = engine.score_range(rule_set, as_of, id_from=id_from, id_to=id_to)
    outcome = GradeOutcome(enterprises=len(results))
    withdrawn = RatingStatus.WITHDRAWN
    changed: list[tuple[engine.Result, tuple[Any, ...] | None]] = []
    for result in results:
        existing = current.get(result.enterprise_id)
        if existing is None:
            if result.status != withdrawn:  # a closed enterprise that was never graded stays ungraded
                changed.append((result, None))
        elif not _unchanged(existing, result, rule_set):
            changed.append((result, existing))
    if not changed:
        return outcome

    explained = engine.contributions(rule_set, as_of, [r.enterprise_id for r, _e in changed if r.record_count])
    now = timezone.now()
    histories = CreditRatingHistory.objects.bulk_create(
        [
            CreditRatingHistory(
                **_graded(result, rule_set, as_of, now),
                previous_grade=existing[2] if existing else None,
                previous_score=existing[3] if existing else None,
                criteria=result.criteria,
                contributions=explained.get(result.enterprise_id, ""),
                trigger=trigger,
                run=run,
            )
            for result, existing in changed
        ],
        batch_size=1000,
    )
    fresh: list[CreditRating] = []
    updated: list[CreditRating] = []
    for (result, existing), history in zip(changed, histories, strict=True):
        rating = CreditRating(
            pk=existing[1] if existing else None,
            **_graded(result, rule_set, as_of, now),
            latest_id=history.pk,
            updated_at=now,
        )
        (updated if existing else fresh).append(rating)
    # A concurrent first grading of the same enterprise makes this insert fail: the whole batch
    # rolls back and is retried, never half-written.
    CreditRating.objects.bulk_create(fresh, batch_size=1000)
    _update_ratings(updated)
    _figures_follow([r.enterprise_id for r in fresh + updated])
    outcome.changed = len(changed)
    grade_changes = [
        _Change(h.pk, h.enterprise_id, h.grade, h.score, h.previous_grade)
        for h in histories
        if h.previous_grade is not None and h.previous_grade != h.grade
    ]
    outcome.grade_changes = len(grade_changes)
    _notify_grade_changes(grade_changes, rule_set, as_of)
    outbox_emit(topic=WebhookTopic.RATINGS, items=_rating_payloads([r.enterprise_id for r in fresh + updated]))
    return outcome


def _figures_follow(enterprise_ids: list[int]) -> None:
    """The dashboards' enterprise figures (credit grades, blacklisting) follow the ratings written here in
    bulk (no model signal), in the same transaction."""
    if enterprise_ids:
        from enterprises.figures.services import enterprise_figures_refresh

        enterprise_figures_refresh(enterprise_ids)


@dataclass(frozen=True)
class _Change:
    history_id: int
    enterprise_id: int
    grade: int
    score: int
    previous_grade: int | None


def _sql_path() -> bool:
    """PostgreSQL grades and writes a batch in one statement; elsewhere the portable path runs."""
    return connection.vendor == "postgresql" and getattr(settings, "CREDIT_SQL_GRADING", True)


def _bounds(id_from: int | None, id_to: int | None) -> tuple[str, list[int]]:
    """A batch's range of enterprise ids as SQL over a `{col}` to format, and its parameters."""
    bounds, params = ["TRUE"], []
    if id_from is not None:
        bounds.append("{col} >= %s")
        params.append(id_from)
    if id_to is not None:
        bounds.append("{col} < %s")
        params.append(id_to)
    return " AND ".join(bounds), params


def _grade_range_pg(
    *,
    rule_set: RuleSet,
    as_of: dt.date,
    trigger: str,
    run: CreditRecalcRun | None,
    id_from: int | None,
    id_to: int | None,
) -> GradeOutcome:
    bound, bound_params = _bounds(id_from, id_to)
    incremental = run is not None and run.incremental
    graded = 0
    if not incremental:  # an incremental run grades its marked enterprises alone, whatever the range holds
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT count(*) FROM {CreditRating._meta.db_table} c WHERE {bound.format(col='c.enterprise_id')}",
                bound_params,
            )
            graded = int(cursor.fetchone()[0])

    # Writes happen under the enterprise row locks (FOR NO KEY UPDATE, id order), taken in a statement
    # of their own so the writing statement's snapshot sees every record committed by whoever held
    # them: a single-enterprise recalculation and a batch never overwrite each other with a stale
    # result. The enterprise rows, not the grades: they exist before the first grade does, the
    # dashboards' figures (updated in the same statement) are replaced under that lock, and credit's
    # intake takes it too. FOR NO KEY UPDATE leaves inserts of records and grades pointing at them free.
    def write_locked(
        where: str,
        params: list[Any],
        *,
        id_from: int | None,
        id_to: int | None,
        ids: list[int] | None = None,
        mostly_new: bool = False,
    ) -> tuple[int, list[tuple[int, int, int, int, int | None]], list[int]]:
        """Lock the enterprise rows `where` (over `e`) holds, in id order, then grade and write the range (or the
        `ids`) in the writing statement."""
        with connection.cursor() as cursor:
            if run is not None:
                # A batch may be lost in a server crash without harm: its results and its "done" mark
                # commit together, so a lost batch is simply pending again and graded by the rerun.
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
            cursor.execute(
                f"SELECT count(*) FROM (SELECT e.id FROM {Enterprise._meta.db_table} e "
                f"WHERE {where} ORDER BY e.id FOR NO KEY UPDATE) AS locked",
                params,
            )
        return engine.grade_and_write_pg(
            rule_set,
            as_of,
            id_from=id_from,
            id_to=id_to,
            trigger=trigger,
            run_id=run.pk if run else None,
            now=timezone.now(),
            mostly_new=mostly_new,
            ids=ids,
        )

    size = run.batch_size if run is not None else (id_to - id_from if id_from is not None and id_to else None)
    if not incremental and size is not None and 2 * graded < size:
        # Mostly ungraded (the first night): nearly everything will be written, so lock the whole range
        # and grade, compare and write in one statement that reads the range's records once.
        total, rows, missing = write_locked(
            bound.format(col="e.id"), bound_params, id_from=id_from, id_to=id_to, mostly_new=True
        )
    elif run is not None and incremental:
        # A nightly run after a complete one: only the enterprises whose result can have changed since (the run's
        # `CreditRegrade` rows, claimed when it started) are graded again, compared and, where different, written;
        # the others are unchanged by construction. The range's enterprises still count as graded.
        total, changed = _regrade_candidates(run, id_from=id_from, id_to=id_to)
        rows, missing = [], []
        if changed:
            _total, rows, missing = write_locked(
                "e.id = ANY(%s::bigint[])", [changed], id_from=None, id_to=None, ids=changed
            )
    else:
        # Mostly graded (every later night): compare without locking or writing anything; a quiet
        # batch ends here. The enterprises found changed are locked and graded again (a snapshot
        # after their locks) and written; whatever changes meanwhile for the others is regraded by
        # its own recalculation, which takes the same lock.
        total, changed = engine.changed_pg(rule_set, as_of, id_from=id_from, id_to=id_to)
        rows, missing = [], []
        if changed:
            _total, rows, missing = write_locked(
                "e.id = ANY(%s::bigint[])", [changed], id_from=None, id_to=None, ids=changed
            )
    changes = [_Change(*row) for row in rows]
    _figures_follow(missing)  # the figures of the others followed in the statement
    grade_changes = [c for c in changes if c.previous_grade is not None and c.previous_grade != c.grade]
    _notify_grade_changes(grade_changes, rule_set, as_of)
    if changes:  # nothing changed (most batches of a quiet night): no event, no subscription lookup
        outbox_emit(topic=WebhookTopic.RATINGS, items=_rating_payloads([c.enterprise_id for c in changes]))
    return GradeOutcome(enterprises=total, changed=len(changes), grade_changes=len(grade_changes))


# Column casts for UPDATE … FROM (VALUES …): a VALUES column whose first rows are NULL would
# otherwise be typed text.
_UPDATE_COLUMNS = [
    ("grade", "smallint"),
    ("score", "smallint"),
    ("rule_set_id", "bigint"),
    ("as_of", "date"),
    ("computed_at", "timestamptz"),
    ("cap_grade", "smallint"),
    ("blacklisted", "boolean"),
    ("record_count", "integer"),
    ("fingerprint", "varchar"),
    ("status", "varchar"),
    ("latest_id", "bigint"),
    ("updated_at", "timestamptz"),
]


def _update_ratings(ratings: list[CreditRating]) -> None:
    """Write changed grades. PostgreSQL: one UPDATE … FROM (VALUES …) per 1000 rows; Django's
    bulk_update (a CASE per column and row) is the portable path and costs quadratic time there."""
    if not ratings:
        return
    if connection.vendor != "postgresql":
        CreditRating.objects.bulk_update(ratings, _RATING_FIELDS, batch_size=500)
        return
    table = CreditRating._meta.db_table
    names = ", ".join(name for name, _type in _UPDATE_COLUMNS)
    assignments = ", ".join(f"{name} = v.{name}::{cast}" for name, cast in _UPDATE_COLUMNS)
    row = "(" + ", ".join(["%s"] * (len(_UPDATE_COLUMNS) + 1)) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(ratings), 1000):
            chunk = ratings[start : start + 1000]
            params: list[Any] = []
            for r in chunk:
                params += [
                    r.pk,
                    r.grade,
                    r.score,
                    r.rule_set_id,
                    r.as_of,
                    r.computed_at,
                    r.cap_grade,
                    r.blacklisted,
                    r.record_count,
                    r.fingerprint,
                    r.status,
                    r.latest_id,
                    r.updated_at,
                ]
            cursor.execute(
                f"UPDATE {table} AS t SET {assignments} FROM (VALUES {', '.join([row] * len(chunk))}) "
                f"AS v(id, {names}) WHERE t.id = v.id::bigint",
                params,
            )


def _rating_payloads(enterprise_ids: list[int]) -> Any:
    """Lazily (only when someone subscribed) the API representation of the changed grades."""
    from ..api.serializers import RatingSerializer

    for chunk_start in range(0, len(enterprise_ids), 1000):
        chunk = enterprise_ids[chunk_start : chunk_start + 1000]
        for rating in CreditRating.objects.filter(enterprise_id__in=chunk).select_related("enterprise", "rule_set"):
            yield rating.pk, dict(RatingSerializer(rating).data)


def _notify_grade_changes(changes: list[_Change], rule_set: RuleSet, as_of: dt.date) -> None:
    """Tell the enterprise's users (one query for all recipients of the batch)."""
    if not changes:
        return
    recipients: dict[int, list[User]] = defaultdict(list)
    for user in enterprise_users({c.enterprise_id for c in changes}):
        if user.enterprise_id is not None:
            recipients[user.enterprise_id].append(user)
    for change in changes:
        users = recipients.get(change.enterprise_id)
        if not users or change.previous_grade is None:
            continue
        old, new = Grade(change.previous_grade).label, Grade(change.grade).label
        notify(
            recipients=users,
            title=_("Credit grade changed: %(old)s → %(new)s") % {"old": old, "new": new},
            body=_("Score %(score)s under rule set %(version)s, graded on %(day)s.")
            % {"score": change.score, "version": rule_set.version, "day": as_of.isoformat()},
            url=reverse("credit:enterprise", args=[change.enterprise_id]),
            category="credit",
            dedup_key=f"credit-grade:{change.history_id}",
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


# A nightly run compares every enterprise at least once a week, whatever the marks say: the safety net under them.
FULL_RUN_EVERY_DAYS = 7


def _regrade_candidates(run: CreditRecalcRun, *, id_from: int | None, id_to: int | None) -> tuple[int, list[int]]:
    """(enterprises in the range, the range's enterprises the run grades again), for an incremental run."""
    bound, params = _bounds(id_from, id_to)
    with connection.cursor() as cursor:  # one round trip a batch
        cursor.execute(
            f"SELECT (SELECT count(*) FROM {Enterprise._meta.db_table} e WHERE {bound.format(col='e.id')}), "
            f"ARRAY(SELECT DISTINCT g.enterprise_id FROM {CreditRegrade._meta.db_table} g "
            f"WHERE g.run_id = %s AND {bound.format(col='g.enterprise_id')} ORDER BY 1)",
            [*params, run.pk, *params],
        )
        total, candidates = cursor.fetchone()
    return int(total), [int(pk) for pk in candidates]


def _since_last_complete_run(run: CreditRecalcRun) -> CreditRecalcRun | None:
    """The run an incremental one follows: the latest before it, complete, under the same rule set, not after its
    date, with a full run (every enterprise compared) in the week before. None: this run compares every
    enterprise. Nightly runs only; a run started by staff always compares every enterprise."""
    if run.trigger != RecalcTrigger.NIGHTLY or not _sql_path():
        return None
    earlier = CreditRecalcRun.objects.filter(pk__lt=run.pk)  # runs are numbered as they start
    previous = earlier.order_by("-pk").first()
    if (
        previous is None
        or previous.status != RunStatus.COMPLETED
        or previous.rule_set_id != run.rule_set_id
        or previous.as_of > run.as_of
    ):
        return None
    last_full = (
        earlier.filter(status=RunStatus.COMPLETED, incremental=False, rule_set_id=run.rule_set_id)
        .order_by("-pk")
        .first()
    )
    if last_full is None or (run.as_of - last_full.as_of).days >= FULL_RUN_EVERY_DAYS:
        return None
    return previous


def _claim_regrades(run: CreditRecalcRun) -> None:
    """When the run starts: it claims the enterprises marked since the last run (later marks wait for the next);
    an incremental run adds those with a counted record entering or leaving its rule's window between the two
    runs' dates. An enterprise without a grade needs no search: creating it, or deleting its grade, marked it
    (migrations 0015 and 0016; 0016 also marked every enterprise that existed before the marks did)."""
    table = CreditRegrade._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET run_id = %s WHERE run_id IS NULL", [run.pk])
    previous = _since_last_complete_run(run)
    if previous is None:
        return
    run.incremental = True
    run.save(update_fields=["incremental"])
    # Each rule's window start moved from the last run's date to this one's: the records dated in between leave
    # it. Rules of one validity share a range; each range a constant, so PostgreSQL reads them off the index.
    leaving: dict[tuple[dt.date, dt.date], list[str]] = defaultdict(list)
    for rule in run.rule_set.rules.all():
        leaving[(rule.window_start(previous.as_of), rule.window_start(run.as_of))].append(rule.code)
    ranges = [(after, by, codes) for (after, by), codes in sorted(leaving.items()) if by > after]
    left_sql = (
        " OR ".join(
            "(r.occurred_on > CAST(%s AS DATE) AND r.occurred_on <= CAST(%s AS DATE) AND r.rule_code = ANY(%s))"
            for _range in ranges
        )
        or "FALSE"
    )
    left_params: list[Any] = [value for after, by, codes in ranges for value in (after, by, codes)]
    records = CreditRecord._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} (enterprise_id, run_id)
            SELECT eid, %s FROM (
                -- leaving: each rule's window start moved past them (a day or so of records per rule)
                SELECT r.enterprise_id AS eid FROM {records} r WHERE r.status = %s AND ({left_sql})
                UNION
                -- entering: dated after the last run's day, up to this one's
                SELECT r.enterprise_id FROM {records} r
                WHERE r.status = %s AND r.occurred_on > CAST(%s AS DATE) AND r.occurred_on <= CAST(%s AS DATE)
            ) AS touched
            -- not the enterprises the run has claimed already (most of the entering records' are: their inserts
            -- marked them)
            WHERE NOT EXISTS (SELECT 1 FROM {table} g WHERE g.run_id = %s AND g.enterprise_id = touched.eid)
            """,
            [
                run.pk,
                RecordStatus.ACTIVE,
                *left_params,
                RecordStatus.ACTIVE,
                previous.as_of,
                run.as_of,
                run.pk,
            ],
        )


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


def _regrade_batch_starts(run: CreditRecalcRun, batch_size: int) -> list[int]:
    """An incremental run's batches: the first enterprise of every `batch_size` it grades again (the first batch
    starts at the lowest id, the last has no end: together they still cover every enterprise)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT eid FROM (SELECT eid, ROW_NUMBER() OVER (ORDER BY eid) AS rn FROM "
            f"(SELECT DISTINCT enterprise_id AS eid FROM {CreditRegrade._meta.db_table} WHERE run_id = %s) AS d) AS t "
            "WHERE (rn - 1) %% %s = 0 ORDER BY eid",
            [run.pk, batch_size],
        )
        return [int(row[0]) for row in cursor.fetchall()] or [0]


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
        raise DomainError(
            _("No published credit rule set: publish one in the admin first."), code="no_published_rule_set"
        )
    try:
        with transaction.atomic():
            run = CreditRecalcRun.objects.create(
                key=key, trigger=trigger, as_of=as_of, rule_set=rule_set, batch_size=batch_size
            )
            # An incremental run's batches hold `batch_size` of the enterprises it grades again (a few statements
            # for a night's changes, not one per 2,000 enterprises of the city), and together still every
            # enterprise id; any other run's, `batch_size` enterprises each.
            _claim_regrades(run)
            starts = _regrade_batch_starts(run, batch_size) if run.incremental else _batch_starts(batch_size)
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
    if connection.vendor == "postgresql":  # the same UPDATE without the ORM's per-batch compilation
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {CreditRecalcBatch._meta.db_table} SET status = %s, processed_at = %s, enterprises = %s, "
                "changed = %s, grade_changes = %s WHERE id = %s AND status = %s",
                [
                    BatchStatus.DONE,
                    timezone.now(),
                    outcome.enterprises,
                    outcome.changed,
                    outcome.grade_changes,
                    batch.pk,
                    BatchStatus.PENDING,
                ],
            )
            return cursor.rowcount == 1
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


def _claim_batch(run: CreditRecalcRun) -> CreditRecalcBatch | None:
    """The run's next pending batch, locked; batches other workers hold are skipped (SKIP LOCKED)."""
    if connection.vendor != "postgresql":
        return (
            CreditRecalcBatch.objects.select_for_update(skip_locked=True)
            .filter(run=run, status=BatchStatus.PENDING)
            .order_by("seq")
            .first()
        )
    with connection.cursor() as cursor:  # the same query without the ORM's per-batch compilation
        cursor.execute(
            f"SELECT id, seq, id_from, id_to FROM {CreditRecalcBatch._meta.db_table} "
            "WHERE run_id = %s AND status = %s ORDER BY seq LIMIT 1 FOR UPDATE SKIP LOCKED",
            [run.pk, BatchStatus.PENDING],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    return CreditRecalcBatch(pk=row[0], run=run, seq=row[1], id_from=row[2], id_to=row[3], status=BatchStatus.PENDING)


def _process_next_batch(run: CreditRecalcRun) -> bool:
    """Claim, grade and finish one batch in one transaction. False when no batch is left to claim."""
    try:
        with transaction.atomic():
            batch = _claim_batch(run)
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
    with transaction.atomic():
        CreditRecalcRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(
            status=RunStatus.COMPLETED,
            finished_at=timezone.now(),
            enterprises=totals["e"] or 0,
            changed=totals["c"] or 0,
            grade_changes=totals["g"] or 0,
        )
        CreditRegrade.objects.filter(run_id=run.pk).delete()  # graded; marks made since wait for the next run
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
    on_start: Callable[[CreditRecalcRun], None] | None = None,
) -> CreditRecalcRun:
    """The nightly job: finish any run a dead worker left behind, then run (or resume) today's.

    `on_start(run)` is called once the run's batches exist, before this process starts on them: the
    nightly task uses it to call in more workers, which claim batches alongside (SKIP LOCKED).
    """
    for stale in CreditRecalcRun.objects.filter(status=RunStatus.RUNNING).order_by("started_at", "id"):
        credit_recalc_run_execute(run_id=stale.pk)
    run = credit_recalc_run_start(trigger=trigger, as_of=as_of, batch_size=batch_size, key=key)
    if on_start is not None and run.status != RunStatus.COMPLETED:
        on_start(run)
    credit_recalc_run_execute(run_id=run.pk)
    run.refresh_from_db()
    return run
