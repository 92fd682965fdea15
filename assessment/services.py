"""Writes of the assessment: schemes and their versions, county inputs, periods, runs.

Every refusal is a `ValidationError` naming the field (forms and the API show it under that field)
or a `DomainError` with a stable code.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model, Q, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from safety_platform.choices import JurisdictionLevel
from safety_platform.concurrency import Opened, check_opened
from safety_platform.models import Department, Jurisdiction
from safety_platform.permissions import can
from safety_platform.services import DomainError

from .choices import SCHEME_INDICATOR_FIELDS, PeriodKind, ResultStatus, RunStatus, SchemeKind, SchemeStatus
from .engine import assess
from .models import (
    AssessmentPeriod,
    AssessmentResult,
    AssessmentRun,
    CountyInput,
    GradeThreshold,
    Objection,
    ObjectionStatus,
    ResultIndicator,
    Scheme,
    SchemeIndicator,
    VetoRule,
)

logger = logging.getLogger(__name__)

TOTAL_WEIGHT = Decimal(100)


# Schemes --------------------------------------------------------------------------------------


def weights_error(weights: list[Decimal]) -> str | None:
    """The message when the indicators' weights do not add up to 100, else None."""
    total = sum((Decimal(w) for w in weights), Decimal(0))
    if total == TOTAL_WEIGHT:
        return None
    return _("The indicators' weights add up to %(total)s; they must add up to 100.") % {"total": total.normalize()}


def scheme_validate(scheme: Scheme) -> None:
    """A scheme ready to run: weights add up to 100, every indicator known, at least one grade threshold."""
    indicators = list(scheme.indicators.all())
    for item in indicators:
        item.full_clean(exclude=["scheme"])
    message = weights_error([item.weight for item in indicators])
    if message:
        raise ValidationError({"weight": message})
    if not scheme.grades.exists():
        raise ValidationError({"grades": _("A scheme needs its grade thresholds.")})
    if scheme.kind == SchemeKind.DEPARTMENT and scheme.vetoes.exists():
        raise ValidationError(
            {"vetoes": _("A department's duty check has no veto rules (they concern a county's accidents).")}
        )


def _part_errors(rows: Sequence[Model], name: str, errors: dict[str, Any]) -> None:
    """Validate the parts of a new scheme version (before the scheme itself is saved), adding each part's errors
    to `errors` under `name[index].field`."""
    for index, row in enumerate(rows):
        try:
            row.full_clean(exclude=["scheme"])
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                errors[f"{name}[{index}].{field}"] = messages


def scheme_create(
    *,
    name: str,
    version: str,
    valid_from: dt.date,
    indicators: list[dict[str, Any]],
    vetoes: list[dict[str, Any]] = (),  # type: ignore[assignment]
    grades: list[dict[str, Any]] = (),  # type: ignore[assignment]
    kind: str = SchemeKind.JURISDICTION,
    status: str = SchemeStatus.DRAFT,
    based_on: Scheme | None = None,
    notes: str = "",
) -> Scheme:
    """Create a scheme version with its indicators, vetoes and grades, all or nothing.

    Errors name the field: `weight` when the weights do not add up to 100, `indicators[2].indicator`
    for an unknown indicator name, and so on.
    """
    with transaction.atomic():
        scheme = Scheme(
            name=name, version=version, kind=kind, status=status, valid_from=valid_from, based_on=based_on, notes=notes
        )
        scheme.full_clean()
        errors: dict[str, Any] = {}
        items = [
            SchemeIndicator(scheme=scheme, order=values.pop("order", index + 1), **values)
            for index, values in enumerate(indicators)
        ]
        _part_errors(items, "indicators", errors)
        keys = [(item.indicator, item.normalization) for item in items]
        if len(keys) != len(set(keys)):
            errors["indicators"] = [_("An indicator appears twice in the scheme with the same normalization.")]
        message = weights_error([item.weight or Decimal(0) for item in items])
        if message:
            errors["weight"] = [message]
        veto_rows = [VetoRule(scheme=scheme, **values) for values in vetoes]
        if veto_rows and kind == SchemeKind.DEPARTMENT:
            errors["vetoes"] = [_("A department's duty check has no veto rules (they concern a county's accidents).")]
        _part_errors(veto_rows, "vetoes", errors)
        grade_rows = [GradeThreshold(scheme=scheme, **values) for values in grades]
        if not grade_rows:
            errors["grades"] = [_("A scheme needs its grade thresholds.")]
        if errors:
            raise ValidationError(errors)
        scheme.save()
        # One save a row, not bulk_create: each part of a new version gets its own audit entry.
        rows: list[SchemeIndicator | VetoRule | GradeThreshold] = [*items, *veto_rows, *grade_rows]
        for row in rows:
            row.scheme = scheme
            row.save()
    return scheme


