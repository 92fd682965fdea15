"""Each indicator against counts made by hand on records built for the purpose (Q3 2026, clock frozen
in November), including the boundaries: a hazard closed on its deadline day, no enterprises in scope."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import time_machine

from assessment.engine import window_of
from assessment.indicators import registry
from assessment.models import AssessmentPeriod
from assessment.services import assessment_period_get_or_create
from emergency.models import Drill, EmergencyPlan, EmergencyWarning, WarningRecipient
from enterprises.models import Employee, StandardizationCertificate, TrainingRecord
from hazards.models import Checklist, HazardStatReport, SelfCheck
from tests.factories import EnterpriseFactory

from .helpers import accident, at, hazard

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock() -> Any:
    with time_machine.travel(at(2026, 11, 20), tick=False):
        yield


@pytest.fixture
def q3() -> AssessmentPeriod:
    return assessment_period_get_or_create(kind="quarter", year=2026, number=3)


@pytest.fixture
def xinluo(org: Any) -> Any:
    return org.jurisdiction("新罗区")


@pytest.fixture
def firms(org: Any) -> list[Any]:
    """Three operating enterprises in 新罗区 (one in a township, two in grids) and a closed one."""
    chemicals = org.industry("C2614")
    return [
        EnterpriseFactory(jurisdiction=org.jurisdiction("新罗区/东城街道"), industry=chemicals),
        EnterpriseFactory(jurisdiction=org.jurisdiction("新罗区/东城街道/东城第一网格"), industry=chemicals),
        EnterpriseFactory(jurisdiction=org.jurisdiction("新罗区/西陂街道/西陂第一网格"), industry=chemicals),
        EnterpriseFactory(jurisdiction=org.jurisdiction("新罗区/雁石镇"), industry=chemicals, status="closed"),
    ]


@pytest.fixture
def elsewhere(org: Any) -> Any:
    """An enterprise in 上杭县: never counted for 新罗区."""
    return EnterpriseFactory(jurisdiction=org.jurisdiction("上杭县/临江镇"), industry=org.industry("C2614"))


def figure(name: str, county: Any, period: AssessmentPeriod) -> Any:
    spec = registry.get(name)
    assert spec is not None and spec.func is not None
    return spec.func(county, window_of(period))


def test_hazards_found_counts_the_period_and_the_operating_enterprises(
    xinluo: Any, firms: list[Any], elsewhere: Any, q3: AssessmentPeriod
) -> None:
    inside = [
        hazard(firms[0], found_at=at(2026, 7, 1, 0, 0)),  # first minute of the quarter
        hazard(firms[1], found_at=at(2026, 9, 30, 23, 59), source="self_check"),  # last minute
        hazard(firms[3], found_at=at(2026, 8, 1)),  # a closed enterprise's old hazard still counts as found
    ]
    hazard(firms[0], found_at=at(2026, 6, 30, 23, 59))  # before
    hazard(firms[0], found_at=at(2026, 10, 1, 0, 0))  # after
    hazard(elsewhere, found_at=at(2026, 8, 1))  # another county

    found = figure("hazards_found", xinluo, q3)
    assert (found.numerator, found.denominator) == (3, 3)  # 3 hazards; 3 operating enterprises
    assert found.record_ids == sorted(h.pk for h in inside)
    assert figure("hazards_self_reported", xinluo, q3).record_ids == [inside[1].pk]
    assert figure("hazards_found_by_regulator", xinluo, q3).numerator == 2


def test_on_time_closure_counts_a_hazard_closed_on_its_deadline_day_as_on_time(
    xinluo: Any, firms: list[Any], q3: AssessmentPeriod
) -> None:
    deadline = dt.date(2026, 8, 15)
    on_deadline = hazard(firms[0], found_at=at(2026, 7, 1), deadline=deadline, closed_at=at(2026, 8, 15, 23, 30))
    early = hazard(firms[1], found_at=at(2026, 7, 1), deadline=deadline, closed_at=at(2026, 8, 1))
    hazard(firms[1], found_at=at(2026, 7, 1), deadline=deadline, closed_at=at(2026, 8, 16, 0, 5))  # a day late
    hazard(firms[2], found_at=at(2026, 7, 1), deadline=deadline)  # still open
    hazard(firms[2], found_at=at(2026, 7, 1), deadline=dt.date(2026, 10, 5), closed_at=at(2026, 8, 1))  # due later

    rate = figure("hazard_on_time_closure_rate", xinluo, q3)
    assert (rate.numerator, rate.denominator) == (2, 4)
    assert rate.record_ids == sorted([on_deadline.pk, early.pk])


def test_closure_rate_is_hazards_found_in_the_period_closed_by_its_end(
    xinluo: Any, firms: list[Any], q3: AssessmentPeriod
) -> None:
    closed = hazard(firms[0], found_at=at(2026, 7, 2), closed_at=at(2026, 9, 30, 23, 0))
    hazard(firms[0], found_at=at(2026, 7, 2), closed_at=at(2026, 10, 1, 9, 0))  # closed after the quarter
    hazard(firms[1], found_at=at(2026, 8, 2))
    hazard(firms[1], found_at=at(2026, 6, 2), closed_at=at(2026, 7, 5))  # found before the quarter

    rate = figure("hazard_closure_rate", xinluo, q3)
    assert (rate.numerator, rate.denominator, rate.record_ids) == (1, 3, [closed.pk])


def test_major_hazards_overdue_or_listed_at_the_end_of_the_period(
    xinluo: Any, firms: list[Any], q3: AssessmentPeriod
) -> None:
    overdue = hazard(firms[0], found_at=at(2026, 5, 1), grade="major", deadline=dt.date(2026, 9, 1))
    listed = hazard(firms[1], found_at=at(2026, 8, 1), grade="major", deadline=dt.date(2026, 12, 1), is_listed=True)
    closed_late = hazard(  # overdue at the end of September, closed in October: counted
        firms[2], found_at=at(2026, 5, 1), grade="major", deadline=dt.date(2026, 9, 1), closed_at=at(2026, 10, 9)
    )
    hazard(firms[0], found_at=at(2026, 5, 1), grade="general", deadline=dt.date(2026, 9, 1))  # general
    hazard(firms[0], found_at=at(2026, 5, 1), grade="major", deadline=dt.date(2026, 9, 1), closed_at=at(2026, 9, 20))
    hazard(firms[0], found_at=at(2026, 5, 1), grade="major", deadline=dt.date(2026, 10, 20))  # not yet due
    hazard(  # evidence submitted before the deadline: waiting for verification, not overdue
        firms[0],
        found_at=at(2026, 5, 1),
        grade="major",
        deadline=dt.date(2026, 9, 1),
        state="remediated",
        submitted_at=at(2026, 8, 30),
    )

    flagged = figure("major_hazards_overdue_or_listed", xinluo, q3)
    assert flagged.record_ids == sorted([overdue.pk, listed.pk, closed_late.pk])
    assert flagged.denominator == 3


def test_quarterly_statistics_filed_on_time_counts_the_due_day_as_on_time(
    xinluo: Any, firms: list[Any], q3: AssessmentPeriod
) -> None:
    # The Q2 report falls due on 15 July, inside Q3.
    start, end, due = HazardStatReport.period_bounds("quarter", 2026, 2)

    def report(enterprise: Any, submitted_at: dt.datetime | None) -> HazardStatReport:
        return HazardStatReport.objects.create(
            enterprise=enterprise,
            kind="quarter",
            year=2026,
            quarter=2,
            period_start=start,
            period_end=end,
            due_on=due,
            status="submitted" if submitted_at else "draft",
            submitted_at=submitted_at,
        )

    on_time = report(firms[0], at(2026, 7, 15, 23, 50))
    report(firms[1], at(2026, 7, 16, 8, 0))  # late
    report(firms[3], at(2026, 7, 1))  # a closed enterprise: not in the base
    # firms[2] filed nothing

    filed = figure("stats_filed_on_time", xinluo, q3)
    assert (filed.numerator, filed.denominator, filed.record_ids) == (1, 3, [on_time.pk])


def test_quarterly_statistics_count_only_the_countys_own_operating_enterprises(
    org: Any, xinluo: Any, firms: list[Any], elsewhere: Any, q3: AssessmentPeriod
) -> None:
    """The reports are picked through a join on the enterprise (scope.of_supervised): one registered on the
    county itself counts, one of another county's enterprise does not, whoever filed on time."""
    start, end, due = HazardStatReport.period_bounds("quarter", 2026, 2)
    on_county = EnterpriseFactory(jurisdiction=xinluo, industry=org.industry("C2614"))
    reports = {
        enterprise.pk: HazardStatReport.objects.create(
            enterprise=enterprise,
            kind="quarter",
            year=2026,
            quarter=2,
            period_start=start,
            period_end=end,
            due_on=due,
            status="submitted",
            submitted_at=at(2026, 7, 10),
        )
        for enterprise in (firms[1], on_county, elsewhere)
    }

    filed = figure("stats_filed_on_time", xinluo, q3)

    assert filed.record_ids == sorted([reports[firms[1].pk].pk, reports[on_county.pk].pk])
    assert (filed.numerator, filed.denominator) == (2, 4)  # 3 operating firms + the one on the county


