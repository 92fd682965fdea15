"""Writes of accidents: report, Decree 493 grading and re-grading, the statutory clocks, the response log,
the post-incident evaluation with accountability tracing and corrective measures.

Facts (for credit and assessment) follow the cross-app contract: kind `accident`, dedup key
`accident:<id>:<revision>`, one new fact per revision of the figures; `accident_concealed` once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safety_platform.choices import FactKind
from safety_platform.dates import is_future
from safety_platform.deadline_kinds import register_deadline_kind
from safety_platform.locking import lock_in_state, lock_row
from safety_platform.models import Jurisdiction, StatutoryDeadline, User
from safety_platform.permissions import can, is_enterprise_person
from safety_platform.services import (
    DomainError,
    committee_office_users,
    county_office_users,
    deadline_cancel,
    deadline_met,
    deadline_open,
    fact_record,
    inspectors_for,
    notify,
)

from ..choices import (
    GRADE_ORDER,
    REPORT_LEVEL_ORDER,
    TOP_REPORT_LEVEL,
    AccidentGrade,
    AccidentStatus,
    MeasureStatus,
    Readiness,
    ReportLevel,
)
from ..models import (
    Accident,
    AccidentEvaluation,
    AccidentReportStep,
    AccidentRevision,
    AccountabilityFinding,
    CorrectiveMeasure,
    DispatchOrder,
    GradingRuleSet,
    MeasureProgress,
    RescueTeam,
    ResponseLogEntry,
)
from ..models.accidents import COUNT_MAX, MONEY_MAX
from .common import ensure_visible, jurisdiction_in_scope, require, require_text

# Statutory clock kinds (one per source and kind in the foundation's deadline table).
CLOCK_REPORT = register_deadline_kind("emergency.accident.report_county", gettext_lazy("accident report to the county"))
CLOCK_FORWARD = register_deadline_kind(
    "emergency.accident.forward.{level}", gettext_lazy("accident report forwarded to the next level")
)
CLOCK_SUPPLEMENT = register_deadline_kind(
    "emergency.accident.supplement", gettext_lazy("supplementary accident report")
)
CLOCK_INVESTIGATION = register_deadline_kind(
    "emergency.accident.investigation", gettext_lazy("accident investigation report")
)
CLOCK_MEASURE = register_deadline_kind("emergency.measure", gettext_lazy("corrective measure after an accident"))

BASIS_REPORT = "《生产安全事故报告和调查处理条例》第九条"
BASIS_FORWARD = "《生产安全事故报告和调查处理条例》第十条、第十一条"
BASIS_SUPPLEMENT = "《生产安全事故报告和调查处理条例》第十三条"
BASIS_INVESTIGATION = "《生产安全事故报告和调查处理条例》第二十九条"

# The casualty figures (whole numbers) and the figures of an accident: what a report gives, a supplement changes,
# a revision keeps, and the forms and serializers take.
COUNT_FIELDS = ("deaths", "serious_injuries", "minor_injuries", "missing")
FIGURE_FIELDS = (*COUNT_FIELDS, "direct_loss_yuan")


def _count(value: Any, field: str) -> int:
    try:
        number = int(str(value if value is not None else 0).strip() or 0)
    except ValueError:
        raise ValidationError({field: _("Enter a whole number.")}) from None
    if number < 0:
        raise ValidationError({field: _("Cannot be negative.")})
    if number > COUNT_MAX:
        raise ValidationError({field: _("Enter a whole number, not more than %(max)d.") % {"max": COUNT_MAX}})
    return number


def _money(value: Any) -> Decimal:
    try:
        amount = Decimal(str(value if value is not None else 0).strip() or "0")
    except (InvalidOperation, ValueError):
        raise ValidationError({"direct_loss_yuan": _("Enter an amount in yuan.")}) from None
    # is_finite first: comparing NaN raises instead of answering.
    if not amount.is_finite():
        raise ValidationError({"direct_loss_yuan": _("Enter an amount in yuan.")})
    if amount < 0:
        raise ValidationError({"direct_loss_yuan": _("Cannot be negative.")})
    if amount > MONEY_MAX:
        # Checked before quantize, which fails on very large amounts.
        raise ValidationError({"direct_loss_yuan": _("Enter an amount below ten trillion yuan.")})
    return amount.quantize(Decimal("0.01"))


def _figures(data: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {name: _count(data.get(name), name) for name in COUNT_FIELDS}
    values["direct_loss_yuan"] = _money(data.get("direct_loss_yuan"))
    return values


def grade_accident(*, deaths: int, serious_injuries: int, direct_loss_yuan: Decimal, rule_set: GradingRuleSet) -> str:
    """Decree 493 art. 3 under the given rule-set version (see `GradingRuleSet.grade_for`)."""
    return rule_set.grade_for(deaths=deaths, serious_injuries=serious_injuries, direct_loss_yuan=direct_loss_yuan)


def _not_future(at: dt.datetime, now: dt.datetime, field: str, message: str) -> None:
    """Refuse `at` under `field` with `message` if it is in the future (`is_future`: beyond the clock skew allowed)."""
    if is_future(at, now):
        raise ValidationError({field: message})


def _grade(values: dict[str, Any], rule_set: GradingRuleSet) -> str:
    """The grade of checked figures (`_figures`) under `rule_set`."""
    return grade_accident(
        deaths=values["deaths"],
        serious_injuries=values["serious_injuries"],
        direct_loss_yuan=values["direct_loss_yuan"],
        rule_set=rule_set,
    )


# An accident still being handled: every status but closed.
_OPEN = [status for status in AccidentStatus.values if status != AccidentStatus.CLOSED]


def _lock_open(accident: Accident, message: str, queryset: QuerySet[Accident] | None = None) -> Accident:
    """The accident, locked (through `queryset`, e.g. with its rule set), unless it is closed: `accident_closed`."""
    rows = Accident.objects.all() if queryset is None else queryset
    return lock_in_state(rows, accident.pk, _OPEN, message=message, code="accident_closed")


def _open_clock(accident: Accident, *, kind: str, title: str, due_at: dt.datetime, legal_basis: str) -> None:
    """Open (or reopen) one of the accident's statutory clocks, under its enterprise and jurisdiction."""
    deadline_open(
        source=accident,
        kind=kind,
        title=title,
        due_at=due_at,
        enterprise=accident.enterprise,
        jurisdiction=accident.jurisdiction,
        url=accident.get_absolute_url(),
        legal_basis=legal_basis,
    )


