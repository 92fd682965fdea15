"""Reads of training: who is compliant with "train before posting" (先培训后上岗), and why not.

The rules (SAWS Order 3, DESIGN.md 3a), evaluated for people on post on a given day:

- new staff: three-level training (company, workshop, team — each level present) of at least 24 h
  completed by the day they started work; 72 h in mines, hazardous chemicals, fireworks and metal
  smelting (`HIGH_RISK_TRAINING_CATEGORIES`), where staff also need 20 h of refresher training in
  the last twelve months once they have worked a year;
- principals and safety managers: initial training of at least 32 h by the day they took office
  (48 h in those industries) and 12 h (16 h) in the last twelve months once in office a year;
- a move to another post, or a return after a year or more away, repeats the workshop and team
  levels, completed by the day of the move or return;
- a post with a special operation needs a valid special-operation certificate.

Hours are summed in SQL (one query for any number of people); the rules then read those sums.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from ..choices import HIGH_RISK_TRAINING_CATEGORIES
from ..models import Employee, Enterprise, SpecialOperationCertificate, TrainingRecord
from ..models.standardization import add_months
from ..models.training import MANAGEMENT_ROLES, THREE_LEVELS, EmployeeStatus, SpecialOperation, TrainingCategory

# (normal, high-risk industry) hours
NEW_STAFF_HOURS = (Decimal(24), Decimal(72))
STAFF_ANNUAL_HOURS = Decimal(20)  # high-risk industries only
MANAGEMENT_INITIAL_HOURS = (Decimal(32), Decimal(48))
MANAGEMENT_ANNUAL_HOURS = (Decimal(12), Decimal(16))
CERTIFICATE_WARNING_DAYS = 90

_HOURS = DecimalField(max_digits=8, decimal_places=1)


def is_high_risk(enterprise: Enterprise) -> bool:
    return enterprise.risk_category in HIGH_RISK_TRAINING_CATEGORIES


def _hours(condition: Q) -> Coalesce:
    return Coalesce(
        Sum("trainings__hours", filter=Q(trainings__passed=True) & condition, output_field=_HOURS),
        Value(Decimal(0)),
        output_field=_HOURS,
    )


def _count(condition: Q) -> Count:
    return Count("trainings", filter=Q(trainings__passed=True) & condition)


def with_training_totals(queryset: QuerySet[Employee], on: dt.date) -> QuerySet[Employee]:
    """Annotate each employee with the training sums the rules need (one query, whatever the size)."""
    year_ago = add_months(on, -12)
    before_posting = Q(trainings__completed_on__lte=F("posted_on"))
    by_now = Q(trainings__completed_on__lte=on)
    last_year = Q(trainings__completed_on__gt=year_ago, trainings__completed_on__lte=on)
    repeat_window = Q(trainings__completed_on__gt=F("repeat_after"), trainings__completed_on__lte=F("repeat_due_on"))
    level = {c: Q(trainings__category=c) for c in TrainingCategory.values}
    valid_certificate = SpecialOperationCertificate.objects.filter(
        employee=OuterRef("pk"), operation=OuterRef("special_operation"), issued_on__lte=on, expires_on__gte=on
    )
    return queryset.annotate(
        prejob_hours=_hours(Q(trainings__category__in=THREE_LEVELS) & before_posting),
        prejob_hours_now=_hours(Q(trainings__category__in=THREE_LEVELS) & by_now),
        company_before=_count(level[TrainingCategory.COMPANY] & before_posting),
        workshop_before=_count(level[TrainingCategory.WORKSHOP] & before_posting),
        team_before=_count(level[TrainingCategory.TEAM] & before_posting),
        repeat_workshop=_count(level[TrainingCategory.WORKSHOP] & repeat_window),
        repeat_team=_count(level[TrainingCategory.TEAM] & repeat_window),
        annual_hours=_hours(level[TrainingCategory.ANNUAL] & last_year),
        mgmt_initial_hours=_hours(level[TrainingCategory.MANAGEMENT_INITIAL] & before_posting),
        mgmt_initial_hours_now=_hours(level[TrainingCategory.MANAGEMENT_INITIAL] & by_now),
        mgmt_annual_hours=_hours(level[TrainingCategory.MANAGEMENT_ANNUAL] & last_year),
        has_valid_certificate=Exists(valid_certificate),
    )


@dataclass(frozen=True)
class Reason:
    code: str
    message: str


@dataclass
class PersonCompliance:
    employee: Employee
    reasons: list[Reason] = field(default_factory=list)

    @property
    def compliant(self) -> bool:
        return not self.reasons

    @property
    def reason_codes(self) -> list[str]:
        return [r.code for r in self.reasons]


@dataclass
class EnterpriseCompliance:
    enterprise: Enterprise
    on: dt.date
    people: list[PersonCompliance] = field(default_factory=list)

    @property
    def high_risk(self) -> bool:
        return is_high_risk(self.enterprise)

    @property
    def people_count(self) -> int:
        return len(self.people)

    @property
    def noncompliant(self) -> list[PersonCompliance]:
        return [p for p in self.people if not p.compliant]

    @property
    def noncompliant_count(self) -> int:
        return len(self.noncompliant)

    @property
    def compliant_share(self) -> float | None:
        return None if not self.people else (self.people_count - self.noncompliant_count) / self.people_count


def _fmt(value: Decimal) -> str:
    return f"{value.normalize():f}" if value == value.to_integral() else f"{value:f}"


def evaluate(employee: Any, on: dt.date, high_risk: bool) -> PersonCompliance:
    """The rules applied to one annotated employee (see the module docstring)."""
    result = PersonCompliance(employee)
    reasons = result.reasons
    index = 1 if high_risk else 0
    in_post_a_year = employee.posted_on <= add_months(on, -12)
    started = employee.posted_on.isoformat()
    if employee.role in MANAGEMENT_ROLES:
        need = MANAGEMENT_INITIAL_HOURS[index]
        if employee.mgmt_initial_hours < need:
            message = _("%(hours)s h of initial safety training by taking office on %(day)s; %(need)s h required.") % {
                "hours": _fmt(employee.mgmt_initial_hours),
                "day": started,
                "need": _fmt(need),
            }
            if employee.mgmt_initial_hours_now >= need:
                message += " " + _("The training was completed only after taking office.")
            reasons.append(Reason("management_initial_hours", message))
        annual = MANAGEMENT_ANNUAL_HOURS[index]
        if in_post_a_year and employee.mgmt_annual_hours < annual:
            reasons.append(
                Reason(
                    "management_annual_hours",
                    _("%(hours)s h of annual safety training in the last twelve months; %(need)s h required.")
                    % {"hours": _fmt(employee.mgmt_annual_hours), "need": _fmt(annual)},
                )
            )
    else:
        need = NEW_STAFF_HOURS[index]
        missing = [
            str(TrainingCategory(level).label)
            for level, count in (
                (TrainingCategory.COMPANY, employee.company_before),
                (TrainingCategory.WORKSHOP, employee.workshop_before),
                (TrainingCategory.TEAM, employee.team_before),
            )
            if not count
        ]
        if missing:
            reasons.append(
                Reason(
                    "three_level_missing",
                    _("No %(levels)s training before starting work on %(day)s.")
                    % {"levels": _(" / ").join(missing), "day": started},
                )
            )
        if employee.prejob_hours < need:
            message = _("%(hours)s h of three-level training before starting work on %(day)s; %(need)s h required.") % {
                "hours": _fmt(employee.prejob_hours),
                "day": started,
                "need": _fmt(need),
            }
            if employee.prejob_hours_now >= need:
                message += " " + _("The training was completed only after starting work.")
            reasons.append(Reason("prejob_hours", message))
        if employee.repeat_due_on is not None and employee.repeat_due_on <= on:
            missing_repeat = [
                str(TrainingCategory(level).label)
                for level, count in (
                    (TrainingCategory.WORKSHOP, employee.repeat_workshop),
                    (TrainingCategory.TEAM, employee.repeat_team),
                )
                if not count
            ]
            if missing_repeat:
                reasons.append(
                    Reason(
                        "repeat_missing",
                        _("New post, or back after a year away, on %(day)s: %(levels)s training not repeated by then.")
                        % {"day": employee.repeat_due_on.isoformat(), "levels": _(" / ").join(missing_repeat)},
                    )
                )
        if high_risk and in_post_a_year and employee.annual_hours < STAFF_ANNUAL_HOURS:
            reasons.append(
                Reason(
                    "annual_hours",
                    _("%(hours)s h of refresher training in the last twelve months; %(need)s h required.")
                    % {"hours": _fmt(employee.annual_hours), "need": _fmt(STAFF_ANNUAL_HOURS)},
                )
            )
    if employee.special_operation and not employee.has_valid_certificate:
        reasons.append(
            Reason(
                "special_certificate",
                _("No valid special-operation certificate for %(operation)s.")
                % {"operation": SpecialOperation(employee.special_operation).label},
            )
        )
    return result


def _people_on_post(on: dt.date) -> QuerySet[Employee]:
    return Employee.objects.filter(status=EmployeeStatus.ON_POST, posted_on__lte=on)


def training_compliance(enterprise: Enterprise, *, on: dt.date) -> EnterpriseCompliance:
    """Compliance of one enterprise's people on post: one query."""
    people = with_training_totals(_people_on_post(on).filter(enterprise=enterprise), on).order_by("name", "id")
    high = is_high_risk(enterprise)
    summary = EnterpriseCompliance(enterprise=enterprise, on=on)
    summary.people = [evaluate(person, on, high) for person in people]
    return summary


