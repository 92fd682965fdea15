"""Writes of training: employees and their post changes, training records, special-operation certificates."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from safety_platform.choices import FactKind
from safety_platform.concurrency import Opened, check_stored_opened
from safety_platform.edits import lock_for_edit
from safety_platform.locking import lock_in_state
from safety_platform.models import Fact, User
from safety_platform.permissions import require
from safety_platform.rules import rule_number
from safety_platform.services import fact_record, notify

from ..registry.models import Enterprise
from ..standardization.models import add_months
from .legal_numbers import OPERATION_CERTIFICATE_YEARS
from .models import (
    Employee,
    EmployeePostEvent,
    EmployeeStatus,
    PersonRole,
    PostEventKind,
    SpecialOperation,
    SpecialOperationCertificate,
    TrainingCategory,
    TrainingRecord,
)
from .selectors import certificates_due


def _check_keep(actor: Any, enterprise: Enterprise) -> None:
    require(
        actor, "enterprises.keep_records", enterprise, message=_("Training records are kept by the enterprise itself.")
    )


def _event(employee: Employee, kind: str, on: dt.date, actor: Any, note: str = "", repeat: bool = False) -> None:
    EmployeePostEvent.objects.create(
        employee=employee,
        kind=kind,
        on=on,
        post=employee.post,
        post_is_high_risk=employee.post_is_high_risk,
        repeat_required=repeat,
        note=note.strip()[:300],
        recorded_by=actor,
    )


def employee_create(
    *,
    actor: User,
    enterprise: Enterprise,
    name: str,
    post: str,
    posted_on: dt.date,
    role: str = PersonRole.STAFF,
    post_is_high_risk: bool = False,
    special_operation: str = "",
    employee_number: str = "",
) -> Employee:
    """Register a person working in the enterprise, from the day they first started work."""
    _check_keep(actor, enterprise)
    employee = Employee(
        enterprise=enterprise,
        name=name.strip(),
        employee_number=employee_number.strip(),
        role=role,
        post=post.strip(),
        post_is_high_risk=post_is_high_risk,
        special_operation=special_operation,
        posted_on=posted_on,
        current_post_since=posted_on,
    )
    employee.full_clean()
    with transaction.atomic():
        employee.save()
        _event(employee, PostEventKind.POSTED, posted_on, actor)
    return employee


def employee_update(*, actor: User, employee: Employee, data: dict[str, Any], opened: Opened | None = None) -> Employee:
    """Correct an employee's details. A move to another post goes through `employee_change_post`.

    With `opened`, a field changed by someone else meanwhile refuses the save (`StaleEdit`)."""
    _check_keep(actor, employee.enterprise)
    allowed = {"name", "employee_number", "role", "special_operation", "post_is_high_risk"}
    if (
        employee.current_post_since == employee.posted_on
        and not employee.post_events.exclude(kind=PostEventKind.POSTED).exists()
    ):
        allowed |= {"posted_on", "post"}  # still the first post: the start date may be corrected
    with transaction.atomic():
        locked = lock_for_edit(employee, data, fields=allowed, opened=opened)
        if "posted_on" in data and "posted_on" in allowed:
            locked.current_post_since = locked.posted_on
        locked.full_clean()
        locked.save()
    return locked


def _lock_employee(employee: Employee, *statuses: str) -> Employee:
    return lock_in_state(
        Employee.objects.all(),
        employee.pk,
        statuses,
        message=_("Not possible while the employee is %(status)s."),
        code="employee_wrong_status",
    )


def employee_change_post(
    *,
    actor: User,
    employee: Employee,
    post: str,
    on: dt.date,
    post_is_high_risk: bool | None = None,
    special_operation: str | None = None,
    note: str = "",
) -> Employee:
    """Move to another post inside the enterprise: workshop and team training must be repeated (SAWS Order 3)."""
    _check_keep(actor, employee.enterprise)
    if not (post or "").strip():
        raise ValidationError({"post": _("Name the new post.")})
    with transaction.atomic():
        locked = _lock_employee(employee, EmployeeStatus.ON_POST)
        if on <= locked.current_post_since:
            raise ValidationError({"on": _("The change must come after the current post started.")})
        if post.strip() == locked.post:
            raise ValidationError({"post": _("This is the employee's current post.")})
        # Training completed after the previous post started and by the day of the move counts as the repeat.
        locked.repeat_after = locked.current_post_since
        locked.repeat_due_on = on
        locked.post = post.strip()
        if post_is_high_risk is not None:
            locked.post_is_high_risk = post_is_high_risk
        if special_operation is not None:
            locked.special_operation = special_operation
        locked.current_post_since = on
        locked.full_clean()
        locked.save()
        _event(locked, PostEventKind.POST_CHANGED, on, actor, note, repeat=True)
    return locked


def employee_set_away(*, actor: User, employee: Employee, on: dt.date, note: str = "") -> Employee:
    """The person leaves the post for a while (illness, secondment, leave)."""
    _check_keep(actor, employee.enterprise)
    with transaction.atomic():
        locked = _lock_employee(employee, EmployeeStatus.ON_POST)
        if on < locked.current_post_since:
            raise ValidationError({"on": _("The date is before the current post started.")})
        locked.status = EmployeeStatus.AWAY
        locked.away_since = on
        locked.save(update_fields=["status", "away_since", "updated_at"])
        _event(locked, PostEventKind.AWAY, on, actor, note)
    return locked


def returns_after_a_year(away_since: dt.date, returned_on: dt.date) -> bool:
    """ "离岗一年以上": away for one year or more (the law's 以上 includes the year itself)."""
    return returned_on >= add_months(away_since, 12)


def employee_return(
    *,
    actor: User,
    employee: Employee,
    on: dt.date,
    post: str = "",
    post_is_high_risk: bool | None = None,
    note: str = "",
) -> Employee:
    """Back on a post. After a year or more away, or on a different post, workshop and team levels repeat."""
    _check_keep(actor, employee.enterprise)
    with transaction.atomic():
        locked = _lock_employee(employee, EmployeeStatus.AWAY)
        assert locked.away_since is not None
        if on < locked.away_since:
            raise ValidationError({"on": _("The return must come after the employee left the post.")})
        long_absence = returns_after_a_year(locked.away_since, on)
        new_post = bool(post.strip()) and post.strip() != locked.post
        if long_absence or new_post:
            locked.repeat_after = locked.away_since if long_absence else locked.current_post_since
            locked.repeat_due_on = on
        if new_post:
            locked.post = post.strip()
            locked.current_post_since = on
        if post_is_high_risk is not None:
            locked.post_is_high_risk = post_is_high_risk
        locked.status = EmployeeStatus.ON_POST
        locked.away_since = None
        locked.full_clean()
        locked.save()
        _event(locked, PostEventKind.RETURNED, on, actor, note, repeat=long_absence or new_post)
    return locked


def employee_leave(*, actor: User, employee: Employee, on: dt.date, note: str = "") -> Employee:
    _check_keep(actor, employee.enterprise)
    with transaction.atomic():
        locked = _lock_employee(employee, EmployeeStatus.ON_POST, EmployeeStatus.AWAY)
        locked.status = EmployeeStatus.LEFT
        locked.save(update_fields=["status", "updated_at"])
        _event(locked, PostEventKind.LEFT, on, actor, note)
    return locked


POST_CHANGE_ACTIONS = ("change", "away", "return", "leave")


def employee_post_change(
    *,
    actor: User,
    employee: Employee,
    action: str,
    on: dt.date,
    post: str = "",
    post_is_high_risk: bool | None = None,
    special_operation: str | None = None,
    note: str = "",
) -> Employee:
    """One change of post by its `action` (POST_CHANGE_ACTIONS): to another post, away for a while, back on a
    post, or out of the enterprise; the page and the API both record it here."""
    if action == "change":
        return employee_change_post(
            actor=actor,
            employee=employee,
            post=post,
            on=on,
            post_is_high_risk=post_is_high_risk,
            special_operation=special_operation,
            note=note,
        )
    if action == "away":
        return employee_set_away(actor=actor, employee=employee, on=on, note=note)
    if action == "return":
        return employee_return(
            actor=actor, employee=employee, on=on, post=post, post_is_high_risk=post_is_high_risk, note=note
        )
    return employee_leave(actor=actor, employee=employee, on=on, note=note)


def training_record_add(
    *,
    actor: User,
    employee: Employee,
    category: str,
    hours: Any,
    completed_on: dt.date,
    passed: bool = True,
    provider: str = "",
    content: str = "",
) -> TrainingRecord:
    _check_keep(actor, employee.enterprise)
    if category not in TrainingCategory.values:
        raise ValidationError({"category": _("Unknown kind of training.")})
    if completed_on > timezone.localdate():
        raise ValidationError({"completed_on": _("Training cannot be completed in the future.")})
    record = TrainingRecord(
        employee=employee,
        category=category,
        hours=hours,
        completed_on=completed_on,
        passed=passed,
        provider=provider.strip(),
        content=content.strip(),
        recorded_by=actor,
    )
    record.full_clean()
    record.save()
    return record


def training_record_delete(*, actor: User, record: TrainingRecord) -> None:
    """Remove a record entered by mistake (the audit trail keeps what it said)."""
    _check_keep(actor, record.employee.enterprise)
    record.delete()


def special_certificate_save(
    *,
    actor: User,
    employee: Employee,
    operation: str,
    certificate_number: str,
    issued_on: dt.date,
    expires_on: dt.date | None = None,
    issuing_authority: str = "",
    certificate: SpecialOperationCertificate | None = None,
    opened: Opened | None = None,
) -> SpecialOperationCertificate:
    """Record (or correct) a special-operation certificate; the expiry defaults to six years after issue.

    With `opened`, a correction of a certificate changed by someone else meanwhile is refused (`StaleEdit`)."""
    _check_keep(actor, employee.enterprise)
    if operation not in SpecialOperation.values:
        raise ValidationError({"operation": _("Unknown special operation.")})
    cert = certificate or SpecialOperationCertificate(employee=employee)
    if cert.pk and cert.employee_id != employee.pk:
        raise ValidationError({"employee": _("The certificate belongs to another employee.")})
    cert.operation = operation
    cert.certificate_number = certificate_number.strip()
    cert.issued_on = issued_on
    if expires_on:
        cert.expires_on = expires_on
        cert.rule_version = ""
    else:
        # SAWS Order 30: valid six years (reviewed every three); the rule book in force on the day of issue.
        validity = rule_number(OPERATION_CERTIFICATE_YEARS, on=issued_on)
        cert.expires_on = add_months(issued_on, 12 * validity.years)
        cert.rule_version = validity.version
    cert.issuing_authority = issuing_authority.strip()
    if cert.expires_on <= cert.issued_on:
        raise ValidationError({"expires_on": _("The expiry date must be after the issue date.")})
    cert.full_clean()
    with transaction.atomic():
        check_stored_opened(opened, cert)
        cert.save()
    return cert


def special_certificates_sweep(*, today: dt.date | None = None) -> int:
    """Daily: tell the enterprise once about each certificate that expires within the warning period.

    The dedup key holds the expiry date: a renewed certificate (new expiry) is reminded again, a
    re-run of the same day or of any later day never is.
    """
    today = today or timezone.localdate()
    # A certificate already followed by a later one for the same operation (a renewal) needs no reminder.
    renewed = SpecialOperationCertificate.objects.filter(
        employee=OuterRef("employee"), operation=OuterRef("operation"), expires_on__gt=OuterRef("expires_on")
    )
    due = (
        certificates_due(SpecialOperationCertificate.objects.all(), on=today)
        .exclude(Exists(renewed))
        .select_related("employee__enterprise")
        .order_by("employee__enterprise_id", "expires_on")
    )
    sent = 0
    users_by_enterprise: dict[int, list[User]] = {}
    for cert in due.iterator(chunk_size=500):
        enterprise = cert.employee.enterprise
        if enterprise.pk not in users_by_enterprise:
            users_by_enterprise[enterprise.pk] = list(enterprise.users.filter(is_active=True))
        expired = cert.expires_on < today
        title = (
            _("Special-operation certificate of %(name)s expired on %(day)s")
            if expired
            else _("Special-operation certificate of %(name)s expires on %(day)s")
        ) % {"name": cert.employee.name, "day": cert.expires_on.isoformat()}
        sent += notify(
            recipients=users_by_enterprise[enterprise.pk],
            title=title,
            body=f"{cert.get_operation_display()} · {cert.certificate_number}",
            url=cert.employee.get_absolute_url(),
            category="training",
            dedup_key=f"opcert:{cert.pk}:expiry:{cert.expires_on.isoformat()}",
        )
    return sent


def compliance_fact_refresh(enterprise_id: int) -> dt.timedelta:
    """How long a standing status stands before it is recorded again: 150 to 179 days, by enterprise, so that its
    credit record (valid 12 months under LY-2016.1) never lapses while the status holds, and the enterprises first
    recorded on one night (all of them, the night this runs first) are recorded again over a month of nights,
    not all on one. A change of status is recorded the day it is seen."""
    return dt.timedelta(days=150 + enterprise_id % 30)


def training_compliance_record_facts(*, on: dt.date | None = None) -> int:
    """Daily: a `training_compliant` / `training_noncompliant` fact for each enterprise with people on post whose
    status is new: no training fact yet, another status than its latest one, or the same status last recorded
    `compliance_fact_refresh` ago.

    Not one a day for every enterprise: each fact becomes a credit record that replaces the one before, and a
    non-compliant one a proposal for the department to decide, with notices to the enterprise and to its
    department. Recorded daily, every enterprise's credit history grew by a record a day, and every
    undecided (or rejected) proposal came back the next day with new notices.
    """
    from .selectors import enterprises_with_compliance, summary_of

    on = on or timezone.localdate()
    noon = timezone.make_aware(dt.datetime.combine(on, dt.time(12, 0)))

    def last(kind: str) -> Subquery:
        # Equality on (enterprise, kind), the latest time: one step back along the fact table's index on those
        # three (10,000 enterprises: 50 ms for the query; it needs the table's statistics to know the training
        # facts, as autovacuum keeps them after a night's inserts).
        facts = Fact.objects.filter(enterprise=OuterRef("pk"), kind=kind, occurred_at__lte=noon)
        return Subquery(facts.order_by("-occurred_at").values("occurred_at")[:1])

    enterprises = enterprises_with_compliance(on=on).annotate(
        compliant_at=last(FactKind.TRAINING_COMPLIANT), noncompliant_at=last(FactKind.TRAINING_NONCOMPLIANT)
    )
    recorded = 0
    for enterprise in enterprises.order_by("pk").iterator(chunk_size=500):
        summary = summary_of(enterprise, on)  # counted in SQL: no person is loaded
        noncompliant = bool(summary.noncompliant_count)
        kind = FactKind.TRAINING_NONCOMPLIANT if noncompliant else FactKind.TRAINING_COMPLIANT
        same, other = (
            (enterprise.noncompliant_at, enterprise.compliant_at)
            if noncompliant
            else (enterprise.compliant_at, enterprise.noncompliant_at)
        )
        if (
            same is not None
            and (other is None or other < same)
            and same > noon - compliance_fact_refresh(enterprise.pk)
        ):
            continue  # the latest training fact has this status, and its record is recent
        _fact, created = fact_record(
            kind=kind,
            dedup_key=f"training:{enterprise.pk}:{on.isoformat()}",
            occurred_at=noon,
            enterprise=enterprise,
            payload={"noncompliant_people": summary.noncompliant_count, "people": summary.people_count},
        )
        recorded += created
    return recorded