def _fact(accident: Accident, kind: str, key: str, **payload: Any) -> None:
    """Record a fact of the accident (dedup key `accident:<id>:<key>`), when and where it happened."""
    fact_record(
        kind=kind,
        dedup_key=f"accident:{accident.pk}:{key}",
        occurred_at=accident.occurred_at,
        enterprise=accident.enterprise,
        jurisdiction=accident.jurisdiction,
        source=accident,
        payload={"accident_id": accident.pk, **payload},
    )


def _record_fact(accident: Accident) -> None:
    if not accident.is_production_safety:
        return
    _fact(
        accident,
        FactKind.ACCIDENT,
        str(accident.revision),
        grade=accident.grade,
        deaths=accident.deaths,
        serious_injuries=accident.serious_injuries,
        # A JSON number, as the other apps' readers expect (whole yuan as an integer).
        direct_loss_yuan=_json_amount(accident.direct_loss_yuan),
    )


def _json_amount(amount: Decimal) -> int | float:
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def _level_index(level: str) -> int:
    return REPORT_LEVEL_ORDER.index(ReportLevel(level))


def _open_forward_clock(accident: Accident, *, received_level: str, received_at: dt.datetime) -> None:
    """After `received_level` got the report, the next level is due within `forward_hours` — if the grade
    requires the report to go that far up."""
    index = _level_index(received_level)
    top = _level_index(TOP_REPORT_LEVEL[AccidentGrade(accident.grade)])
    if index >= top:
        return
    next_level = REPORT_LEVEL_ORDER[index + 1]
    kind = CLOCK_FORWARD.format(level=next_level)
    if StatutoryDeadline.objects.of(accident, kind).filter(cancelled_at__isnull=True).exists():
        return  # already running (or met): a re-grade must not move a clock that is ticking
    # A clock cancelled by an earlier downgrade is restarted from this receipt (deadline_open reopens it).
    _open_clock(
        accident,
        kind=kind,
        title=_("Forward accident report to %(level)s: %(title)s")
        % {"level": ReportLevel(next_level).label, "title": accident.title},
        due_at=received_at + dt.timedelta(hours=accident.rule_set.forward_hours),
        legal_basis=BASIS_FORWARD,
    )