def scheme_copy(*, scheme: Scheme, version: str, valid_from: dt.date, name: str | None = None) -> Scheme:
    """A new draft version with the same indicators, vetoes and grades (the old version stays as it was)."""
    return scheme_create(
        name=name or scheme.name,
        version=version,
        valid_from=valid_from,
        kind=scheme.kind,
        based_on=scheme,
        notes=scheme.notes,
        indicators=[{f: getattr(i, f) for f in SCHEME_INDICATOR_FIELDS} for i in scheme.indicators.all()],
        vetoes=[{"kind": v.kind, "threshold_percent": v.threshold_percent} for v in scheme.vetoes.all()],
        grades=[{"grade": g.grade, "min_score": g.min_score} for g in scheme.grades.all()],
    )


def scheme_draft_save(*, scheme: Scheme, parts: list[Any]) -> Scheme:
    """Save a draft version's validated form and formsets (indicators, vetoes, grades) together.

    Only a draft that has produced no results is edited: a version in force, or one a run has used, is
    copied to a new version instead, so no result ever changes under its reader. The scheme row is
    locked so that a draft put in force meanwhile is not edited after the fact.
    """
    with transaction.atomic():
        locked = Scheme.objects.select_for_update().get(pk=scheme.pk)
        if locked.status != SchemeStatus.DRAFT or locked.is_frozen:
            raise DomainError(
                _("Only a draft version is edited; copy this version to a new one instead."), code="not_draft"
            )
        for part in parts:
            part.save()
    return scheme


def scheme_activate(*, scheme: Scheme) -> Scheme:
    """Put a version in force (from its `valid_from`); it must be complete and its weights add up to 100."""
    with transaction.atomic():
        scheme = Scheme.objects.select_for_update().get(pk=scheme.pk)
        if scheme.status == SchemeStatus.ACTIVE:
            return scheme
        scheme_validate(scheme)
        scheme.status = SchemeStatus.ACTIVE
        scheme.save(update_fields=["status"])
    return scheme


# County inputs --------------------------------------------------------------------------------


def county_input_save(
    *, jurisdiction: Jurisdiction, year: int, user: Any = None, opened: Opened | None = None, **values: Any
) -> CountyInput:
    """Create or update a county's targets and base figures for a year (validated like the form).

    With `opened` (the figures the editor saw; none entered yet compares as an empty record), figures changed
    by someone else meanwhile refuse the save (`StaleEdit`)."""
    with transaction.atomic():
        record = CountyInput.objects.select_for_update().filter(
            jurisdiction=jurisdiction, year=year
        ).first() or CountyInput(jurisdiction=jurisdiction, year=year)
        check_opened(opened, record)
        for field, value in values.items():
            setattr(record, field, value)
        record.updated_by = user if getattr(user, "pk", None) else None
        record.full_clean()
        record.save()
    return record


# Periods --------------------------------------------------------------------------------------


def assessment_period_get_or_create(
    *, kind: str, year: int, number: int = 0, today: dt.date | None = None
) -> AssessmentPeriod:
    """The period (month, quarter or year); refused when it has not started yet."""
    today = today or timezone.localdate()
    if kind not in PeriodKind.values:
        raise ValidationError({"kind": _("Choose a month, a quarter or a year.")})
    limits = {PeriodKind.MONTH: 12, PeriodKind.QUARTER: 4}
    if kind == PeriodKind.YEAR:
        number = 0
    elif not 1 <= int(number) <= limits[PeriodKind(kind)]:
        raise ValidationError({"number": _("Choose a month 1–12 or a quarter 1–4.")})
    if not 2000 <= int(year) <= 2100:
        raise ValidationError({"year": _("Enter a year between 2000 and 2100.")})
    start, end = AssessmentPeriod.bounds(kind, int(year), int(number))
    if start > today:
        field = "year" if kind == PeriodKind.YEAR else "number"
        raise ValidationError({field: _("This period has not started yet; a period in the future cannot be assessed.")})
    period, _created = AssessmentPeriod.objects.get_or_create(
        kind=kind, year=year, number=number, defaults={"start": start, "end": end}
    )
    return period


# Runs -----------------------------------------------------------------------------------------


Assessee = Jurisdiction | Department


