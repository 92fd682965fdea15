"""A decided penalty case proposes the credit record (and, for the heaviest penalty, the listing) its facts call
for, under the credit rule set LY-2021.1 (credit migration 0011; issue 13 item 3)."""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.test import Client
from django.urls import reverse

from credit.choices import BlacklistCase, BlacklistStatus, IntakeOutcome, RecordStatus
from credit.models import BlacklistEntry, CreditFactIntake, CreditRecord, Rule, RuleSet
from credit.services import credit_fact_ingest, credit_facts_ingest_pending
from safety_platform.choices import FactKind
from safety_platform.models import Fact
from supervision.models import CaseStatus
from supervision.services import enforcement as svc
from tests.clock import frozen, shanghai
from tests.credit.factories import confirm, fact
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

BASIS = "《中华人民共和国安全生产法》第一百零一条"
PENALTY_CODES = ("PEN-FINE", "PEN-SUSPENSION", "PEN-REVOCATION")


def _decided(users: dict[str, Any], enterprise: Any, capture: Any, **penalty: Any) -> Any:
    """A case filed on 11-20, notified on 12-01 and decided on 12-10 (after the 5-day hearing window)."""
    inspector = users["inspector"]
    with frozen(shanghai(2026, 12, 20)):
        case = svc.case_open(
            actor=inspector, enterprise=enterprise, title="未按规定维护安全设备案", filed_on=dt.date(2026, 11, 20)
        )
        svc.case_investigate(actor=inspector, case_id=case.pk, note="询问笔录")
        svc.case_notify(
            actor=inspector, case_id=case.pk, notified_on=dt.date(2026, 12, 1), findings="拟处罚", legal_basis=BASIS
        )
        with capture(execute=True):
            return svc.case_decide(
                actor=inspector, case_id=case.pk, decided_on=dt.date(2026, 12, 10), legal_basis=BASIS, **penalty
            )


def _penalty_records(enterprise: Any) -> list[CreditRecord]:
    return list(CreditRecord.objects.filter(enterprise=enterprise, rule_code__in=PENALTY_CODES).select_related("rule"))


@pytest.mark.parametrize(
    ("penalty", "code", "points", "cap"),
    [
        ({"fine_amount": 5000}, "PEN-FINE", -5, None),
        ({"fine_amount": 20000, "suspension_days": 30}, "PEN-SUSPENSION", -10, 2),
        ({"suspension_days": 30, "licence_revocation_proposed": True}, "PEN-REVOCATION", -20, 3),
        ({"licence_revocation_proposed": True}, "PEN-REVOCATION", -20, 3),
    ],
)
def test_each_penalty_proposes_one_record_under_the_2021_rules(
    users: dict[str, Any],
    xinluo_chem: Any,
    django_capture_on_commit_callbacks: Any,
    penalty: dict[str, Any],
    code: str,
    points: int,
    cap: int | None,
) -> None:
    case = _decided(users, xinluo_chem, django_capture_on_commit_callbacks, **penalty)
    records = _penalty_records(xinluo_chem)
    # One record per case, for its heaviest penalty; proposed for a person to confirm, never applied here.
    assert [r.rule_code for r in records] == [code]
    record = records[0]
    assert record.status == RecordStatus.PROPOSED
    assert record.rule.rule_set.version == "LY-2021.1"  # the version that justified it
    assert (record.rule.points, record.rule.cap_grade, record.occurred_on) == (points, cap, dt.date(2026, 12, 10))
    decision = case.documents.get(kind="penalty_decision")
    assert decision.number in record.evidence and "=" not in record.evidence
    assert not BlacklistEntry.objects.filter(enterprise=xinluo_chem).exists()  # nothing before confirmation


