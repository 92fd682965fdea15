"""Correcting an official document (issue 13 item 3): an issued document is never edited; it is voided (作废) with
a reason by its issuer or county-level staff, its number is never reused, its print says 已作废; it is re-issued
(重新制发) from a form prefilled from it, with a new number, naming the one it replaces."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from auditlog.models import LogEntry
from django.urls import reverse

from hazards.models import Hazard
from safety_platform.models import StatutoryDeadline
from safety_platform.services import DomainError
from supervision.models import DocumentKind, EnforcementDocument
from supervision.services import enforcement as svc
from tests.clock import frozen, shanghai
from tests.factories import UserFactory

from .test_enforcement import _client, _notified_case, _order, _race, _record

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _moment() -> Iterator[None]:
    """Every test here runs at a fixed moment (the clock runs on from it)."""
    with time_machine.travel(shanghai(2026, 12, 4, 11, 59), tick=True):
        yield


DAY = dt.date(2026, 12, 4)


def _void(actor: Any, document: EnforcementDocument, reason: str = "当事单位名称写错") -> EnforcementDocument:
    return svc.document_void(actor=actor, document_id=document.pk, reason=reason)


def _reissue(actor: Any, voided: EnforcementDocument, **kwargs: Any) -> EnforcementDocument:
    initial = svc.reissue_initial(voided)
    params: dict[str, Any] = {
        "actor": actor,
        "kind": initial["kind"],
        "enterprise": initial["enterprise"],
        "issued_on": initial["issued_on"],
        "findings": initial["findings"],
        "legal_basis": initial["legal_basis"],
        "rectify_by": initial["rectify_by"],
        "hazard_codes": [c.strip() for c in initial["hazard_codes"].split(",") if c.strip()],
        "conclusion": initial["conclusion"],
        "replaces": voided,
    }
    params.update(kwargs)
    return svc.document_issue(**params)


def test_a_voided_document_keeps_its_number_and_the_next_document_gets_a_new_one(
    users: dict[str, Any], xinluo_chem: Any
) -> None:
    with frozen(shanghai(2026, 12, 4)):
        first = _record(users["inspector"], xinluo_chem, DAY)
        voided = _void(users["inspector"], first)
        again = _reissue(users["inspector"], voided)
        with pytest.raises(DomainError) as typed:
            _record(users["inspector"], xinluo_chem, DAY, number="龙新应急检记〔2026〕1号")
    assert voided.voided_at is not None and voided.void_reason == "当事单位名称写错"
    assert voided.voided_by == users["inspector"]
    assert EnforcementDocument.objects.get(pk=first.pk).number == "龙新应急检记〔2026〕1号"  # kept, not deleted
    assert again.number == "龙新应急检记〔2026〕2号" and again.replaces == voided
    assert (typed.value.code, typed.value.field) == ("document_number_taken", "number")  # never reused by hand


def test_the_reason_is_required_and_nothing_changes_without_it(users: dict[str, Any], xinluo_chem: Any) -> None:
    with frozen(shanghai(2026, 12, 4)):
        document = _record(users["inspector"], xinluo_chem, DAY)
        with pytest.raises(DomainError) as refused:
            _void(users["inspector"], document, reason="  ")
    assert (refused.value.code, refused.value.field) == ("invalid", "reason")
    assert EnforcementDocument.objects.get(pk=document.pk).voided_at is None


def test_a_document_is_voided_once(users: dict[str, Any], xinluo_chem: Any) -> None:
    with frozen(shanghai(2026, 12, 4)):
        document = _record(users["inspector"], xinluo_chem, DAY)
        _void(users["inspector"], document, reason="第一次")
        with pytest.raises(DomainError) as refused:
            _void(users["inspector"], document, reason="第二次")
    assert refused.value.code == "document_already_voided"
    assert EnforcementDocument.objects.get(pk=document.pk).void_reason == "第一次"


def test_who_may_void(users: dict[str, Any], xinluo_chem: Any) -> None:
    """The issuer (a township inspector) and county-level staff may; another township inspector, the enterprise
    and department staff may not."""
    other_town = UserFactory(username="inspector_town2", role="inspector")
    other_town.jurisdictions.add(xinluo_chem.jurisdiction.parent)  # the same township, not the issuer
    with frozen(shanghai(2026, 12, 4)):
        by_town = [_record(users["inspector_town"], xinluo_chem, DAY) for _ in range(3)]
        for actor in (other_town, users["enterprise"]):
            with pytest.raises(DomainError) as refused:
                _void(actor, by_town[0])
            assert refused.value.code == "forbidden", actor
        with pytest.raises(DomainError) as unseen:
            _void(users["department_zjj"], by_town[0])
        assert unseen.value.code in ("forbidden", "not_found")
        _void(users["inspector_town"], by_town[0])  # the issuer
        _void(users["inspector"], by_town[1])  # an inspector of the county
        _void(users["county_office"], by_town[2])  # the county office
    assert EnforcementDocument.objects.filter(voided_at__isnull=False).count() == 3


def test_a_case_document_is_corrected_through_the_case_not_voided(users: dict[str, Any], xinluo_chem: Any) -> None:
    with frozen(shanghai(2026, 12, 20)):
        case = _notified_case(users, xinluo_chem, dt.date(2026, 12, 15))
        notice = case.documents.get(kind=DocumentKind.PENALTY_NOTICE)
        with pytest.raises(DomainError) as refused:
            _void(users["committee"], notice)
    assert refused.value.code == "document_not_voidable"


def test_voiding_an_order_keeps_its_hazards_and_their_clocks_and_drops_its_link(
    users: dict[str, Any], xinluo_chem: Any
) -> None:
    """The choice: the hazards are real findings and stay, assessed, with their deadline and clock (the
    enterprise still has to fix them); only the voided order's link to them goes (kept as codes on it for its
    print), and the re-issued order links them again, with no hazard registered twice."""
    with frozen(shanghai(2026, 12, 4)):
        order = _order(users["inspector"], xinluo_chem, DAY)
        hazards = list(order.hazards.order_by("code"))
        codes = [h.code for h in hazards]
        voided = _void(users["inspector"], order)
        assert list(voided.hazards.all()) == []
        assert voided.voided_hazard_codes == codes
        for hazard in Hazard.objects.filter(pk__in=[h.pk for h in hazards]):
            assert hazard.state == "assessed" and hazard.deadline == dt.date(2026, 12, 19)
            assert not hazard.enforcement_documents.exists()
        clocks = StatutoryDeadline.objects.filter(source_id__in=[h.pk for h in hazards]).open()
        assert clocks.count() == 2  # still running

        count = Hazard.objects.count()
        replacement = _reissue(users["inspector"], voided, rectify_by=dt.date(2026, 12, 25))
    assert Hazard.objects.count() == count
    assert sorted(replacement.hazards.values_list("code", flat=True)) == codes
    assert replacement.replaces == voided and replacement.order_items == []
    assert replacement.number == "龙新应急责改〔2026〕2号"


def test_a_voided_document_is_re_issued_once(users: dict[str, Any], xinluo_chem: Any) -> None:
    with frozen(shanghai(2026, 12, 4)):
        document = _record(users["inspector"], xinluo_chem, DAY)
        with pytest.raises(DomainError) as not_voided:
            _reissue(users["inspector"], document)
        _void(users["inspector"], document)
        first = _reissue(users["inspector"], document)
        with pytest.raises(DomainError) as twice:
            _reissue(users["inspector"], document)
        _void(users["inspector"], first)
        with pytest.raises(DomainError) as other_kind:
            _reissue(users["inspector"], first, kind=DocumentKind.REINSPECTION_OPINION, conclusion="合格")
    assert not_voided.value.code == "document_not_voided"
    assert twice.value.code == "document_already_replaced"
    assert (other_kind.value.code, other_kind.value.field) == ("invalid", "kind")
    assert EnforcementDocument.objects.count() == 2


def test_the_void_is_in_the_audit_trail(users: dict[str, Any], xinluo_chem: Any) -> None:
    with frozen(shanghai(2026, 12, 4)):
        document = _record(users["inspector"], xinluo_chem, DAY)
        _void(users["inspector"], document, reason="日期错误")
    entries = LogEntry.objects.get_for_object(document).filter(action=LogEntry.Action.UPDATE)
    assert any("void_reason" in (entry.changes_dict or {}) for entry in entries)


# Pages ---------------------------------------------------------------------------------------------


def test_the_void_form_names_the_missing_reason_and_the_print_view_says_voided(
    users: dict[str, Any], xinluo_chem: Any
) -> None:
    client = _client(users["inspector"])
    with frozen(shanghai(2026, 12, 4)):
        order = _order(users["inspector"], xinluo_chem, DAY)
        page = client.get(order.get_absolute_url()).content.decode()
        assert 'data-testid="void"' in page and "已作废" not in page
        url = reverse("supervision:enforcement_document_void", args=[order.pk])
        refused = client.post(url, {"reason": ""})
        assert refused.status_code == 400
        html = refused.content.decode()
        assert 'data-field="reason"' in html and "请填写作废原因" in html
        assert EnforcementDocument.objects.get(pk=order.pk).voided_at is None

        done = client.post(url, {"reason": "整改期限填写错误"})
        assert done.status_code == 302
        html = client.get(order.get_absolute_url()).content.decode()
    assert 'data-testid="voided"' in html and "已作废" in html and "整改期限填写错误" in html
    assert 'data-testid="void"' not in html and 'data-testid="reissue"' in html
    listing = client.get(reverse("supervision:enforcement_documents")).content.decode()
    assert 'data-testid="voided-badge"' in listing


def test_re_issue_opens_the_form_prefilled_and_links_both_ways(users: dict[str, Any], xinluo_chem: Any) -> None:
    client = _client(users["inspector"])
    with frozen(shanghai(2026, 12, 4)):
        order = _order(users["inspector"], xinluo_chem, DAY, findings="储罐区问题")
        codes = sorted(order.hazards.values_list("code", flat=True))
        _void(users["inspector"], order)
        url = reverse("supervision:enforcement_document_new") + f"?replaces={order.pk}"
        form = client.get(url)
        assert form.status_code == 200
        initial = form.context["form"].initial
        assert initial["kind"] == "rectification_order" and initial["findings"] == "储罐区问题"
        assert initial["hazard_codes"] == ", ".join(codes) and "number" not in initial
        assert 'data-testid="reissue-of"' in form.content.decode()
        response = client.post(
            url,
            {
                "replaces": order.pk,
                "enterprise": xinluo_chem.pk,
                "kind": "rectification_order",
                "issued_on": "2026-12-04",
                "findings": "储罐区问题",
                "legal_basis": initial["legal_basis"],
                "rectify_by": "2026-12-22",
                "hazard_codes": initial["hazard_codes"],
            },
        )
        assert response.status_code == 302
        new = EnforcementDocument.objects.get(replaces=order)
        page = client.get(new.get_absolute_url()).content.decode()
        old_page = client.get(order.get_absolute_url()).content.decode()
    assert new.number == "龙新应急责改〔2026〕2号"
    assert 'data-testid="replaces"' in page and order.number in page
    assert 'data-testid="replaced-by"' in old_page and new.number in old_page
    assert 'data-testid="reissue"' not in old_page  # once


def test_the_enterprise_sees_a_voided_document_but_cannot_void(users: dict[str, Any], xinluo_chem: Any) -> None:
    with frozen(shanghai(2026, 12, 4)):
        document = _record(users["inspector"], xinluo_chem, DAY)
        client = _client(users["enterprise"])
        page = client.get(document.get_absolute_url()).content.decode()
        assert 'data-testid="void"' not in page
        response = client.post(
            reverse("supervision:enforcement_document_void", args=[document.pk]), {"reason": "我不同意"}
        )
    assert response.status_code == 403
    assert EnforcementDocument.objects.get(pk=document.pk).voided_at is None


def test_the_api_says_a_document_is_void(users: dict[str, Any], xinluo_chem: Any, api_client: Any) -> None:
    with frozen(shanghai(2026, 12, 4)):
        document = _record(users["inspector"], xinluo_chem, DAY)
        _void(users["inspector"], document, reason="重复制发")
        replacement = _reissue(users["inspector"], document)
    api_client.force_authenticate(users["inspector"])
    rows = {row["id"]: row for row in api_client.get("/api/v1/supervision/documents/").json()["results"]}
    assert rows[document.pk]["void_reason"] == "重复制发" and rows[document.pk]["voided_at"]
    assert rows[replacement.pk]["replaces"] == document.pk and rows[replacement.pk]["voided_at"] is None


# Concurrency ---------------------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_re_issues_replace_once_and_never_reuse_a_number(users: dict[str, Any], xinluo_chem: Any) -> None:
    inspector = users["inspector"]
    day = DAY
    first = _record(inspector, xinluo_chem, day)
    _void(inspector, first)
    results = _race(
        *[lambda: _reissue(inspector, EnforcementDocument.objects.get(pk=first.pk), issued_on=day) for _ in range(3)],
        *[lambda: _record(inspector, xinluo_chem, day) for _ in range(3)],
    )
    issued = [r for r in results if isinstance(r, EnforcementDocument)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(issued) == 4, results  # one re-issue and the three others
    assert [r.code for r in refused] == ["document_already_replaced"] * 2
    numbers = [first.number, *(d.number for d in issued)]
    assert len(set(numbers)) == 5  # the voided number is never given again
    assert sorted(EnforcementDocument.objects.values_list("serial", flat=True)) == [1, 2, 3, 4, 5]
    assert EnforcementDocument.objects.filter(replaces=first).count() == 1
