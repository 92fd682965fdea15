"""Voiding (作废) a worker's risk-card report: the authorities only, kept in the history, counted nowhere."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.urls import reverse

from assessment.dashboards import build, parse_period
from credit.choices import RecordStatus
from credit.models import CreditRecord
from credit.services import credit_fact_ingest
from hazards.choices import HazardState, TransitionAction
from hazards.models import Hazard
from hazards.selectors import hazard_counts
from hazards.services import card as card_services
from hazards.services import hazard_assess, hazard_record_overdue, hazard_void, risk_source_save
from safety_platform.choices import FactKind
from safety_platform.models import Fact, Notification, StatutoryDeadline
from safety_platform.services import DomainError
from tests.clock import shanghai
from tests.credit.factories import confirm
from tests.hazards.factories import make_hazard

pytestmark = [pytest.mark.django_db, pytest.mark.clock(shanghai(2026, 12, 4, 10))]


@pytest.fixture(autouse=True)
def _fresh_throttle() -> Any:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def report(users: dict[str, Any], world: dict[str, Any]) -> Hazard:
    """A worker's report through the posted risk card of xinluo_chem (notifies its users and inspectors)."""
    source = risk_source_save(
        actor=users["enterprise"],
        enterprise=world["xinluo_chem"],
        data={
            "name": "储罐区装卸岗",
            "description": "液氯泄漏可致中毒",
            "method": "lec",
            "lec_l": "3",
            "lec_e": "6",
            "lec_c": "7",
            "control_measures": "佩戴防毒面具",
            "emergency_measures": "立即撤离",
            "responsible_person": "张三",
            "responsible_phone": "13800000001",
        },
    )
    return card_services.hazard_report_from_card(risk_source=source, description="老板是骗子 老板是骗子")


def void_url(hazard: Hazard) -> str:
    return reverse("hazards:act", args=[hazard.pk, TransitionAction.VOID])