def _cancel_forward_clocks_above(accident: Accident) -> None:
    """After a downgrade the report need not go as far up: the clocks of levels above the grade's top
    level that are still running are no longer needed (a met one stays as it was)."""
    top = _level_index(TOP_REPORT_LEVEL[AccidentGrade(accident.grade)])
    for level in REPORT_LEVEL_ORDER[top + 1 :]:
        deadline_cancel(source=accident, kind=CLOCK_FORWARD.format(level=level))


def _notify_regulators(accident: Accident, *, key: str, title: str) -> None:
    recipients = list(inspectors_for(accident.jurisdiction)) + list(county_office_users(accident.jurisdiction))
    if GRADE_ORDER.index(AccidentGrade(accident.grade)) >= GRADE_ORDER.index(AccidentGrade.LARGER):
        recipients += list(committee_office_users())
    notify(
        recipients=recipients,
        title=title,
        url=accident.get_absolute_url(),
        category="emergency.accident",
        dedup_key=f"accident:{accident.pk}:{key}",
    )


def accident_report(
    *,
    actor: User,
    title: str,
    category: str,
    occurred_at: dt.datetime,
    location: str,
    enterprise: Any = None,
    jurisdiction: Jurisdiction | None = None,
    reported_at: dt.datetime | None = None,
    description: str = "",
    is_production_safety: bool = True,
    **figures: Any,
) -> Accident:
    """事故报告: an enterprise reports on the platform (which is the report to the county regulator), or an
    inspector records a report received otherwise, with the time the county received it.

    Grades by Decree 493 under the rule set in force when it happened, starts the statutory clocks and
    records the `accident` fact (revision 1).
    """
    require(can(actor, "emergency.report_accident"), _("You may not report accidents."))
    now = timezone.now()
    if is_enterprise_person(actor):
        enterprise = actor.enterprise
        # The platform report is the report to the county (never before the accident, whatever the
        # phone's clock said about the time of the accident).
        reported_at = max(now, occurred_at)
    if enterprise is not None:
        ensure_visible(actor, enterprise, _("This enterprise is outside your scope."))
        jurisdiction = enterprise.jurisdiction
    if jurisdiction is None:
        raise ValidationError({"jurisdiction": _("Say where it happened (jurisdiction or enterprise).")})
    if enterprise is None and not jurisdiction_in_scope(actor, jurisdiction):
        raise ValidationError({"jurisdiction": _("This jurisdiction is outside your jurisdictions.")})
    require_text(title, "title", _("Give the accident a title."))
    require_text(location, "location", _("Say where it happened."))
    _not_future(occurred_at, now, "occurred_at", _("The time of the accident cannot be in the future."))
    reported_at = reported_at or now
    if reported_at < occurred_at:
        raise ValidationError({"reported_at": _("The report cannot precede the accident.")})
    _not_future(reported_at, now, "reported_at", _("The report time cannot be in the future."))
    values = _figures(figures)
    rule_set = GradingRuleSet.objects.in_force(occurred_at)
    grade = _grade(values, rule_set)
    with transaction.atomic():
        accident = Accident(
            title=title.strip()[:200],
            category=category,
            is_production_safety=is_production_safety,
            occurred_at=occurred_at,
            reported_at=reported_at,
            location=location.strip()[:200],
            jurisdiction=jurisdiction,
            enterprise=enterprise,
            description=description,
            grade=grade,
            rule_set=rule_set,
            reported_by=actor,
            investigation_due_at=occurred_at + dt.timedelta(days=rule_set.investigation_days)
            if is_production_safety
            else None,
            **values,
        )
        accident.full_clean()
        accident.save()
        AccidentRevision.objects.create(
            accident=accident,
            revision=1,
            grade=grade,
            rule_set=rule_set,
            recorded_by=actor,
            note=_("First report"),
            **values,
        )
        AccidentReportStep.objects.create(
            accident=accident,
            level=ReportLevel.COUNTY,
            received_at=reported_at,
            due_at=accident.report_due_at,
            recorded_by=actor,
        )
        # The one-hour clock: opened and, with this report, met at the time the county received it
        # (late if after the hour; the clock keeps both times).
        _open_clock(
            accident,
            kind=CLOCK_REPORT,
            title=_("Report accident to the county regulator: %(title)s") % {"title": accident.title},
            due_at=accident.report_due_at,
            legal_basis=BASIS_REPORT,
        )
        deadline_met(source=accident, kind=CLOCK_REPORT, at=reported_at)
        _open_forward_clock(accident, received_level=ReportLevel.COUNTY, received_at=reported_at)
        _open_clock(
            accident,
            kind=CLOCK_SUPPLEMENT,
            title=_("Confirm casualty figures (supplementary report): %(title)s") % {"title": accident.title},
            due_at=accident.supplement_due_at,
            legal_basis=BASIS_SUPPLEMENT,
        )
        if accident.investigation_due_at is not None:
            _open_clock(
                accident,
                kind=CLOCK_INVESTIGATION,
                title=_("Accident investigation report due: %(title)s") % {"title": accident.title},
                due_at=accident.investigation_due_at,
                legal_basis=BASIS_INVESTIGATION,
            )
        _record_fact(accident)
        transaction.on_commit(
            lambda: _notify_regulators(
                accident,
                key="reported",
                title=_("Accident reported (%(grade)s): %(title)s")
                % {"grade": accident.get_grade_display(), "title": accident.title},
            )
        )
    return accident


