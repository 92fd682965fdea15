"""Reads of training: who is compliant with "train before posting" (先培训后上岗), and why not.

The rules (SAWS Order 3; docs/product.md §4), evaluated for people on post on a given day:

- new staff: three-level training (company, workshop, team — each level present) of at least 24 h
  completed by the day they started work; 72 h in mines, hazardous chemicals, fireworks and metal
  smelting (`HIGH_RISK_TRAINING_CATEGORIES`), where staff also need 20 h of refresher training in
  the last twelve months once they have worked a year;
- principals and safety managers: initial training of at least 32 h by the day they took office
  (48 h in those industries) and 12 h (16 h) in the last twelve months once in office a year;
- a move to another post, or a return after a year or more away, repeats the workshop and team
  levels, completed by the day of the move or return;
- a post with a special operation needs a valid special-operation certificate.

The rules are SQL (`with_training_totals` annotates `noncompliant`), so head counts per enterprise, per
page and for the city are counted by the database; `evaluate` reads the same sums for one page of
people to say why each is not compliant.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypedDict

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DecimalField,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from safety_platform.rules import number_text, rule_int, rule_numbers

from ..registry.choices import HIGH_RISK_TRAINING_CATEGORIES
from ..registry.models import Enterprise
from ..standardization.models import add_months
from . import legal_numbers as rules
from .models import (
    MANAGEMENT_ROLES,
    THREE_LEVELS,
    Employee,
    EmployeeStatus,
    SpecialOperation,
    SpecialOperationCertificate,
    TrainingCategory,
    TrainingComplianceBuild,
    TrainingComplianceSummary,
    TrainingRecord,
)


@dataclass(frozen=True)
class TrainingHours:
    """The hours the rule book sets on a day: (normal, high-risk industry) pairs, and the version."""

    new_staff: tuple[Decimal, Decimal]
    staff_annual: Decimal  # high-risk industries only
    management_initial: tuple[Decimal, Decimal]
    management_annual: tuple[Decimal, Decimal]
    version: str


def training_hours(on: dt.date) -> TrainingHours:
    """The training hours in force on `on` (SAWS Order 3; the rule book, `training/legal_numbers.py`)."""
    n = rule_numbers(
        [
            rules.NEW_STAFF_HOURS,
            rules.NEW_STAFF_HOURS_HIGH_RISK,
            rules.STAFF_ANNUAL_HOURS_HIGH_RISK,
            rules.MANAGEMENT_INITIAL_HOURS,
            rules.MANAGEMENT_INITIAL_HOURS_HIGH_RISK,
            rules.MANAGEMENT_ANNUAL_HOURS,
            rules.MANAGEMENT_ANNUAL_HOURS_HIGH_RISK,
        ],
        on,
    )
    return TrainingHours(
        new_staff=(n[rules.NEW_STAFF_HOURS].value, n[rules.NEW_STAFF_HOURS_HIGH_RISK].value),
        staff_annual=n[rules.STAFF_ANNUAL_HOURS_HIGH_RISK].value,
        management_initial=(n[rules.MANAGEMENT_INITIAL_HOURS].value, n[rules.MANAGEMENT_INITIAL_HOURS_HIGH_RISK].value),
        management_annual=(n[rules.MANAGEMENT_ANNUAL_HOURS].value, n[rules.MANAGEMENT_ANNUAL_HOURS_HIGH_RISK].value),
        # The newest version among the numbers read (they usually all come from one).
        version=max((v.version for v in n.values()), default=""),
    )


def hours_shown(on: dt.date) -> dict[str, str]:
    """The hours in force on `on` as the pages print them ("72", "0.5"): the pages name the rule book's numbers,
    not the ones of the day they were written."""
    h = training_hours(on)
    return {
        "new": number_text(h.new_staff[0]),
        "new_high": number_text(h.new_staff[1]),
        "annual_high": number_text(h.staff_annual),
        "mgmt": number_text(h.management_initial[0]),
        "mgmt_high": number_text(h.management_initial[1]),
        "mgmt_annual": number_text(h.management_annual[0]),
        "mgmt_annual_high": number_text(h.management_annual[1]),
    }


def certificate_warning_days(on: dt.date | None = None) -> int:
    """Days before a special-operation certificate's expiry from which it is flagged (the rule book)."""
    return rule_int(rules.CERTIFICATE_WARNING_DAYS, on)