def test_a_month_with_no_statistics_due_has_nothing_to_score(xinluo: Any, firms: list[Any]) -> None:
    august = assessment_period_get_or_create(kind="month", year=2026, number=8)
    assert figure("stats_filed_on_time", xinluo, august).denominator == 0


def test_self_check_coverage_counts_enterprises_with_a_check_in_the_period(
    xinluo: Any, firms: list[Any], q3: AssessmentPeriod
) -> None:
    checklist = Checklist.objects.create(name="通用清单")
    for enterprise, when in ((firms[0], at(2026, 7, 3)), (firms[0], at(2026, 8, 3)), (firms[1], at(2026, 6, 3))):
        SelfCheck.objects.create(enterprise=enterprise, checklist=checklist, performed_at=when)

    coverage = figure("self_check_coverage", xinluo, q3)
    assert (coverage.numerator, coverage.denominator, coverage.record_ids) == (1, 3, [firms[0].pk])


def test_standardization_coverage_counts_certificates_in_force_at_the_end(
    org: Any, xinluo: Any, firms: list[Any], q3: AssessmentPeriod
) -> None:
    def certificate(enterprise: Any, issued: dt.date, expires: dt.date, status: str = "valid") -> None:
        StandardizationCertificate.objects.create(
            enterprise=enterprise,
            level=3,
            industry=org.industry("C2614"),
            certificate_number=f"AQBH-{enterprise.pk}-{issued}",
            issuing_level="city",
            issued_on=issued,
            expires_on=expires,
            status=status,
        )

    certificate(firms[0], dt.date(2025, 1, 1), dt.date(2027, 12, 31))
    certificate(firms[1], dt.date(2023, 1, 1), dt.date(2026, 9, 29))  # expired the day before the end
    construction = EnterpriseFactory(
        jurisdiction=org.jurisdiction("新罗区"), industry=org.industry("E4710"), risk_category="construction"
    )  # not an industry where standardization is counted

    coverage = figure("standardization_coverage", xinluo, q3)
    assert (coverage.numerator, coverage.denominator, coverage.record_ids) == (1, 3, [firms[0].pk])
    assert construction.pk not in coverage.record_ids


