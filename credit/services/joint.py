"""Joint rewards and punishments (联合奖惩, seed §5.3): the written notices to the same-level departments and
the measures those departments applied.

A notice (联合奖惩告知书) is issued per recipient department and month, after the month: it lists the grade
changes and the blacklist entries published or removed in the month, as they were when it was issued. The
department acknowledges receipt (签收); a notice not acknowledged within the rule set's `notice_ack_days`
runs out on the statutory clock (`deadline_open`) and is escalated like any other deadline.

A measure (联合惩戒/激励措施) is what a department did about a listed enterprise: a punishment needs the
enterprise on the published blacklist or at grade 3; an incentive needs grade 1 and no listing.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enterprises.models import Enterprise
from safety_platform.deadline_kinds import register_deadline_kind
from safety_platform.locking import lock_in_state, lock_row
from safety_platform.models import Department, User
from safety_platform.permissions import can, require
from safety_platform.services import DomainError, deadline_met, deadline_open, department_users, notify, required_text

from ..choices import (
    JOINT_INCENTIVE_KINDS,
    BlacklistStatus,
    Grade,
    JointMeasureBasis,
    JointMeasureCategory,
    JointMeasureChannel,
    JointMeasureKind,
    JointMeasureStatus,
    RatingStatus,
)
from ..models import BlacklistEntry, CreditRating, CreditRatingHistory, JointMeasure, JointNotice, RuleSet
from ..models.joint import DEFAULT_NOTICE_RECIPIENT_CODES, JointNoticeRecipient

NOTICE_ACK_KIND = register_deadline_kind(
    "credit_notice_ack", gettext_lazy("acknowledgement of a joint-punishment notice")
)
NOTICE_LEGAL_BASIS = "龙岩市预防和遏制重特大生产安全事故六条措施 第五条第3项（书面告知）"
# A notice lists at most this many grade changes (worst first); the rest are in the API's ratings feed.
NOTICE_MAX_GRADE_ROWS = 2000


# Periods ------------------------------------------------------------------------------------------


def month_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """The calendar month containing `day`: (first day, last day)."""
    first = day.replace(day=1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def previous_month(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    today = today or timezone.localdate()
    return month_of(today.replace(day=1) - dt.timedelta(days=1))


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


# Recipients ---------------------------------------------------------------------------------------


def joint_notice_recipients() -> list[Department]:
    """The departments that receive the notice: those chosen in the admin, else the seed's default list."""
    chosen = JointNoticeRecipient.objects.all()
    if chosen.exists():
        return list(
            Department.objects.filter(
                joint_notice_recipient__is_active=True, is_active=True, joint_notice_recipient__isnull=False
            ).order_by("name")
        )
    return list(Department.objects.filter(code__in=DEFAULT_NOTICE_RECIPIENT_CODES, is_active=True).order_by("name"))


# What a notice lists ------------------------------------------------------------------------------


def _grade_changes(start: dt.date, end: dt.date) -> tuple[list[dict[str, Any]], int]:
    """Enterprises whose grade changed in the period: (the grade before the period → the grade at its end),
    worst first, at most NOTICE_MAX_GRADE_ROWS; and how many there are in all. A first grading counts when
    it is grade 1 or grade 3 (it opens an incentive or a punishment)."""
    rows = (
        CreditRatingHistory.objects.filter(
            computed_at__gte=_day_start(start), computed_at__lt=_day_start(end + dt.timedelta(days=1))
        )
        .filter(
            (Q(previous_grade__isnull=False) & ~Q(previous_grade=F("grade")))
            | Q(previous_grade__isnull=True, grade__in=[Grade.ONE, Grade.THREE])
        )
        .order_by("enterprise_id", "computed_at", "id")
        .values_list("enterprise_id", "previous_grade", "grade", "as_of")
    )
    per_enterprise: dict[int, list[Any]] = {}
    for enterprise_id, previous, grade, as_of in rows.iterator(chunk_size=2000):
        seen = per_enterprise.get(enterprise_id)
        if seen is None:
            per_enterprise[enterprise_id] = [previous, grade, as_of]
        else:
            seen[1], seen[2] = grade, as_of
    changed = {pk: v for pk, v in per_enterprise.items() if v[0] != v[1]}
    # Worst first: to grade 3, then to grade 1, then the others; by enterprise within.
    order = {Grade.THREE: 0, Grade.ONE: 1, Grade.TWO: 2}
    chosen = sorted(changed.items(), key=lambda item: (order.get(item[1][1], 3), item[0]))[:NOTICE_MAX_GRADE_ROWS]
    names = {
        pk: (name, code)
        for pk, name, code in Enterprise.objects.filter(pk__in=[pk for pk, _v in chosen]).values_list(
            "pk", "name", "credit_code"
        )
    }
    out = [
        {
            "enterprise_id": pk,
            "name": names.get(pk, ("", ""))[0],
            "credit_code": names.get(pk, ("", ""))[1],
            "from": previous,
            "to": grade,
            "on": as_of.isoformat(),
        }
        for pk, (previous, grade, as_of) in chosen
    ]
    return out, len(changed)


