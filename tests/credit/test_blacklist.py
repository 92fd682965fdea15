"""The blacklist workflow (Order 11): proposal, prior notice, objection, approval by another person,
publication with period, expiry, early removal after credit repair, full history."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from credit.choices import BlacklistStatus, ObjectionDecision, RemovalReason, RepairStatus
from credit.models import BlacklistEntry, CreditRating, add_months
from credit.services import (
    blacklist_approve,
    blacklist_decide_objection,
    blacklist_expire_due,
    blacklist_object,
    blacklist_propose,
    blacklist_reject,
    blacklist_serve_notice,
    credit_repair_apply,
    credit_repair_decide,
)
from safety_platform.models import Notification
from safety_platform.services import DomainError
from tests.clock import shanghai
from tests.credit.factories import confirm_pending, fact
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.clock(shanghai(2026, 12, 4, 10))]


@pytest.fixture
def proposal(users: dict[str, Any], xinluo_chem: Any) -> BlacklistEntry:
    return blacklist_propose(
        actor=users["department"],
        enterprise=xinluo_chem,
        case="unlicensed",
        reason="暂扣安全生产许可证期间擅自生产",
    )


def noticed(entry: BlacklistEntry, actor: Any) -> BlacklistEntry:
    return blacklist_serve_notice(actor=actor, entry=entry)


def close_window(entry: BlacklistEntry) -> BlacklistEntry:
    BlacklistEntry.objects.filter(pk=entry.pk).update(objection_deadline=timezone.localdate() - dt.timedelta(days=1))
    entry.refresh_from_db()
    return entry


def listed(entry: BlacklistEntry, users: dict[str, Any], *, listed_on: dt.date | None = None) -> BlacklistEntry:
    """Approved today, or — moving the clock — as if approved on `listed_on` (an approval cannot be backdated)."""
    entry = close_window(noticed(entry, users["department"]))
    entry = blacklist_approve(actor=users["committee"], entry=entry)
    if listed_on is not None:
        BlacklistEntry.objects.filter(pk=entry.pk).update(listed_on=listed_on, ends_on=entry.period_end(listed_on))
        entry.refresh_from_db()
    return entry


def test_full_workflow_from_proposal_to_publication(
    proposal: BlacklistEntry, users: dict[str, Any], xinluo_chem: Any, django_capture_on_commit_callbacks: Any
) -> None:
    assert proposal.status == BlacklistStatus.PROPOSED
    assert proposal.rule_set.version == "LY-2021.1" and "第11号" in proposal.legal_basis
    entry = noticed(proposal, users["department"])
    assert entry.status == BlacklistStatus.NOTICED
    assert entry.objection_deadline == timezone.localdate() + dt.timedelta(days=10)
    assert Notification.objects.filter(recipient=users["enterprise"], category="blacklist").count() == 1

    entry = blacklist_object(actor=users["enterprise"], entry=entry, objection="许可证已于次日恢复，有批复为证")
    assert entry.status == BlacklistStatus.OBJECTED
    entry = blacklist_decide_objection(actor=users["committee"], entry=entry, upheld=False, note="批复日期晚于生产日期")
    assert (entry.status, entry.objection_decision) == (BlacklistStatus.NOTICED, ObjectionDecision.DISMISSED)

    # With the objection decided, the committee need not wait for the window to close.
    with django_capture_on_commit_callbacks(execute=True):
        entry = blacklist_approve(actor=users["committee"], entry=entry)
    today = timezone.localdate()
    assert (entry.status, entry.listed_on, entry.ends_on) == (BlacklistStatus.ACTIVE, today, add_months(today, 36))
    assert entry.approved_by == users["committee"] and entry.proposed_by == users["department"]
    assert [(t.from_status, t.to_status) for t in entry.transitions.all()] == [
        ("", "proposed"),
        ("proposed", "noticed"),
        ("noticed", "objected"),
        ("objected", "noticed"),
        ("noticed", "active"),
    ]
    # The grade follows: a listed enterprise is at best grade 3.
    rating = CreditRating.objects.get(enterprise=xinluo_chem)
    assert (rating.blacklisted, rating.grade) == (True, 3)


def test_the_proposer_cannot_approve_their_own_proposal(users: dict[str, Any], xinluo_chem: Any) -> None:
    committee = users["committee"]
    entry = blacklist_propose(actor=committee, enterprise=xinluo_chem, case="other", reason="严重违法")
    entry = close_window(noticed(entry, committee))
    with pytest.raises(DomainError, match="different person") as refused:
        blacklist_approve(actor=committee, entry=entry)
    assert refused.value.code == "approver_is_proposer"
    other = UserFactory(username="committee2", role="committee")
    assert blacklist_approve(actor=other, entry=entry).status == BlacklistStatus.ACTIVE


def test_confirming_a_rule_proposal_makes_you_the_proposer(users: dict[str, Any], xinluo_chem: Any) -> None:
    from credit.services import credit_fact_ingest

    credit_fact_ingest(fact=fact(xinluo_chem, "licence_violation"))
    assert not BlacklistEntry.objects.exists()  # the record is a proposal until someone confirms it
    confirm_pending(xinluo_chem, actor=users["department"])
    entry = BlacklistEntry.objects.get(enterprise=xinluo_chem)
    assert entry.proposed_by is None
    entry = close_window(noticed(entry, users["committee"]))
    assert entry.proposed_by == users["committee"]
    with pytest.raises(DomainError, match="different person") as refused:
        blacklist_approve(actor=users["committee"], entry=entry)
    assert refused.value.code == "approver_is_proposer"


def test_approval_waits_for_the_objection_window(proposal: BlacklistEntry, users: dict[str, Any]) -> None:
    entry = noticed(proposal, users["department"])
    with pytest.raises(DomainError, match="objection period") as refused:
        blacklist_approve(actor=users["committee"], entry=entry)
    assert refused.value.code == "objection_period_running"
    entry = close_window(entry)
    assert blacklist_approve(actor=users["committee"], entry=entry).status == BlacklistStatus.ACTIVE


def test_upheld_objection_means_no_listing(proposal: BlacklistEntry, users: dict[str, Any]) -> None:
    entry = noticed(proposal, users["department"])
    entry = blacklist_object(actor=users["enterprise"], entry=entry, objection="不属实")
    entry = blacklist_decide_objection(actor=users["committee"], entry=entry, upheld=True, note="证据不足")
    assert entry.status == BlacklistStatus.REJECTED
    with pytest.raises(DomainError) as refused:
        blacklist_approve(actor=users["committee"], entry=entry)
    assert refused.value.code == "blacklist_wrong_status"


def test_objection_only_by_the_enterprise_and_only_within_the_window(
    proposal: BlacklistEntry, users: dict[str, Any], shanghang_site: Any
) -> None:
    entry = noticed(proposal, users["department"])
    stranger = UserFactory(role="enterprise", enterprise=shanghang_site)
    for actor in (stranger, users["department"]):
        with pytest.raises(DomainError) as refused:
            blacklist_object(actor=actor, entry=entry, objection="x")
        assert refused.value.code == "forbidden"
    entry = close_window(entry)
    with pytest.raises(DomainError, match="closed") as refused:
        blacklist_object(actor=users["enterprise"], entry=entry, objection="太晚了")
    assert refused.value.code == "objection_window_closed"


def test_only_committee_staff_approve_and_decide(proposal: BlacklistEntry, users: dict[str, Any]) -> None:
    entry = close_window(noticed(proposal, users["department"]))
    for role in ("department", "inspector", "enterprise"):
        with pytest.raises(DomainError) as refused:
            blacklist_approve(actor=users[role], entry=entry)
        assert refused.value.code == "forbidden"


def test_who_may_propose(users: dict[str, Any], xinluo_chem: Any) -> None:
    for role in ("department_zjj", "inspector", "enterprise"):  # zjj does not supervise chemicals
        with pytest.raises(DomainError) as refused:
            blacklist_propose(actor=users[role], enterprise=xinluo_chem, case="other", reason="x")
        assert refused.value.code == "forbidden"


def test_one_open_entry_per_enterprise(proposal: BlacklistEntry, users: dict[str, Any], xinluo_chem: Any) -> None:
    with pytest.raises(DomainError, match="already") as refused:
        blacklist_propose(actor=users["committee"], enterprise=xinluo_chem, case="other", reason="again")
    assert refused.value.code == "blacklist_already_active"


def test_the_proposing_department_may_withdraw(proposal: BlacklistEntry, users: dict[str, Any]) -> None:
    with pytest.raises(DomainError) as refused:
        blacklist_reject(actor=users["department_zjj"], entry=proposal, note="不是我们的")
    assert refused.value.code == "forbidden"
    entry = blacklist_reject(actor=users["department"], entry=proposal, note="证据不足，撤回")
    assert entry.status == BlacklistStatus.REJECTED
    assert not Notification.objects.filter(recipient=users["enterprise"]).exists()  # it never saw the proposal


def test_listing_ends_automatically_at_its_end_date(
    proposal: BlacklistEntry, users: dict[str, Any], xinluo_chem: Any, django_capture_on_commit_callbacks: Any
) -> None:
    today = timezone.localdate()
    entry = listed(proposal, users, listed_on=add_months(today, -36))
    assert entry.ends_on == today
    assert blacklist_expire_due(today=today - dt.timedelta(days=1)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert blacklist_expire_due(today=today) == 1
    entry.refresh_from_db()
    assert (entry.status, entry.removal_reason, entry.removed_on) == (
        BlacklistStatus.REMOVED,
        RemovalReason.EXPIRED,
        today,
    )
    assert blacklist_expire_due(today=today) == 0
    assert entry.transitions.last().actor is None
    assert CreditRating.objects.get(enterprise=xinluo_chem).blacklisted is False


def test_credit_repair_only_after_12_months(proposal: BlacklistEntry, users: dict[str, Any]) -> None:
    today = timezone.localdate()
    entry = listed(proposal, users, listed_on=add_months(today, -12) + dt.timedelta(days=1))
    with pytest.raises(DomainError, match="12 months") as refused:
        credit_repair_apply(actor=users["enterprise"], entry=entry, statement="已整改")
    assert refused.value.code == "repair_too_early"
    BlacklistEntry.objects.filter(pk=entry.pk).update(listed_on=add_months(today, -12))
    entry.refresh_from_db()
    with pytest.raises(DomainError) as refused:
        credit_repair_apply(actor=users["department"], entry=entry, statement="代为申请")
    assert refused.value.code == "forbidden"
    repair = credit_repair_apply(actor=users["enterprise"], entry=entry, statement="已取得许可证，完成整改并公开承诺")
    with pytest.raises(DomainError, match="already waiting") as refused:
        credit_repair_apply(actor=users["enterprise"], entry=entry, statement="again")
    assert refused.value.code == "repair_already_pending"
    repair = credit_repair_decide(actor=users["committee"], repair=repair, approve=True, note="整改到位，同意提前移出")
    entry.refresh_from_db()
    assert repair.status == RepairStatus.APPROVED
    assert (entry.status, entry.removal_reason, entry.removed_on) == (
        BlacklistStatus.REMOVED,
        RemovalReason.REPAIRED,
        today,
    )
    assert [t.action for t in entry.transitions.all()][-2:] == ["repair_apply", "remove_repaired"]


def test_rejected_repair_leaves_the_entry_listed(proposal: BlacklistEntry, users: dict[str, Any]) -> None:
    entry = listed(proposal, users, listed_on=add_months(timezone.localdate(), -13))
    repair = credit_repair_apply(actor=users["enterprise"], entry=entry, statement="已整改")
    with pytest.raises(DomainError) as refused:
        credit_repair_decide(actor=users["department"], repair=repair, approve=True, note="x")
    assert refused.value.code == "forbidden"
    credit_repair_decide(actor=users["committee"], repair=repair, approve=False, note="整改材料不全")
    entry.refresh_from_db()
    assert entry.status == BlacklistStatus.ACTIVE
    # A new application may follow the rejected one.
    assert credit_repair_apply(actor=users["enterprise"], entry=entry, statement="补充材料").status == "pending"


def test_end_date_must_follow_start_date(proposal: BlacklistEntry, users: dict[str, Any]) -> None:
    entry = close_window(noticed(proposal, users["department"]))
    today = timezone.localdate()
    with pytest.raises(DomainError) as refused:
        blacklist_approve(actor=users["committee"], entry=entry, listed_on=today, ends_on=today)
    assert refused.value.code == "invalid"
    assert refused.value.field == "ends_on"