def test_train_before_post_counts_people_on_post_meeting_the_rules(
    xinluo: Any, firms: list[Any], q3: AssessmentPeriod
) -> None:
    def person(name: str, levels: list[str], status: str = "on_post") -> Employee:
        employee = Employee.objects.create(
            enterprise=firms[0],
            name=name,
            post="操作工",
            posted_on=dt.date(2026, 3, 1),
            current_post_since=dt.date(2026, 3, 1),
            status=status,
        )
        for level in levels:
            TrainingRecord.objects.create(
                employee=employee, category=level, hours=Decimal(8), completed_on=dt.date(2026, 2, 20)
            )
        return employee

    trained = person("张一", ["company", "workshop", "team"])  # 24 h, three levels before posting
    person("张二", ["company"])  # one level only
    person("张三", ["company", "workshop", "team"], status="left")  # gone: not counted

    compliance = figure("train_before_post", xinluo, q3)
    assert (compliance.numerator, compliance.denominator, compliance.record_ids) == (1, 2, [trained.pk])


def test_drills_on_schedule_reads_the_plans_at_the_end_of_the_period(
    users: dict[str, Any], xinluo: Any, firms: list[Any], q3: AssessmentPeriod
) -> None:
    def plan(kind: str, filed_on: dt.date, drilled: dt.date | None = None) -> EmergencyPlan:
        made = EmergencyPlan.objects.create(
            title=f"预案{kind}{filed_on}", kind=kind, enterprise=firms[0], filed_on=filed_on, created_by=users["admin"]
        )
        if drilled:
            Drill.objects.create(plan=made, held_on=drilled, scenario="演练", recorded_by=users["admin"])
        return made

    on_time = plan("on_site", dt.date(2025, 1, 1), drilled=dt.date(2026, 4, 1))  # six months before 30 Sep: fine
    plan("on_site", dt.date(2025, 1, 1), drilled=dt.date(2026, 3, 1))  # more than half a year ago
    yearly = plan("comprehensive", dt.date(2025, 10, 1))  # never drilled, filed within the year

    drills = figure("drills_on_schedule", xinluo, q3)
    assert (drills.numerator, drills.denominator, drills.record_ids) == (2, 3, sorted([on_time.pk, yearly.pk]))