def assessees(kind: str = SchemeKind.JURISDICTION) -> list[Any]:
    """Everyone a scheme of `kind` assesses: every county, district and the development zone; or, for the
    departments' duty check, every active member department of the safety committee (not its office,
    which runs the check)."""
    if kind == SchemeKind.DEPARTMENT:
        return list(
            Department.objects.filter(is_committee_member=True, is_committee_office=False, is_active=True).order_by(
                "jurisdiction__path", "name", "id"
            )
        )
    return list(Jurisdiction.objects.filter(level=JurisdictionLevel.COUNTY).order_by("sort_order", "id"))


def assessee_field(kind: str) -> str:
    """The result's field naming the assessee of a scheme of `kind`."""
    return "department" if kind == SchemeKind.DEPARTMENT else "jurisdiction"


def assessment_run_start(
    *,
    period: AssessmentPeriod,
    user: Any = None,
    scheme: Scheme | None = None,
    enqueue: bool = True,
    kind: str = SchemeKind.JURISDICTION,
) -> AssessmentRun:
    """Record a run of the scheme in force for the period (for counties, or with `kind="department"` the
    departments' duty check) and hand it to a worker after the commit.

    Starting again while a run of the same period and scheme is still waiting or running returns that
    run (a double click does not compute twice).
    """
    if kind not in SchemeKind.values:
        raise ValidationError({"kind": _("Choose whom to assess: the counties or the departments.")})
    scheme = scheme or Scheme.objects.in_force(kind, period.end)
    if scheme is None:
        raise DomainError(_("No assessment scheme is in force for this period."), field="scheme", code="no_scheme")
    if scheme.status == SchemeStatus.DRAFT:
        raise DomainError(_("A draft scheme cannot be run; put it in force first."), field="scheme", code="draft")
    with transaction.atomic():
        existing = (
            AssessmentRun.objects.select_for_update()
            .filter(period=period, scheme=scheme, status__in=[RunStatus.PENDING, RunStatus.RUNNING])
            .first()
        )
        if existing is not None:
            return existing
        run = AssessmentRun.objects.create(
            period=period,
            scheme=scheme,
            total=len(assessees(scheme.kind)),
            created_by=user if getattr(user, "pk", None) else None,
        )
        if enqueue:
            _enqueue(run.pk)
    return run


def _enqueue(run_id: int) -> None:
    """Through the task outbox, in the caller's transaction: never waits on the broker, never lost."""
    from safety_platform.tasks_util import enqueue

    from .tasks import run_execute_task

    enqueue(run_execute_task, run_id)


def _store(run: AssessmentRun, assessee: Assessee) -> bool:
    """Assess one county or department and store its result and breakdown in one transaction. False if
    already there."""
    outcome = assess(run.scheme, assessee, run.period)
    try:
        with transaction.atomic():
            result = AssessmentResult.objects.create(
                run=run,
                period=run.period,
                scheme=run.scheme,
                **{assessee_field(run.scheme.kind): assessee},
                score=outcome.score,
                grade=outcome.grade,
                vetoed=outcome.vetoed,
                veto_reasons=outcome.veto_reasons,
                notes=outcome.notes,
            )
            ResultIndicator.objects.bulk_create([_indicator_row(result, o) for o in outcome.outcomes])
    except IntegrityError:
        # Another worker on the same run stored this assessee meanwhile: its result stands.
        return False
    return True


def _figure(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(Decimal("0.000001"))


def assessment_run_execute(*, run_id: int) -> AssessmentRun:
    """Compute every assessee not yet done, then ranks and changes. Safe to call again at any point."""
    updated = AssessmentRun.objects.filter(
        pk=run_id, status__in=[RunStatus.PENDING, RunStatus.RUNNING, RunStatus.FAILED]
    ).update(status=RunStatus.RUNNING, error="", started_at=timezone.now())
    run = AssessmentRun.objects.select_related("period", "scheme").get(pk=run_id)
    if not updated:
        return run  # finished already: nothing to do
    # The scheme's parts are read once for the whole run, not once per county.
    prefetch_related_objects([run.scheme], "indicators", "vetoes", "grades")
    counties = assessees(run.scheme.kind)
    done = set(run.results.values_list(f"{assessee_field(run.scheme.kind)}_id", flat=True))
    current: Assessee | None = None
    try:
        for county in counties:
            if county.pk in done:
                continue
            current = county
            _store(run, county)
            AssessmentRun.objects.filter(pk=run.pk).update(done=run.results.count())
        current = None
        _finish(run)
    except Exception as error:
        where = f"{current}: " if current is not None else ""
        AssessmentRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED, error=f"{where}{error}"[:2000], finished_at=timezone.now()
        )
        logger.exception("assessment run %s failed", run.pk)
        raise
    run.refresh_from_db()
    return run


