"""The county committee office (县安委办): sees its county whole and nothing of another county, decides for
its county what the committee decides for the city (blacklist, listed supervision, proposed credit records),
and receives its county's escalations at the county level, while the city's committee still sees everything."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from credit.choices import BlacklistStatus
from credit.models import BlacklistEntry
from credit.selectors import proposals_to_decide_q
from credit.services import blacklist_approve, blacklist_propose, blacklist_serve_notice
from enterprises.models import Enterprise
from hazards.models import Hazard
from hazards.services import hazard_list_supervision
from safety_platform.models import Jurisdiction, Notification, StatutoryDeadline, User
from safety_platform.permissions import can
from safety_platform.scoping import enterprise_scope_q, jurisdiction_scope_q
from safety_platform.services import DomainError, deadline_open, deadlines_escalate
from tests.clock import frozen, shanghai
from tests.factories import EnterpriseFactory, UserFactory
from tests.hazards.factories import make_hazard

pytestmark = [pytest.mark.django_db, pytest.mark.clock(shanghai(2026, 12, 4, 10))]

NOW = shanghai(2026, 6, 10, 9)


@pytest.fixture
def office(org: Any) -> Any:
    user = UserFactory(username="xinluo_office", role="county_office")
    user.jurisdictions.add(org.jurisdiction("新罗区"))
    return user


@pytest.fixture
def shanghang_office(org: Any) -> Any:
    user = UserFactory(username="shanghang_office", role="county_office")
    user.jurisdictions.add(org.jurisdiction("上杭县"))
    return user


@pytest.fixture
def xinluo_site(org: Any) -> Any:
    return EnterpriseFactory(
        name="新罗区西陂建筑",
        jurisdiction=org.jurisdiction("新罗区/西陂街道/西陂第一网格"),
        industry=org.industry("E4710"),
    )


# Scope -------------------------------------------------------------------------------------------


def test_the_office_sees_its_county_whole_and_nothing_of_another(
    office: Any, xinluo_chem: Any, xinluo_site: Any, shanghang_site: Any, users: Any
) -> None:
    seen = set(Enterprise.objects.visible_to(office).values_list("name", flat=True))
    assert seen == {xinluo_chem.name, xinluo_site.name}
    # The committee still sees the whole city.
    assert set(Enterprise.objects.visible_to(users["committee"]).values_list("pk", flat=True)) >= {
        xinluo_chem.pk,
        xinluo_site.pk,
        shanghang_site.pk,
    }
    assert enterprise_scope_q(users["committee"]) is None


def test_rows_of_a_jurisdiction_follow_the_county(office: Any, org: Any) -> None:
    town = org.jurisdiction("新罗区/东城街道")
    other = org.jurisdiction("上杭县/临江镇")
    q = jurisdiction_scope_q(office, prefix="parent")
    assert q is not None
    children_seen = set(Jurisdiction.objects.filter(q).values_list("parent_id", flat=True))
    assert town.pk in children_seen
    assert other.pk not in children_seen
    # County-level duties (deadlines without an enterprise) of its county, not of another.
    ours = deadline_open(source=town, kind="test_duty", title="县级任务", due_at=timezone.now(), jurisdiction=town)
    theirs = deadline_open(source=other, kind="test_duty", title="县级任务", due_at=timezone.now(), jurisdiction=other)
    visible = set(StatutoryDeadline.objects.visible_to(office).values_list("pk", flat=True))
    assert ours.pk in visible
    assert theirs.pk not in visible


def test_pages_of_another_county_are_not_found(
    client: Any, office: Any, xinluo_chem: Any, shanghang_site: Any, users: Any
) -> None:
    client.force_login(office)
    assert client.get(reverse("enterprises:detail", args=[xinluo_chem.pk])).status_code == 200
    assert client.get(reverse("enterprises:detail", args=[shanghang_site.pk])).status_code == 404
    ours = make_hazard(xinluo_chem, inspector=users["inspector"])
    shanghang_inspector = UserFactory(username="insp_sh", role="inspector")
    shanghang_inspector.jurisdictions.add(shanghang_site.jurisdiction)
    theirs = make_hazard(shanghang_site, inspector=shanghang_inspector)
    assert client.get(reverse("hazards:detail", args=[ours.pk])).status_code == 200
    assert client.get(reverse("hazards:detail", args=[theirs.pk])).status_code == 404


def test_the_enterprise_list_and_api_show_only_the_county(
    client: Any,
    office: Any,
    xinluo_chem: Any,
    xinluo_site: Any,
    shanghang_site: Any,
    django_assert_max_num_queries: Any,
) -> None:
    client.force_login(office)
    with django_assert_max_num_queries(25):
        page = client.get(reverse("enterprises:list"))
    assert page.status_code == 200
    body = page.content.decode()
    assert xinluo_chem.name in body
    assert xinluo_site.name in body
    assert shanghang_site.name not in body
    response = client.get("/api/v1/enterprises/")
    assert response.status_code == 200
    names = {row["name"] for row in response.json()["results"]}
    assert names == {xinluo_chem.name, xinluo_site.name}


def test_the_home_page_menus_and_overdue_clocks_are_the_countys(
    client: Any, office: Any, xinluo_chem: Any, shanghang_site: Any
) -> None:
    overdue = timezone.now() - dt.timedelta(days=1)
    ours = deadline_open(
        source=xinluo_chem, kind="test_rectification", title="新罗整改", due_at=overdue, enterprise=xinluo_chem
    )
    deadline_open(
        source=shanghang_site, kind="test_rectification", title="上杭整改", due_at=overdue, enterprise=shanghang_site
    )
    client.force_login(office)
    page = client.get(reverse("home"))
    assert page.status_code == 200
    body = page.content.decode()
    assert ours.title in body
    assert "上杭整改" not in body
    for url in (reverse("enterprises:list"), reverse("hazards:list"), reverse("hazards:risk_map")):
        assert f'href="{url}"' in body


def test_the_risk_map_starts_at_the_county_and_cannot_open_another(
    client: Any, office: Any, org: Any, xinluo_chem: Any
) -> None:
    client.force_login(office)
    page = client.get(reverse("hazards:risk_map"))
    assert page.status_code == 200
    assert "东城街道" in page.content.decode()
    other = org.jurisdiction("上杭县")
    assert client.get(reverse("hazards:risk_map"), {"node": other.pk}).status_code == 404


# Who may be a county office ------------------------------------------------------------------------


def test_a_county_office_holds_exactly_one_county(org: Any) -> None:
    county, town = org.jurisdiction("新罗区"), org.jurisdiction("新罗区/东城街道")
    User.clean_jurisdictions("county_office", [county])
    for wrong in ([], [town], [county, org.jurisdiction("上杭县")]):
        with pytest.raises(ValidationError) as caught:
            User.clean_jurisdictions("county_office", wrong)
        assert "jurisdictions" in caught.value.message_dict
    User.clean_jurisdictions("inspector", [town, county])  # other roles: not this rule
    user = User(username="x", role="county_office", department=org.department("yjj"))
    with pytest.raises(ValidationError) as caught:
        user.clean()
    assert "department" in caught.value.message_dict


def test_the_admin_form_refuses_a_township_for_a_county_office(client: Any, org: Any, users: Any) -> None:
    target = UserFactory(username="to_be_office", role="inspector")
    client.force_login(users["admin"])
    url = reverse("admin:safety_platform_user_change", args=[target.pk])
    form = client.get(url).context["adminform"].form
    data = {key: value for key, value in form.initial.items() if value is not None and not hasattr(value, "all")}
    data.update(
        {
            "username": target.username,
            "role": "county_office",
            "jurisdictions": [org.jurisdiction("新罗区/东城街道").pk],
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
            "is_active": "on",
        }
    )
    data.pop("password", None)
    data.pop("groups", None)
    data.pop("user_permissions", None)
    data.pop("last_login", None)
    data.pop("date_joined", None)
    data.pop("department", None)
    data.pop("enterprise", None)
    response = client.post(url, data)
    assert response.status_code == 200  # the form again, with the error
    target.refresh_from_db()
    assert target.role == "inspector"
    assert set(response.context["adminform"].form.errors) == {"jurisdictions"}


# Approvals ---------------------------------------------------------------------------------------


def _noticed_entry(users: Any, enterprise: Any, proposer: Any) -> BlacklistEntry:
    entry = blacklist_propose(actor=proposer, enterprise=enterprise, case="other", reason="严重违法失信行为")
    entry = blacklist_serve_notice(actor=proposer, entry=entry)
    BlacklistEntry.objects.filter(pk=entry.pk).update(objection_deadline=timezone.localdate() - dt.timedelta(days=1))
    entry.refresh_from_db()
    return entry


def test_the_office_approves_blacklist_entries_of_its_county_only(
    office: Any, users: Any, xinluo_chem: Any, shanghang_site: Any
) -> None:
    ours = _noticed_entry(users, xinluo_chem, users["department"])
    assert blacklist_approve(actor=office, entry=ours).status == BlacklistStatus.ACTIVE
    theirs = _noticed_entry(users, shanghang_site, users["department_zjj"])
    with pytest.raises(DomainError) as caught:
        blacklist_approve(actor=office, entry=theirs)
    assert caught.value.code == "forbidden"
    # The city's committee approves anywhere.
    assert blacklist_approve(actor=users["committee"], entry=theirs).status == BlacklistStatus.ACTIVE


def test_the_blacklist_page_offers_approval_to_the_office(
    client: Any, office: Any, users: Any, xinluo_chem: Any
) -> None:
    entry = _noticed_entry(users, xinluo_chem, users["department"])
    client.force_login(office)
    page = client.get(reverse("credit:blacklist_detail", args=[entry.pk]))
    assert page.status_code == 200
    assert page.context["actions"]["approve"] is True


def test_the_office_lists_major_hazards_of_its_county_only(
    office: Any, users: Any, xinluo_chem: Any, shanghang_site: Any
) -> None:
    ours = make_hazard(xinluo_chem, state="reported", grade="major", inspector=users["inspector"])
    assert hazard_list_supervision(hazard_id=ours.pk, actor=office).is_listed
    shanghang_inspector = UserFactory(username="insp_sh", role="inspector")
    shanghang_inspector.jurisdictions.add(shanghang_site.jurisdiction)
    theirs = make_hazard(shanghang_site, state="reported", grade="major", inspector=shanghang_inspector)
    with pytest.raises(DomainError) as caught:
        hazard_list_supervision(hazard_id=theirs.pk, actor=office)
    assert caught.value.code == "not_found"  # outside its scope: as if it did not exist
    assert not Hazard.objects.get(pk=theirs.pk).is_listed
    assert hazard_list_supervision(hazard_id=theirs.pk, actor=users["committee"]).is_listed


def test_a_reported_major_hazard_reaches_the_countys_office(
    office: Any, shanghang_office: Any, users: Any, xinluo_chem: Any
) -> None:
    make_hazard(xinluo_chem, state="reported", grade="major", inspector=users["inspector"])
    assert Notification.objects.filter(recipient=office, category="major_hazard").exists()
    assert not Notification.objects.filter(recipient=shanghang_office).exists()


def test_the_office_decides_proposed_credit_records_of_its_county(
    office: Any, xinluo_chem: Any, shanghang_site: Any
) -> None:
    assert can(office, "credit.decide_proposals")
    from credit.models import CreditRecord

    assert can(office, "credit.decide_listing", BlacklistEntry(enterprise=xinluo_chem))
    assert not can(office, "credit.decide_listing", BlacklistEntry(enterprise=shanghang_site))

    q = proposals_to_decide_q(office)
    sql = str(CreditRecord.objects.filter(q).query)
    assert "path" in sql  # limited to the county's enterprises, by the jurisdiction path


# Escalations -------------------------------------------------------------------------------------


def test_the_county_level_of_an_overdue_clock_goes_to_its_countys_office(
    office: Any, shanghang_office: Any, users: Any, xinluo_chem: Any, shanghang_site: Any
) -> None:
    with frozen(NOW):
        for enterprise in (xinluo_chem, shanghang_site):
            deadline_open(
                source=enterprise,
                kind="test_rectification",
                title=f"整改-{enterprise.pk}",
                due_at=timezone.now() - dt.timedelta(hours=1),
                enterprise=enterprise,
            )
        deadlines_escalate()  # level 1: the responsible inspectors
        assert not Notification.objects.filter(recipient__in=[office, shanghang_office]).exists()
        deadlines_escalate(now=timezone.now() + dt.timedelta(days=3))  # level 2: the county
        ours = Notification.objects.filter(recipient=office)
        assert list(ours.values_list("title", flat=True)) == [f"[逾期] 整改-{xinluo_chem.pk}"]
        assert list(Notification.objects.filter(recipient=shanghang_office).values_list("title", flat=True)) == [
            f"[逾期] 整改-{shanghang_site.pk}"
        ]
        deadlines_escalate(now=timezone.now() + dt.timedelta(days=7))  # level 3: the city's committee
        assert Notification.objects.filter(recipient=office).count() == 1  # not again at the committee level
        assert Notification.objects.filter(recipient=users["committee"]).count() == 2


def test_the_dashboard_is_fixed_to_the_county(client: Any, office: Any, org: Any, xinluo_chem: Any) -> None:
    client.force_login(office)
    with frozen(NOW):
        board = client.get("/assessment/dashboard/", {"period": "2026Q2"}).context["board"]
        assert board.jurisdiction.name == "新罗区"
        labels = [row["label"] for row in board.table("by_area").rows]
        assert "东城街道" in labels and "上杭县" not in labels
        other = client.get("/assessment/dashboard/", {"jurisdiction": org.jurisdiction("上杭县").code})
    assert other.status_code == 400
    assert other.context["field"] == "jurisdiction"