def test_a_confirmed_revocation_proposes_a_listing_and_a_confirmed_fine_does_not(
    users: dict[str, Any], xinluo_chem: Any, shanghang_site: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _decided(users, xinluo_chem, django_capture_on_commit_callbacks, licence_revocation_proposed=True)
    confirm(*_penalty_records(xinluo_chem), actor=users["committee"])
    entry = BlacklistEntry.objects.get(enterprise=xinluo_chem)
    assert (entry.status, entry.case, entry.rule.code) == (
        BlacklistStatus.PROPOSED,
        BlacklistCase.OTHER,
        "PEN-REVOCATION",
    )
    assert entry.rule_set.version == "LY-2021.1" and "第11号" in entry.legal_basis

    shanghang_inspector = UserFactory(username="insp_sh", role="inspector")
    shanghang_inspector.jurisdictions.add(shanghang_site.jurisdiction.county())
    _decided({"inspector": shanghang_inspector}, shanghang_site, django_capture_on_commit_callbacks, fine_amount=3000)
    confirm(*_penalty_records(shanghang_site), actor=users["committee"])
    assert [r.status for r in _penalty_records(shanghang_site)] == [RecordStatus.ACTIVE]
    assert not BlacklistEntry.objects.filter(enterprise=shanghang_site).exists()


def test_a_decision_is_proposed_once_whatever_runs_again(
    users: dict[str, Any], xinluo_chem: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _decided(users, xinluo_chem, django_capture_on_commit_callbacks, fine_amount=5000)
    decided = Fact.objects.get(kind=FactKind.PENALTY_DECIDED, enterprise=xinluo_chem)
    # The intake again (a retried signal), the nightly sweep, and the same fact recorded again.
    again = credit_fact_ingest(fact=decided)
    assert credit_facts_ingest_pending() == 0
    from safety_platform.services import fact_record

    _same, created = fact_record(
        kind=FactKind.PENALTY_DECIDED,
        dedup_key=decided.dedup_key,
        occurred_at=decided.occurred_at,
        enterprise=xinluo_chem,
        payload=decided.payload,
    )
    assert not created and again.outcome == IntakeOutcome.RECORDED
    assert len(_penalty_records(xinluo_chem)) == 1
    assert CreditFactIntake.objects.filter(fact=decided).count() == 1


def test_a_withdrawn_case_proposes_nothing(users: dict[str, Any], xinluo_chem: Any) -> None:
    with frozen(shanghai(2026, 12, 20)):
        case = svc.case_open(
            actor=users["inspector"], enterprise=xinluo_chem, title="案", filed_on=dt.date(2026, 12, 1)
        )
        case = svc.case_withdraw(actor=users["inspector"], case_id=case.pk, reason="证据不足")
    assert case.status == CaseStatus.WITHDRAWN
    assert not Fact.objects.filter(kind=FactKind.PENALTY_DECIDED).exists()
    assert _penalty_records(xinluo_chem) == []


def test_a_decision_before_the_2021_version_falls_under_the_old_rules(xinluo_chem: Any) -> None:
    """LY-2016.1 had no penalty rule: a decision of 14 July 2021 is recorded as "no rule", one of the 15th is not."""
    before = credit_fact_ingest(
        fact=fact(xinluo_chem, "penalty_decided", occurred_at=shanghai(2021, 7, 14), penalty="fine", number="甲")
    )
    on_the_day = credit_fact_ingest(
        fact=fact(xinluo_chem, "penalty_decided", occurred_at=shanghai(2021, 7, 15), penalty="fine", number="乙")
    )
    assert before.outcome == IntakeOutcome.NO_RULE
    assert on_the_day.outcome == IntakeOutcome.RECORDED
    assert on_the_day.record.rule.rule_set.version == "LY-2021.1"


def test_the_new_version_keeps_every_old_rule_and_installs_once() -> None:
    old = RuleSet.objects.get(version="LY-2016.1")
    new = RuleSet.objects.get(version="LY-2021.1")
    fields = ("code", "criterion", "behaviour", "points", "validity_months", "cap_grade", "fact_kind", "blacklist_case")
    assert set(old.rules.values_list(*fields)) < set(new.rules.values_list(*fields))
    added = set(new.rules.values_list("code", flat=True)) - set(old.rules.values_list("code", flat=True))
    assert added == set(PENALTY_CODES)
    assert set(old.limits.values_list("criterion", "max_bonus", "max_penalty")) == set(
        new.limits.values_list("criterion", "max_bonus", "max_penalty")
    )
    assert (new.based_on_id, new.is_published, new.effective_from) == (old.pk, True, dt.date(2021, 7, 15))
    assert (new.base_score, new.blacklist_years, new.proposal_days) == (old.base_score, old.blacklist_years, 10)
    rules_before = Rule.objects.count()
    importlib.import_module("credit.migrations.0011_penalty_rules").create_penalty_rule_set(apps, None)
    assert (RuleSet.objects.filter(version="LY-2021.1").count(), Rule.objects.count()) == (1, rules_before)


def test_the_rules_page_names_each_penalty_in_words(users: dict[str, Any]) -> None:
    client = Client()
    client.force_login(users["committee"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    page = client.get(reverse("credit:rules") + "?version=LY-2021.1").content.decode()
    assert "作出行政处罚决定 · 提请吊销许可证" in page and "作出行政处罚决定 · 罚款" in page
    assert "另有事件细节条件" not in page  # every detail matched is named in words
    assert "licence_revocation" not in page