def _previous_scores(run: AssessmentRun) -> dict[int, Decimal | None]:
    """Scores of the same kind of period just before, from its published results, else its latest finished run."""
    year, number = run.period.previous_bounds()
    previous = AssessmentPeriod.objects.filter(kind=run.period.kind, year=year, number=number).first()
    if previous is None:
        return {}
    results = AssessmentResult.objects.filter(period=previous, scheme__kind=run.scheme.kind)
    published = results.filter(status=ResultStatus.PUBLISHED)
    if published.exists():
        chosen = published
    else:
        last_run = (
            AssessmentRun.objects.filter(period=previous, scheme__kind=run.scheme.kind, status=RunStatus.DONE)
            .order_by("-finished_at", "-id")
            .first()
        )
        if last_run is None:
            return {}
        chosen = results.filter(run=last_run)
    return dict(chosen.values_list(f"{assessee_field(run.scheme.kind)}_id", "score"))


def _finish(run: AssessmentRun) -> None:
    """Rank the results (equal scores share a rank; unscored last, unranked) and note the change."""
    with transaction.atomic():
        results = list(run.results.select_for_update().order_by("pk"))
        previous = _previous_scores(run)
        scores = sorted((r.score for r in results if r.score is not None), reverse=True)
        rank_of: dict[Decimal, int] = {}
        for position, score in enumerate(scores, start=1):
            rank_of.setdefault(score, position)
        for result in results:
            result.rank = rank_of.get(result.score) if result.score is not None else None  # type: ignore[arg-type]
            result.previous_score = previous.get(result.assessee_id)  # type: ignore[arg-type]
            result.change = (
                result.score - result.previous_score
                if result.score is not None and result.previous_score is not None
                else None
            )
        AssessmentResult.objects.bulk_update(results, ["rank", "previous_score", "change"])
        AssessmentRun.objects.filter(pk=run.pk).update(
            status=RunStatus.DONE, done=len(results), finished_at=timezone.now()
        )


def assessment_runs_resume(*, stale_after: dt.timedelta = dt.timedelta(minutes=30)) -> int:
    """Hand back to a worker every run left waiting (the broker was down) or running with no sign of life
    for `stale_after` (its worker was killed). A failed run is restarted by a person who read why."""
    cutoff = timezone.now() - stale_after
    stale = list(
        AssessmentRun.objects.filter(
            Q(status=RunStatus.PENDING, created_at__lt=cutoff) | Q(status=RunStatus.RUNNING, started_at__lt=cutoff)
        ).values_list("pk", flat=True)
    )
    for run_id in stale:
        _enqueue(run_id)
    return len(stale)


# Review and publication -----------------------------------------------------------------------

OBJECTION_DAYS_DEFAULT = 7


def objection_window_days() -> int:
    """How long a county may object to a preliminary result (setting ASSESSMENT_OBJECTION_DAYS, default 7)."""
    from django.conf import settings

    return int(getattr(settings, "ASSESSMENT_OBJECTION_DAYS", OBJECTION_DAYS_DEFAULT))


def objection_deadline(result: AssessmentResult) -> dt.datetime:
    """The last moment an objection is accepted: the run's finish plus the window."""
    finished = result.run.finished_at or result.computed_at
    return finished + dt.timedelta(days=objection_window_days())


def objection_file(*, result: AssessmentResult, user: Any, text: str, evidence: Any = None) -> Objection:
    """File a county's objection with its evidence, within the window, on a preliminary result."""
    from safety_platform.uploads import IMAGE, OFFICE, PDF, validate_upload

    if not can(user, "assessment.object_to_result", result):
        raise DomainError(_("Only the assessee's own staff may object to its result."), code="forbidden")
    if not (text or "").strip():
        raise ValidationError({"text": _("Say what is wrong with the result.")})
    if evidence:
        validate_upload(evidence, kinds=(IMAGE, PDF, OFFICE))
    with transaction.atomic():
        locked = AssessmentResult.objects.select_for_update().select_related("run").get(pk=result.pk)
        if locked.status != ResultStatus.PRELIMINARY:
            raise DomainError(
                _("The result is published; objections are no longer taken."), field="text", code="published"
            )
        if timezone.now() > objection_deadline(locked):
            raise DomainError(
                _("The objection window closed on %(date)s.")
                % {"date": timezone.localtime(objection_deadline(locked)).strftime("%Y-%m-%d %H:%M")},
                field="text",
                code="window_closed",
            )
        return Objection.objects.create(result=locked, text=text.strip(), evidence=evidence or "", filed_by=user)