def accident_supplement(
    *, actor: User, accident: Accident, note: str = "", final: bool = False, **figures: Any
) -> Accident:
    """续报: supplement the casualty and loss figures. A change re-grades the accident (same rule-set
    version), is kept as a new revision, records a new `accident` fact, and — when the grade rises —
    starts the clocks for the higher levels the report must now reach; when it falls, the running clocks
    of levels the report no longer needs to reach are cancelled. `final` confirms the figures, which meets
    the supplement clock."""
    require(can(actor, "emergency.follow_accident", accident), _("You may not supplement this accident."))
    with transaction.atomic():
        locked = _lock_open(
            accident,
            _("This accident is closed."),
            Accident.objects.select_related("rule_set", "enterprise", "jurisdiction"),
        )
        current = {name: getattr(locked, name) for name in FIGURE_FIELDS}
        values = _figures({**current, **{k: v for k, v in figures.items() if k in FIGURE_FIELDS}})
        changed = values != current
        if not changed and not final:
            raise DomainError(
                _("Nothing changed: the figures are the same as before."), field="deaths", code="figures_unchanged"
            )
        now = timezone.now()
        if changed:
            old_grade = locked.grade
            for name, value in values.items():
                setattr(locked, name, value)
            locked.grade = _grade(values, locked.rule_set)
            locked.revision += 1
            AccidentRevision.objects.create(
                accident=locked,
                revision=locked.revision,
                grade=locked.grade,
                rule_set=locked.rule_set,
                note=note[:300],
                is_late=now > locked.supplement_due_at,
                recorded_by=actor,
                recorded_at=now,
                **values,
            )
            if GRADE_ORDER.index(AccidentGrade(locked.grade)) > GRADE_ORDER.index(AccidentGrade(old_grade)):
                highest = locked.report_steps.order_by("-received_at", "-id").first()
                if highest is not None:
                    _open_forward_clock(locked, received_level=highest.level, received_at=max(highest.received_at, now))
                grade_label = locked.get_grade_display()
                transaction.on_commit(
                    lambda: _notify_regulators(
                        locked,
                        key=f"grade:{locked.revision}",
                        title=_("Accident re-graded to %(grade)s: %(title)s")
                        % {"grade": grade_label, "title": locked.title},
                    )
                )
            elif GRADE_ORDER.index(AccidentGrade(locked.grade)) < GRADE_ORDER.index(AccidentGrade(old_grade)):
                _cancel_forward_clocks_above(locked)
        if final:
            locked.figures_confirmed_at = now
            deadline_met(source=locked, kind=CLOCK_SUPPLEMENT, at=now)
        locked.save()
        if changed:
            _record_fact(locked)
    return locked


