"""Credit follows events, a person confirms (issue 14, item 1; DESIGN §3b, §5).

An untrustworthy record derived from an event is a proposal: it changes no grade and no feed until staff of
the supervising department or the committee confirm it; rejected, the grade stays and the reason shows;
undecided past the rule set's days, the statutory clock escalates it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from credit.choices import BlacklistCase, BlacklistOrigin, BlacklistStatus, RecordStatus
from credit.models import BlacklistEntry, CreditRating, CreditRecord
from credit.services import (
    credit_fact_ingest,
    credit_proposal_confirm,
    credit_proposal_reject,
    credit_proposals_decide,
    credit_rating_recalculate,
    credit_record_create,
    credit_record_revoke,
    rule_set_copy,
    rule_set_publish,
)
from credit.services.proposals import PROPOSAL_DEADLINE_KIND
from safety_platform.choices import ApiScope
from safety_platform.models import Notification, StatutoryDeadline
from safety_platform.services import DomainError, api_key_create, deadlines_escalate
from tests.clock import shanghai
from tests.credit.factories import fact
from tests.factories import EnterpriseFactory

pytestmark = [pytest.mark.django_db, pytest.mark.clock(shanghai(2026, 12, 4, 10))]

PROPOSALS = "/credit/proposals/"
DECIDE = "/credit/proposals/decide/"
RATINGS = "/api/v1/credit/ratings/"


def propose(enterprise: Any, kind: str = "major_hazard_overdue", **payload: Any) -> CreditRecord:
    payload = payload or {"hazard_id": 9, "code": "H-9", "due_at": "2026-01-01"}
    intake = credit_fact_ingest(fact=fact(enterprise, kind, **payload))
    assert intake.record is not None
    return intake.record


def deadline_of(record: CreditRecord) -> StatutoryDeadline:
    return StatutoryDeadline.objects.get(
        source_type=ContentType.objects.get_for_model(CreditRecord), source_id=record.pk, kind=PROPOSAL_DEADLINE_KIND
    )


def feed_row(api_client: Any, org: Any, enterprise: Any) -> dict[str, Any]:
    _key, raw = api_key_create(name="发改委", department=org.department("fgw"), scopes=[ApiScope.RATINGS_READ])
    rows = api_client.get(RATINGS, HTTP_AUTHORIZATION=f"Api-Key {raw}").json()["results"]
    return next(row for row in rows if row["credit_code"] == enterprise.credit_code)


def test_an_overdue_major_hazard_is_a_proposal_with_its_evidence_rule_version_and_clock(xinluo_chem: Any) -> None:
    before = timezone.now()
    record = propose(xinluo_chem)
    assert record.status == RecordStatus.PROPOSED
    assert (record.rule_code, record.rule.rule_set.version) == ("HAZ-MAJOR-OVERDUE", "LY-2021.1")
    assert record.evidence and record.department == xinluo_chem.supervising_department
    clock = deadline_of(record)
    # Ten days from the rule set in force (its default), to the minute.
    assert before + dt.timedelta(days=10) <= clock.due_at <= timezone.now() + dt.timedelta(days=10)
    # The clock opens the enterprise's credit page at the record: inspectors and the enterprise see the clock too,
    # and the deciders' list would refuse them.
    assert clock.is_open and clock.url == f"/credit/enterprises/{xinluo_chem.pk}/#record-{record.pk}"


def test_a_proposed_downgrade_changes_nothing_until_confirmed_then_grade_and_feed_show_it(
    xinluo_chem: Any, users: dict[str, Any], org: Any, api_client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    credit_rating_recalculate(enterprise_id=xinluo_chem.pk)
    baseline = CreditRating.objects.get(enterprise=xinluo_chem)
    assert (baseline.grade, baseline.score) == (2, 80)
    with django_capture_on_commit_callbacks(execute=True):
        record = propose(xinluo_chem, "accident", accident_id=5, grade="larger", deaths=3)
    credit_rating_recalculate(enterprise_id=xinluo_chem.pk)  # the nightly run would find nothing either
    rating = CreditRating.objects.get(enterprise=xinluo_chem)
    assert (rating.grade, rating.score) == (2, 80)
    row = feed_row(api_client, org, xinluo_chem)
    assert (row["grade"], row["score"]) == (2, 80)

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = credit_proposal_confirm(actor=users["department"], record=record, reason="事故调查报告已核实")
    assert (confirmed.status, confirmed.decided_by, confirmed.decision_reason) == (
        RecordStatus.ACTIVE,
        users["department"],
        "事故调查报告已核实",
    )
    rating = CreditRating.objects.get(enterprise=xinluo_chem)
    assert (rating.grade, rating.score) == (3, 55)  # a larger accident: −25 and the grade capped at 3
    row = feed_row(api_client, org, xinluo_chem)
    assert (row["grade"], row["score"]) == (3, 55)
    assert deadline_of(record).met_at is not None


def test_a_rejected_proposal_leaves_the_grade_and_the_enterprise_page_says_why(
    client: Any, xinluo_chem: Any, users: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    credit_rating_recalculate(enterprise_id=xinluo_chem.pk)
    record = propose(xinluo_chem)
    with django_capture_on_commit_callbacks(execute=True):
        rejected = credit_proposal_reject(
            actor=users["committee"], record=record, reason="隐患已于期限内整改，系统误报"
        )
    assert rejected.status == RecordStatus.REJECTED and rejected.decided_by == users["committee"]
    credit_rating_recalculate(enterprise_id=xinluo_chem.pk)
    assert CreditRating.objects.get(enterprise=xinluo_chem).score == 80
    assert deadline_of(record).met_at is not None

    client.force_login(users["enterprise"])
    page = client.get(reverse("credit:enterprise", args=[xinluo_chem.pk])).content.decode()
    assert "已于期限内整改，系统误报" in page and "不予采纳" in page
    assert 'data-testid="pending-proposal"' not in page


def test_the_enterprise_page_shows_pending_proposals_apart_not_counted(
    client: Any, xinluo_chem: Any, users: dict[str, Any]
) -> None:
    record = propose(xinluo_chem)
    client.force_login(users["enterprise"])
    page = client.get(reverse("credit:enterprise", args=[xinluo_chem.pk])).content.decode()
    assert "待确认，不计入评级" in page and page.count('data-testid="pending-proposal"') == 1
    assert f'id="record-{record.pk}"' in page
    assert 'name="decision"' not in page  # the enterprise sees it, cannot decide it


def test_bulk_decision_with_one_reason(
    org: Any, xinluo_chem: Any, users: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    other = EnterpriseFactory(
        name="龙岩市西城化工有限公司", jurisdiction=xinluo_chem.jurisdiction, industry=xinluo_chem.industry
    )
    records = [propose(xinluo_chem), propose(other, "self_report_late"), propose(other, "licence_violation")]
    with django_capture_on_commit_callbacks(execute=True):
        decided = credit_proposals_decide(
            actor=users["department"], record_ids=[r.pk for r in records], decision="confirm", reason="经核实属实"
        )
    assert len(decided) == 3
    assert set(
        CreditRecord.objects.filter(pk__in=[r.pk for r in records]).values_list("status", "decision_reason")
    ) == {(RecordStatus.ACTIVE, "经核实属实")}
    assert CreditRating.objects.get(enterprise=other).score < 80


def test_another_department_cannot_decide_and_nothing_changes(xinluo_chem: Any, users: dict[str, Any]) -> None:
    record = propose(xinluo_chem)
    with pytest.raises(DomainError) as excinfo:
        credit_proposal_confirm(actor=users["department_zjj"], record=record, reason="越权")
    assert excinfo.value.code == "forbidden"
    for role in ("inspector", "enterprise"):
        with pytest.raises(DomainError) as excinfo:
            credit_proposal_reject(actor=users[role], record=record, reason="越权")
        assert excinfo.value.code == "forbidden"
    record.refresh_from_db()
    assert record.status == RecordStatus.PROPOSED and record.decided_at is None


def test_a_batch_with_one_record_of_another_department_changes_none(
    xinluo_chem: Any, shanghang_site: Any, users: dict[str, Any]
) -> None:
    mine, theirs = propose(xinluo_chem), propose(shanghang_site, "licence_violation")
    with pytest.raises(DomainError) as excinfo:
        credit_proposals_decide(
            actor=users["department"], record_ids=[mine.pk, theirs.pk], decision="confirm", reason="核实"
        )
    assert excinfo.value.code == "forbidden"
    assert set(CreditRecord.objects.values_list("status", flat=True)) == {RecordStatus.PROPOSED}


@pytest.mark.parametrize(
    ("ids", "decision", "reason", "code", "field"),
    [
        (None, "confirm", "  ", "invalid", "reason"),
        (None, "approve", "理由", "invalid", "decision"),
        ([], "confirm", "理由", "invalid", "records"),
        (["x"], "confirm", "理由", "invalid", "records"),
        ([10**9], "confirm", "理由", "not_found", "records"),
    ],
)
def test_bad_decisions_are_refused_naming_the_field(
    xinluo_chem: Any, users: dict[str, Any], ids: Any, decision: str, reason: str, code: str, field: str
) -> None:
    record = propose(xinluo_chem)
    with pytest.raises(DomainError) as excinfo:
        credit_proposals_decide(
            actor=users["committee"], record_ids=[record.pk] if ids is None else ids, decision=decision, reason=reason
        )
    assert (excinfo.value.code, excinfo.value.field) == (code, field)


def test_a_decided_proposal_is_not_decided_again(xinluo_chem: Any, users: dict[str, Any]) -> None:
    record = propose(xinluo_chem)
    credit_proposal_reject(actor=users["committee"], record=record, reason="误报")
    with pytest.raises(DomainError) as excinfo:
        credit_proposal_confirm(actor=users["department"], record=record, reason="属实")
    assert excinfo.value.code == "credit_record_not_proposed"
    with pytest.raises(DomainError) as excinfo:
        credit_record_revoke(actor=users["committee"], record=record, reason="撤销")
    assert excinfo.value.code == "record_not_active"


def test_staff_records_and_trustworthy_events_count_at_once(xinluo_chem: Any, users: dict[str, Any]) -> None:
    from credit.models import Rule

    rule = Rule.objects.get(rule_set__version="LY-2021.1", code="RESP-LICENCE")
    manual = credit_record_create(
        actor=users["department"],
        enterprise=xinluo_chem,
        rule=rule,
        occurred_on=timezone.localdate(),
        evidence="现场检查发现",
    )
    assert manual.status == RecordStatus.ACTIVE
    good = propose(xinluo_chem, "standardization_granted", certificate_id=7, level=1, expires_on="2029-01-01")
    assert good.status == RecordStatus.ACTIVE and not StatutoryDeadline.objects.filter(source_id=good.pk).exists()


def test_a_newer_event_supersedes_an_undecided_proposal(xinluo_chem: Any) -> None:
    first = propose(xinluo_chem, "accident", accident_id=77, grade="larger", deaths=3)
    second = propose(xinluo_chem, "accident", accident_id=77, grade="major", deaths=10)
    first.refresh_from_db()
    assert (first.status, first.decided_by) == (RecordStatus.REJECTED, None)
    assert "later event" in first.decision_reason
    assert deadline_of(first).cancelled_at is not None
    assert second.status == RecordStatus.PROPOSED


def test_confirming_replaces_the_matters_earlier_record_only_then(xinluo_chem: Any, users: dict[str, Any]) -> None:
    granted = propose(xinluo_chem, "standardization_granted", certificate_id=4, level=2)
    revoked = propose(xinluo_chem, "standardization_revoked", certificate_id=4, level=2)
    granted.refresh_from_db()
    assert granted.status == RecordStatus.ACTIVE  # still counts while the revocation waits
    credit_proposal_confirm(actor=users["department"], record=revoked, reason="证书撤销文件已核实")
    granted.refresh_from_db()
    assert granted.status == RecordStatus.REVOKED and "later event" in granted.revoke_reason


def test_a_rule_made_blacklist_proposal_arises_only_from_a_confirmed_record(
    xinluo_chem: Any, users: dict[str, Any]
) -> None:
    record = propose(xinluo_chem, "accident", accident_id=12, grade="major", deaths=12)
    assert not BlacklistEntry.objects.exists()
    credit_proposal_confirm(actor=users["committee"], record=record, reason="重大事故属实")
    entry = BlacklistEntry.objects.get(enterprise=xinluo_chem)
    assert (entry.status, entry.origin, entry.case) == (
        BlacklistStatus.PROPOSED,
        BlacklistOrigin.RULE,
        BlacklistCase.MAJOR_ACCIDENT,
    )
    assert (entry.rule.code, entry.rule_set.version) == ("ACC-MAJOR", "LY-2021.1")
    assert list(entry.evidence_records.all()) == [record]


def test_the_enterprise_and_the_department_are_told(xinluo_chem: Any, users: dict[str, Any]) -> None:
    record = propose(xinluo_chem)
    told = Notification.objects.filter(dedup_key=f"credit_record:{record.pk}:proposed")
    assert list(told.values_list("recipient", flat=True)) == [users["enterprise"].pk]
    assert told.get().title.startswith("拟记入失信记录")
    assert Notification.objects.filter(
        recipient=users["department"], dedup_key=f"credit_record:{record.pk}:to_decide", url=PROPOSALS
    ).exists()
    assert not Notification.objects.filter(recipient=users["department_zjj"]).exists()
    credit_proposal_reject(actor=users["department"], record=record, reason="误报")
    decided = Notification.objects.get(recipient=users["enterprise"], dedup_key=f"credit_record:{record.pk}:decided")
    assert "误报" in decided.body


def test_the_days_to_decide_come_from_the_rule_set_version(xinluo_chem: Any, rule_set: Any) -> None:
    draft = rule_set_copy(rule_set=rule_set, version="LY-2026.2", effective_from=timezone.localdate())
    draft.proposal_days = 5
    draft.save()
    rule_set_publish(rule_set=draft)
    record = propose(xinluo_chem)
    left = deadline_of(record).due_at - timezone.now()
    assert dt.timedelta(days=4, hours=23) < left <= dt.timedelta(days=5)


def test_a_proposal_undecided_past_its_days_is_escalated_not_applied(xinluo_chem: Any, users: dict[str, Any]) -> None:
    record = propose(xinluo_chem)
    with time_machine.travel(timezone.now() + dt.timedelta(days=9), tick=False):
        assert deadlines_escalate() == 0
    with time_machine.travel(timezone.now() + dt.timedelta(days=11), tick=False):
        assert deadlines_escalate() == 1
    clock = deadline_of(record)
    assert clock.escalation_level >= 1
    # The area's township inspector hears of the overdue decision; the record still counts in nothing.
    assert Notification.objects.filter(recipient=users["inspector_town"], category="deadline").exists()
    record.refresh_from_db()
    assert record.status == RecordStatus.PROPOSED


# Pages ------------------------------------------------------------------------------------------


def test_the_list_shows_what_a_decider_needs(client: Any, xinluo_chem: Any, users: dict[str, Any]) -> None:
    record = propose(xinluo_chem)
    client.force_login(users["department"])
    response = client.get(PROPOSALS)
    page = response.content.decode()
    assert response.status_code == 200 and "待确认信用记录" in page
    assert xinluo_chem.name in page and record.rule.title in page and "LY-2021.1" in page
    assert f'value="{record.pk}"' in page and "剩余 10 天" in page
    # Another department's staff have nothing to decide here; inspectors and enterprises no list at all.
    client.force_login(users["department_zjj"])
    assert xinluo_chem.name not in client.get(PROPOSALS).content.decode()
    for role in ("inspector", "enterprise"):
        client.force_login(users[role])
        assert client.get(PROPOSALS).status_code == 403


def test_the_list_filters_by_county_rule_and_age(
    client: Any, org: Any, xinluo_chem: Any, shanghang_site: Any, users: dict[str, Any]
) -> None:
    late = propose(xinluo_chem)
    propose(shanghang_site, "licence_violation")
    client.force_login(users["committee"])
    county = org.jurisdiction("上杭县")
    page = client.get(PROPOSALS, {"county": county.pk}).content.decode()
    assert shanghang_site.name in page and xinluo_chem.name not in page
    page = client.get(PROPOSALS, {"rule": "HAZ-MAJOR-OVERDUE"}).content.decode()
    assert xinluo_chem.name in page and shanghang_site.name not in page
    assert "暂无待确认的信用记录" in client.get(PROPOSALS, {"age": "3"}).content.decode()
    StatutoryDeadline.objects.filter(pk=deadline_of(late).pk).update(due_at=timezone.now() - dt.timedelta(days=2))
    page = client.get(PROPOSALS, {"age": "overdue"}).content.decode()
    assert xinluo_chem.name in page and shanghang_site.name not in page and "超期 2 天" in page
    assert client.get(PROPOSALS, {"age": "forever"}).status_code == 200  # a bad filter: a message, not a 500


def test_the_list_reads_a_flat_number_of_queries(
    client: Any, org: Any, xinluo_chem: Any, users: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    client.force_login(users["committee"])

    def fill(n: int) -> None:
        for i in range(n):
            firm = EnterpriseFactory(jurisdiction=xinluo_chem.jurisdiction, industry=xinluo_chem.industry)
            propose(firm, "accident", accident_id=1000 + CreditRecord.objects.count() + i, grade="general")

    fill(2)
    with django_assert_max_num_queries(14):
        assert client.get(PROPOSALS).status_code == 200
    fill(20)
    with django_assert_max_num_queries(14):
        page = client.get(PROPOSALS).content.decode()
    assert page.count('data-testid="proposal"') == 22 or page.count('data-testid="proposal"') == 25


def test_confirm_selected_rows_from_the_page(
    client: Any, xinluo_chem: Any, users: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    first, second = propose(xinluo_chem), propose(xinluo_chem, "licence_violation")
    client.force_login(users["department"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            DECIDE, {"records": [first.pk, second.pk], "decision": "reject", "reason": "已核查，不属实"}, follow=True
        )
    assert response.status_code == 200 and "不予采纳" in response.content.decode()
    assert set(CreditRecord.objects.values_list("status", flat=True)) == {RecordStatus.REJECTED}
    # Without a reason nothing is decided, and the page says what is missing.
    third = propose(xinluo_chem, "self_report_late")
    response = client.post(DECIDE, {"records": [third.pk], "decision": "confirm", "reason": ""}, follow=True)
    assert "请填写决定理由" in response.content.decode()
    third.refresh_from_db()
    assert third.status == RecordStatus.PROPOSED
    # Another department's staff get a 403, not a decision.
    client.force_login(users["department_zjj"])
    assert client.post(DECIDE, {"records": [third.pk], "decision": "confirm", "reason": "x"}).status_code == 403


def test_the_home_widget_and_the_overview_lead_deciders_to_the_list(
    client: Any, xinluo_chem: Any, users: dict[str, Any]
) -> None:
    propose(xinluo_chem)
    client.force_login(users["department"])
    home = client.get("/").content.decode()
    assert 'data-testid="proposals-count"' in home and "<strong>1</strong>" in home
    assert 'data-testid="proposals-link"' in client.get(reverse("credit:overview")).content.decode()
    assert "10" in client.get(reverse("credit:rules")).content.decode()