def objection_answer(*, objection: Objection, user: Any, accept: bool, answer: str) -> Objection:
    """Committee staff answer an objection. Accept: the county is assessed again from the records as they
    are now (its corrected figures) and the run re-ranked; the scores before and after are kept.
    Reject: the reason is required."""
    if not can(user, "assessment.administer"):
        raise DomainError(_("Only committee staff answer objections."), code="forbidden")
    if not (answer or "").strip():
        raise ValidationError({"answer": _("Give the reason for the answer.")})
    with transaction.atomic():
        locked = Objection.objects.select_for_update().select_related("result__run").get(pk=objection.pk)
        result = AssessmentResult.objects.select_for_update().get(pk=locked.result_id)
        if locked.status != ObjectionStatus.OPEN:
            raise DomainError(_("This objection has been answered already."), code="answered")
        if result.status != ResultStatus.PRELIMINARY:
            raise DomainError(_("The result is published and can no longer change."), code="published")
        locked.score_before = result.score
        if accept:
            result = _reassess(result)
            locked.status = ObjectionStatus.ACCEPTED
        else:
            locked.status = ObjectionStatus.REJECTED
        locked.score_after = result.score
        locked.answer = answer.strip()
        locked.answered_by = user
        locked.answered_at = timezone.now()
        locked.save()
    return locked


def _reassess(result: AssessmentResult) -> AssessmentResult:
    """Compute one assessee's result again in place (same run) and re-rank the run."""
    run = AssessmentRun.objects.select_related("period", "scheme").get(pk=result.run_id)
    prefetch_related_objects([run.scheme], "indicators", "vetoes", "grades")
    county: Assessee = (
        Department.objects.get(pk=result.department_id)
        if result.department_id
        else Jurisdiction.objects.get(pk=result.jurisdiction_id or 0)
    )
    ResultIndicator.objects.filter(result=result).delete()
    outcome = assess(run.scheme, county, run.period)
    result.score, result.grade, result.vetoed = outcome.score, outcome.grade, outcome.vetoed
    result.veto_reasons, result.notes = outcome.veto_reasons, outcome.notes
    result.save(update_fields=["score", "grade", "vetoed", "veto_reasons", "notes"])
    ResultIndicator.objects.bulk_create([_indicator_row(result, o) for o in outcome.outcomes])
    _finish(run)
    result.refresh_from_db()
    return result


def _indicator_row(result: AssessmentResult, o: Any) -> ResultIndicator:
    return ResultIndicator(
        result=result,
        indicator=o.item.indicator,
        label=o.label,
        part=o.item.part,
        order=o.item.order,
        weight=o.item.weight,
        effective_weight=o.effective_weight,
        numerator=o.figure.numerator if o.figure else None,
        denominator=o.figure.denominator if o.figure else None,
        normalized=_figure(o.normalized),
        target=_figure(o.target),
        points=o.points,
        scored=o.scored,
        reason=o.reason[:300],
        record_model=o.figure.record_model if o.figure else "",
        record_ids=o.figure.record_ids if o.figure else [],
    )


def assessment_run_publish(*, run: AssessmentRun, user: Any) -> AssessmentRun:
    """Publish a finished run's results: from then on they are frozen (their own copies of every figure and
    of the records behind it are what every page, export and the API show)."""
    if not can(user, "assessment.administer"):
        raise DomainError(_("Only committee staff publish results."), code="forbidden")
    with transaction.atomic():
        locked = AssessmentRun.objects.select_for_update().get(pk=run.pk)
        if locked.status != RunStatus.DONE:
            raise DomainError(_("Only a finished run can be published."), code="not_finished")
        results = AssessmentResult.objects.filter(run=locked)
        if results.filter(status=ResultStatus.PUBLISHED).exists():
            raise DomainError(_("This run is published already."), code="already_published")
        if (
            AssessmentResult.objects.filter(period_id=locked.period_id, scheme__kind=locked.scheme.kind)
            .filter(status=ResultStatus.PUBLISHED)
            .exists()
        ):
            raise DomainError(_("Another run of this period is published already."), code="period_published")
        if Objection.objects.filter(result__run=locked, status=ObjectionStatus.OPEN).exists():
            raise DomainError(_("Answer the open objections before publishing."), code="open_objections")
        now = timezone.now()
        # Ordered by id: the default ordering's outer join to a county (null for a department) cannot be locked.
        for result in results.select_for_update().order_by("pk"):
            result.status = ResultStatus.PUBLISHED
            result.published_at = now
            result.save(update_fields=["status", "published_at"])  # one audit entry per county
    locked.refresh_from_db()
    return locked