def accident_forward(
    *, actor: User, accident: Accident, level: str, received_at: dt.datetime | None = None, note: str = ""
) -> AccidentReportStep:
    """逐级上报: record that the next level up received the report; meets that level's clock and starts the
    next one where the grade requires it."""
    require(can(actor, "emergency.handle_accident", accident), _("Only supervision staff forward accident reports."))
    if level not in ReportLevel.values or level == ReportLevel.COUNTY:
        raise ValidationError({"level": _("Choose the level that received the report.")})
    now = timezone.now()
    received_at = received_at or now
    _not_future(received_at, now, "received_at", _("Cannot be in the future."))
    with transaction.atomic():
        locked = lock_row(Accident.objects.select_related("rule_set"), accident.pk)
        reached = set(locked.report_steps.values_list("level", flat=True))
        previous = REPORT_LEVEL_ORDER[_level_index(level) - 1]
        if level in reached:
            raise DomainError(_("That level already has the report."), field="level", code="report_already_at_level")
        if previous not in reached:
            raise DomainError(_("Reports go up one level at a time."), field="level", code="report_level_skipped")
        last = locked.report_steps.get(level=previous)
        if received_at < last.received_at:
            raise ValidationError({"received_at": _("Cannot precede the previous level's receipt.")})
        step = AccidentReportStep.objects.create(
            accident=locked,
            level=level,
            received_at=received_at,
            due_at=last.received_at + dt.timedelta(hours=locked.rule_set.forward_hours),
            recorded_by=actor,
            note=note[:300],
        )
        deadline_met(source=locked, kind=CLOCK_FORWARD.format(level=level), at=received_at)
        _open_forward_clock(locked, received_level=level, received_at=received_at)
    return step


def accident_mark_concealed(*, actor: User, accident: Accident, note: str) -> Accident:
    """瞒报/谎报: staff find the accident was concealed or falsely reported (a fact for credit)."""
    require(can(actor, "emergency.handle_accident", accident), _("Only supervision staff record concealment."))
    require_text(note, "note", _("Describe the finding."))
    with transaction.atomic():
        locked = lock_row(Accident.objects.all(), accident.pk)
        if locked.concealed:
            raise DomainError(
                _("Concealment is already recorded."), field="concealed", code="concealment_already_recorded"
            )
        locked.concealed = True
        locked.concealed_note = note.strip()[:300]
        locked.save(update_fields=["concealed", "concealed_note", "updated_at"])
        _fact(locked, FactKind.ACCIDENT_CONCEALED, "concealed", note=locked.concealed_note)
    return locked


def accident_extend_investigation(*, actor: User, accident: Accident, days: int, reason: str) -> Accident:
    """The investigation deadline may be extended once, by at most the rule set's extension (60 days)."""
    require(can(actor, "emergency.handle_accident", accident), _("Only supervision staff extend investigations."))
    days = _count(days, "days")
    require_text(reason, "reason", _("Give the reason for the extension."))
    with transaction.atomic():
        locked = lock_row(Accident.objects.select_related("rule_set"), accident.pk)
        if locked.investigation_due_at is None:
            raise DomainError(
                _("This incident has no investigation deadline."), field="days", code="no_investigation_deadline"
            )
        if locked.investigation_report_at is not None:
            raise DomainError(
                _("The investigation report is already in."), field="days", code="investigation_report_in"
            )
        if locked.investigation_extended:
            raise DomainError(
                _("The investigation may be extended only once."), field="days", code="investigation_already_extended"
            )
        limit = locked.rule_set.investigation_extension_days
        if not 1 <= days <= limit:
            raise ValidationError({"days": _("Extend by 1 to %(n)d days.") % {"n": limit}})
        locked.investigation_due_at += dt.timedelta(days=days)
        locked.investigation_extended = True
        locked.investigation_extension_reason = reason.strip()[:300]
        locked.save(
            update_fields=[
                "investigation_due_at",
                "investigation_extended",
                "investigation_extension_reason",
                "updated_at",
            ]
        )
        _open_clock(
            locked,
            kind=CLOCK_INVESTIGATION,
            title=_("Accident investigation report due (extended): %(title)s") % {"title": locked.title},
            due_at=locked.investigation_due_at,
            legal_basis=BASIS_INVESTIGATION,
        )
    return locked