def certificates_due_by(on: dt.date) -> dt.date:
    """The last expiry day flagged on `on`: a certificate expiring by then has expired or expires within the
    warning period."""
    return on + dt.timedelta(days=certificate_warning_days(on))


def certificates_due(
    certificates: QuerySet[SpecialOperationCertificate], *, on: dt.date
) -> QuerySet[SpecialOperationCertificate]:
    """Of `certificates`, those due for renewal on `on` (expired, or expiring within the warning period) whose
    holder still works at the enterprise (on post or away): the enterprise page, its panel, the home widget and
    the daily reminders count the same ones."""
    return certificates.exclude(employee__status=EmployeeStatus.LEFT).filter(expires_on__lte=certificates_due_by(on))


_HOURS = DecimalField(max_digits=8, decimal_places=1)


class ComplianceFlag(TypedDict):
    noncompliant: bool


class PeopleCounts(TypedDict):
    people_on_post: int
    noncompliant_people: int


if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    # An employee annotated by `with_training_totals`: the `noncompliant` flag can be filtered and read.
    EmployeeWithCompliance = WithAnnotations[Employee, ComplianceFlag]
    # An enterprise annotated by `enterprises_with_compliance`.
    EnterpriseWithCompliance = WithAnnotations[Enterprise, PeopleCounts]


def is_high_risk(enterprise: Enterprise) -> bool:
    return enterprise.risk_category in HIGH_RISK_TRAINING_CATEGORIES


def _trainings(condition: Q) -> QuerySet[TrainingRecord]:
    """Passed trainings of the employee of the outer query meeting `condition`."""
    return TrainingRecord.objects.filter(condition, employee=OuterRef("pk"), passed=True).order_by()


def _hours(condition: Q) -> Coalesce:
    total = _trainings(condition).values("employee").annotate(total=Sum("hours")).values("total")
    return Coalesce(Subquery(total, output_field=_HOURS), Value(Decimal(0)), output_field=_HOURS)


def _any(condition: Q) -> Exists:
    return Exists(_trainings(condition))


def _by_risk(high: Decimal, normal: Decimal) -> Case:
    return Case(
        When(enterprise__risk_category__in=HIGH_RISK_TRAINING_CATEGORIES, then=Value(high)),
        default=Value(normal),
        output_field=_HOURS,
    )


