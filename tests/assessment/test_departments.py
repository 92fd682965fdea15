"""The departments' duty check (履责检查): each indicator against counts made by hand on hand-built records,
the boundaries (a record entered on the last allowed day, a proposal handled on its deadline day, a hazard
closed on its deadline day, a department with no industries), runs over the member departments (ranked among
themselves, idempotent, resumable), scoping of the results, pages, export and API."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from assessment import services
from assessment.choices import ResultStatus, RunStatus, SchemeKind
from assessment.engine import window_of
from assessment.indicators import registry
from assessment.models import AssessmentPeriod, AssessmentResult, AssessmentRun, Scheme
from assessment.services import assessment_period_get_or_create, assessment_run_execute, assessment_run_start
from credit.models import BlacklistEntry, BlacklistTransition, CreditRecord, Rule, RuleSet
from safety_platform.services import DomainError
from tests.factories import EnterpriseFactory

from .helpers import at, hazard

pytestmark = pytest.mark.django_db

NOW = at(2026, 11, 20)
MEMBERS = {"yjj", "zjj", "jtj", "scjgj", "fgw", "czj", "zrzyj", "sthjj"}  # not the office (ajw), not rmyh


@pytest.fixture
def q3(reference: Any) -> AssessmentPeriod:
    with time_machine.travel(NOW, tick=False):
        return assessment_period_get_or_create(kind="quarter", year=2026, number=3)


def figure(name: str, department: Any, period: AssessmentPeriod, days: int | None = None) -> Any:
    spec = registry.get(name)
    assert spec is not None and SchemeKind.DEPARTMENT in spec.kinds
    with time_machine.travel(NOW, tick=False):
        if spec.default_days is not None:
            return spec.func(department, window_of(period), days=spec.default_days if days is None else days)
        return spec.func(department, window_of(period))


def _rule() -> Rule:
    rules = RuleSet.objects.get(version="LY-2016.1").rules
    return rules.filter(manual_allowed=True, blacklist_case="").order_by("code").first()


def _record(enterprise: Any, department: Any, *, occurred: dt.date, entered: dt.datetime, **fields: Any) -> Any:
    rule = _rule()
    record = CreditRecord.objects.create(
        enterprise=enterprise,
        rule=rule,
        occurred_on=occurred,
        evidence="证据",
        department=department,
        source=fields.pop("source", "manual"),
        **fields,
    )
    CreditRecord.objects.filter(pk=record.pk).update(created_at=entered)
    record.entered = entered
    return record


@pytest.fixture
def firms(org: Any) -> dict[str, Any]:
    """Two enterprises in 应急管理局's industries (C2614), one in 住建局's (E4710)."""
    return {
        "chem_xl": EnterpriseFactory(jurisdiction=org.jurisdiction("新罗区/东城街道"), industry=org.industry("C2614")),
        "chem_sh": EnterpriseFactory(jurisdiction=org.jurisdiction("上杭县/临江镇"), industry=org.industry("C2614")),
        "site": EnterpriseFactory(jurisdiction=org.jurisdiction("上杭县/临江镇"), industry=org.industry("E4710")),
    }


def test_the_enterprises_fall_to_the_departments_of_their_industries(org: Any, firms: dict[str, Any]) -> None:
    assert firms["chem_xl"].supervising_department == org.department("yjj")
    assert firms["site"].supervising_department == org.department("zjj")


# Credit behaviour collected on time ------------------------------------------------------------------


def test_credit_records_on_time_count_the_departments_own_entries_by_local_day(
    org: Any, firms: dict[str, Any], q3: AssessmentPeriod
) -> None:
    yjj, zjj = org.department("yjj"), org.department("zjj")
    firm = firms["chem_xl"]
    mine = [
        _record(firm, yjj, occurred=dt.date(2026, 7, 3), entered=at(2026, 7, 10, 9)),  # 7 days: the last allowed day
        _record(firm, yjj, occurred=dt.date(2026, 7, 2), entered=at(2026, 7, 10, 9)),  # 8 days: late
        _record(firm, yjj, occurred=dt.date(2026, 8, 1), entered=at(2026, 8, 1, 8)),  # same day
        # 23:30 local on the 7th day is still that day (15:30 UTC): on time.
        _record(firm, yjj, occurred=dt.date(2026, 9, 23), entered=at(2026, 9, 30, 23, 30)),
        _record(firm, yjj, occurred=dt.date(2026, 6, 1), entered=at(2026, 8, 20)),  # an old behaviour, late
    ]
    # Not counted: revoked, made by the platform from an event, another department's, entered before the period.
    _record(
        firm,
        yjj,
        occurred=dt.date(2026, 7, 1),
        entered=at(2026, 7, 2),
        status="revoked",
        revoked_at=at(2026, 7, 3),
    )
    _record(firm, yjj, occurred=dt.date(2026, 7, 1), entered=at(2026, 7, 30), source="fact")
    _record(firms["site"], zjj, occurred=dt.date(2026, 7, 1), entered=at(2026, 7, 30))
    _record(firm, yjj, occurred=dt.date(2026, 6, 29), entered=at(2026, 6, 30, 23, 59))

    expected = sorted(r.pk for r in mine if (r.entered.date() - r.occurred_on).days <= 7)
    found = figure("department_credit_records_on_time", yjj, q3)
    assert (found.numerator, found.denominator) == (len(expected), len(mine)) == (3, 5)
    assert found.record_ids == expected and found.record_model == "credit.creditrecord"
    # The scheme's allowed days decide: with 8 days the 8-day record is on time too.
    assert figure("department_credit_records_on_time", yjj, q3, days=8).numerator == 4


# Blacklist proposals handled within their deadline ----------------------------------------------------


def _proposal(enterprise: Any, department: Any, *, proposed: dt.datetime, handled: dt.datetime | None) -> Any:
    entry = BlacklistEntry.objects.create(
        enterprise=enterprise,
        status="rejected" if handled else "proposed",
        origin="department",
        case="other",
        rule_set=RuleSet.objects.get(version="LY-2016.1"),
        reason="建议",
        legal_basis="应急管理部令第11号",
        department=department,
        proposed_at=proposed,
    )
    BlacklistTransition.objects.create(entry=entry, to_status="proposed", action="propose", at=proposed)
    if handled:
        BlacklistTransition.objects.create(
            entry=entry, from_status="proposed", to_status="rejected", action="reject", at=handled
        )
    return entry


def test_blacklist_proposals_handled_by_their_deadline_day(org: Any, q3: AssessmentPeriod) -> None:
    yjj, zjj = org.department("yjj"), org.department("zjj")

    def firm() -> Any:
        return EnterpriseFactory(jurisdiction=org.jurisdiction("新罗区/东城街道"), industry=org.industry("C2614"))

    # (proposed, handled, deadline in the period?, handled by the deadline day?) with 10 days allowed.
    cases = [
        (at(2026, 6, 25, 10), at(2026, 7, 5, 18), True, True),  # handled on the deadline day
        (at(2026, 7, 1, 10), at(2026, 7, 12, 9), True, False),  # a day late
        (at(2026, 8, 1, 10), None, True, False),  # never handled
        (at(2026, 6, 20, 10), at(2026, 6, 21, 10), False, True),  # deadline 06-30: before the period
        (at(2026, 9, 25, 10), at(2026, 9, 26, 10), False, True),  # deadline 10-05: after it
        # Proposed at 07:00 local on 06-21 (06-20 in UTC): its deadline is 07-01, inside the period.
        (at(2026, 6, 21, 7), at(2026, 7, 1, 9), True, True),
    ]
    entries = [(_proposal(firm(), yjj, proposed=p, handled=h), due, ok) for p, h, due, ok in cases]
    _proposal(firm(), zjj, proposed=at(2026, 7, 1), handled=None)  # another department's

    found = figure("department_blacklist_proposals_on_time", yjj, q3)
    due = [entry for entry, in_period, _ok in entries if in_period]
    on_time = sorted(entry.pk for entry, in_period, ok in entries if in_period and ok)
    assert (found.numerator, found.denominator) == (len(on_time), len(due)) == (2, 4)
    assert found.record_ids == on_time and found.record_model == "credit.blacklistentry"


# Hazards in the department's industries ------------------------------------------------------------------


def test_hazards_in_the_departments_industries_closed_and_closed_on_time(
    org: Any, firms: dict[str, Any], q3: AssessmentPeriod
) -> None:
    yjj = org.department("yjj")
    xl, sh = firms["chem_xl"], firms["chem_sh"]
    built = [
        hazard(xl, found_at=at(2026, 7, 2), deadline=dt.date(2026, 8, 1), closed_at=at(2026, 8, 1, 23)),  # on the day
        hazard(xl, found_at=at(2026, 7, 3), deadline=dt.date(2026, 8, 1), closed_at=at(2026, 8, 2, 9)),  # late
        hazard(sh, found_at=at(2026, 8, 1), deadline=dt.date(2026, 9, 1)),  # open
        hazard(sh, found_at=at(2026, 9, 20), deadline=dt.date(2026, 10, 10), closed_at=at(2026, 10, 2)),
    ]
    hazard(firms["site"], found_at=at(2026, 7, 5), deadline=dt.date(2026, 8, 1), closed_at=at(2026, 7, 6))  # zjj's
    hazard(xl, found_at=at(2026, 7, 5), deadline=dt.date(2026, 8, 1), state="voided")  # does not count

    end = at(2026, 10, 1, 0)
    closed = sorted(h.pk for h in built if h.closed_at and h.closed_at < end)
    closure = figure("department_hazard_closure_rate", yjj, q3)
    assert (closure.numerator, closure.denominator, closure.record_ids) == (2, 4, closed)

    due = [h for h in built if dt.date(2026, 7, 1) <= h.deadline <= dt.date(2026, 9, 30)]
    in_time = sorted(h.pk for h in due if h.closed_at and h.closed_at.astimezone(end.tzinfo).date() <= h.deadline)
    on_time = figure("department_hazard_on_time_closure_rate", yjj, q3)
    assert (on_time.numerator, on_time.denominator, on_time.record_ids) == (len(in_time), len(due), in_time)
    assert (on_time.numerator, on_time.denominator) == (1, 3)


def test_a_department_with_no_industries_is_not_measured_on_hazards(org: Any, q3: AssessmentPeriod) -> None:
    finance = org.department("czj")
    assert not finance.industries.exists()
    for name in ("department_hazard_closure_rate", "department_hazard_on_time_closure_rate"):
        found = figure(name, finance, q3)
        assert "市财政局" in found.not_computable and found.denominator is None


# Runs ----------------------------------------------------------------------------------------------------


def _run(period: AssessmentPeriod, when: dt.datetime = NOW) -> AssessmentRun:
    with time_machine.travel(when, tick=False):
        run = assessment_run_start(period=period, enqueue=False, kind=SchemeKind.DEPARTMENT)
        return assessment_run_execute(run_id=run.pk)


def _scores(run: AssessmentRun) -> dict[str, tuple[Any, ...]]:
    return {
        r.department.code: (r.score, r.grade, r.rank, [(i.indicator, i.points, i.scored) for i in r.indicators.all()])
        for r in run.results.select_related("department").prefetch_related("indicators")
    }


@pytest.fixture
def duty_check(org: Any, firms: dict[str, Any], q3: AssessmentPeriod) -> AssessmentRun:
    yjj, zjj = org.department("yjj"), org.department("zjj")
    _record(firms["chem_xl"], yjj, occurred=dt.date(2026, 7, 1), entered=at(2026, 7, 2))
    _record(firms["chem_xl"], yjj, occurred=dt.date(2026, 7, 1), entered=at(2026, 7, 20))
    _record(firms["site"], zjj, occurred=dt.date(2026, 8, 1), entered=at(2026, 8, 3))
    hazard(firms["chem_xl"], found_at=at(2026, 7, 2), deadline=dt.date(2026, 8, 1), closed_at=at(2026, 7, 20))
    hazard(firms["site"], found_at=at(2026, 7, 2), deadline=dt.date(2026, 8, 1))
    return _run(q3)


def test_a_duty_check_assesses_every_member_department_and_ranks_them(org: Any, duty_check: AssessmentRun) -> None:
    assert duty_check.status == RunStatus.DONE and duty_check.total == len(MEMBERS) == duty_check.done
    results = {r.department.code: r for r in duty_check.results.select_related("department")}
    assert set(results) == MEMBERS
    assert all(r.jurisdiction_id is None for r in results.values())
    yjj, zjj = results["yjj"], results["zjj"]
    # 应急管理局: credit 1 of 2 on time (band 0.5..1 → 0 points), hazards 1/1 closed, 1/1 on time, no proposals.
    # 住建局: credit 1/1, hazards 0/1 closed and 0/1 on time: both score, differently.
    assert yjj.score is not None and zjj.score is not None and yjj.score != zjj.score
    ranked = sorted((r for r in results.values() if r.score is not None), key=lambda r: r.score, reverse=True)
    assert ranked[0].rank == 1 and all(r.rank is not None for r in ranked)
    joint = yjj.indicators.get(indicator="joint_inspections_joined")
    assert not joint.scored and joint.points is None and "联合" in joint.label
    scored = yjj.indicators.filter(scored=True)
    assert sum(i.effective_weight for i in scored) == Decimal("100.00")
    assert any("联合" in note for note in yjj.notes)


def test_a_department_without_industries_or_records_gets_no_score_and_no_error(duty_check: AssessmentRun) -> None:
    finance = duty_check.results.get(department__code="czj")
    assert finance.score is None and finance.rank is None and finance.grade == ""
    reasons = {i.indicator: i.reason for i in finance.indicators.all()}
    assert "市财政局" in reasons["department_hazard_closure_rate"]
    assert all(not i.scored for i in finance.indicators.all())


def test_a_duty_check_run_again_gives_the_same_results(duty_check: AssessmentRun, q3: AssessmentPeriod) -> None:
    again = _run(q3)
    assert again.pk != duty_check.pk
    assert _scores(again) == _scores(duty_check)
    # Executing a finished run once more changes nothing.
    with time_machine.travel(NOW, tick=False):
        assessment_run_execute(run_id=duty_check.pk)
    assert duty_check.results.count() == len(MEMBERS)


def test_a_duty_check_killed_half_way_and_resumed_equals_a_clean_run(
    duty_check: AssessmentRun, q3: AssessmentPeriod
) -> None:
    with time_machine.travel(NOW, tick=False):
        broken = assessment_run_start(period=q3, enqueue=False, kind=SchemeKind.DEPARTMENT)
        first = services.assessees(SchemeKind.DEPARTMENT)[:3]
        for department in first:
            services._store(broken, department)
        AssessmentRun.objects.filter(pk=broken.pk).update(status=RunStatus.RUNNING, done=3)
        resumed = assessment_run_execute(run_id=broken.pk)
    assert resumed.status == RunStatus.DONE
    assert _scores(resumed) == _scores(duty_check)


def test_the_county_run_is_untouched_by_the_department_scheme(q3: AssessmentPeriod) -> None:
    with time_machine.travel(NOW, tick=False):
        run = assessment_run_execute(run_id=assessment_run_start(period=q3, enqueue=False).pk)
    assert run.scheme.kind == SchemeKind.JURISDICTION and run.total == 8
    assert not run.results.filter(department__isnull=False).exists()


# Schemes -------------------------------------------------------------------------------------------------


def _indicator(name: str, weight: int = 100, **extra: Any) -> dict[str, Any]:
    return {
        "indicator": name,
        "part": "process",
        "weight": Decimal(weight),
        "direction": "higher",
        "normalization": "share",
        "scoring": "band",
        "full_at": Decimal(1),
        "zero_at": Decimal("0.5"),
        **extra,
    }


def test_a_department_scheme_refuses_a_county_indicator_and_vetoes_naming_the_field(reference: Any) -> None:
    grades = [{"grade": "pass", "min_score": Decimal(60)}]
    with pytest.raises(ValidationError) as excinfo:
        services.scheme_create(
            name="x",
            version="d-x",
            valid_from=dt.date(2026, 1, 1),
            kind=SchemeKind.DEPARTMENT,
            indicators=[_indicator("hazard_on_time_closure_rate")],
            vetoes=[{"kind": "major_accident"}],
            grades=grades,
        )
    assert set(excinfo.value.message_dict) == {"indicators[0].indicator", "vetoes"}
    with pytest.raises(ValidationError) as excinfo:
        services.scheme_create(
            name="x",
            version="c-x",
            valid_from=dt.date(2026, 1, 1),
            indicators=[_indicator("department_hazard_closure_rate")],
            grades=grades,
        )
    assert set(excinfo.value.message_dict) == {"indicators[0].indicator"}
    assert not Scheme.objects.filter(version__in=["d-x", "c-x"]).exists()


def test_the_allowed_days_are_part_of_the_scheme(org: Any, firms: dict[str, Any], q3: AssessmentPeriod) -> None:
    yjj = org.department("yjj")
    _record(firms["chem_xl"], yjj, occurred=dt.date(2026, 7, 1), entered=at(2026, 7, 9))  # 8 days
    Scheme.objects.filter(kind=SchemeKind.DEPARTMENT).update(status="retired")
    strict = services.scheme_create(
        name="严",
        version="d-8",
        valid_from=dt.date(2026, 1, 1),
        kind=SchemeKind.DEPARTMENT,
        status="active",
        indicators=[_indicator("department_credit_records_on_time", days_allowed=8)],
        grades=[{"grade": "pass", "min_score": Decimal(60)}],
    )
    run = _run(q3)
    assert run.scheme == strict
    row = run.results.get(department=yjj).indicators.get()
    assert (row.numerator, row.denominator, row.points) == (1, 1, Decimal("100.00"))


# Scoping, objections, publication -------------------------------------------------------------------------


def test_department_staff_see_only_their_own_preliminary_result(
    users: dict[str, Any], duty_check: AssessmentRun
) -> None:
    def codes(user: Any) -> set[str]:
        return set(
            AssessmentResult.objects.visible_to(user).filter(run=duty_check).values_list("department__code", flat=True)
        )

    assert codes(users["department"]) == {"yjj"}
    assert codes(users["department_zjj"]) == {"zjj"}
    assert codes(users["committee"]) == MEMBERS
    assert codes(users["inspector"]) == set()
    assert codes(users["enterprise"]) == set()
    with time_machine.travel(NOW, tick=False):
        services.assessment_run_publish(run=duty_check, user=users["committee"])
    assert codes(users["department"]) == codes(users["inspector"]) == MEMBERS
    assert codes(users["enterprise"]) == set()


def test_a_department_objects_to_its_own_preliminary_result_only(
    users: dict[str, Any], duty_check: AssessmentRun
) -> None:
    own = duty_check.results.get(department__code="yjj")
    other = duty_check.results.get(department__code="zjj")
    with time_machine.travel(NOW + dt.timedelta(days=1), tick=False):
        objection = services.objection_file(result=own, user=users["department"], text="漏计信用信息")
        for user, result in ((users["department"], other), (users["inspector"], own), (users["committee"], own)):
            with pytest.raises(DomainError) as excinfo:
                services.objection_file(result=result, user=user, text="x")
            assert excinfo.value.code == "forbidden"
        answered = services.objection_answer(objection=objection, user=users["committee"], accept=True, answer="复核")
    assert answered.score_after == answered.score_before  # nothing changed in the records: the same score
    own.refresh_from_db()
    assert own.rank is not None


def test_department_pages_ranking_breakdown_and_scoping(
    client: Any, users: dict[str, Any], duty_check: AssessmentRun, django_assert_max_num_queries: Any
) -> None:
    client.force_login(users["committee"])
    with django_assert_max_num_queries(12):
        page = client.get(f"/assessment/runs/{duty_check.pk}/")
    text = page.content.decode()
    assert page.status_code == 200 and "市应急管理局" in text and "市财政局" in text
    assert "部门" in text and "县（市、区）" not in text
    own = duty_check.results.get(department__code="yjj")
    other = duty_check.results.get(department__code="zjj")
    client.force_login(users["department"])
    with time_machine.travel(NOW + dt.timedelta(days=1), tick=False):  # inside the objection window
        ranking = client.get(f"/assessment/runs/{duty_check.pk}/").content.decode()
        breakdown = client.get(f"/assessment/results/{own.pk}/")
        hidden = client.get(f"/assessment/results/{other.pk}/")
    assert "市应急管理局" in ranking and "市住建局" not in ranking
    assert breakdown.status_code == 200 and "联合执法检查参与率" in breakdown.content.decode()
    assert 'name="text"' in breakdown.content.decode()  # the objection form: its own preliminary result
    assert hidden.status_code == 404


def test_committee_starts_a_duty_check_from_the_runs_page(
    client: Any, users: dict[str, Any], q3: AssessmentPeriod
) -> None:
    client.force_login(users["committee"])
    with time_machine.travel(NOW, tick=False):
        response = client.post("/assessment/", {"assessed": "department", "kind": "quarter", "year": 2026, "number": 3})
    run = AssessmentRun.objects.get()
    assert response.status_code == 302 and run.scheme.kind == SchemeKind.DEPARTMENT
    assert run.total == len(MEMBERS)
    refused = client.post("/assessment/", {"assessed": "nobody", "kind": "quarter", "year": 2026, "number": 3})
    assert refused.status_code == 400 and "assessed" in refused.context["form"].errors


def test_the_excel_report_of_a_duty_check_ranks_departments(
    client: Any, users: dict[str, Any], duty_check: AssessmentRun
) -> None:
    client.force_login(users["committee"])
    response = client.get(f"/assessment/runs/{duty_check.pk}/report/?format=xlsx")
    book = load_workbook(io.BytesIO(response.getvalue()), read_only=True)
    ranking = list(book.worksheets[0].iter_rows(values_only=True))
    assert ranking[1][1] == "部门"
    assert {row[1] for row in ranking[2:]} >= {"龙岩市应急管理局", "龙岩市财政局"}
    assert "龙岩市应急管理局" in book.sheetnames


def test_the_api_lists_a_departments_own_preliminary_result_only(
    api_client: Any, users: dict[str, Any], duty_check: AssessmentRun, django_assert_max_num_queries: Any
) -> None:
    api_client.force_authenticate(users["department"])
    with django_assert_max_num_queries(8):
        rows = api_client.get("/api/v1/assessment/results/?assessed=department").json()["results"]
    assert [(r["department_name"], r["jurisdiction"], r["assessee_name"]) for r in rows] == [
        ("龙岩市应急管理局", None, "龙岩市应急管理局")
    ]
    assert rows[0]["scheme_kind"] == "department" and rows[0]["status"] == ResultStatus.PRELIMINARY
    other = duty_check.results.get(department__code="zjj")
    assert api_client.get(f"/api/v1/assessment/results/{other.pk}/").status_code == 404
    api_client.force_authenticate(users["committee"])
    everything = api_client.get(f"/api/v1/assessment/results/?run={duty_check.pk}&page_size=50").json()["results"]
    assert {r["department_name"] for r in everything} == {
        r.department.name for r in duty_check.results.select_related("department")
    }
    api_client.force_authenticate(users["department_zjj"])
    refused = api_client.post(
        f"/api/v1/assessment/results/{duty_check.results.get(department__code='yjj').pk}/objection/", {"text": "x"}
    )
    assert refused.status_code in (403, 404)


def test_the_default_department_scheme_is_in_force(reference: Any) -> None:
    scheme = Scheme.objects.in_force(SchemeKind.DEPARTMENT, dt.date(2026, 9, 30))
    assert scheme is not None
    items = list(scheme.indicators.all())
    assert sum(i.weight for i in items) == 100
    assert {i.indicator for i in items} == {
        "department_credit_records_on_time",
        "department_blacklist_proposals_on_time",
        "department_hazard_closure_rate",
        "department_hazard_on_time_closure_rate",
        "joint_inspections_joined",
    }
    services.scheme_validate(scheme)


def test_the_demo_publishes_last_quarters_duty_check_with_figures_that_differ(
    reference: Any, users: dict[str, Any]
) -> None:
    from assessment.demo import seed_assessment_demo
    from safety_platform.models import Industry, Jurisdiction

    # Two enterprises in the industries of each department that supervises one (the logins of 应急管理局 and
    # 住建局 come from `users`; the other departments' records are entered without a demo login).
    county = Jurisdiction.objects.get(name="上杭县")
    for industry in ("C2614", "C2614", "E4710", "E4710", "G5431", "G5431", "H6210", "H6210", "D4411", "D4411"):
        EnterpriseFactory(jurisdiction=county, industry=Industry.objects.get(code=industry))
    with time_machine.travel(NOW, tick=False):
        seed_assessment_demo()
        seed_assessment_demo()  # idempotent
    runs = AssessmentRun.objects.filter(scheme__kind=SchemeKind.DEPARTMENT).select_related("period")
    assert sorted((r.period.kind, r.status) for r in runs) == [("month", "done"), ("quarter", "done")]
    quarter = AssessmentResult.objects.filter(scheme__kind=SchemeKind.DEPARTMENT, period__kind="quarter")
    assert set(quarter.values_list("status", flat=True)) == {ResultStatus.PUBLISHED}
    month = AssessmentResult.objects.filter(scheme__kind=SchemeKind.DEPARTMENT, period__kind="month")
    assert set(month.values_list("status", flat=True)) == {ResultStatus.PRELIMINARY}

    def credit(code: str) -> tuple[Any, Any]:
        row = quarter.get(department__code=code).indicators.get(indicator="department_credit_records_on_time")
        return row.numerator, row.denominator

    assert credit("yjj") == (5, 6) and credit("zjj") == (2, 4)
    assert quarter.get(department__code="yjj").score != quarter.get(department__code="zjj").score

    # Every department that supervises an industry is scored, each differently: a real ranking.
    supervising = {"yjj", "zjj", "jtj", "scjgj", "fgw"}
    for results in (quarter, month):
        scores = {r.department.code: r.score for r in results.select_related("department")}
        assert {code for code, score in scores.items() if score is not None} == supervising
    quarter_scores = [quarter.get(department__code=code).score for code in supervising]
    assert len(set(quarter_scores)) == len(supervising)
    assert sorted(quarter.exclude(rank=None).values_list("rank", flat=True)) == [1, 2, 3, 4, 5]
    # The records are the departments' own, on enterprises each supervises.
    demo = CreditRecord.objects.filter(evidence__startswith="演示").select_related("enterprise")
    assert {r.department.code for r in demo} == supervising
    assert all(r.enterprise.supervising_department_id == r.department_id for r in demo)
    # 财政局, 自然资源局 and 生态环境局 supervise no industry: no records are possible; the result says why.
    for code in MEMBERS - supervising:
        result = quarter.get(department__code=code)
        assert result.score is None and result.rank is None
        reasons = {i.indicator: i.reason for i in result.indicators.all()}
        assert "没有主管行业" in reasons["department_hazard_closure_rate"]