def test_warnings_acknowledged_and_how_fast(
    users: dict[str, Any], xinluo: Any, firms: list[Any], elsewhere: Any, q3: AssessmentPeriod
) -> None:
    warning = EmergencyWarning.objects.create(
        title="暴雨预警",
        kind="weather",
        level="orange",
        content="注意防范",
        issued_by=users["admin"],
        issued_at=at(2026, 8, 1),
    )
    notified = at(2026, 8, 1, 9)
    fast = WarningRecipient.objects.create(
        warning=warning, enterprise=firms[0], notified_at=notified, acknowledged_at=notified + dt.timedelta(hours=24)
    )
    slow = WarningRecipient.objects.create(
        warning=warning, enterprise=firms[1], notified_at=notified, acknowledged_at=notified + dt.timedelta(hours=30)
    )
    WarningRecipient.objects.create(warning=warning, enterprise=firms[2], notified_at=notified)
    WarningRecipient.objects.create(
        warning=warning, enterprise=elsewhere, notified_at=notified, acknowledged_at=notified
    )

    acknowledged = figure("warnings_acknowledged", xinluo, q3)
    assert (acknowledged.numerator, acknowledged.denominator) == (2, 3)
    assert acknowledged.record_ids == sorted([fast.pk, slow.pk])
    within_a_day = figure("warnings_acknowledged_within_a_day", xinluo, q3)
    assert (within_a_day.numerator, within_a_day.denominator, within_a_day.record_ids) == (1, 3, [fast.pk])


def test_deaths_and_larger_accidents_in_the_county_subtree(
    users: dict[str, Any], org: Any, xinluo: Any, q3: AssessmentPeriod
) -> None:
    reporter = users["admin"]
    one = accident(org.jurisdiction("新罗区/东城街道"), reporter, occurred_at=at(2026, 7, 10), deaths=1)
    larger = accident(xinluo, reporter, occurred_at=at(2026, 9, 30, 22), deaths=3, grade="larger")
    accident(xinluo, reporter, occurred_at=at(2026, 10, 1, 1), deaths=5, grade="larger")  # after the quarter
    accident(org.jurisdiction("上杭县"), reporter, occurred_at=at(2026, 8, 1), deaths=2)  # another county
    other = accident(xinluo, reporter, occurred_at=at(2026, 8, 1), deaths=4)
    other.is_production_safety = False  # a natural disaster: not a production-safety accident
    other.save()

    deaths = figure("deaths", xinluo, q3)
    assert (deaths.numerator, deaths.record_ids) == (4, sorted([one.pk, larger.pk]))
    assert figure("larger_accidents", xinluo, q3).record_ids == [larger.pk]