def accident_submit_investigation(
    *, actor: User, accident: Accident, summary: str, submitted_at: dt.datetime | None = None
) -> Accident:
    require(can(actor, "emergency.handle_accident", accident), _("Only supervision staff file investigation reports."))
    require_text(summary, "summary", _("Summarise the investigation's conclusion."))
    submitted_at = submitted_at or timezone.now()
    with transaction.atomic():
        locked = lock_row(Accident.objects.all(), accident.pk)
        if locked.investigation_report_at is not None:
            raise DomainError(
                _("The investigation report is already in."), field="summary", code="investigation_report_in"
            )
        if submitted_at < locked.occurred_at:
            raise ValidationError({"submitted_at": _("Cannot precede the accident.")})
        locked.investigation_report_at = submitted_at
        locked.investigation_summary = summary.strip()
        if locked.status in (AccidentStatus.REPORTED, AccidentStatus.RESPONDING):
            locked.status = AccidentStatus.INVESTIGATING
        locked.save()
        deadline_met(source=locked, kind=CLOCK_INVESTIGATION, at=submitted_at)
    return locked


def accident_end_response(*, actor: User, accident: Accident, note: str = "") -> Accident:
    """应急响应结束: the response is over; the accident moves on to investigation."""
    require(can(actor, "emergency.handle_accident", accident), _("Only supervision staff end the response."))
    with transaction.atomic():
        locked = lock_in_state(
            Accident.objects.all(),
            accident.pk,
            (AccidentStatus.REPORTED, AccidentStatus.RESPONDING),
            message=_("The response has already ended."),
            code="response_already_ended",
        )
        locked.status = AccidentStatus.INVESTIGATING
        locked.save(update_fields=["status", "updated_at"])
        ResponseLogEntry.objects.create(
            accident=locked,
            at=timezone.now(),
            kind="command",
            actor_name=str(actor),
            action=note or _("Emergency response ended."),
            recorded_by=actor,
        )
    return locked


def accident_close(*, actor: User, accident: Accident) -> Accident:
    """结案: needs the investigation report (production-safety accidents), a concluded evaluation and every
    corrective measure verified."""
    require(can(actor, "emergency.handle_accident", accident), _("Only supervision staff close accidents."))
    with transaction.atomic():
        locked = _lock_open(accident, _("This accident is already closed."))
        if locked.is_production_safety and locked.investigation_report_at is None:
            raise DomainError(
                _("The investigation report is still missing."), field="status", code="investigation_report_missing"
            )
        evaluation = AccidentEvaluation.objects.filter(accident=locked).first()
        if evaluation is None or evaluation.concluded_at is None:
            raise DomainError(
                _("The post-incident evaluation is not concluded."), field="status", code="evaluation_not_concluded"
            )
        if evaluation.measures.exclude(status=MeasureStatus.VERIFIED).exists():
            raise DomainError(
                _("Some corrective measures are not verified complete."), field="status", code="measures_not_verified"
            )
        now = timezone.now()
        locked.status = AccidentStatus.CLOSED
        locked.closed_at = now
        if locked.figures_confirmed_at is None:
            locked.figures_confirmed_at = now
        locked.save(update_fields=["status", "closed_at", "figures_confirmed_at", "updated_at"])
        deadline_met(source=locked, kind=CLOCK_SUPPLEMENT, at=now)
        deadline_cancel(source=locked)
    return locked


# Response log -------------------------------------------------------------------------------


