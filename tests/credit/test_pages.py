"""Every credit page for every role: each sees exactly its scope; writes only for those allowed;
query counts of list pages do not grow with the rows."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from credit.choices import BlacklistStatus, RecordStatus
from credit.models import BlacklistEntry, CreditRating, CreditRecord
from credit.services import blacklist_propose, credit_rating_recalculate
from tests.clock import shanghai
from tests.credit.factories import record
from tests.factories import EnterpriseFactory

pytestmark = [pytest.mark.django_db, pytest.mark.clock(shanghai(2026, 12, 4, 10))]

ROLES = [
    "admin",
    "committee",
    "county_office",
    "inspector",
    "inspector_town",
    "department",
    "department_zjj",
    "enterprise",
]
SEES = {
    "admin": {"xinluo_chem", "xinluo_site", "shanghang_site", "yongding_mine"},
    "committee": {"xinluo_chem", "xinluo_site", "shanghang_site", "yongding_mine"},
    "county_office": {"xinluo_chem", "xinluo_site"},
    "inspector": {"xinluo_chem", "xinluo_site"},
    "inspector_town": {"xinluo_chem"},
    "department": {"xinluo_chem", "yongding_mine"},
    "department_zjj": {"xinluo_site", "shanghang_site"},
    "enterprise": {"xinluo_chem"},
}


@pytest.fixture
def world(org: Any, users: dict[str, Any], xinluo_chem: Any, shanghang_site: Any) -> dict[str, Any]:
    xinluo_site = EnterpriseFactory(
        name="新罗区西陂建筑",
        jurisdiction=org.jurisdiction("新罗区/西陂街道/西陂第一网格"),
        industry=org.industry("E4710"),
    )
    yongding_mine = EnterpriseFactory(
        name="永定区坎市铁矿", jurisdiction=org.jurisdiction("永定区/坎市镇"), industry=org.industry("B0810")
    )
    world = {
        "xinluo_chem": xinluo_chem,
        "xinluo_site": xinluo_site,
        "shanghang_site": shanghang_site,
        "yongding_mine": yongding_mine,
    }
    for enterprise in world.values():
        record(enterprise, "HAZ-OVERDUE", months_before=1, evidence=f"证据-{enterprise.name}")
        credit_rating_recalculate(enterprise_id=enterprise.pk)
        blacklist_propose(
            actor=users["committee"], enterprise=enterprise, case="other", reason=f"理由-{enterprise.name}"
        )
    return world


def names_in(response: Any, world: dict[str, Any]) -> set[str]:
    body = response.content.decode()
    return {key for key, enterprise in world.items() if enterprise.name in body}


# One world per test, every role in turn (the scope differs by role, the data does not).


def test_overview_lists_only_the_enterprises_in_scope(client: Any, users: dict[str, Any], world: Any) -> None:
    for role in ROLES:
        client.force_login(users[role])
        response = client.get(reverse("credit:overview"), follow=True)
        assert response.status_code == 200
        assert names_in(response, world) == SEES[role], role


def test_enterprise_credit_page_is_404_outside_scope(client: Any, users: dict[str, Any], world: dict[str, Any]) -> None:
    for role in ROLES:
        client.force_login(users[role])
        for key, enterprise in world.items():
            response = client.get(reverse("credit:enterprise", args=[enterprise.pk]))
            assert response.status_code == (200 if key in SEES[role] else 404), (role, key)
            if response.status_code == 200:
                body = response.content.decode()
                assert f"证据-{enterprise.name}" in body  # the record and its evidence
                assert "一般事故隐患逾期未整改" in body  # the reason, with the rule's title
                assert 'data-testid="score">78<' in body


def test_records_list_is_scoped(client: Any, users: dict[str, Any], world: dict[str, Any]) -> None:
    for role in ROLES:
        client.force_login(users[role])
        response = client.get(reverse("credit:records"), follow=True)
        assert response.status_code == 200
        assert names_in(response, world) == SEES[role], role


def test_blacklist_pages_are_scoped_and_proposals_hidden_from_enterprises(
    client: Any, users: dict[str, Any], world: dict[str, Any]
) -> None:
    for role in ROLES:
        client.force_login(users[role])
        response = client.get(reverse("credit:blacklist"))
        assert response.status_code == 200
        # Proposals are internal until prior notice is served.
        expected = set() if role == "enterprise" else SEES[role]
        assert names_in(response, world) == expected, role
        for key, enterprise in world.items():
            entry = BlacklistEntry.objects.get(enterprise=enterprise)
            status = client.get(reverse("credit:blacklist_detail", args=[entry.pk])).status_code
            assert status == (200 if key in expected else 404), (role, key)


def test_enterprise_sees_its_entry_once_notice_is_served(client: Any, users: dict[str, Any], world: Any) -> None:
    entry = BlacklistEntry.objects.get(enterprise=world["xinluo_chem"])
    client.force_login(users["committee"])
    client.post(reverse("credit:blacklist_action", args=[entry.pk, "notice"]))
    client.force_login(users["enterprise"])
    response = client.get(reverse("credit:blacklist_detail", args=[entry.pk]))
    assert response.status_code == 200
    assert "File objection" in response.content.decode() or "提出异议" in response.content.decode()


def test_the_old_due_inspection_page_moved_to_the_inspection_plans(client: Any, users: dict[str, Any]) -> None:
    client.force_login(users["inspector"])
    response = client.get(reverse("credit:supervision"))
    assert response.status_code in (301, 302)
    assert response["Location"].startswith("/supervision/")


def test_feed_usage_page_is_for_committee_and_admins(client: Any, users: dict[str, Any]) -> None:
    for role in ROLES:
        client.force_login(users[role])
        expected = 200 if role in ("admin", "committee") else 403
        assert client.get(reverse("credit:feed_usage")).status_code == expected, role


def test_rules_page_is_readable_by_everyone(client: Any, users: dict[str, Any]) -> None:
    for role in ROLES:
        client.force_login(users[role])
        response = client.get(reverse("credit:rules"))
        assert response.status_code == 200 and "LY-2021.1" in response.content.decode(), role


def test_anonymous_users_are_sent_to_login(client: Any, world: dict[str, Any]) -> None:
    for name in ("credit:overview", "credit:blacklist", "credit:records", "credit:rules"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_enterprise_panel_and_nav_show_the_grade(client: Any, users: dict[str, Any], world: dict[str, Any]) -> None:
    client.force_login(users["enterprise"])
    body = client.get(reverse("enterprises:detail", args=[world["xinluo_chem"].pk])).content.decode()
    assert 'id="credit-panel"' in body and reverse("credit:enterprise", args=[world["xinluo_chem"].pk]) in body
    assert reverse("credit:overview") in client.get(reverse("home")).content.decode()


# Writes from the pages ------------------------------------------------------------------------


def test_department_records_behaviour_and_the_grade_follows(
    client: Any, users: dict[str, Any], world: dict[str, Any], rule_set: Any, django_capture_on_commit_callbacks: Any
) -> None:
    chem = world["xinluo_chem"]
    rule = rule_set.rules.get(code="ORG-MISSING")
    client.force_login(users["department"])
    url = reverse("credit:record_create", args=[chem.pk])
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {"rule": rule.pk, "occurred_on": timezone.localdate().isoformat(), "evidence": "专职安全员空缺三个月"},
        )
    assert response.status_code == 302
    created = CreditRecord.objects.get(rule_code="ORG-MISSING")
    assert (created.department, created.recorded_by) == (users["department"].department, users["department"])
    assert CreditRating.objects.get(enterprise=chem).score == 68  # 80 − 2 − 10


def test_record_form_rejects_automatic_rules_and_future_dates(
    client: Any, users: dict[str, Any], world: dict[str, Any], rule_set: Any
) -> None:
    client.force_login(users["department"])
    url = reverse("credit:record_create", args=[world["xinluo_chem"].pk])
    automatic = rule_set.rules.get(code="ACC-LARGER")
    response = client.post(url, {"rule": automatic.pk, "occurred_on": "2026-01-01", "evidence": "x"})
    assert response.status_code == 200 and not CreditRecord.objects.filter(rule_code="ACC-LARGER").exists()
    manual = rule_set.rules.get(code="ORG-MISSING")
    response = client.post(url, {"rule": manual.pk, "occurred_on": "2999-01-01", "evidence": "x"})
    assert response.status_code == 200
    assert "occurred_on" in response.context["form"].errors
    assert not CreditRecord.objects.filter(rule_code="ORG-MISSING").exists()


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("department", True), ("department_zjj", False), ("inspector", False), ("enterprise", False), ("committee", True)],
)
def test_who_may_record_for_the_chemicals_company(
    role: str, allowed: bool, client: Any, users: dict[str, Any], world: dict[str, Any], rule_set: Any
) -> None:
    client.force_login(users[role])
    rule = rule_set.rules.get(code="OCC-VIOLATION")
    response = client.post(
        reverse("credit:record_create", args=[world["xinluo_chem"].pk]),
        {"rule": rule.pk, "occurred_on": timezone.localdate().isoformat(), "evidence": "粉尘超标"},
    )
    expected = 302 if allowed else (404 if role == "department_zjj" else 403)
    assert response.status_code == expected
    assert CreditRecord.objects.filter(rule_code="OCC-VIOLATION").exists() == allowed


def test_revocation_keeps_the_record_with_its_reason(client: Any, users: dict[str, Any], world: dict[str, Any]) -> None:
    target = CreditRecord.objects.get(enterprise=world["xinluo_chem"])
    client.force_login(users["department_zjj"])
    assert client.post(reverse("credit:record_revoke", args=[target.pk]), {"reason": "x"}).status_code == 404
    client.force_login(users["inspector"])
    assert client.post(reverse("credit:record_revoke", args=[target.pk]), {"reason": "x"}).status_code == 403
    client.force_login(users["department"])
    assert client.post(reverse("credit:record_revoke", args=[target.pk]), {"reason": "录入错误"}).status_code == 302
    target.refresh_from_db()
    assert (target.status, target.revoke_reason, target.revoked_by) == (
        RecordStatus.REVOKED,
        "录入错误",
        users["department"],
    )
    client.post(reverse("credit:record_revoke", args=[target.pk]), {"reason": "again"})
    target.refresh_from_db()
    assert target.revoke_reason == "录入错误"


def test_blacklist_workflow_through_the_pages(client: Any, users: dict[str, Any], world: dict[str, Any]) -> None:
    entry = BlacklistEntry.objects.get(enterprise=world["xinluo_chem"])
    client.force_login(users["committee"])
    client.post(reverse("credit:blacklist_action", args=[entry.pk, "notice"]))
    BlacklistEntry.objects.filter(pk=entry.pk).update(objection_deadline=timezone.localdate().replace(year=2000))
    # The committee member who served notice (and so proposed) cannot approve: a message, not a 500.
    response = client.post(reverse("credit:blacklist_action", args=[entry.pk, "approve"]), follow=True)
    assert response.status_code == 200
    entry.refresh_from_db()
    assert entry.status == BlacklistStatus.NOTICED
    client.force_login(users["admin"])
    response = client.post(reverse("credit:blacklist_action", args=[entry.pk, "approve"]), {"note": "同意"})
    entry.refresh_from_db()
    assert entry.status == BlacklistStatus.ACTIVE and entry.approved_by == users["admin"]
    page = client.get(reverse("credit:blacklist_detail", args=[entry.pk])).content.decode()
    assert page.count('data-testid="transition"') == 3


def test_blacklist_action_refused_to_the_wrong_role(client: Any, users: dict[str, Any], world: dict[str, Any]) -> None:
    entry = BlacklistEntry.objects.get(enterprise=world["xinluo_chem"])
    client.force_login(users["inspector"])
    assert client.post(reverse("credit:blacklist_action", args=[entry.pk, "notice"])).status_code == 403
    client.force_login(users["department"])
    assert client.post(reverse("credit:blacklist_action", args=[entry.pk, "bogus"])).status_code == 404


# Query counts -----------------------------------------------------------------------------------


@pytest.fixture
def many(org: Any, users: dict[str, Any], world: dict[str, Any]) -> None:
    for index in range(10):
        enterprise = EnterpriseFactory(
            name=f"新罗区测试化工{index}",
            jurisdiction=org.jurisdiction("新罗区/东城街道"),
            industry=org.industry("C2614"),
        )
        record(enterprise, "ACC-GENERAL", months_before=1)
        record(enterprise, "STD-2", months_before=2)
        credit_rating_recalculate(enterprise_id=enterprise.pk)
        blacklist_propose(actor=users["committee"], enterprise=enterprise, case="other", reason="测试")


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("credit:overview", {}),
        ("credit:records", {}),
        ("credit:blacklist", {}),
        ("credit:feed_usage", {}),
        ("credit:rules", {}),
    ],
)
def test_list_pages_query_count_does_not_grow(
    name: str,
    params: dict[str, str],
    client: Any,
    users: dict[str, Any],
    many: None,
    django_assert_max_num_queries: Any,
) -> None:
    client.force_login(users["committee"])
    with django_assert_max_num_queries(14):
        response = client.get(reverse(name), params)
    assert response.status_code == 200


def test_enterprise_page_query_count_does_not_grow_with_records(
    client: Any, users: dict[str, Any], world: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    chem = world["xinluo_chem"]
    for months in range(1, 11):
        record(chem, "HAZ-OVERDUE", months_before=months)
    credit_rating_recalculate(enterprise_id=chem.pk)
    client.force_login(users["department"])
    with django_assert_max_num_queries(16):
        response = client.get(reverse("credit:enterprise", args=[chem.pk]))
    assert response.content.decode().count('data-testid="reason"') == 11


def test_credit_terms_are_not_taken_from_other_apps_catalogs(
    client: Any, users: dict[str, Any], world: dict[str, Any]
) -> None:
    """One gettext domain for all apps: "Proposed" was 拟建 (planned construction, enterprises'), "Score"
    风险值 (hazards' risk value), "Status" 经营状态 (business status), "Key" 重点 (key point)."""
    client.force_login(users["committee"])
    pages = {
        "blacklist": client.get(reverse("credit:blacklist"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode(),
        "overview": client.get(reverse("credit:overview"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode(),
        "usage": client.get(reverse("credit:feed_usage"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode(),
    }
    assert "拟列入" in pages["blacklist"] and "拟建" not in pages["blacklist"]
    assert "经营状态" not in pages["blacklist"]
    assert "得分" in pages["overview"] and "风险值" not in pages["overview"]
    assert "密钥" in pages["usage"] and "重点" not in pages["usage"]
