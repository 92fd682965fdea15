"""Enforcement documents and the administrative penalty case (issue 13 item 3; DESIGN §3d)."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from hazards.models import Hazard
from safety_platform.choices import ApiScope, FactKind
from safety_platform.models import Fact, StatutoryDeadline
from safety_platform.services import DomainError, api_key_create, deadlines_escalate
from supervision.models import (
    CaseStatus,
    DocumentKind,
    EnforcementDocument,
    EnforcementRuleSet,
    PenaltyCase,
    PenaltyCaseTransition,
    Violation,
)
from supervision.services import enforcement as svc
from tests.clock import frozen, shanghai
from tests.factories import UserFactory

# Noon, like the frozen moments below: a login at 10:00 would have been idle for two hours by then.
pytestmark = [pytest.mark.django_db, pytest.mark.clock(shanghai(2026, 12, 4))]

BASIS = "《中华人民共和国安全生产法》第一百零一条"


def _record(actor: Any, enterprise: Any, day: dt.date, **kwargs: Any) -> EnforcementDocument:
    return svc.document_issue(
        actor=actor, kind=DocumentKind.INSPECTION_RECORD, enterprise=enterprise, issued_on=day, **kwargs
    )


def _order(actor: Any, enterprise: Any, day: dt.date, **kwargs: Any) -> EnforcementDocument:
    params: dict[str, Any] = {
        "items": ["储罐区可燃气体报警器未检定", "消防通道堵塞"],
        "rectify_by": day + dt.timedelta(days=15),
        "legal_basis": "《中华人民共和国安全生产法》第六十五条",
    }
    params.update(kwargs)
    return svc.document_issue(
        actor=actor, kind=DocumentKind.RECTIFICATION_ORDER, enterprise=enterprise, issued_on=day, **params
    )


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    return client


@pytest.fixture
def county_office(org: Any) -> Any:
    user = UserFactory(username="county_office_xl", role="county_office")
    user.jurisdictions.add(org.jurisdiction("新罗区"))
    return user


def _notified_case(users: dict[str, Any], enterprise: Any, notified: dt.date, **kwargs: Any) -> PenaltyCase:
    inspector = users["inspector"]
    case = svc.case_open(
        actor=inspector,
        enterprise=enterprise,
        title="未按规定维护安全设备案",
        filed_on=notified - dt.timedelta(days=10),
        **kwargs,
    )
    svc.case_investigate(actor=inspector, case_id=case.pk, note="询问笔录")
    return svc.case_notify(
        actor=inspector, case_id=case.pk, notified_on=notified, findings="拟罚款二万元", legal_basis=BASIS
    )


# Numbering -----------------------------------------------------------------------------------------


def test_documents_are_numbered_per_authority_kind_and_year(users: dict[str, Any], xinluo_chem: Any) -> None:
    with frozen(shanghai(2026, 12, 4)):
        day = dt.date(2026, 12, 4)
        first = _record(users["inspector"], xinluo_chem, day)
        second = _record(users["inspector"], xinluo_chem, day)
        order = _order(users["inspector"], xinluo_chem, day)
    assert first.number == "龙新应急检记〔2026〕1号"
    assert second.number == "龙新应急检记〔2026〕2号"
    assert order.number == "龙新应急责改〔2026〕1号"  # another kind has its own sequence


def test_another_authority_has_its_own_sequence(users: dict[str, Any], shanghang_site: Any, xinluo_chem: Any) -> None:
    other = UserFactory(username="insp_sh", role="inspector")
    other.jurisdictions.add(shanghang_site.jurisdiction.county())
    with frozen(shanghai(2026, 12, 4)):
        _record(users["inspector"], xinluo_chem, dt.date(2026, 12, 4))
        doc = _record(other, shanghang_site, dt.date(2026, 12, 4))
    assert doc.number == "杭应急检记〔2026〕1号"


def test_the_sequence_starts_again_in_a_new_year(users: dict[str, Any], xinluo_chem: Any) -> None:
    with frozen(shanghai(2026, 12, 31, 23, 50)):
        _record(users["inspector"], xinluo_chem, dt.date(2026, 12, 31))
        last = _record(users["inspector"], xinluo_chem, dt.date(2026, 12, 31))
    with frozen(shanghai(2027, 1, 1, 0, 10)):
        new = _record(users["inspector"], xinluo_chem, dt.date(2027, 1, 1))
    assert last.number.endswith("〔2026〕2号")
    assert new.number == "龙新应急检记〔2027〕1号"


def test_a_number_typed_by_hand_that_exists_is_refused_naming_the_field_and_nothing_is_saved(
    users: dict[str, Any], xinluo_chem: Any
) -> None:
    with frozen(shanghai(2026, 12, 4)):
        day = dt.date(2026, 12, 4)
        _order(users["inspector"], xinluo_chem, day)
        hazards_before = Hazard.objects.count()
        documents_before = EnforcementDocument.objects.count()
        with pytest.raises(DomainError) as refused:
            _order(users["inspector"], xinluo_chem, day, number="龙新应急责改〔2026〕1号")
    assert refused.value.code == "document_number_taken"
    assert refused.value.field == "number"
    assert Hazard.objects.count() == hazards_before
    assert EnforcementDocument.objects.count() == documents_before


def test_a_paper_number_typed_ahead_is_skipped_by_the_counter(users: dict[str, Any], xinluo_chem: Any) -> None:
    with frozen(shanghai(2026, 12, 4)):
        day = dt.date(2026, 12, 4)
        typed = _record(users["inspector"], xinluo_chem, day, number="2")
        first = _record(users["inspector"], xinluo_chem, day)
        third = _record(users["inspector"], xinluo_chem, day)
    assert typed.hand_numbered and typed.serial == 2
    assert (first.serial, third.serial) == (1, 3)


def test_a_typed_number_of_another_year_is_refused(users: dict[str, Any], xinluo_chem: Any) -> None:
    with frozen(shanghai(2026, 12, 4)), pytest.raises(DomainError) as refused:
        _record(users["inspector"], xinluo_chem, dt.date(2026, 12, 4), number="龙新应急检记〔2025〕3号")
    assert refused.value.code == "invalid" and refused.value.field == "number"


def _race(*calls: Callable[[], Any]) -> list[Any]:
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except Exception as exc:
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_documents_never_share_a_number(users: dict[str, Any], xinluo_chem: Any) -> None:
    inspector = users["inspector"]
    day = dt.date.today() - dt.timedelta(days=1)
    results = _race(*[lambda: _record(inspector, xinluo_chem, day) for _ in range(6)])
    assert all(isinstance(r, EnforcementDocument) for r in results), results
    serials = sorted(r.serial for r in results)
    assert serials == [1, 2, 3, 4, 5, 6]
    assert len({r.number for r in results}) == 6


# Orders to rectify ---------------------------------------------------------------------------------


def test_an_order_to_rectify_creates_its_hazards_with_the_deadline_and_their_clock(
    users: dict[str, Any], xinluo_chem: Any
) -> None:
    with frozen(shanghai(2026, 12, 4)):
        order = _order(users["inspector"], xinluo_chem, dt.date(2026, 12, 4))
    hazards = list(order.hazards.order_by("id"))
    assert [h.title for h in hazards] == ["储罐区可燃气体报警器未检定", "消防通道堵塞"]
    assert all(h.deadline == dt.date(2026, 12, 19) and h.state == "assessed" for h in hazards)
    assert StatutoryDeadline.objects.filter(source_id__in=[h.pk for h in hazards]).count() == 2


def test_an_order_links_existing_hazards_by_code(users: dict[str, Any], xinluo_chem: Any) -> None:
    with frozen(shanghai(2026, 12, 4)):
        first = _order(users["inspector"], xinluo_chem, dt.date(2026, 12, 4))
        code = first.hazards.order_by("id").first().code  # type: ignore[union-attr]
        second = _order(users["inspector"], xinluo_chem, dt.date(2026, 12, 4), items=[], hazard_codes=[code])
        with pytest.raises(DomainError) as refused:
            _order(users["inspector"], xinluo_chem, dt.date(2026, 12, 4), items=[], hazard_codes=["YH-0-0"])
    assert list(second.hazards.values_list("code", flat=True)) == [code]
    assert refused.value.field == "hazard_codes" and refused.value.code == "invalid"


def test_an_order_needs_items_a_deadline_and_a_legal_basis(users: dict[str, Any], xinluo_chem: Any) -> None:
    day = dt.date(2026, 12, 4)
    with frozen(shanghai(2026, 12, 4)):
        with pytest.raises(DomainError) as no_items:
            _order(users["inspector"], xinluo_chem, day, items=[])
        with pytest.raises(DomainError) as no_basis:
            _order(users["inspector"], xinluo_chem, day, legal_basis="")
        with pytest.raises(DomainError) as no_deadline:
            _order(users["inspector"], xinluo_chem, day, rectify_by=None)
        with pytest.raises(DomainError) as future:
            _record(users["inspector"], xinluo_chem, dt.date(2026, 12, 5))
    assert (no_items.value.code, no_items.value.field) == ("order_needs_items", "items")
    assert (no_basis.value.code, no_basis.value.field) == ("order_needs_legal_basis", "legal_basis")
    assert (no_deadline.value.code, no_deadline.value.field) == ("invalid", "rectify_by")
    assert (future.value.code, future.value.field) == ("invalid", "issued_on")
    assert not EnforcementDocument.objects.exists()


def test_only_an_inspector_in_scope_issues_documents(users: dict[str, Any], shanghang_site: Any) -> None:
    with frozen(shanghai(2026, 12, 4)):
        with pytest.raises(DomainError) as out_of_scope:
            _record(users["inspector"], shanghang_site, dt.date(2026, 12, 4))
        with pytest.raises(DomainError) as department:
            _record(users["department"], shanghang_site, dt.date(2026, 12, 4))
    assert out_of_scope.value.code == "forbidden" and department.value.code == "forbidden"


# The case ------------------------------------------------------------------------------------------


def test_a_case_goes_through_every_step_with_its_documents_in_order(users: dict[str, Any], xinluo_chem: Any) -> None:
    inspector = users["inspector"]
    with frozen(shanghai(2026, 12, 20)):
        case = _notified_case(users, xinluo_chem, dt.date(2026, 12, 1))
        case = svc.case_record_statement(
            actor=inspector,
            case_id=case.pk,
            statement="要求听证",
            hearing_requested=True,
            requested_on=dt.date(2026, 12, 6),
        )
        assert case.status == CaseStatus.HEARING
        with pytest.raises(DomainError) as not_held:
            svc.case_decide(
                actor=inspector,
                case_id=case.pk,
                decided_on=dt.date(2026, 12, 10),
                fine_amount=20000,
                legal_basis=BASIS,
            )
        svc.case_hold_hearing(actor=inspector, case_id=case.pk, held_on=dt.date(2026, 12, 12), note="听证意见")
        svc.case_decide(
            actor=inspector,
            case_id=case.pk,
            decided_on=dt.date(2026, 12, 14),
            fine_amount="20000",
            legal_basis=BASIS,
        )
        svc.case_execute(actor=inspector, case_id=case.pk, executed_on=dt.date(2026, 12, 15))
        with pytest.raises(DomainError) as unpaid:
            svc.case_close(actor=inspector, case_id=case.pk, closed_on=dt.date(2026, 12, 20))
        case = svc.case_close(
            actor=inspector, case_id=case.pk, closed_on=dt.date(2026, 12, 20), fine_paid_on=dt.date(2026, 12, 18)
        )
    assert not_held.value.code == "hearing_not_held" and not_held.value.field == "decided_on"
    assert unpaid.value.code == "fine_unpaid" and unpaid.value.field == "fine_paid_on"
    assert case.status == CaseStatus.CLOSED and case.fine_amount == Decimal("20000.00")
    steps = list(PenaltyCaseTransition.objects.filter(case=case).values_list("from_status", "to_status"))
    assert steps == [
        ("", "filed"),
        ("filed", "investigating"),
        ("investigating", "notified"),
        ("notified", "hearing"),
        ("hearing", "hearing"),
        ("hearing", "decided"),
        ("decided", "executing"),
        ("executing", "closed"),
    ]
    kinds = list(case.documents.order_by("issued_on", "id").values_list("kind", flat=True))
    assert kinds == ["case_filing", "penalty_notice", "hearing_notice", "penalty_decision", "case_closing"]
    assert case.rule_set.version == EnforcementRuleSet.objects.order_by("-effective_from").first().version  # type: ignore[union-attr]


def test_a_step_from_the_wrong_status_is_refused(users: dict[str, Any], xinluo_chem: Any) -> None:
    with frozen(shanghai(2026, 12, 4)):
        case = svc.case_open(
            actor=users["inspector"], enterprise=xinluo_chem, title="案", filed_on=dt.date(2026, 12, 4)
        )
        with pytest.raises(DomainError) as refused:
            svc.case_execute(actor=users["inspector"], case_id=case.pk, executed_on=dt.date(2026, 12, 4))
    assert refused.value.code == "case_wrong_status"


def test_who_may_take_each_step(users: dict[str, Any], xinluo_chem: Any, county_office: Any) -> None:
    town = users["inspector_town"]  # a township inspector: field steps, not the decision
    with frozen(shanghai(2026, 12, 20)):
        with pytest.raises(DomainError) as department:
            svc.case_open(actor=users["department"], enterprise=xinluo_chem, title="案", filed_on=dt.date(2026, 12, 1))
        with pytest.raises(DomainError) as enterprise:
            svc.case_open(actor=users["enterprise"], enterprise=xinluo_chem, title="案", filed_on=dt.date(2026, 12, 1))
        case = svc.case_open(actor=town, enterprise=xinluo_chem, title="案", filed_on=dt.date(2026, 11, 20))
        svc.case_investigate(actor=town, case_id=case.pk)
        svc.case_notify(
            actor=town, case_id=case.pk, notified_on=dt.date(2026, 12, 1), findings="拟罚款", legal_basis=BASIS
        )
        with pytest.raises(DomainError) as town_decides:
            svc.case_decide(
                actor=town, case_id=case.pk, decided_on=dt.date(2026, 12, 10), fine_amount=1000, legal_basis=BASIS
            )
        with pytest.raises(DomainError) as town_extends:
            svc.case_extend(actor=town, case_id=case.pk, days=30, reason="案情复杂")
        svc.case_decide(
            actor=county_office,
            case_id=case.pk,
            decided_on=dt.date(2026, 12, 10),
            fine_amount=1000,
            legal_basis=BASIS,
        )
        svc.case_execute(actor=town, case_id=case.pk, executed_on=dt.date(2026, 12, 11))
        with pytest.raises(DomainError) as town_closes:
            svc.case_close(
                actor=town, case_id=case.pk, closed_on=dt.date(2026, 12, 12), fine_paid_on=dt.date(2026, 12, 12)
            )
        closed = svc.case_close(
            actor=users["committee"],
            case_id=case.pk,
            closed_on=dt.date(2026, 12, 12),
            fine_paid_on=dt.date(2026, 12, 12),
        )
    assert department.value.code == enterprise.value.code == "forbidden"
    assert town_decides.value.code == town_extends.value.code == town_closes.value.code == "forbidden"
    assert closed.status == CaseStatus.CLOSED


def test_a_case_outside_the_users_scope_is_not_found(
    users: dict[str, Any], xinluo_chem: Any, shanghang_site: Any
) -> None:
    with frozen(shanghai(2026, 12, 4)):
        case = svc.case_open(
            actor=users["inspector"], enterprise=xinluo_chem, title="案", filed_on=dt.date(2026, 12, 4)
        )
        other = UserFactory(username="insp_other", role="inspector")
        other.jurisdictions.add(shanghang_site.jurisdiction.county())
        with pytest.raises(DomainError) as refused:
            svc.case_investigate(actor=other, case_id=case.pk)
    assert refused.value.code == "not_found"


# Clocks --------------------------------------------------------------------------------------------


def test_the_hearing_may_be_requested_on_the_fifth_day_and_not_after(users: dict[str, Any], xinluo_chem: Any) -> None:
    with frozen(shanghai(2026, 12, 20)):
        on_time = _notified_case(users, xinluo_chem, dt.date(2026, 12, 1))
        late = _notified_case(users, xinluo_chem, dt.date(2026, 12, 1))
        assert on_time.hearing_request_by == dt.date(2026, 12, 6)
        svc.case_record_statement(
            actor=users["inspector"], case_id=on_time.pk, hearing_requested=True, requested_on=dt.date(2026, 12, 6)
        )
        with pytest.raises(DomainError) as refused:
            svc.case_record_statement(
                actor=users["inspector"], case_id=late.pk, hearing_requested=True, requested_on=dt.date(2026, 12, 7)
            )
    assert refused.value.code == "hearing_window_closed" and refused.value.field == "requested_on"
    late.refresh_from_db()
    assert late.status == CaseStatus.NOTIFIED
    # The window stands on the statutory clock: met by the request, still running (to the 6th's end) otherwise.
    used = StatutoryDeadline.objects.get(source_id=on_time.pk, kind=svc.DEADLINE_HEARING_WINDOW)
    running = StatutoryDeadline.objects.get(source_id=late.pk, kind=svc.DEADLINE_HEARING_WINDOW)
    assert used.met_at is not None and running.met_at is None
    assert running.due_at == shanghai(2026, 12, 6, 23, 59).replace(second=59, microsecond=999999)


def test_a_decision_before_the_hearing_window_ends_is_refused(users: dict[str, Any], xinluo_chem: Any) -> None:
    with frozen(shanghai(2026, 12, 20)):
        case = _notified_case(users, xinluo_chem, dt.date(2026, 12, 1))
        with pytest.raises(DomainError) as refused:
            svc.case_decide(
                actor=users["inspector"],
                case_id=case.pk,
                decided_on=dt.date(2026, 12, 6),
                fine_amount=5000,
                legal_basis=BASIS,
            )
        decided = svc.case_decide(
            actor=users["inspector"],
            case_id=case.pk,
            decided_on=dt.date(2026, 12, 7),
            fine_amount=5000,
            legal_basis=BASIS,
        )
    assert refused.value.code == "hearing_window_open" and refused.value.field == "decided_on"
    assert decided.status == CaseStatus.DECIDED


def test_the_window_length_comes_from_the_rule_set_recorded_on_the_case(
    users: dict[str, Any], xinluo_chem: Any
) -> None:
    EnforcementRuleSet.objects.create(
        version="测试2026.1", effective_from=dt.date(2026, 11, 1), hearing_request_days=3, decision_days=60
    )
    with frozen(shanghai(2026, 12, 20)):
        case = _notified_case(users, xinluo_chem, dt.date(2026, 12, 1))
    assert case.rule_set.version == "测试2026.1"
    assert case.hearing_request_by == dt.date(2026, 12, 4)
    assert case.decide_by == case.filed_on + dt.timedelta(days=60)


def test_the_decision_clock_runs_ninety_days_from_filing_and_escalates(users: dict[str, Any], xinluo_chem: Any) -> None:
    with frozen(shanghai(2026, 9, 1)):
        case = svc.case_open(actor=users["inspector"], enterprise=xinluo_chem, title="案", filed_on=dt.date(2026, 9, 1))
    assert case.decide_by == dt.date(2026, 11, 30)
    clock = StatutoryDeadline.objects.get(source_id=case.pk, kind=svc.DEADLINE_DECISION)
    assert clock.due_at == shanghai(2026, 11, 30, 23, 59).replace(second=59, microsecond=999999)
    deadlines_escalate(now=shanghai(2026, 11, 30, 23, 0))
    clock.refresh_from_db()
    assert clock.escalation_level == 0  # the last day is still within the clock
    deadlines_escalate(now=shanghai(2026, 12, 1, 9, 0))
    clock.refresh_from_db()
    assert clock.escalation_level >= 1


def test_an_approved_extension_moves_the_decision_clock(users: dict[str, Any], xinluo_chem: Any) -> None:
    with frozen(shanghai(2026, 9, 1)):
        case = svc.case_open(actor=users["inspector"], enterprise=xinluo_chem, title="案", filed_on=dt.date(2026, 9, 1))
        with pytest.raises(DomainError) as no_reason:
            svc.case_extend(actor=users["inspector"], case_id=case.pk, days=30, reason="")
        case = svc.case_extend(actor=users["inspector"], case_id=case.pk, days=30, reason="案情复杂，经负责人批准")
    assert no_reason.value.code == "invalid" and no_reason.value.field == "reason"
    assert case.decide_by == dt.date(2026, 12, 30) and case.extension_approved_by == users["inspector"]
    clock = StatutoryDeadline.objects.get(source_id=case.pk, kind=svc.DEADLINE_DECISION)
    assert clock.due_at.date() == dt.date(2026, 12, 30)


@pytest.mark.parametrize("amount", ["NaN", "-1", "1e12", "十万"])
def test_a_fine_that_is_not_an_amount_is_refused_naming_it(
    users: dict[str, Any], xinluo_chem: Any, amount: str
) -> None:
    with frozen(shanghai(2026, 12, 20)):
        case = _notified_case(users, xinluo_chem, dt.date(2026, 12, 1))
        with pytest.raises(DomainError) as refused:
            svc.case_decide(
                actor=users["inspector"],
                case_id=case.pk,
                decided_on=dt.date(2026, 12, 10),
                fine_amount=amount,
                legal_basis=BASIS,
            )
    assert refused.value.code == "invalid" and refused.value.field == "fine_amount"
    case.refresh_from_db()
    assert case.status == CaseStatus.NOTIFIED and case.fine_amount is None


def test_a_fine_without_a_legal_basis_is_refused_and_nothing_is_saved(users: dict[str, Any], xinluo_chem: Any) -> None:
    with frozen(shanghai(2026, 12, 20)):
        case = _notified_case(users, xinluo_chem, dt.date(2026, 12, 1))
        with pytest.raises(DomainError) as refused:
            svc.case_decide(
                actor=users["inspector"],
                case_id=case.pk,
                decided_on=dt.date(2026, 12, 10),
                fine_amount=5000,
                legal_basis=" ",
            )
    assert refused.value.code == "penalty_needs_legal_basis" and refused.value.field == "legal_basis"
    case.refresh_from_db()
    assert case.status == CaseStatus.NOTIFIED and case.fine_amount is None
    assert not case.documents.filter(kind=DocumentKind.PENALTY_DECISION).exists()
    assert not Fact.objects.filter(kind=FactKind.PENALTY_DECIDED).exists()


def test_a_decided_case_proposes_the_credit_record_its_facts_call_for(
    users: dict[str, Any], xinluo_chem: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from credit.choices import RecordStatus
    from credit.models import CreditRecord

    with frozen(shanghai(2026, 12, 20)):
        case = _notified_case(users, xinluo_chem, dt.date(2026, 12, 1), violation=Violation.LICENCE)
        with django_capture_on_commit_callbacks(execute=True):
            svc.case_decide(
                actor=users["inspector"],
                case_id=case.pk,
                decided_on=dt.date(2026, 12, 10),
                suspension_days=30,
                licence_revocation_proposed=True,
                legal_basis=BASIS,
            )
    facts = set(Fact.objects.filter(enterprise=xinluo_chem).values_list("kind", flat=True))
    assert {FactKind.PENALTY_DECIDED, FactKind.LICENCE_VIOLATION} <= facts
    record = CreditRecord.objects.get(enterprise=xinluo_chem, rule_code="RESP-LICENCE")
    assert record.status == RecordStatus.PROPOSED  # for a person to confirm, never applied silently


# Pages ---------------------------------------------------------------------------------------------


def test_an_inspector_issues_an_order_from_the_page_and_opens_its_print_view(
    users: dict[str, Any], xinluo_chem: Any
) -> None:
    client = _client(users["inspector"])
    with frozen(shanghai(2026, 12, 4)):
        url = reverse("supervision:enforcement_document_new") + "?kind=rectification_order"
        assert client.get(url).status_code == 200
        response = client.post(
            url,
            {
                "enterprise": xinluo_chem.pk,
                "kind": "rectification_order",
                "issued_on": "2026-12-04",
                "findings": "现场发现问题",
                "legal_basis": "《中华人民共和国安全生产法》第六十五条",
                "items": "报警器未检定\n消防通道堵塞",
                "rectify_by": "2026-12-19",
            },
        )
        assert response.status_code == 302
        page = client.get(response["Location"]).content.decode()
    assert "龙新应急责改〔2026〕1号" in page
    assert "2026年12月19日" in page and "2026年12月4日" in page
    assert "责令限期整改指令书" in page and "supervision/enforcement.css" in page


def test_the_issue_form_shows_a_taken_number_under_its_field(users: dict[str, Any], xinluo_chem: Any) -> None:
    client = _client(users["inspector"])
    with frozen(shanghai(2026, 12, 4)):
        _record(users["inspector"], xinluo_chem, dt.date(2026, 12, 4))
        response = client.post(
            reverse("supervision:enforcement_document_new"),
            {"enterprise": xinluo_chem.pk, "kind": "inspection_record", "issued_on": "2026-12-04", "number": "1"},
        )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-field="number"' in page and "已存在" in page
    assert EnforcementDocument.objects.count() == 1


def test_lists_keep_a_flat_query_count(
    users: dict[str, Any], xinluo_chem: Any, django_assert_max_num_queries: Any
) -> None:
    with frozen(shanghai(2026, 12, 20)):
        for _ in range(3):
            _order(users["inspector"], xinluo_chem, dt.date(2026, 12, 18))
            _notified_case(users, xinluo_chem, dt.date(2026, 12, 1))
        client = _client(users["inspector"])
        client.get(reverse("supervision:enforcement_documents"))  # warm the session and menus
        with django_assert_max_num_queries(14):
            assert client.get(reverse("supervision:enforcement_documents")).status_code == 200
        with django_assert_max_num_queries(14):
            assert client.get(reverse("supervision:enforcement_cases")).status_code == 200
        case = PenaltyCase.objects.first()
        assert case is not None
        with django_assert_max_num_queries(22):
            page = client.get(case.get_absolute_url())
    assert page.status_code == 200
    assert 'data-testid="step-statement"' in page.content.decode()


def test_the_case_page_shows_a_refused_decision_under_its_field(users: dict[str, Any], xinluo_chem: Any) -> None:
    with frozen(shanghai(2026, 12, 20)):
        client = _client(users["inspector"])
        case = _notified_case(users, xinluo_chem, dt.date(2026, 12, 18))
        response = client.post(
            reverse("supervision:enforcement_case_step", args=[case.pk, "decide"]),
            {"decide-decided_on": "2026-12-20", "decide-fine_amount": "5000", "decide-legal_basis": BASIS},
        )
    assert response.status_code == 400
    assert 'data-field="decided_on"' in response.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.NOTIFIED


# API -----------------------------------------------------------------------------------------------


def test_the_api_needs_the_enforcement_scope(
    users: dict[str, Any], xinluo_chem: Any, shanghang_site: Any, org: Any, api_client: Any
) -> None:
    with frozen(shanghai(2026, 12, 20)):
        _order(users["inspector"], xinluo_chem, dt.date(2026, 12, 18))
        _notified_case(users, xinluo_chem, dt.date(2026, 12, 1))
    _key, without = api_key_create(name="无权限", department=org.department("fgw"), scopes=[ApiScope.RATINGS_READ])
    _key, with_scope = api_key_create(name="执法", department=org.department("fgw"), scopes=[ApiScope.ENFORCEMENT_READ])
    for url in ("/api/v1/supervision/documents/", "/api/v1/supervision/cases/"):
        assert api_client.get(url, HTTP_AUTHORIZATION=f"Api-Key {without}").status_code == 403
        response = api_client.get(url, HTTP_AUTHORIZATION=f"Api-Key {with_scope}")
        assert response.status_code == 200, response.content
        assert response.json()["results"]
        assert api_client.get(url).status_code == 401
    api_client.force_authenticate(users["enterprise"])
    docs = api_client.get("/api/v1/supervision/documents/").json()["results"]
    assert {d["credit_code"] for d in docs} == {xinluo_chem.credit_code}
    other = UserFactory(username="ent_other", role="enterprise", enterprise=shanghang_site)
    api_client.force_authenticate(other)
    assert api_client.get("/api/v1/supervision/cases/").json()["results"] == []


# Demo and the pages in Chinese -----------------------------------------------------------------------


def test_the_demo_has_an_order_a_reinspection_an_open_window_and_an_executed_case(
    users: dict[str, Any], xinluo_chem: Any, shanghang_site: Any
) -> None:
    from supervision.demo_enforcement import seed_enforcement_demo

    seed_enforcement_demo()
    seed_enforcement_demo()  # idempotent
    order = EnforcementDocument.objects.get(kind=DocumentKind.RECTIFICATION_ORDER)
    assert order.hazards.count() == 2
    assert EnforcementDocument.objects.filter(kind=DocumentKind.REINSPECTION_OPINION).count() == 1
    statuses = set(PenaltyCase.objects.values_list("status", flat=True))
    assert statuses == {CaseStatus.NOTIFIED, CaseStatus.EXECUTING}
    notified = PenaltyCase.objects.get(status=CaseStatus.NOTIFIED)
    assert notified.hearing_window_open_on(dt.date.today())


@pytest.mark.parametrize("username", ["inspector", "county_office_xl", "enterprise", "committee"])
def test_enforcement_pages_open_in_chinese_for_each_role(
    users: dict[str, Any], xinluo_chem: Any, county_office: Any, username: str
) -> None:
    from supervision.demo_enforcement import seed_enforcement_demo
    from tests.platform.test_crawl import _Page, english_words

    seed_enforcement_demo()
    user = county_office if username == "county_office_xl" else users[username]
    client = _client(user)
    queue = ["/supervision/enforcement/documents/", "/supervision/enforcement/cases/"]
    seen: set[str] = set(queue)
    problems = []
    while queue:
        url = queue.pop(0)
        response = client.get(url)
        if response.status_code != 200:
            problems.append(f"{url}: {response.status_code}")
            continue
        page = _Page()
        page.feed(response.content.decode())
        words = english_words(" ".join(page.text))
        if words or page.lang != "zh-hans" or page.blank_dates:
            problems.append(f"{url}: {words} {page.lang} {page.blank_dates}")
        for href in page.links:
            path = href.split("#")[0]
            if path.startswith("/supervision/enforcement/") and "?" not in path and path not in seen:
                seen.add(path)
                queue.append(path)
    assert len(seen) > 5
    assert not problems, problems


def test_execution_reminds_the_enterprise_of_the_fine_and_its_clock_runs(
    users: dict[str, Any], xinluo_chem: Any
) -> None:
    from safety_platform.models import Notification

    with frozen(shanghai(2026, 12, 20)):
        case = _notified_case(users, xinluo_chem, dt.date(2026, 12, 1))
        svc.case_decide(
            actor=users["inspector"],
            case_id=case.pk,
            decided_on=dt.date(2026, 12, 10),
            fine_amount="8000",
            legal_basis=BASIS,
        )
        svc.case_execute(actor=users["inspector"], case_id=case.pk, executed_on=dt.date(2026, 12, 11))
    fine_clock = StatutoryDeadline.objects.get(source_id=case.pk, kind=svc.DEADLINE_FINE)
    assert fine_clock.due_at.date() == dt.date(2026, 12, 25)  # 15 days after the decision
    decision_clock = StatutoryDeadline.objects.get(source_id=case.pk, kind=svc.DEADLINE_DECISION)
    assert decision_clock.met_at is not None
    reminder = Notification.objects.get(recipient=users["enterprise"], dedup_key=f"enforcement:case:{case.pk}:fine")
    assert "8000" in reminder.title


def test_a_withdrawn_case_stops_its_decision_clock(users: dict[str, Any], xinluo_chem: Any, county_office: Any) -> None:
    with frozen(shanghai(2026, 12, 4)):
        case = svc.case_open(
            actor=users["inspector"], enterprise=xinluo_chem, title="案", filed_on=dt.date(2026, 12, 4)
        )
        with pytest.raises(DomainError) as town:
            svc.case_withdraw(actor=users["inspector_town"], case_id=case.pk, reason="证据不足")
        case = svc.case_withdraw(actor=county_office, case_id=case.pk, reason="证据不足")
    assert town.value.code == "forbidden"
    assert case.status == CaseStatus.WITHDRAWN
    clock = StatutoryDeadline.objects.get(source_id=case.pk, kind=svc.DEADLINE_DECISION)
    assert clock.cancelled_at is not None


def test_an_order_is_issued_from_an_inspection_through_the_include_on_its_page(
    users: dict[str, Any], xinluo_chem: Any
) -> None:
    from django.template.loader import render_to_string

    from supervision.models import Inspection

    with frozen(shanghai(2026, 12, 4)):
        inspection = Inspection.objects.create(
            enterprise=xinluo_chem, inspected_on=dt.date(2026, 12, 3), inspector=users["inspector"], note="报警器未检定"
        )
        actions = render_to_string(
            "supervision/enforcement/_inspection_actions.html", {"inspection": inspection, "user": users["inspector"]}
        )
        hidden = render_to_string(
            "supervision/enforcement/_inspection_actions.html", {"inspection": inspection, "user": users["enterprise"]}
        )
        link = f"/supervision/enforcement/documents/new/?inspection={inspection.pk}&amp;kind=rectification_order"
        assert link in actions and "enforcement-actions" not in hidden
        client = _client(users["inspector"])
        form = client.get(link.replace("&amp;", "&")).content.decode()
        assert "报警器未检定" in form and 'value="rectification_order" selected' in form
        response = client.post(
            link.replace("&amp;", "&"),
            {
                "inspection": inspection.pk,
                "enterprise": xinluo_chem.pk,
                "kind": "rectification_order",
                "issued_on": "2026-12-04",
                "legal_basis": BASIS,
                "items": "报警器未检定",
                "rectify_by": "2026-12-20",
            },
        )
    assert response.status_code == 302
    order = EnforcementDocument.objects.get()
    assert order.inspection == inspection and order.hazards.count() == 1