def response_log_add(
    *,
    actor: User,
    accident: Accident,
    action: str,
    actor_name: str = "",
    kind: str = "other",
    at: dt.datetime | None = None,
    teams: Iterable[RescueTeam] = (),
    dispatch_order: DispatchOrder | None = None,
    deploy_teams: bool = True,
) -> ResponseLogEntry:
    """处置记录: who did what when, with the teams and the supplies deployed. Teams listed are marked deployed."""
    from .teams import team_set_readiness

    require(can(actor, "emergency.follow_accident", accident), _("You may not log the response to this accident."))
    require_text(action, "action", _("Say what was done."))
    now = timezone.now()
    at = at or now
    _not_future(at, now, "at", _("Cannot be in the future."))
    team_list = list(teams)
    visible_teams = set(
        RescueTeam.objects.visible_to(actor).filter(pk__in=[t.pk for t in team_list]).values_list("pk", flat=True)
    )
    if len(visible_teams) != len({t.pk for t in team_list}):
        raise ValidationError({"teams": _("A team is outside your scope.")})
    if dispatch_order is not None and dispatch_order.accident_id not in (None, accident.pk):
        raise ValidationError({"dispatch_order": _("This dispatch order belongs to another incident.")})
    # The web form offers only orders the user sees; the API takes any id, so the rule lives here.
    if dispatch_order is not None and not DispatchOrder.objects.visible_to(actor).filter(pk=dispatch_order.pk).exists():
        raise ValidationError({"dispatch_order": _("This dispatch order is outside your scope.")})
    with transaction.atomic():
        locked = _lock_open(accident, _("This accident is closed."))
        entry = ResponseLogEntry.objects.create(
            accident=locked,
            at=at,
            kind=kind,
            actor_name=(actor_name or str(actor))[:100],
            action=action.strip(),
            dispatch_order=dispatch_order,
            recorded_by=actor,
        )
        entry.teams.set(team_list)
        if locked.status == AccidentStatus.REPORTED:
            locked.status = AccidentStatus.RESPONDING
            locked.save(update_fields=["status", "updated_at"])
        if deploy_teams:
            for team in team_list:
                if team.readiness != Readiness.DEPLOYED:
                    team_set_readiness(
                        actor=actor,
                        team=team,
                        readiness=Readiness.DEPLOYED,
                        note=_("Deployed to %(t)s") % {"t": locked.title},
                    )
    return entry


# Post-incident evaluation ----------------------------------------------------------------


def evaluation_save(
    *, actor: User, accident: Accident, causes: str = "", response_assessment: str = "", lessons: str = ""
) -> AccidentEvaluation:
    require(can(actor, "emergency.handle_accident", accident), _("Only supervision staff evaluate accidents."))
    with transaction.atomic():
        evaluation = AccidentEvaluation.objects.select_for_update().filter(accident=accident).first()
        if evaluation is None:
            evaluation = AccidentEvaluation(accident=accident, created_by=actor)
        elif evaluation.concluded_at is not None:
            raise DomainError(_("The evaluation is concluded."), field="causes", code="evaluation_concluded")
        evaluation.causes = causes
        evaluation.response_assessment = response_assessment
        evaluation.lessons = lessons
        evaluation.save()
    return evaluation


def evaluation_conclude(*, actor: User, evaluation: AccidentEvaluation) -> AccidentEvaluation:
    require(
        can(actor, "emergency.handle_accident", evaluation.accident), _("Only supervision staff evaluate accidents.")
    )
    with transaction.atomic():
        locked = lock_row(AccidentEvaluation.objects.all(), evaluation.pk)
        if locked.concluded_at is not None:
            raise DomainError(_("The evaluation is already concluded."), field="causes", code="evaluation_concluded")
        if not locked.causes.strip():
            raise ValidationError({"causes": _("Record the causes before concluding.")})
        locked.concluded_at = timezone.now()
        locked.concluded_by = actor
        locked.save(update_fields=["concluded_at", "concluded_by", "updated_at"])
    return locked


def accountability_add(
    *,
    actor: User,
    evaluation: AccidentEvaluation,
    party_kind: str,
    party_name: str,
    responsibility: str,
    finding: str,
    sanction: str = "",
    enterprise: Any = None,
    department: Any = None,
) -> AccountabilityFinding:
    """责任倒查: record who bears which responsibility, and the handling proposed or decided."""
    require(
        can(actor, "emergency.handle_accident", evaluation.accident), _("Only supervision staff trace accountability.")
    )
    if evaluation.concluded_at is not None:
        raise DomainError(_("The evaluation is concluded."), field="finding", code="evaluation_concluded")
    finding_obj = AccountabilityFinding(
        evaluation=evaluation,
        party_kind=party_kind,
        party_name=party_name.strip(),
        responsibility=responsibility,
        finding=finding.strip(),
        sanction=sanction.strip(),
        enterprise=enterprise,
        department=department,
        recorded_by=actor,
    )
    finding_obj.full_clean()
    finding_obj.save()
    return finding_obj


