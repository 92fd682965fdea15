"""Normalization, scoring, weight spreading, vetoes and grades; runs that rerun and resume to the same result."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import time_machine

from assessment import engine
from assessment.choices import AssessmentGrade, RunStatus
from assessment.models import AssessmentResult, AssessmentRun, CountyInput, ResultIndicator, Scheme, SchemeIndicator
from assessment.services import (
    assessment_period_get_or_create,
    assessment_run_execute,
    assessment_run_start,
    county_input_save,
    scheme_activate,
    scheme_copy,
)
from tests.factories import EnterpriseFactory

from .helpers import accident, at, hazard

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock() -> Any:
    with time_machine.travel(at(2026, 11, 20), tick=False):
        yield


@pytest.fixture
def scheme() -> Scheme:
    """The default scheme the platform ships (DESIGN §3c), created by the data migration."""
    return Scheme.objects.get(kind="jurisdiction", version="2026.1")


@pytest.fixture
def q3() -> Any:
    return assessment_period_get_or_create(kind="quarter", year=2026, number=3)


def item(**values: Any) -> SchemeIndicator:
    defaults = {"indicator": "hazard_closure_rate", "part": "process", "weight": Decimal(10), "direction": "higher"}
    return SchemeIndicator(**{**defaults, **values})


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1", "1"), ("0.95", "0.875"), ("0.6", "0"), ("0.5", "0"), ("1.2", "1")],
)
def test_band_scoring_is_linear_between_zero_and_full_points(value: str, expected: str) -> None:
    band = item(normalization="share", scoring="band", full_at=Decimal("1"), zero_at=Decimal("0.6"))
    assert engine.score_fraction(band, Decimal(value), None) == Decimal(expected)


@pytest.mark.parametrize(("value", "expected"), [("0", "1"), ("1", "0.5"), ("2", "0"), ("3", "0")])
def test_deduction_per_unit_stops_at_zero(value: str, expected: str) -> None:
    deduct = item(weight=Decimal(10), normalization="per_100_enterprises", scoring="deduct", deduct_per_unit=5)
    assert engine.score_fraction(deduct, Decimal(value), None) == Decimal(expected)


@pytest.mark.parametrize(
    ("deaths", "target", "expected"),
    [("3", "4", "1"), ("4", "4", "1"), ("6", "4", "0.5"), ("8", "4", "0"), ("0", "0", "1"), ("1", "0", "0")],
)
def test_against_the_target_deducts_in_proportion_to_the_overshoot(deaths: str, target: str, expected: str) -> None:
    rule = item(indicator="deaths", normalization="count", scoring="against_target", target_input="deaths", zero_at=2)
    assert engine.score_fraction(rule, Decimal(deaths), Decimal(target)) == Decimal(expected)


def test_rates_per_gdp_and_per_workers(org: Any) -> None:
    county = org.jurisdiction("新罗区")
    entered = CountyInput(jurisdiction=county, year=2026, gdp_100m_yuan=Decimal("400"), industrial_workers=200000)
    figure = engine.Figure(numerator=Decimal(6))
    per_gdp = engine.normalize(item(normalization="per_100m_gdp"), figure, entered, county, 2026)
    per_workers = engine.normalize(item(normalization="per_100k_workers"), figure, entered, county, 2026)
    assert (per_gdp, per_workers) == (Decimal("0.015"), Decimal(3))


def test_zero_gdp_is_not_computable_with_a_clear_reason_never_a_division_by_zero(org: Any) -> None:
    county = org.jurisdiction("新罗区")
    entered = CountyInput(jurisdiction=county, year=2026, gdp_100m_yuan=Decimal(0))
    with pytest.raises(engine.NotScored, match="GDP") as why:
        engine.normalize(item(normalization="per_100m_gdp"), engine.Figure(numerator=Decimal(2)), entered, county, 2026)
    assert "0" in str(why.value) and "新罗区" in str(why.value)
    two = engine.Figure(numerator=Decimal(2))
    with pytest.raises(engine.NotScored, match="新罗区"):  # nothing entered at all
        engine.normalize(item(normalization="per_100k_workers"), two, None, county, 2026)


def _inputs(org: Any) -> None:
    for name, deaths, gdp, workers in (("新罗区", 8, "1000", 200000), ("上杭县", 4, "0", 100000)):
        county_input_save(
            jurisdiction=org.jurisdiction(name),
            year=2026,
            deaths_target=deaths,
            larger_accidents_target=1,
            deaths_per_100m_gdp_target=Decimal("0.008"),
            deaths_per_100k_workers_target=Decimal(4),
            gdp_100m_yuan=Decimal(gdp),
            industrial_workers=workers,
        )


def test_a_county_with_no_enterprises_is_not_scored_on_them_and_their_weight_is_spread(
    org: Any, scheme: Scheme, q3: Any
) -> None:
    _inputs(org)
    zone = org.jurisdiction("龙岩经济技术开发区（高新区）")
    outcome = engine.assess(scheme, zone, q3)
    scored = [o for o in outcome.outcomes if o.scored]
    assert {o.item.indicator for o in outcome.outcomes if not o.scored} >= {
        "inspections_against_plan",
        "hazard_on_time_closure_rate",
        "self_check_coverage",
        "stats_filed_on_time",
        "major_hazards_overdue_or_listed",
    }
    assert sum(o.effective_weight for o in scored) == pytest.approx(Decimal(100), abs=Decimal("0.05"))
    assert any("Inspections done against the plan" in n or "监督检查计划完成率" in n for n in outcome.notes)
    assert outcome.score is not None


def test_scoring_a_county_end_to_end_with_hand_computed_points(
    users: dict[str, Any], org: Any, scheme: Scheme, q3: Any
) -> None:
    _inputs(org)
    county = org.jurisdiction("新罗区")
    firm = EnterpriseFactory(jurisdiction=org.jurisdiction("新罗区/东城街道"), industry=org.industry("C2614"))
    deadline = dt.date(2026, 8, 15)
    hazard(firm, found_at=at(2026, 7, 1), deadline=deadline, closed_at=at(2026, 8, 15, 20))  # on time
    hazard(firm, found_at=at(2026, 7, 1), deadline=deadline)  # overdue, general
    accident(county, users["admin"], occurred_at=at(2026, 8, 1), deaths=3)  # target for a quarter: 8 × 3/12 = 2

    outcome = engine.assess(scheme, county, q3)
    by_label = {o.item.normalization + ":" + o.item.indicator: o for o in outcome.outcomes}
    on_time = by_label["share:hazard_on_time_closure_rate"]
    assert (on_time.normalized, on_time.fraction) == (Decimal("0.5"), Decimal(0))  # below the 0.6 band floor
    deaths = by_label["count:deaths"]
    assert (deaths.normalized, deaths.target) == (Decimal(3), Decimal(2))
    assert deaths.fraction == Decimal("0.5")  # 50 % over the target: half the points
    per_gdp = by_label["per_100m_gdp:deaths"]
    assert per_gdp.normalized == Decimal("0.003") and per_gdp.target == Decimal("0.002")
    assert per_gdp.fraction == Decimal("0.5")
    assert outcome.vetoed is False  # 3 deaths ≤ 150 % of 2


def test_vetoes_make_the_grade_fail_whatever_the_score(
    users: dict[str, Any], org: Any, scheme: Scheme, q3: Any
) -> None:
    _inputs(org)
    county = org.jurisdiction("上杭县")
    accident(county, users["admin"], occurred_at=at(2026, 8, 1), deaths=10, grade="major")
    late = accident(
        county,
        users["admin"],
        occurred_at=at(2026, 9, 1),
        deaths=3,
        grade="larger",
        reported_after=dt.timedelta(hours=3),
    )
    outcome = engine.assess(scheme, county, q3)
    assert outcome.vetoed and outcome.grade == AssessmentGrade.FAIL
    text = " ".join(outcome.veto_reasons)
    assert late.title in text
    assert len(outcome.veto_reasons) == 3  # the major accident, the late report, 13 deaths > 150 % of 1


def test_deaths_over_150_percent_of_the_target_veto_at_the_boundary(
    users: dict[str, Any], org: Any, scheme: Scheme, q3: Any
) -> None:
    _inputs(org)
    county = org.jurisdiction("新罗区")  # quarter target 2 → veto above 3 deaths
    accident(county, users["admin"], occurred_at=at(2026, 8, 1), deaths=3)
    assert engine.assess(scheme, county, q3).vetoed is False
    accident(county, users["admin"], occurred_at=at(2026, 8, 2), deaths=1)
    assert engine.assess(scheme, county, q3).vetoed is True


@pytest.mark.parametrize(
    ("score", "grade"),
    [("90", "excellent"), ("89.99", "good"), ("80", "good"), ("70", "pass"), ("69.99", "fail")],
)
def test_grade_thresholds(scheme: Scheme, score: str, grade: str) -> None:
    assert engine.grade_for(scheme, Decimal(score), vetoed=False) == grade


def _snapshot(run: AssessmentRun) -> list[tuple[Any, ...]]:
    rows = []
    for result in AssessmentResult.objects.filter(run=run).order_by("jurisdiction_id"):
        breakdown = [
            (i.indicator, i.label, i.numerator, i.normalized, i.points, i.scored, tuple(i.record_ids))
            for i in ResultIndicator.objects.filter(result=result)
        ]
        rows.append(
            (result.jurisdiction_id, result.score, result.grade, result.rank, result.vetoed, result.notes, breakdown)
        )
    return rows


@pytest.fixture
def county_records(users: dict[str, Any], org: Any) -> None:
    _inputs(org)
    for path, closed in (("新罗区/东城街道", True), ("上杭县/临江镇", False), ("永定区", True)):
        firm = EnterpriseFactory(jurisdiction=org.jurisdiction(path), industry=org.industry("C2614"))
        hazard(
            firm,
            found_at=at(2026, 7, 1),
            deadline=dt.date(2026, 8, 1),
            closed_at=at(2026, 7, 20) if closed else None,
        )
    accident(org.jurisdiction("上杭县"), users["admin"], occurred_at=at(2026, 8, 1), deaths=2)


def test_a_run_scores_every_county_and_ranks_them(county_records: None, scheme: Scheme, q3: Any) -> None:
    run = assessment_run_start(period=q3, enqueue=False)
    run = assessment_run_execute(run_id=run.pk)
    assert (run.status, run.done, run.total) == (RunStatus.DONE, 8, 8)
    results = list(run.results.order_by("rank"))
    assert len(results) == 8 and results[0].rank == 1
    scores = [r.score for r in results]
    assert scores == sorted(scores, reverse=True)
    shanghang = run.results.get(jurisdiction__name="上杭县")
    assert shanghang.score < run.results.get(jurisdiction__name="新罗区").score
    per_gdp = shanghang.indicators.get(label__contains="GDP")
    assert not per_gdp.scored and "0" in per_gdp.reason  # zero GDP entered: said, not divided by


def test_a_rerun_gives_the_same_result(county_records: None, q3: Any) -> None:
    first = assessment_run_execute(run_id=assessment_run_start(period=q3, enqueue=False).pk)
    second = assessment_run_execute(run_id=assessment_run_start(period=q3, enqueue=False).pk)
    assert first.pk != second.pk
    assert _snapshot(first) == _snapshot(second)


def test_a_run_killed_half_way_and_resumed_equals_a_clean_run(
    county_records: None, q3: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    clean = assessment_run_execute(run_id=assessment_run_start(period=q3, enqueue=False).pk)

    from assessment import services

    real_store = services._store
    calls = {"n": 0}

    def dies_on_the_fourth(run: Any, county: Any) -> bool:
        calls["n"] += 1
        if calls["n"] == 4:
            raise RuntimeError("worker lost")
        return real_store(run, county)

    monkeypatch.setattr(services, "_store", dies_on_the_fourth)
    broken = assessment_run_start(period=q3, enqueue=False)
    with pytest.raises(RuntimeError):
        assessment_run_execute(run_id=broken.pk)
    broken.refresh_from_db()
    assert broken.status == RunStatus.FAILED and "worker lost" in broken.error and broken.done == 3
    assert broken.error.split(":")[0]  # names the county it stopped at

    monkeypatch.setattr(services, "_store", real_store)
    resumed = assessment_run_execute(run_id=broken.pk)
    assert resumed.status == RunStatus.DONE and resumed.error == ""
    assert _snapshot(resumed) == _snapshot(clean)


def test_a_run_left_running_by_a_killed_worker_resumes_where_it_stopped(county_records: None, q3: Any) -> None:
    from assessment import services

    run = assessment_run_start(period=q3, enqueue=False)
    AssessmentRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING)
    for county in services.assessees()[:5]:
        services._store(run, county)  # the worker got this far, then was killed (status still running)
    stored = dict(run.results.values_list("jurisdiction_id", "pk"))
    resumed = assessment_run_execute(run_id=run.pk)
    assert resumed.status == RunStatus.DONE and resumed.results.count() == 8
    # The five done before are kept as they were, not computed again.
    assert {k: v for k, v in resumed.results.values_list("jurisdiction_id", "pk") if k in stored} == stored
    clean = assessment_run_execute(run_id=assessment_run_start(period=q3, enqueue=False).pk)
    assert _snapshot(resumed) == _snapshot(clean)


def test_starting_twice_while_a_run_waits_returns_the_same_run(county_records: None, q3: Any) -> None:
    first = assessment_run_start(period=q3, enqueue=False)
    assert assessment_run_start(period=q3, enqueue=False) == first


def test_a_new_scheme_version_never_changes_a_result_already_computed(
    county_records: None, scheme: Scheme, q3: Any
) -> None:
    run = assessment_run_execute(run_id=assessment_run_start(period=q3, enqueue=False).pk)
    before = _snapshot(run)
    new = scheme_copy(scheme=scheme, version="2026.2", valid_from=dt.date(2026, 7, 1))
    SchemeIndicator.objects.filter(scheme=new, indicator="deaths", normalization="count").update(weight=5)
    SchemeIndicator.objects.filter(scheme=new, indicator="hazard_on_time_closure_rate").update(weight=20)
    scheme_activate(scheme=new)
    later = assessment_run_execute(run_id=assessment_run_start(period=q3, enqueue=False).pk)
    assert later.scheme == new and run.scheme == scheme
    assert _snapshot(run) == before  # the old run's results keep their own figures
    assert _snapshot(later) != before
    assert scheme.is_frozen and Scheme.objects.get(pk=new.pk).based_on_id is not None


def test_the_change_from_the_previous_period_is_recorded(county_records: None, q3: Any) -> None:
    q2 = assessment_period_get_or_create(kind="quarter", year=2026, number=2)
    before = assessment_run_execute(run_id=assessment_run_start(period=q2, enqueue=False).pk)
    now = assessment_run_execute(run_id=assessment_run_start(period=q3, enqueue=False).pk)
    previous = before.results.get(jurisdiction__name="上杭县")
    current = now.results.get(jurisdiction__name="上杭县")
    assert current.previous_score == previous.score
    assert current.change == current.score - previous.score


def test_assessing_a_county_takes_the_same_number_of_queries_whatever_the_number_of_records(
    users: dict[str, Any], org: Any, scheme: Scheme, q3: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _inputs(org)
    county = org.jurisdiction("新罗区")

    def add_records(n: int) -> None:
        for _ in range(n):
            firm = EnterpriseFactory(jurisdiction=org.jurisdiction("新罗区/东城街道"), industry=org.industry("C2614"))
            hazard(firm, found_at=at(2026, 7, 1), deadline=dt.date(2026, 8, 1), closed_at=at(2026, 7, 20))
            hazard(firm, found_at=at(2026, 7, 1), grade="major", deadline=dt.date(2026, 8, 1))
            accident(county, users["admin"], occurred_at=at(2026, 8, 1), deaths=1, enterprise=firm)

    def queries() -> int:
        fresh = Scheme.objects.prefetch_related("indicators", "vetoes", "grades").get(pk=scheme.pk)
        with CaptureQueriesContext(connection) as captured:
            engine.assess(fresh, county, q3)
        return len(captured)

    add_records(2)
    few = queries()
    add_records(6)
    assert queries() == few
