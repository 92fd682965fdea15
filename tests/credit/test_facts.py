"""Platform events (facts) become credit records under the rule and version in force when they happened."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from credit.choices import BlacklistCase, BlacklistOrigin, BlacklistStatus, IntakeOutcome, RecordSource, RecordStatus
from credit.models import BlacklistEntry, CreditFactIntake, CreditRating, CreditRecord, Rule
from credit.services import credit_fact_ingest, credit_facts_ingest_pending, rule_set_copy, rule_set_publish
from safety_platform.models import Notification
from tests.clock import shanghai
from tests.credit.factories import confirm_pending, fact

pytestmark = [pytest.mark.django_db, pytest.mark.clock(shanghai(2026, 12, 4, 10))]


def ingest(f: Any) -> CreditFactIntake:
    return credit_fact_ingest(fact=f)


def active_codes(enterprise: Any) -> list[str]:
    return sorted(
        CreditRecord.objects.filter(enterprise=enterprise, status=RecordStatus.ACTIVE).values_list(
            "rule_code", flat=True
        )
    )


@pytest.mark.parametrize(
    ("kind", "payload", "code"),
    [
        ("accident", {"accident_id": 1, "grade": "general", "deaths": 1}, "ACC-GENERAL"),
        ("accident", {"accident_id": 2, "grade": "larger", "deaths": 3}, "ACC-LARGER"),
        ("accident", {"accident_id": 3, "grade": "major", "deaths": 12}, "ACC-MAJOR"),
        ("accident", {"accident_id": 4, "grade": "especially_major", "deaths": 31}, "ACC-ESP-MAJOR"),
        ("accident_concealed", {"accident_id": 5}, "ACC-CONCEALED"),
        ("major_hazard_overdue", {"hazard_id": 9, "code": "H-9", "due_at": "2026-01-01"}, "HAZ-MAJOR-OVERDUE"),
        ("hazard_overdue", {"hazard_id": 10}, "HAZ-OVERDUE"),
        ("rectification_refused", {"hazard_id": 11}, "RESP-REFUSED"),
        ("standardization_granted", {"certificate_id": 7, "level": 1, "expires_on": "2029-01-01"}, "STD-1"),
        ("standardization_granted", {"certificate_id": 8, "level": "2", "expires_on": "2029-01-01"}, "STD-2"),
        ("standardization_revoked", {"certificate_id": 9, "level": 3}, "STD-REVOKED"),
        ("standardization_expired", {"certificate_id": 10, "level": 3}, "STD-EXPIRED"),
        ("training_compliant", {"noncompliant_people": 0, "people": 40}, "RESP-TRAINING-OK"),
        ("training_noncompliant", {"noncompliant_people": 3, "people": 40}, "RESP-TRAINING-FAIL"),
        ("self_report_filed", {}, "HAZ-REPORT-ONTIME"),
        ("self_report_late", {}, "HAZ-REPORT-LATE"),
        ("joint_inspection_finding", {}, "RESP-JOINT"),
        ("licence_violation", {}, "RESP-LICENCE"),
        ("safety_staff_missing", {}, "ORG-MISSING"),
        ("occupational_hazard", {}, "OCC-VIOLATION"),
    ],
)
def test_each_event_kind_maps_to_its_rule(kind: str, payload: dict[str, Any], code: str, xinluo_chem: Any) -> None:
    intake = ingest(fact(xinluo_chem, kind, **payload))
    assert intake.outcome == IntakeOutcome.RECORDED
    created = intake.record
    # Untrustworthy behaviour is proposed for a person to confirm; trustworthy behaviour counts at once.
    expected = RecordStatus.PROPOSED if created.behaviour == "bad" else RecordStatus.ACTIVE
    assert created.status == expected
    assert (created.rule_code, created.rule.rule_set.version, created.source) == (code, "LY-2021.1", RecordSource.FACT)
    assert created.department == xinluo_chem.supervising_department
    assert created.fact_id == intake.fact_id
    # The evidence is the event in words, not its key or raw details (ids, key=value).
    assert intake.fact.dedup_key not in created.evidence and "=" not in created.evidence
    assert created.occurred_on == timezone.localdate(intake.fact.occurred_at)


def test_events_without_a_rule_or_enterprise_are_logged_not_recorded(xinluo_chem: Any) -> None:
    assert ingest(fact(xinluo_chem, "hazard_closed", hazard_id=3)).outcome == IntakeOutcome.NO_RULE
    assert ingest(fact(None, "accident", accident_id=3, grade="larger")).outcome == IntakeOutcome.NO_ENTERPRISE
    assert ingest(fact(xinluo_chem, "accident", accident_id=4, grade="unknown")).outcome == IntakeOutcome.NO_RULE
    assert not CreditRecord.objects.exists()


def test_ingesting_an_event_twice_records_it_once(xinluo_chem: Any) -> None:
    event = fact(xinluo_chem, "accident", accident_id=1, grade="larger")
    first, second = ingest(event), ingest(event)
    assert first.pk == second.pk
    assert CreditRecord.objects.count() == 1


def test_regraded_accident_replaces_the_earlier_record_and_proposes_a_listing(
    xinluo_chem: Any, users: dict[str, Any]
) -> None:
    ingest(fact(xinluo_chem, "accident", dedup_key="accident:77:1", accident_id=77, grade="larger", deaths=3))
    assert active_codes(xinluo_chem) == []  # a proposal: it counts once a person confirms it
    confirm_pending(xinluo_chem)
    assert active_codes(xinluo_chem) == ["ACC-LARGER"]
    assert not BlacklistEntry.objects.exists()  # one larger accident does not reach Order 11
    # Deaths rose to 10 during the 30-day supplement period: emergency records revision 2.
    ingest(fact(xinluo_chem, "accident", dedup_key="accident:77:2", accident_id=77, grade="major", deaths=10))
    # Proposed: the confirmed larger accident keeps counting and no listing is proposed until confirmed.
    assert active_codes(xinluo_chem) == ["ACC-LARGER"] and not BlacklistEntry.objects.exists()
    confirm_pending(xinluo_chem)
    assert active_codes(xinluo_chem) == ["ACC-MAJOR"]
    superseded = CreditRecord.objects.get(rule_code="ACC-LARGER")
    assert superseded.status == RecordStatus.REVOKED and "later event" in superseded.revoke_reason
    assert "accident:77" not in superseded.revoke_reason  # words, not the event's key
    entry = BlacklistEntry.objects.get(enterprise=xinluo_chem)
    assert (entry.status, entry.origin, entry.case) == (
        BlacklistStatus.PROPOSED,
        BlacklistOrigin.RULE,
        BlacklistCase.MAJOR_ACCIDENT,
    )
    assert entry.proposed_by is None and entry.rule.code == "ACC-MAJOR" and entry.rule_set.version == "LY-2021.1"
    assert list(entry.evidence_records.values_list("rule_code", flat=True)) == ["ACC-MAJOR"]
    # Someone has to confirm it: the committee and the supervising department are told.
    for role in ("committee", "department"):
        assert Notification.objects.filter(recipient=users[role], category="blacklist").exists()
    assert not Notification.objects.filter(recipient=users["enterprise"], category="blacklist").exists()


def test_an_older_revision_arriving_late_does_not_undo_the_newer_one(xinluo_chem: Any) -> None:
    old = fact(xinluo_chem, "accident", dedup_key="accident:5:1", accident_id=5, grade="larger")
    new = fact(xinluo_chem, "accident", dedup_key="accident:5:2", accident_id=5, grade="general")
    ingest(new)
    assert ingest(old).outcome == IntakeOutcome.STALE  # the newer one is in, even while only proposed
    confirm_pending(xinluo_chem)
    assert active_codes(xinluo_chem) == ["ACC-GENERAL"]


def test_certificate_granted_then_revoked_keeps_only_the_revocation(xinluo_chem: Any) -> None:
    ingest(fact(xinluo_chem, "standardization_granted", dedup_key="stdcert:4:granted", certificate_id=4, level=2))
    ingest(fact(xinluo_chem, "standardization_revoked", dedup_key="stdcert:4:revoked", certificate_id=4, level=2))
    assert active_codes(xinluo_chem) == ["STD-2"]  # until the revocation's record is confirmed
    confirm_pending(xinluo_chem)
    assert active_codes(xinluo_chem) == ["STD-REVOKED"]


def test_latest_training_status_replaces_the_previous_one(xinluo_chem: Any) -> None:
    ingest(fact(xinluo_chem, "training_noncompliant", noncompliant_people=3, people=10))
    ingest(fact(xinluo_chem, "training_compliant", noncompliant_people=0, people=10))
    assert active_codes(xinluo_chem) == ["RESP-TRAINING-OK"]
    # The undecided proposal about the earlier status is rejected by the system, with the reason.
    superseded = CreditRecord.objects.get(rule_code="RESP-TRAINING-FAIL")
    assert superseded.status == RecordStatus.REJECTED and "later event" in superseded.decision_reason


def test_two_larger_accidents_within_12_months_propose_a_listing(xinluo_chem: Any) -> None:
    now = timezone.now()
    ingest(fact(xinluo_chem, "accident", accident_id=1, grade="larger", occurred_at=now - dt.timedelta(days=400)))
    ingest(fact(xinluo_chem, "accident", accident_id=2, grade="larger", occurred_at=now - dt.timedelta(days=20)))
    confirm_pending(xinluo_chem)
    assert not BlacklistEntry.objects.exists()  # 380 days apart: not within 12 months
    ingest(fact(xinluo_chem, "accident", accident_id=3, grade="larger", occurred_at=now - dt.timedelta(days=10)))
    assert not BlacklistEntry.objects.exists()  # the second larger accident is only proposed
    confirm_pending(xinluo_chem)
    entry = BlacklistEntry.objects.get()
    assert entry.case == BlacklistCase.REPEATED_LARGER_ACCIDENTS
    assert entry.evidence_records.count() == 2


def test_event_uses_the_rule_version_in_force_when_it_happened(xinluo_chem: Any, rule_set: Any) -> None:
    today = timezone.localdate()
    draft = rule_set_copy(rule_set=rule_set, version="LY-2026.1", effective_from=today - dt.timedelta(days=5))
    rule_set_publish(rule_set=draft)
    before = ingest(fact(xinluo_chem, "hazard_overdue", occurred_at=timezone.now() - dt.timedelta(days=30)))
    after = ingest(fact(xinluo_chem, "hazard_overdue"))
    assert before.record.rule.rule_set.version == "LY-2021.1"
    assert after.record.rule.rule_set.version == "LY-2026.1"
    assert Rule.objects.filter(code="HAZ-OVERDUE").count() == 3  # LY-2016.1, LY-2021.1 and the copy


def test_an_inspection_event_is_no_credit_record(xinluo_chem: Any, users: dict[str, Any]) -> None:
    """Credit notes an inspection and moves on: the supervision app records it (tests/supervision)."""
    intake = ingest(fact(xinluo_chem, "inspection_conducted", inspection_id=3, inspector_id=users["inspector"].pk))
    assert intake.outcome == IntakeOutcome.INSPECTION
    assert intake.record is None and not CreditRecord.objects.filter(enterprise=xinluo_chem).exists()


def test_recorded_fact_reaches_credit_after_commit_and_regrades_the_enterprise(
    xinluo_chem: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """End to end, the way emergency records an accident: fact_record → signal → record → grade."""
    with django_capture_on_commit_callbacks(execute=True):
        fact(xinluo_chem, "accident", dedup_key="accident:900:1", accident_id=900, grade="larger", deaths=4)
    assert CreditRecord.objects.get().status == RecordStatus.PROPOSED
    assert not CreditRating.objects.filter(enterprise=xinluo_chem, grade=3).exists()  # nothing counts yet
    with django_capture_on_commit_callbacks(execute=True):
        confirm_pending(xinluo_chem)
    rating = CreditRating.objects.get(enterprise=xinluo_chem)
    assert (rating.grade, rating.score) == (3, 55)
    assert CreditRecord.objects.get().rule_code == "ACC-LARGER"


def test_a_failing_intake_does_not_break_the_recording_app_and_the_sweep_catches_up(
    xinluo_chem: Any, django_capture_on_commit_callbacks: Any, monkeypatch: Any, caplog: Any
) -> None:
    import credit.services as credit_services

    def broken(**kwargs: Any) -> None:
        raise RuntimeError("database hiccup")

    monkeypatch.setattr(credit_services, "credit_fact_ingest", broken)
    with django_capture_on_commit_callbacks(execute=True):
        event = fact(xinluo_chem, "licence_violation")
    assert "credit could not ingest fact" in caplog.text
    monkeypatch.undo()
    assert credit_facts_ingest_pending() == 1
    assert CreditFactIntake.objects.get(fact=event).outcome == IntakeOutcome.RECORDED
    assert credit_facts_ingest_pending() == 0