def _blacklist_changes(start: dt.date, end: dt.date) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Entries published (listed_on in the period) and removed (removed_on in the period)."""
    fields = (
        "pk",
        "enterprise_id",
        "enterprise__name",
        "enterprise__credit_code",
        "case",
        "reason",
        "legal_basis",
        "listed_on",
        "ends_on",
        "removed_on",
        "removal_reason",
    )
    published = BlacklistEntry.objects.filter(status__in=[BlacklistStatus.ACTIVE, BlacklistStatus.REMOVED])
    case_labels = dict(BlacklistEntry._meta.get_field("case").choices or [])
    removal_labels = dict(BlacklistEntry._meta.get_field("removal_reason").choices or [])

    def row(values: tuple[Any, ...]) -> dict[str, Any]:
        data = dict(zip(fields, values, strict=True))
        return {
            "entry_id": data["pk"],
            "enterprise_id": data["enterprise_id"],
            "name": data["enterprise__name"],
            "credit_code": data["enterprise__credit_code"],
            "case": str(case_labels.get(data["case"], "")),
            "reason": data["reason"],
            "legal_basis": data["legal_basis"],
            "listed_on": data["listed_on"].isoformat() if data["listed_on"] else "",
            "ends_on": data["ends_on"].isoformat() if data["ends_on"] else "",
            "removed_on": data["removed_on"].isoformat() if data["removed_on"] else "",
            "removal_reason": str(removal_labels.get(data["removal_reason"], "")),
        }

    listed = [
        row(v) for v in published.filter(listed_on__range=(start, end)).order_by("listed_on", "pk").values_list(*fields)
    ]
    removed = [
        row(v)
        for v in published.filter(status=BlacklistStatus.REMOVED, removed_on__range=(start, end))
        .order_by("removed_on", "pk")
        .values_list(*fields)
    ]
    return listed, removed


def joint_notice_content(start: dt.date, end: dt.date) -> dict[str, Any]:
    """What a notice of the period lists, as stored text (labels in the platform's language)."""
    with translation.override(settings.LANGUAGE_CODE):
        grades, grade_total = _grade_changes(start, end)
        listed, removed = _blacklist_changes(start, end)
    return {"grades": grades, "grade_total": grade_total, "listed": listed, "removed": removed}


# Issuing ------------------------------------------------------------------------------------------


def _next_number(year: int) -> int:
    last = JointNotice.objects.filter(year=year).order_by("-number").values_list("number", flat=True).first()
    return (last or 0) + 1


def _ack_due_at(day: dt.date) -> dt.datetime:
    """The end of the day to acknowledge by (Asia/Shanghai)."""
    return _day_start(day + dt.timedelta(days=1))


def joint_notice_issue(
    *,
    department: Department,
    period_start: dt.date,
    actor: User | None = None,
    content: dict[str, Any] | None = None,
    now: dt.datetime | None = None,
) -> tuple[JointNotice, bool]:
    """The notice of the month starting `period_start` to `department`: issued once (idempotent), numbered
    per year, its receipt clock started and the department's staff told. Returns (notice, created)."""
    start, end = month_of(period_start)
    now = now or timezone.now()
    if end >= timezone.localtime(now).date():
        raise DomainError(
            _("A notice covers a month that has ended; choose an earlier month."), field="period", code="invalid"
        )
    existing = JointNotice.objects.filter(department=department, period_start=start).first()
    if existing is not None:
        return existing, False
    rule_set = RuleSet.objects.in_force(timezone.localtime(now).date())
    if rule_set is None:
        raise DomainError(_("No credit rule set is in force."), code="no_published_rule_set")
    if content is None:
        content = joint_notice_content(start, end)
    for _attempt in range(5):
        try:
            with transaction.atomic():
                notice = JointNotice.objects.create(
                    department=department,
                    period_start=start,
                    period_end=end,
                    year=timezone.localtime(now).year,
                    number=_next_number(timezone.localtime(now).year),
                    rule_set=rule_set,
                    content=content,
                    grade_count=int(content.get("grade_total", len(content.get("grades", [])))),
                    listed_count=len(content.get("listed", [])),
                    removed_count=len(content.get("removed", [])),
                    issued_at=now,
                    issued_by=actor,
                    ack_due_on=timezone.localtime(now).date() + dt.timedelta(days=rule_set.notice_ack_days),
                )
                _after_issue(notice)
            return notice, True
        except IntegrityError:
            # Another worker issued this department's notice (return it) or took the number (try the next).
            existing = JointNotice.objects.filter(department=department, period_start=start).first()
            if existing is not None:
                return existing, False
    raise DomainError(_("Could not number the notice; try again."), code="notice_number_taken")


def _after_issue(notice: JointNotice) -> None:
    staff = list(department_users(notice.department_id).order_by("pk"))
    with translation.override(settings.LANGUAGE_CODE):
        period = f"{notice.period_start:%Y}年{notice.period_start.month}月"
        title = _("Joint rewards and punishments notice %(number)s (%(period)s)") % {
            "number": notice.doc_number,
            "period": period,
        }
        deadline_open(
            source=notice,
            kind=NOTICE_ACK_KIND,
            title=_("Acknowledge receipt: %(title)s") % {"title": title},
            due_at=_ack_due_at(notice.ack_due_on),
            jurisdiction=notice.department.jurisdiction,
            responsible=staff[0] if staff else None,
            url=notice.get_absolute_url(),
            legal_basis=NOTICE_LEGAL_BASIS,
        )
        notify(
            recipients=staff,
            title=title,
            body=_("Please read it and acknowledge receipt by %(day)s.") % {"day": notice.ack_due_on.isoformat()},
            url=notice.get_absolute_url(),
            category="credit",
            dedup_key=f"credit:notice:{notice.pk}:issued",
        )


def joint_notices_issue_period(
    *, period_start: dt.date | None = None, actor: User | None = None, now: dt.datetime | None = None
) -> int:
    """Issue the month's notice to every recipient department (default: last month). Returns how many were
    new; running it again issues nothing twice."""
    now = now or timezone.now()
    start, end = month_of(period_start) if period_start else previous_month(timezone.localtime(now).date())
    recipients = joint_notice_recipients()
    missing = [d for d in recipients if not JointNotice.objects.filter(department=d, period_start=start).exists()]
    if not missing:
        return 0
    content = joint_notice_content(start, end)  # once for every department: they get the same list
    created = 0
    for department in missing:
        _notice, new = joint_notice_issue(
            department=department, period_start=start, actor=actor, content=content, now=now
        )
        created += int(new)
    return created


def joint_notice_acknowledge(*, actor: User, notice: JointNotice) -> JointNotice:
    """签收: a person of the addressed department confirms receipt; the receipt clock stops. Acknowledging
    twice keeps the first receipt."""
    require(
        actor, "credit.acknowledge_notice", notice, message=_("Only the addressed department acknowledges its notice.")
    )
    with transaction.atomic():
        locked = lock_row(JointNotice.objects.all(), notice.pk)
        if locked.acknowledged_at is None:
            locked.acknowledged_at = timezone.now()
            locked.acknowledged_by = actor
            locked.save(update_fields=["acknowledged_at", "acknowledged_by"])
            deadline_met(source=locked, kind=NOTICE_ACK_KIND, at=locked.acknowledged_at)
    return locked


# Measures -----------------------------------------------------------------------------------------


def measure_category(kind: str) -> str:
    return JointMeasureCategory.INCENTIVE if kind in JOINT_INCENTIVE_KINDS else JointMeasureCategory.PUNISHMENT


def _recording_department(actor: Any) -> tuple[int, Any]:
    """(department id, API key or None) of who records: a department's staff or a department's API key."""
    key = getattr(actor, "api_key", None)
    if key is not None:
        if key.department_id is None:
            raise DomainError(_("Only a department's key records measures."), code="forbidden")
        return key.department_id, key
    if can(actor, "credit.record_measure"):
        return actor.department_id, None
    raise DomainError(_("Only a department's staff record the measures their department applied."), code="forbidden")


def joint_measure_record(
    *,
    actor: Any,
    enterprise: Enterprise,
    kind: str,
    applied_on: dt.date,
    until: dt.date | None = None,
    note: str = "",
    basis: str = "",
    channel: str = JointMeasureChannel.WEB,
) -> JointMeasure:
    """Record a measure the actor's department applied to `enterprise`. Refusals name the field:
    `enterprise` when it is not listed (no active blacklist entry, not grade 3 for a punishment; not grade 1
    or blacklisted for an incentive), `basis` when the named basis does not hold, `applied_on`/`until` for
    dates, `kind` for an unknown measure."""
    department_id, key = _recording_department(actor)
    if kind not in JointMeasureKind.values:
        raise DomainError(_("Unknown measure."), field="kind", code="invalid")
    today = timezone.localdate()
    if applied_on > today:
        raise DomainError(
            _("The day the measure was applied cannot be in the future."), field="applied_on", code="invalid"
        )
    if until is not None and until < applied_on:
        raise DomainError(_("The end cannot be before the day the measure was applied."), field="until", code="invalid")
    if basis and basis not in JointMeasureBasis.values:
        raise DomainError(_("Unknown basis."), field="basis", code="invalid")
    category = measure_category(kind)
    entry = BlacklistEntry.objects.filter(enterprise=enterprise, status=BlacklistStatus.ACTIVE).order_by("-pk").first()
    rating = CreditRating.objects.filter(enterprise=enterprise, status=RatingStatus.ACTIVE).first()
    grade = rating.grade if rating else None
    chosen_entry: BlacklistEntry | None = None
    if category == JointMeasureCategory.PUNISHMENT:
        if entry is None and grade != Grade.THREE:
            raise DomainError(
                _(
                    "The enterprise is not listed: a joint punishment needs it on the published blacklist or "
                    "at grade 3."
                ),
                field="enterprise",
                code="invalid",
            )
        if basis == JointMeasureBasis.BLACKLIST and entry is None:
            raise DomainError(_("The enterprise is not on the published blacklist."), field="basis", code="invalid")
        if basis == JointMeasureBasis.GRADE and grade != Grade.THREE:
            raise DomainError(_("The enterprise is not at grade 3."), field="basis", code="invalid")
        basis = basis or (JointMeasureBasis.BLACKLIST if entry is not None else JointMeasureBasis.GRADE)
        chosen_entry = entry if basis == JointMeasureBasis.BLACKLIST else None
    else:
        if grade != Grade.ONE or entry is not None:
            raise DomainError(
                _("The enterprise is not listed: a joint incentive needs grade 1 and no blacklist entry."),
                field="enterprise",
                code="invalid",
            )
        if basis == JointMeasureBasis.BLACKLIST:
            raise DomainError(
                _("An incentive responds to the grade, not to the blacklist."), field="basis", code="invalid"
            )
        basis = JointMeasureBasis.GRADE
    with transaction.atomic():
        duplicate = (
            JointMeasure.objects.select_for_update()
            .filter(enterprise=enterprise, department_id=department_id, kind=kind, status=JointMeasureStatus.ACTIVE)
            .filter(Q(until__isnull=True) | Q(until__gte=applied_on))
            .exists()
        )
        if duplicate:
            raise DomainError(
                _("Your department has already recorded this measure for the enterprise, and it is in force."),
                field="kind",
                code="measure_already_recorded",
            )
        notice = (
            JointNotice.objects.filter(department_id=department_id, period_end__lte=applied_on)
            .order_by("-period_start")
            .first()
        )
        return JointMeasure.objects.create(
            enterprise=enterprise,
            department_id=department_id,
            category=category,
            kind=kind,
            basis=basis,
            blacklist_entry=chosen_entry,
            basis_grade=grade if basis == JointMeasureBasis.GRADE else None,
            basis_graded_on=rating.as_of if (rating and basis == JointMeasureBasis.GRADE) else None,
            notice=notice,
            applied_on=applied_on,
            until=until,
            note=note,
            channel=channel,
            recorded_by=actor if key is None else None,
            api_key=key,
        )


def joint_measure_revoke(*, actor: Any, measure: JointMeasure, reason: str) -> JointMeasure:
    """Revoke (never delete) a measure: the recording department's staff, with a reason."""
    department_id, _key = _recording_department(actor)
    if department_id != measure.department_id:
        raise DomainError(_("Only the department that applied the measure revokes it."), code="forbidden")
    reason = required_text(reason, field="reason", message=_("Give the reason for the revocation."))
    with transaction.atomic():
        locked = lock_in_state(
            JointMeasure.objects.all(),
            measure.pk,
            [JointMeasureStatus.ACTIVE],
            message=_("The measure is %(status)s already."),
            code="measure_already_revoked",
        )
        locked.status = JointMeasureStatus.REVOKED
        locked.revoked_at = timezone.now()
        locked.revoked_by = actor if getattr(actor, "api_key", None) is None else None
        locked.revoke_reason = reason
        locked.save(update_fields=["status", "revoked_at", "revoked_by", "revoke_reason"])
    return locked