def test_an_inspector_voids_a_worker_report_in_the_web_ui_and_the_history_shows_who_when_why(
    client: Any, users: dict[str, Any], report: Hazard
) -> None:
    client.force_login(users["inspector"])
    page = client.get(report.get_absolute_url()).content.decode()
    assert 'data-testid="action-void"' in page and "作废举报" in page
    response = client.post(void_url(report), {"void-kind": "spam", "void-reason": "同一地址一小时内提交20条无关内容"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == HazardState.VOIDED
    page = client.get(report.get_absolute_url()).content.decode()
    assert 'data-testid="voided"' in page and "已作废" in page
    assert 'data-testid="step-void"' in page and "垃圾或恶意举报" in page
    assert "同一地址一小时内提交20条无关内容" in page and users["inspector"].get_full_name() in page
    assert 'data-testid="action-' not in page  # nothing more to do with it
    step = report.transitions.get(action=TransitionAction.VOID)
    assert (step.actor, step.details["kind"], step.from_state) == (users["inspector"], "spam", HazardState.REGISTERED)
    # The audit trail has the state change too.
    from safety_platform.audit import audit_entries_for

    assert any("voided" in str(entry.changes) for entry in audit_entries_for(report))


@pytest.mark.parametrize("role", ["committee", "admin"])
def test_committee_and_administrators_void_too(users: dict[str, Any], report: Hazard, role: str) -> None:
    hazard = hazard_void(hazard_id=report.pk, actor=users[role], kind="unfounded", reason="与YH-1重复")
    assert hazard.state == HazardState.VOIDED


def test_the_enterprise_cannot_void_a_report_against_it(
    client: Any, api_client: Any, users: dict[str, Any], report: Hazard
) -> None:
    client.force_login(users["enterprise"])
    page = client.get(report.get_absolute_url()).content.decode()
    assert 'data-testid="action-void"' not in page
    assert client.post(void_url(report), {"void-kind": "spam", "void-reason": "恶意"}).status_code == 403
    api_client.force_authenticate(users["enterprise"])
    url = reverse("hazards-api:hazard-void", args=[report.pk])
    response = api_client.post(url, {"kind": "spam", "reason": "恶意"}, format="json")
    assert response.status_code == 403
    for role in ("enterprise", "department"):
        with pytest.raises(DomainError) as excinfo:
            hazard_void(hazard_id=report.pk, actor=users[role], kind="spam", reason="恶意")
        assert excinfo.value.code in ("forbidden", "not_found")
    report.refresh_from_db()
    assert report.state == HazardState.REGISTERED


def test_only_worker_reports_are_voided_and_an_inspector_only_in_scope(
    users: dict[str, Any], world: dict[str, Any], report: Hazard
) -> None:
    logged = make_hazard(world["xinluo_chem"], inspector=users["inspector"])
    with pytest.raises(DomainError) as excinfo:
        hazard_void(hazard_id=logged.pk, actor=users["inspector"], kind="unfounded", reason="重复")
    assert excinfo.value.code == "hazard_not_voidable"
    from tests.factories import UserFactory

    elsewhere = UserFactory(role="inspector")
    elsewhere.jurisdictions.add(world["shanghang_site"].jurisdiction)
    with pytest.raises(DomainError) as excinfo:
        hazard_void(hazard_id=report.pk, actor=elsewhere, kind="unfounded", reason="重复")
    assert excinfo.value.code == "not_found"


def test_a_voided_report_leaves_lists_counts_dashboards_and_statistics(
    client: Any, users: dict[str, Any], world: dict[str, Any], report: Hazard, django_assert_max_num_queries: Any
) -> None:
    kept = make_hazard(world["xinluo_chem"], inspector=users["inspector"], title="配电箱门未关闭")
    inspector = users["inspector"]
    before = hazard_counts(inspector, enterprise=world["xinluo_chem"])
    period = parse_period(None)
    found_before = build(users["committee"], period=period, jurisdiction=_city()).table("by_area").total["found"].value

    hazard_void(hazard_id=report.pk, actor=inspector, kind="spam", reason="恶意刷单")

    after = hazard_counts(inspector, enterprise=world["xinluo_chem"])
    assert after["open"] == before["open"] - 1 and after["to_assess"] == before["to_assess"] - 1
    found_after = build(users["committee"], period=period, jurisdiction=_city()).table("by_area").total["found"].value
    assert found_after == found_before - 1
    from django.utils import timezone

    from hazards.services.stats import stat_figures

    today = timezone.localdate()
    assert stat_figures(enterprise_id=world["xinluo_chem"].pk, start=today, end=today)["found_total"] == 1

    client.force_login(inspector)
    with django_assert_max_num_queries(16):
        page = client.get(reverse("hazards:list")).content.decode()
    assert kept.code in page and report.code not in page
    page = client.get(reverse("hazards:list"), {"state": "voided"}).content.decode()
    assert report.code in page and kept.code not in page


def _city() -> Any:
    from safety_platform.models import Jurisdiction

    return Jurisdiction.objects.filter(parent__isnull=True).order_by("path").first()


def test_voiding_stops_the_clocks_clears_the_notices_and_withdraws_credit_records(
    users: dict[str, Any], report: Hazard
) -> None:
    import datetime as dt

    from django.utils import timezone

    inspector = users["inspector"]
    assert Notification.objects.filter(dedup_key=f"hazard:{report.pk}:worker_report", read_at__isnull=True).exists()
    hazard_assess(
        hazard_id=report.pk,
        actor=inspector,
        grade="general",
        deadline=timezone.localdate() + dt.timedelta(days=3),
        responsible_person="王五",
    )
    assert hazard_record_overdue(hazard_id=report.pk)
    overdue = Fact.objects.get(kind=FactKind.HAZARD_OVERDUE, source_id=report.pk)
    credit_fact_ingest(fact=overdue)
    record = CreditRecord.objects.get(fact=overdue)
    assert record.status == RecordStatus.PROPOSED  # derived from an event: a person confirms it first
    confirm(record, actor=users["committee"])
    record.refresh_from_db()
    assert record.status == RecordStatus.ACTIVE

    hazard_void(hazard_id=report.pk, actor=inspector, kind="unfounded", reason="现场核查不属实")

    clocks = StatutoryDeadline.objects.filter(source_id=report.pk)
    assert clocks.exists() and not clocks.filter(cancelled_at__isnull=True, met_at__isnull=True).exists()
    assert not Notification.objects.filter(dedup_key__startswith=f"hazard:{report.pk}:", read_at__isnull=True).exists()
    voided = Fact.objects.get(kind=FactKind.HAZARD_VOIDED, source_id=report.pk)
    credit_fact_ingest(fact=voided)
    record.refresh_from_db()
    assert record.status == RecordStatus.REVOKED and "作废" in record.revoke_reason
    assert not hazard_record_overdue(hazard_id=report.pk)  # the escalation records nothing more


def test_the_api_voids_with_a_400_naming_the_field_and_a_409_once_voided(
    api_client: Any, users: dict[str, Any], report: Hazard
) -> None:
    api_client.force_authenticate(users["inspector"])
    url = reverse("hazards-api:hazard-void", args=[report.pk])
    response = api_client.post(url, {"kind": "rude", "reason": "x"}, format="json")
    assert response.status_code == 400 and "kind" in response.json()["errors"]
    response = api_client.post(url, {"kind": "spam"}, format="json")
    assert response.status_code == 400 and "reason" in response.json()["errors"]
    response = api_client.post(url, {"kind": "spam", "reason": "恶意刷单"}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "voided" and body["transitions"][-1]["action"] == "void"
    assert body["transitions"][-1]["details"] == {"kind": "spam"} and body["allowed_actions"] == []
    assert api_client.post(url, {"kind": "spam", "reason": "再来"}, format="json").status_code == 409
    assert api_client.get(reverse("hazards-api:hazard-detail", args=[report.pk])).status_code == 200
    listed = api_client.get(reverse("hazards-api:hazard-list")).json()
    assert report.pk not in [row["id"] for row in listed["results"]]
    listed = api_client.get(reverse("hazards-api:hazard-list"), {"state": "voided"}).json()
    assert [row["id"] for row in listed["results"]] == [report.pk]
    schema = api_client.get(reverse("schema"), {"format": "json"}).json()
    assert "/api/v1/hazards/{id}/void/" in schema["paths"]