def training_compliance_for_enterprises(
    *, on: dt.date, enterprises: QuerySet[Enterprise] | None = None
) -> Iterator[tuple[Enterprise, EnterpriseCompliance]]:
    """Compliance of many enterprises from one query, streamed enterprise by enterprise."""
    people = _people_on_post(on)
    if enterprises is not None:
        people = people.filter(enterprise__in=enterprises.values("pk"))
    rows = (
        with_training_totals(people, on)
        .select_related("enterprise__jurisdiction")
        .order_by("enterprise_id", "name", "id")
    )
    current: EnterpriseCompliance | None = None
    for person in rows.iterator(chunk_size=1000):
        if current is None or current.enterprise.pk != person.enterprise_id:
            if current is not None:
                yield current.enterprise, current
            current = EnterpriseCompliance(enterprise=person.enterprise, on=on)
        current.people.append(evaluate(person, on, is_high_risk(person.enterprise)))
    if current is not None:
        yield current.enterprise, current


def employees_visible_to(user: Any) -> QuerySet[Employee]:
    return Employee.objects.visible_to(user).select_related("enterprise")


def training_records_visible_to(user: Any) -> QuerySet[TrainingRecord]:
    return TrainingRecord.objects.visible_to(user).select_related("employee__enterprise")


def special_certificates_visible_to(user: Any, *, on: dt.date) -> QuerySet[SpecialOperationCertificate]:
    """Certificates with flags: `expired`, `expiring` (within the warning period)."""
    soon = on + dt.timedelta(days=CERTIFICATE_WARNING_DAYS)
    from django.db.models import BooleanField, Case, When

    return (
        SpecialOperationCertificate.objects.visible_to(user)
        .select_related("employee__enterprise")
        .annotate(
            expired=Case(When(expires_on__lt=on, then=Value(True)), default=Value(False), output_field=BooleanField()),
            expiring=Case(
                When(expires_on__gte=on, expires_on__lte=soon, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
    )