def test_inspections_against_the_plan_counts_the_entries_done_by_the_end_of_a_plan_period(
    org: Any, xinluo: Any, firms: list[Any], elsewhere: Any, q3: AssessmentPeriod
) -> None:
    """Q3's plan asks each enterprise for its inspections by 30 September (counted from 1 January)."""
    from supervision.models import Inspection, InspectionPlan, InspectionPlanEntry
    from supervision.services.plans import seed_default_rule_set

    spec = registry.get("inspections_against_plan")
    assert spec is not None and spec.measurable and spec.func is not None
    assert figure("inspections_against_plan", xinluo, q3).not_computable  # no plan yet: not scored, with a reason

    rules = seed_default_rule_set()
    plan = InspectionPlan.objects.create(year=2026, quarter=3, jurisdiction=xinluo, rule_set=rules)
    for firm, required in ((firms[0], 1), (firms[1], 1), (firms[2], 0)):
        InspectionPlanEntry.objects.create(
            plan=plan, enterprise=firm, class_name="c", min_per_year=2, max_per_year=12, required=required
        )
    Inspection.objects.create(enterprise=firms[0], inspected_on=dt.date(2026, 2, 1))  # counts from 1 January
    Inspection.objects.create(enterprise=firms[1], inspected_on=dt.date(2026, 10, 1))  # after the period: late
    Inspection.objects.create(enterprise=elsewhere, inspected_on=dt.date(2026, 8, 1))

    done = figure("inspections_against_plan", xinluo, q3)
    assert (done.numerator, done.denominator, done.record_ids) == (1, 2, [firms[0].pk])
    assert done.record_model == "enterprises.enterprise"


def test_certificates_expired_in_the_period_without_a_re_review(
    org: Any, xinluo: Any, firms: list[Any], q3: AssessmentPeriod
) -> None:
    def certificate(enterprise: Any, expires: dt.date, applied: dt.date | None = None) -> StandardizationCertificate:
        return StandardizationCertificate.objects.create(
            enterprise=enterprise,
            level=3,
            industry=org.industry("C2614"),
            certificate_number=f"AQBH-R-{enterprise.pk}-{expires}",
            issuing_level="city",
            issued_on=dt.date(2023, 7, 1),
            expires_on=expires,
            status="valid",
            rereview_applied_on=applied,
        )

    lapsed = certificate(firms[0], dt.date(2026, 8, 31))
    late_application = certificate(firms[1], dt.date(2026, 9, 1), applied=dt.date(2026, 9, 5))
    certificate(firms[2], dt.date(2026, 8, 31), applied=dt.date(2026, 6, 1))  # applied in time
    certificate(firms[2], dt.date(2026, 10, 31))  # expires after the quarter
    certificate(firms[3], dt.date(2026, 8, 31))  # a closed enterprise

    overdue = figure("standardization_rereview_overdue", xinluo, q3)
    assert (overdue.record_ids, overdue.denominator) == (sorted([lapsed.pk, late_application.pk]), 3)


def test_blacklisted_and_grade_three_shares(org: Any, xinluo: Any, firms: list[Any], q3: AssessmentPeriod) -> None:
    from credit.models import BlacklistEntry, CreditRating, RuleSet

    rules = RuleSet.objects.published().first()
    BlacklistEntry.objects.create(
        enterprise=firms[0],
        status="active",
        origin="rule",
        case="major_accident",
        rule_set=rules,
        legal_basis="应急管理部令第11号",
        listed_on=dt.date(2026, 8, 1),
        ends_on=dt.date(2029, 8, 1),
    )
    BlacklistEntry.objects.create(
        enterprise=firms[1], status="noticed", origin="rule", case="major_accident", rule_set=rules, legal_basis="x"
    )
    for enterprise, grade, status in ((firms[0], 3, "active"), (firms[1], 2, "active"), (firms[2], 3, "withdrawn")):
        CreditRating.objects.create(
            enterprise=enterprise,
            grade=grade,
            score=60,
            rule_set=rules,
            as_of=dt.date(2026, 9, 1),
            computed_at=at(2026, 9, 1),
            updated_at=at(2026, 9, 1),
            status=status,
        )

    listed = figure("blacklisted_share", xinluo, q3)
    assert (listed.numerator, listed.denominator, listed.record_ids) == (1, 3, [firms[0].pk])
    worst = figure("credit_grade_three_share", xinluo, q3)
    assert (worst.numerator, worst.denominator, worst.record_ids) == (1, 2, [firms[0].pk])