def measure_add(
    *,
    actor: User,
    evaluation: AccidentEvaluation,
    description: str,
    responsible: str,
    due_on: dt.date,
    responsible_enterprise: Any = None,
) -> CorrectiveMeasure:
    """整改措施: a corrective measure with a deadline, followed (and escalated when late) until verified."""
    require(
        can(actor, "emergency.handle_accident", evaluation.accident),
        _("Only supervision staff set corrective measures."),
    )
    if due_on < timezone.localdate():
        raise ValidationError({"due_on": _("The deadline cannot be in the past.")})
    measure = CorrectiveMeasure(
        evaluation=evaluation,
        description=description.strip(),
        responsible=responsible.strip(),
        responsible_enterprise=responsible_enterprise,
        due_on=due_on,
    )
    measure.full_clean()
    with transaction.atomic():
        measure.save()
        _open_measure_clock(measure, evaluation.accident)
    return measure


def _open_measure_clock(measure: CorrectiveMeasure, accident: Accident) -> None:
    """The measure's clock runs to the end of its due day, under the responsible enterprise (else the accident's)."""
    deadline_open(
        source=measure,
        kind=CLOCK_MEASURE,
        title=_("Corrective measure due: %(m)s") % {"m": str(measure)},
        due_at=timezone.make_aware(dt.datetime.combine(measure.due_on, dt.time(23, 59, 59))),
        enterprise=measure.responsible_enterprise or accident.enterprise,
        jurisdiction=accident.jurisdiction,
        url=accident.get_absolute_url(),
    )


MEASURE_TRANSITIONS = {
    MeasureStatus.OPEN: {MeasureStatus.IN_PROGRESS, MeasureStatus.DONE},
    MeasureStatus.IN_PROGRESS: {MeasureStatus.IN_PROGRESS, MeasureStatus.DONE},
    MeasureStatus.DONE: {MeasureStatus.VERIFIED, MeasureStatus.IN_PROGRESS},
    MeasureStatus.VERIFIED: set(),
}


def measure_progress(*, actor: User, measure: CorrectiveMeasure, to_status: str, note: str) -> CorrectiveMeasure:
    """Report progress, mark done, or (staff) verify or send back. Each step is kept."""
    accident = measure.evaluation.accident
    staff = can(actor, "emergency.handle_accident", accident)
    require(staff or can(actor, "emergency.progress_measure", measure), _("You may not update this measure."))
    if to_status not in MeasureStatus.values:
        raise ValidationError({"to_status": _("Unknown status.")})
    if to_status == MeasureStatus.VERIFIED or (
        measure.status == MeasureStatus.DONE and to_status == MeasureStatus.IN_PROGRESS
    ):
        require(staff, _("Only supervision staff verify measures."))
    require_text(note, "note", _("Describe the progress."))
    with transaction.atomic():
        locked = lock_in_state(
            CorrectiveMeasure.objects.all(),
            measure.pk,
            [source for source, targets in MEASURE_TRANSITIONS.items() if to_status in targets],
            message=_("A measure that is %(status)s cannot go there."),
            code="measure_wrong_status",
            field="to_status",
        )
        MeasureProgress.objects.create(
            measure=locked, from_status=locked.status, to_status=to_status, note=note.strip()[:500], actor=actor
        )
        now = timezone.now()
        if to_status == MeasureStatus.DONE:
            locked.completed_at = now
            deadline_met(source=locked, kind=CLOCK_MEASURE, at=now)
        elif to_status == MeasureStatus.VERIFIED:
            locked.verified_at = now
            locked.verified_by = actor
        elif locked.status == MeasureStatus.DONE:
            # Sent back: the clock runs again (to the original deadline, so it may be overdue at once).
            locked.completed_at = None
            _open_measure_clock(locked, accident)
        locked.status = to_status
        locked.save()
    return locked
