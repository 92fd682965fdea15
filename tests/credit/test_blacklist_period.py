"""MEM Order 11 on the blacklist approval: the period comes from the entry's rule-set version (3 years),
it cannot be shortened at approval (an early end is an approved credit repair, after the rule set's
minimum months), and approval waits for the end of the objection period — in the service, on the page
and in the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from credit.choices import BlacklistStatus
from credit.models import BlacklistEntry, RuleSet, add_months
from credit.services import (
    blacklist_approve,
    blacklist_object,
    blacklist_propose,
    blacklist_serve_notice,
    credit_repair_apply,
)
from safety_platform.choices import ApiScope
from safety_platform.services import DomainError
from tests.clock import shanghai
from tests.credit.test_api import key

pytestmark = [pytest.mark.django_db, pytest.mark.clock(shanghai(2026, 12, 4, 10))]


@pytest.fixture
def noticed(users: dict[str, Any], xinluo_chem: Any) -> BlacklistEntry:
    entry = blacklist_propose(
        actor=users["department"], enterprise=xinluo_chem, case="unlicensed", reason="暂扣安全生产许可证期间擅自生产"
    )
    return blacklist_serve_notice(actor=users["department"], entry=entry)


def window_closed(entry: BlacklistEntry) -> BlacklistEntry:
    BlacklistEntry.objects.filter(pk=entry.pk).update(objection_deadline=timezone.localdate() - dt.timedelta(days=1))
    entry.refresh_from_db()
    return entry


# The period ----------------------------------------------------------------------------------------


def test_an_approval_cannot_shorten_the_listing_to_thirty_days(noticed: BlacklistEntry, users: dict[str, Any]) -> None:
    entry = window_closed(noticed)
    today = timezone.localdate()
    with pytest.raises(DomainError) as refused:
        blacklist_approve(actor=users["committee"], entry=entry, ends_on=today + dt.timedelta(days=30))
    assert refused.value.code == "invalid"
    assert refused.value.field == "ends_on"
    assert "3 years" in refused.value.message and "credit repair" in refused.value.message
    with pytest.raises(DomainError) as refused:  # nor lengthen it
        blacklist_approve(actor=users["committee"], entry=entry, ends_on=add_months(today, 48))
    assert refused.value.code == "invalid"
    assert refused.value.field == "ends_on"
    entry.refresh_from_db()
    assert (entry.status, entry.ends_on) == (BlacklistStatus.NOTICED, None)


def test_a_backdated_start_cannot_bring_the_end_close(noticed: BlacklistEntry, users: dict[str, Any]) -> None:
    entry = window_closed(noticed)
    today = timezone.localdate()
    with pytest.raises(DomainError) as refused:
        blacklist_approve(actor=users["committee"], entry=entry, listed_on=add_months(today, -35))
    assert refused.value.code == "invalid"
    assert refused.value.field == "listed_on"


def test_the_period_is_the_rule_set_versions(noticed: BlacklistEntry, users: dict[str, Any], rule_set: RuleSet) -> None:
    # A version with another period (as if the regulation changed) decides the end of its entries.
    RuleSet.objects.filter(pk=rule_set.pk).update(blacklist_years=5)
    entry = window_closed(noticed)
    today = timezone.localdate()
    entry = blacklist_approve(actor=users["committee"], entry=entry)
    assert (entry.listed_on, entry.ends_on, entry.rule_set.version) == (today, add_months(today, 60), "LY-2021.1")
    # Giving the computed end is accepted (an API client may send it to check its own arithmetic).
    assert entry.period_end(today) == add_months(today, 60)


def test_early_removal_waits_for_the_rule_sets_minimum_months(
    noticed: BlacklistEntry, users: dict[str, Any], rule_set: RuleSet
) -> None:
    RuleSet.objects.filter(pk=rule_set.pk).update(repair_min_months=18)
    entry = blacklist_approve(actor=users["committee"], entry=window_closed(noticed))
    BlacklistEntry.objects.filter(pk=entry.pk).update(listed_on=add_months(timezone.localdate(), -13))
    entry.refresh_from_db()
    with pytest.raises(DomainError, match="18 months") as refused:
        credit_repair_apply(actor=users["enterprise"], entry=entry, statement="已整改")
    assert refused.value.code == "repair_too_early"


# The objection period --------------------------------------------------------------------------------


def test_approval_during_the_objection_period_is_a_stable_conflict(
    noticed: BlacklistEntry, users: dict[str, Any]
) -> None:
    with pytest.raises(DomainError) as refused:
        blacklist_approve(actor=users["committee"], entry=noticed)
    day = (noticed.objection_deadline + dt.timedelta(days=1)).isoformat()
    assert refused.value.code == "objection_period_running"
    assert day in refused.value.message


def test_the_page_offers_approval_only_after_the_objection_period(
    client: Any, noticed: BlacklistEntry, users: dict[str, Any]
) -> None:
    client.force_login(users["committee"])
    url = reverse("credit:blacklist_detail", args=[noticed.pk])
    approve = reverse("credit:blacklist_action", args=[noticed.pk, "approve"])
    body = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert approve not in body and "批准并公布</button>" not in body
    day = (noticed.objection_deadline + dt.timedelta(days=1)).isoformat()
    assert f"{day}起可批准并公布" in body.replace(" ", "")

    window_closed(noticed)
    body = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert approve in body and "批准并公布</button>" in body
    end = add_months(timezone.localdate(), 36).isoformat()
    assert end in body  # the period the approval will give, before it is given
    assert 'name="ends_on"' not in body  # not typed freely


def test_approving_on_the_page_during_the_period_says_why_and_changes_nothing(
    client: Any, noticed: BlacklistEntry, users: dict[str, Any]
) -> None:
    client.force_login(users["committee"])
    response = client.post(
        reverse("credit:blacklist_action", args=[noticed.pk, "approve"]), follow=True, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "异议期" in body and (noticed.objection_deadline + dt.timedelta(days=1)).isoformat() in body
    noticed.refresh_from_db()
    assert noticed.status == BlacklistStatus.NOTICED


def test_an_end_date_posted_on_the_page_does_not_shorten_the_listing(
    client: Any, noticed: BlacklistEntry, users: dict[str, Any]
) -> None:
    entry = window_closed(noticed)
    today = timezone.localdate()
    client.force_login(users["committee"])
    client.post(
        reverse("credit:blacklist_action", args=[entry.pk, "approve"]),
        {"listed_on": today.isoformat(), "ends_on": (today + dt.timedelta(days=30)).isoformat()},
    )
    entry.refresh_from_db()
    assert (entry.status, entry.listed_on, entry.ends_on) == (BlacklistStatus.ACTIVE, today, add_months(today, 36))


def test_a_dismissed_objection_lets_the_committee_approve_before_the_deadline(
    noticed: BlacklistEntry, users: dict[str, Any], client: Any
) -> None:
    from credit.services import blacklist_decide_objection

    entry = blacklist_object(actor=users["enterprise"], entry=noticed, objection="不属实")
    entry = blacklist_decide_objection(actor=users["committee"], entry=entry, upheld=False, note="证据充分")
    client.force_login(users["committee"])
    body = client.get(reverse("credit:blacklist_detail", args=[entry.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "批准并公布" in body.content.decode()


# API -------------------------------------------------------------------------------------------------


def approve_url(entry: BlacklistEntry) -> str:
    return f"/api/v1/credit/blacklist/{entry.pk}/approve/"


def test_api_approval_waits_for_the_objection_period(
    api_client: Any, noticed: BlacklistEntry, users: dict[str, Any]
) -> None:
    from tests.platform.schema_check import response_errors

    path = "/api/v1/credit/blacklist/{id}/approve/"
    api_client.force_authenticate(users["committee"])
    response = api_client.post(approve_url(noticed), {}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "objection_period_running"
    assert response_errors(path, "post", 409, response.json()) == []
    window_closed(noticed)
    response = api_client.post(approve_url(noticed), {}, format="json")
    assert response.status_code == 200
    assert response_errors(path, "post", 200, response.json()) == []
    today = timezone.localdate()
    body = response.json()
    assert (body["status"], body["listed_on"], body["ends_on"], body["rule_set_version"]) == (
        "active",
        today.isoformat(),
        add_months(today, 36).isoformat(),
        "LY-2021.1",
    )


def test_api_refuses_a_short_period_naming_the_field(
    api_client: Any, noticed: BlacklistEntry, users: dict[str, Any]
) -> None:
    entry = window_closed(noticed)
    api_client.force_authenticate(users["committee"])
    today = timezone.localdate()
    response = api_client.post(
        approve_url(entry), {"ends_on": (today + dt.timedelta(days=30)).isoformat()}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["ends_on"]
    response = api_client.post(approve_url(entry), {"ends_on": "soon"}, format="json")
    assert response.status_code == 400 and list(response.json()["errors"]) == ["ends_on"]
    response = api_client.post(approve_url(entry), {"ends_on": add_months(today, 36).isoformat()}, format="json")
    assert response.status_code == 200


def test_api_approval_is_for_committee_staff_only(
    api_client: Any, noticed: BlacklistEntry, users: dict[str, Any], org: Any
) -> None:
    entry = window_closed(noticed)
    api_client.force_authenticate(users["department"])
    assert api_client.post(approve_url(entry), {}, format="json").status_code == 403
    api_client.force_authenticate(None)
    api_key = {"HTTP_AUTHORIZATION": f"Api-Key {key(org, ApiScope.BLACKLIST_READ)}"}
    assert api_client.post(approve_url(entry), {}, format="json", **api_key).status_code == 403
    entry.refresh_from_db()
    assert entry.status == BlacklistStatus.NOTICED