def with_training_totals(
    queryset: QuerySet[Employee], on: dt.date, *, select: bool = True
) -> QuerySet[EmployeeWithCompliance]:
    """Annotate each employee with the training sums the rules need, and `noncompliant` (the rules in SQL).

    Every sum is a correlated subquery on the employee's row, so the annotations can be filtered and
    counted per enterprise in SQL (`enterprises_with_compliance`, `compliance_totals`) and the
    reasons read by `evaluate` for one page of people. `evaluate` and `noncompliant` are the same
    rules; tests check they agree person by person. With `select=False` the sums are aliases (read
    by the flag, not fetched).
    """
    year_ago = add_months(on, -12)
    before_posting = Q(completed_on__lte=OuterRef("posted_on"))
    by_now = Q(completed_on__lte=on)
    last_year = Q(completed_on__gt=year_ago, completed_on__lte=on)
    repeat_window = Q(completed_on__gt=OuterRef("repeat_after"), completed_on__lte=OuterRef("repeat_due_on"))
    level = {c: Q(category=c) for c in TrainingCategory.values}
    valid_certificate = SpecialOperationCertificate.objects.filter(
        employee=OuterRef("pk"), operation=OuterRef("special_operation"), issued_on__lte=on, expires_on__gte=on
    )
    sums = queryset.annotate if select else queryset.alias  # counting needs the flag only
    annotated = sums(
        prejob_hours=_hours(Q(category__in=THREE_LEVELS) & before_posting),
        prejob_hours_now=_hours(Q(category__in=THREE_LEVELS) & by_now),
        company_before=_any(level[TrainingCategory.COMPANY] & before_posting),
        workshop_before=_any(level[TrainingCategory.WORKSHOP] & before_posting),
        team_before=_any(level[TrainingCategory.TEAM] & before_posting),
        repeat_workshop=_any(level[TrainingCategory.WORKSHOP] & repeat_window),
        repeat_team=_any(level[TrainingCategory.TEAM] & repeat_window),
        annual_hours=_hours(level[TrainingCategory.ANNUAL] & last_year),
        mgmt_initial_hours=_hours(level[TrainingCategory.MANAGEMENT_INITIAL] & before_posting),
        mgmt_initial_hours_now=_hours(level[TrainingCategory.MANAGEMENT_INITIAL] & by_now),
        mgmt_annual_hours=_hours(level[TrainingCategory.MANAGEMENT_ANNUAL] & last_year),
        has_valid_certificate=Exists(valid_certificate),
    )
    high_risk = Q(enterprise__risk_category__in=HIGH_RISK_TRAINING_CATEGORIES)
    in_post_a_year = Q(posted_on__lte=year_ago)
    management = Q(role__in=MANAGEMENT_ROLES)
    hours = training_hours(on)
    management_fails = Q(mgmt_initial_hours__lt=_by_risk(*reversed(hours.management_initial))) | (
        in_post_a_year & Q(mgmt_annual_hours__lt=_by_risk(*reversed(hours.management_annual)))
    )
    staff_fails = (
        Q(company_before=False)
        | Q(workshop_before=False)
        | Q(team_before=False)
        | Q(prejob_hours__lt=_by_risk(*reversed(hours.new_staff)))
        | (Q(repeat_due_on__lte=on) & (Q(repeat_workshop=False) | Q(repeat_team=False)))
        | (high_risk & in_post_a_year & Q(annual_hours__lt=hours.staff_annual))
    )
    certificate_fails = Q(special_operation__gt="", has_valid_certificate=False)
    return annotated.annotate(
        noncompliant=Case(
            When(management & management_fails, then=Value(True)),
            When(~management & staff_fails, then=Value(True)),
            When(certificate_fails, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
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
    """One enterprise on a day: head counts from SQL, and the non-compliant people (one page) with reasons."""

    enterprise: Enterprise
    on: dt.date
    people_count: int = 0
    noncompliant_count: int = 0
    noncompliant: list[PersonCompliance] = field(default_factory=list)
    # The rule-book version whose hours were applied ("依据规则版本 …"); empty: the registered defaults.
    rule_version: str = ""

    @property
    def high_risk(self) -> bool:
        return is_high_risk(self.enterprise)

    @property
    def compliant_share(self) -> float | None:
        return None if not self.people_count else (self.people_count - self.noncompliant_count) / self.people_count


def _levels_missing(*counted: tuple[str, int]) -> list[str]:
    """The names of the training levels (company, workshop, team) with no training counted."""
    return [str(TrainingCategory(level).label) for level, count in counted if not count]


def _hours_before_start(
    reasons: list[Reason], code: str, text: str, late: str, hours: Any, hours_now: Any, need: Any, day: str
) -> None:
    """The hours trained before the start (taking office, starting work) fall short of `need`: the reason says
    so, and adds `late` when the hours trained up to now would have been enough."""
    if hours < need:
        message = text % {"hours": number_text(hours), "day": day, "need": number_text(need)}
        if hours_now >= need:
            message += " " + late
        reasons.append(Reason(code, message))


def evaluate(employee: Any, on: dt.date, high_risk: bool, hours: TrainingHours | None = None) -> PersonCompliance:
    """The rules applied to one annotated employee (see the module docstring)."""
    result = PersonCompliance(employee)
    reasons = result.reasons
    index = 1 if high_risk else 0
    hours = hours or training_hours(on)
    in_post_a_year = employee.posted_on <= add_months(on, -12)
    started = employee.posted_on.isoformat()
    if employee.role in MANAGEMENT_ROLES:
        _hours_before_start(
            reasons,
            "management_initial_hours",
            _("%(hours)s h of initial safety training by taking office on %(day)s; %(need)s h required."),
            _("The training was completed only after taking office."),
            employee.mgmt_initial_hours,
            employee.mgmt_initial_hours_now,
            hours.management_initial[index],
            started,
        )
        annual = hours.management_annual[index]
        if in_post_a_year and employee.mgmt_annual_hours < annual:
            reasons.append(
                Reason(
                    "management_annual_hours",
                    _("%(hours)s h of annual safety training in the last twelve months; %(need)s h required.")
                    % {"hours": number_text(employee.mgmt_annual_hours), "need": number_text(annual)},
                )
            )
    else:
        need = hours.new_staff[index]
        missing = _levels_missing(
            (TrainingCategory.COMPANY, employee.company_before),
            (TrainingCategory.WORKSHOP, employee.workshop_before),
            (TrainingCategory.TEAM, employee.team_before),
        )
        if missing:
            reasons.append(
                Reason(
                    "three_level_missing",
                    _("No %(levels)s training before starting work on %(day)s.")
                    % {"levels": _(" / ").join(missing), "day": started},
                )
            )
        _hours_before_start(
            reasons,
            "prejob_hours",
            _("%(hours)s h of three-level training before starting work on %(day)s; %(need)s h required."),
            _("The training was completed only after starting work."),
            employee.prejob_hours,
            employee.prejob_hours_now,
            need,
            started,
        )
        if employee.repeat_due_on is not None and employee.repeat_due_on <= on:
            missing_repeat = _levels_missing(
                (TrainingCategory.WORKSHOP, employee.repeat_workshop), (TrainingCategory.TEAM, employee.repeat_team)
            )
            if missing_repeat:
                reasons.append(
                    Reason(
                        "repeat_missing",
                        _("New post, or back after a year away, on %(day)s: %(levels)s training not repeated by then.")
                        % {"day": employee.repeat_due_on.isoformat(), "levels": _(" / ").join(missing_repeat)},
                    )
                )
        if high_risk and in_post_a_year and employee.annual_hours < hours.staff_annual:
            reasons.append(
                Reason(
                    "annual_hours",
                    _("%(hours)s h of refresher training in the last twelve months; %(need)s h required.")
                    % {"hours": number_text(employee.annual_hours), "need": number_text(hours.staff_annual)},
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


def people_on_post_with_compliance(on: dt.date, *, select: bool = True) -> QuerySet[EmployeeWithCompliance]:
    """People on post on `on`, annotated with their training sums and the `noncompliant` flag."""
    return with_training_totals(_people_on_post(on), on, select=select)


def compliance_totals(people: QuerySet[Employee], on: dt.date) -> dict[str, int]:
    """People on post among `people` and how many are not compliant: one aggregate query."""
    on_post = _people_on_post(on).filter(pk__in=people.order_by().values("pk"))
    totals = with_training_totals(on_post, on, select=False).aggregate(
        people_total=Count("pk"), noncompliant_total=Count("pk", filter=Q(noncompliant=True))
    )  # (an aggregate named like the flag would replace it)
    return {"people": totals["people_total"] or 0, "noncompliant": totals["noncompliant_total"] or 0}


def _count_per_enterprise(people: QuerySet[Employee]) -> Coalesce:
    counted = people.filter(enterprise=OuterRef("pk")).order_by().values("enterprise").annotate(n=Count("pk"))
    return Coalesce(Subquery(counted.values("n"), output_field=IntegerField()), Value(0))


def _certificates_due_of_outer_enterprise(on: dt.date) -> QuerySet[SpecialOperationCertificate]:
    return certificates_due(SpecialOperationCertificate.objects.filter(employee__enterprise=OuterRef("pk")), on=on)


def _certificates_due_per_enterprise(on: dt.date) -> Coalesce:
    counted = (
        _certificates_due_of_outer_enterprise(on).order_by().values("employee__enterprise").annotate(n=Count("pk"))
    )
    return Coalesce(Subquery(counted.values("n"), output_field=IntegerField()), Value(0))


def enterprises_with_compliance(
    *, on: dt.date, enterprises: QuerySet[Enterprise] | None = None
) -> QuerySet[EnterpriseWithCompliance]:
    """Enterprises with people on post, annotated `people_on_post` and `noncompliant_people` (counted in SQL).

    One query for any number of enterprises and people; page it like any queryset.
    """
    queryset = Enterprise.objects.all() if enterprises is None else enterprises
    counts = _compliance_counts(on)
    return (
        queryset.filter(Exists(_people_on_post(on).filter(enterprise=OuterRef("pk"))))
        .select_related("jurisdiction")
        .annotate(people_on_post=counts["people_on_post"], noncompliant_people=counts["noncompliant_people"])
    )


def _compliance_counts(on: dt.date) -> dict[str, Coalesce]:
    """`people_on_post` and `noncompliant_people` per enterprise (annotations over `Enterprise`)."""
    people = people_on_post_with_compliance(on, select=False)
    return {
        "people_on_post": _count_per_enterprise(people),
        "noncompliant_people": _count_per_enterprise(people.filter(noncompliant=True)),
    }


def enterprises_with_summary_counts(*, on: dt.date) -> QuerySet[Enterprise]:
    """Every enterprise a `TrainingComplianceSummary` row has on `on` — with people on post, or with a certificate
    due — annotated `people_on_post`, `noncompliant_people` and `certificates_due` (one query; the rebuild's)."""
    on_post = Exists(_people_on_post(on).filter(enterprise=OuterRef("pk")))
    due = Exists(_certificates_due_of_outer_enterprise(on))
    counts = {**_compliance_counts(on), "certificates_due": _certificates_due_per_enterprise(on)}
    return Enterprise.objects.filter(on_post | due).annotate(**counts)


def certificates_due_count(user: Any, *, on: dt.date) -> int:
    """How many special-operation certificates `user` sees are due for renewal on `on` (`certificates_due`): the
    home page's figure. Today, once the night's rebuild has finished, the sum of the enterprises' summary rows
    in scope; otherwise counted live."""
    if summary_is_current(on):
        summaries = TrainingComplianceSummary.objects.visible_to(user).filter(on=on, certificates_due__gt=0)
        return int(summaries.aggregate(n=Sum("certificates_due"))["n"] or 0)
    return certificates_due(SpecialOperationCertificate.objects.visible_to(user), on=on).count()


def summary_is_current(on: dt.date) -> bool:
    """Whether `TrainingComplianceSummary` holds `on`: today, rebuilt today under the rule-book version in force
    (one query; see `training/summary.py`)."""
    if on != timezone.localdate():
        return False
    build = TrainingComplianceBuild.objects.filter(on=on).values_list("rule_version", flat=True).first()
    return build is not None and build == training_hours(on).version


# The overview's order: most people not compliant first, then the larger workforce (then the older record).
OVERVIEW_ORDER = ("-noncompliant_people", "-people_on_post", "pk")


def compliance_by_enterprise(user: Any, *, on: dt.date) -> tuple[QuerySet[Any], dict[str, int]]:
    """The overview: the enterprises `user` sees with people on post on `on`, worst first (`OVERVIEW_ORDER`),
    and the totals of people on post and not compliant among them. Each row gives `summary_of`.

    Today, once the night's rebuild has finished, both come from `TrainingComplianceSummary` (an index walk,
    a sum; rows of that model); any other day they are counted live through the rules (enterprises annotated
    as by `enterprises_with_compliance`).
    """
    if summary_is_current(on):
        summaries = TrainingComplianceSummary.objects.visible_to(user).filter(on=on, people_on_post__gt=0)
        sums = summaries.aggregate(people_total=Sum("people_on_post"), noncompliant_total=Sum("noncompliant_people"))
        totals = {"people": sums["people_total"] or 0, "noncompliant": sums["noncompliant_total"] or 0}
        return summaries.select_related("enterprise__jurisdiction").order_by(*OVERVIEW_ORDER), totals
    enterprises = Enterprise.objects.visible_to(user)
    rows = enterprises_with_compliance(on=on, enterprises=enterprises).order_by(*OVERVIEW_ORDER)
    return rows, compliance_totals(Employee.objects.filter(enterprise__in=enterprises.values("pk")), on)


def summary_of(enterprise: Any, on: dt.date) -> EnterpriseCompliance:
    """The summary of an enterprise from `enterprises_with_compliance`, or of a `TrainingComplianceSummary` row
    with its enterprise loaded (no query)."""
    if isinstance(enterprise, TrainingComplianceSummary):
        row = enterprise
        return EnterpriseCompliance(
            enterprise=row.enterprise,
            on=on,
            people_count=row.people_on_post,
            noncompliant_count=row.noncompliant_people,
        )
    return EnterpriseCompliance(
        enterprise=enterprise,
        on=on,
        people_count=enterprise.people_on_post,
        noncompliant_count=enterprise.noncompliant_people,
    )


def noncompliant_people(enterprise: Enterprise, *, on: dt.date) -> QuerySet[Employee]:
    """The enterprise's people on post who are not compliant (the rules in SQL), by name."""
    return (
        people_on_post_with_compliance(on)
        .filter(enterprise=enterprise, noncompliant=True)
        .select_related("enterprise")
        .order_by("name", "id")
    )


def evaluate_people(people: Any, on: dt.date) -> list[PersonCompliance]:
    """The reasons for each person of one page of annotated people (with `enterprise` loaded)."""
    hours = training_hours(on)  # the rule book read once for the page
    return [evaluate(person, on, is_high_risk(person.enterprise), hours) for person in people]


def training_compliance(
    enterprise: Enterprise, *, on: dt.date, limit: int | None = None, offset: int = 0
) -> EnterpriseCompliance:
    """Compliance of one enterprise's people on post: the counts (one aggregate query) and the
    non-compliant people with their reasons (one query; `limit`/`offset` take one page of them)."""
    totals = compliance_totals(Employee.objects.filter(enterprise=enterprise), on)
    summary = EnterpriseCompliance(
        enterprise=enterprise,
        on=on,
        people_count=totals["people"],
        noncompliant_count=totals["noncompliant"],
        rule_version=training_hours(on).version,
    )
    if summary.noncompliant_count:
        rows = noncompliant_people(enterprise, on=on)
        rows = rows[offset : offset + limit] if limit is not None else rows[offset:]
        summary.noncompliant = evaluate_people(rows, on)
    return summary


def person_compliance(employee: Employee, *, on: dt.date) -> PersonCompliance:
    """One person's compliance with the reasons (one query)."""
    annotated = with_training_totals(Employee.objects.filter(pk=employee.pk), on).select_related("enterprise").get()
    return evaluate(annotated, on, is_high_risk(annotated.enterprise))


def employees_visible_to(user: Any) -> QuerySet[Employee]:
    return Employee.objects.visible_to(user).select_related("enterprise")


def training_records_visible_to(user: Any) -> QuerySet[TrainingRecord]:
    return TrainingRecord.objects.visible_to(user).select_related("employee__enterprise")


def special_certificates_visible_to(user: Any, *, on: dt.date) -> QuerySet[SpecialOperationCertificate]:
    """Certificates with flags: `expired`, `expiring` (within the warning period)."""
    soon = certificates_due_by(on)
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
