"""Review and publication: a county objects within the window, committee staff answer (accept → the county is
assessed again, reject with a reason), publishing freezes the results; all of it in the audit trail."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from assessment import services
from assessment.models import AssessmentResult, AssessmentRun, Objection, ObjectionStatus
from assessment.services import assessment_period_get_or_create, assessment_run_execute, assessment_run_start
from safety_platform.services import DomainError
from tests.factories import EnterpriseFactory, UserFactory

from .helpers import at, hazard

pytestmark = pytest.mark.django_db

FINISHED = at(2026, 11, 20)
PDF = b"%PDF-1.4\n%test\n"


@pytest.fixture
def run(org: Any) -> AssessmentRun:
    with time_machine.travel(FINISHED, tick=False):
        firm = EnterpriseFactory(jurisdiction=org.jurisdiction("新罗区/东城街道"), industry=org.industry("C2614"))
        hazard(firm, found_at=at(2026, 7, 1), deadline=dt.date(2026, 8, 1), closed_at=at(2026, 7, 5))
        hazard(firm, found_at=at(2026, 7, 2), deadline=dt.date(2026, 8, 1))
        period = assessment_period_get_or_create(kind="quarter", year=2026, number=3)
        return assessment_run_execute(run_id=assessment_run_start(period=period, enqueue=False).pk)


@pytest.fixture
def xinluo(run: AssessmentRun, org: Any) -> AssessmentResult:
    return run.results.get(jurisdiction=org.jurisdiction("新罗区"))


def _file(result: AssessmentResult, user: Any, when: dt.datetime, **kwargs: Any) -> Objection:
    with time_machine.travel(when, tick=False):
        return services.objection_file(result=result, user=user, text=kwargs.pop("text", "漏计整改"), **kwargs)


def test_the_countys_inspector_objects_with_evidence_within_the_window(
    users: dict[str, Any], xinluo: AssessmentResult
) -> None:
    evidence = SimpleUploadedFile("proof.pdf", PDF, content_type="application/pdf")
    objection = _file(xinluo, users["inspector"], FINISHED + dt.timedelta(days=7), evidence=evidence)
    assert objection.status == ObjectionStatus.OPEN and objection.evidence
    assert LogEntry.objects.get_for_object(objection).exists()


def test_an_objection_after_the_window_is_refused_with_its_code(
    users: dict[str, Any], xinluo: AssessmentResult
) -> None:
    with pytest.raises(DomainError) as excinfo:
        _file(xinluo, users["inspector"], FINISHED + dt.timedelta(days=7, seconds=1))
    assert excinfo.value.code == "window_closed"
    assert not Objection.objects.exists()


def test_the_window_comes_from_the_setting(settings: Any, users: dict[str, Any], xinluo: AssessmentResult) -> None:
    settings.ASSESSMENT_OBJECTION_DAYS = 3
    with pytest.raises(DomainError) as excinfo:
        _file(xinluo, users["inspector"], FINISHED + dt.timedelta(days=3, minutes=1))
    assert excinfo.value.code == "window_closed"


def test_only_the_countys_own_inspectors_may_object(org: Any, users: dict[str, Any], xinluo: AssessmentResult) -> None:
    other = UserFactory(username="insp_sh", role="inspector")
    other.jurisdictions.add(org.jurisdiction("上杭县"))
    for user in (other, users["committee"], users["department"], users["enterprise"]):
        with pytest.raises(DomainError) as excinfo:
            _file(xinluo, user, FINISHED)
        assert excinfo.value.code == "forbidden"


def test_an_empty_objection_names_the_field(users: dict[str, Any], xinluo: AssessmentResult) -> None:
    with pytest.raises(ValidationError) as excinfo:
        _file(xinluo, users["inspector"], FINISHED, text="  ")
    assert "text" in excinfo.value.message_dict


def test_accepting_assesses_the_county_again_and_keeps_both_scores(
    org: Any, users: dict[str, Any], xinluo: AssessmentResult
) -> None:
    objection = _file(xinluo, users["inspector"], FINISHED)
    before = xinluo.score
    # The county shows the open hazard was in fact closed on time: the record is corrected, then the answer.
    from hazards.models import Hazard

    Hazard.objects.filter(closed_at__isnull=True).update(state="closed", closed_at=at(2026, 7, 20))
    with time_machine.travel(FINISHED + dt.timedelta(days=1), tick=False):
        answered = services.objection_answer(
            objection=objection, user=users["committee"], accept=True, answer="整改记录已核实"
        )
    xinluo.refresh_from_db()
    assert answered.status == ObjectionStatus.ACCEPTED
    assert (answered.score_before, answered.score_after) == (before, xinluo.score)
    assert xinluo.score > before
    closure = xinluo.indicators.get(indicator="hazard_on_time_closure_rate")
    assert (closure.numerator, closure.denominator) == (2, 2)
    assert xinluo.rank == 1 or xinluo.rank is not None


def test_rejecting_needs_a_reason_and_changes_nothing(users: dict[str, Any], xinluo: AssessmentResult) -> None:
    objection = _file(xinluo, users["inspector"], FINISHED)
    with pytest.raises(ValidationError) as excinfo:
        services.objection_answer(objection=objection, user=users["committee"], accept=False, answer="")
    assert "answer" in excinfo.value.message_dict
    answered = services.objection_answer(objection=objection, user=users["committee"], accept=False, answer="证据不足")
    assert answered.status == ObjectionStatus.REJECTED and answered.score_after == xinluo.score
    with pytest.raises(DomainError) as again:
        services.objection_answer(objection=objection, user=users["committee"], accept=True, answer="再议")
    assert again.value.code == "answered"


def test_county_staff_cannot_answer(users: dict[str, Any], xinluo: AssessmentResult) -> None:
    objection = _file(xinluo, users["inspector"], FINISHED)
    with pytest.raises(DomainError) as excinfo:
        services.objection_answer(objection=objection, user=users["inspector"], accept=True, answer="自己同意")
    assert excinfo.value.code == "forbidden"


def test_publishing_waits_for_open_objections_then_freezes(
    users: dict[str, Any], run: AssessmentRun, xinluo: AssessmentResult
) -> None:
    objection = _file(xinluo, users["inspector"], FINISHED)
    with pytest.raises(DomainError) as excinfo:
        services.assessment_run_publish(run=run, user=users["committee"])
    assert excinfo.value.code == "open_objections"
    services.objection_answer(objection=objection, user=users["committee"], accept=False, answer="证据不足")
    services.assessment_run_publish(run=run, user=users["committee"])
    assert set(run.results.values_list("status", flat=True)) == {"published"}
    assert LogEntry.objects.get_for_object(xinluo).filter(changes__icontains="published").exists()
    with pytest.raises(DomainError) as late:
        _file(xinluo, users["inspector"], FINISHED)
    assert late.value.code == "published"
    with pytest.raises(DomainError) as twice:
        services.assessment_run_publish(run=run, user=users["committee"])
    assert twice.value.code == "already_published"


def test_only_committee_staff_publish(users: dict[str, Any], run: AssessmentRun) -> None:
    for role in ("inspector", "department", "enterprise"):
        with pytest.raises(DomainError) as excinfo:
            services.assessment_run_publish(run=run, user=users[role])
        assert excinfo.value.code == "forbidden"


def test_an_unfinished_run_cannot_be_published(users: dict[str, Any], run: AssessmentRun) -> None:
    AssessmentRun.objects.filter(pk=run.pk).update(status="running")
    with pytest.raises(DomainError) as excinfo:
        services.assessment_run_publish(run=run, user=users["committee"])
    assert excinfo.value.code == "not_finished"


def test_the_published_report_reads_the_same_after_the_records_change(
    client: Any, org: Any, users: dict[str, Any], run: AssessmentRun
) -> None:
    from hazards.models import Hazard

    services.assessment_run_publish(run=run, user=users["committee"])
    client.force_login(users["committee"])

    def report() -> tuple[str, list[Any]]:
        html = client.get(f"/assessment/runs/{run.pk}/report/").content.decode()
        body = html[html.index('data-testid="report"') :]
        rows = client.get(f"/assessment/runs/{run.pk}/").content.decode()
        return body, [rows[rows.index('data-testid="ranking"') :]]

    before = report()
    firm = EnterpriseFactory(jurisdiction=org.jurisdiction("新罗区/东城街道"), industry=org.industry("C2614"))
    for day in range(1, 6):
        hazard(firm, found_at=at(2026, 8, day), deadline=dt.date(2026, 8, 30), closed_at=at(2026, 8, 10))
    Hazard.objects.filter(closed_at__isnull=True).update(state="closed", closed_at=at(2026, 7, 3))
    assert report() == before
    # The engine would now compute another figure: the freeze is what keeps the report.
    xinluo = run.results.get(jurisdiction=org.jurisdiction("新罗区"))
    on_time = xinluo.indicators.get(indicator="hazard_on_time_closure_rate")
    assert (on_time.numerator, on_time.denominator) == (1, 2)
