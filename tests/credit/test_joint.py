"""Joint rewards and punishments (联合奖惩, seed §5.3): the monthly written notice to the same-level departments
(issued once, as it was, printable, acknowledged, escalated when not), and the measures departments applied
(web and API, refused unless the enterprise is listed), shown on the enterprise's page and the dashboard."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from credit.choices import BlacklistStatus, JointMeasureChannel, RatingStatus
from credit.models import (
    BlacklistEntry,
    CreditRating,
    CreditRatingHistory,
    JointMeasure,
    JointNotice,
    JointNoticeRecipient,
    add_months,
)
from credit.services.joint import (
    NOTICE_ACK_KIND,
    joint_measure_record,
    joint_notice_acknowledge,
    joint_notices_issue_period,
)
from safety_platform.choices import ApiScope
from safety_platform.models import Notification, StatutoryDeadline
from safety_platform.schedules import SCHEDULES
from safety_platform.services import DomainError, api_key_create, deadlines_escalate
from tests.factories import EnterpriseFactory, UserFactory

pytestmark = pytest.mark.django_db

TZ = dt.timezone(dt.timedelta(hours=8))
JULY_3 = dt.datetime(2026, 7, 3, 9, 0, tzinfo=TZ)
MEASURES = "/api/v1/credit/measures/"
RECIPIENTS = {"fgw", "czj", "zrzyj", "sthjj", "zjj", "scjgj", "rmyh"}


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=TZ)


def rate(enterprise: Any, rule_set: Any, grade: int, *, previous: int | None, on: dt.date) -> CreditRating:
    """A grading result (history row) and the current grade, as the grading run writes them."""
    history = CreditRatingHistory.objects.create(
        enterprise=enterprise,
        grade=grade,
        score={1: 95, 2: 80, 3: 60}[grade],
        previous_grade=previous,
        rule_set=rule_set,
        as_of=on,
        computed_at=at(on),
        trigger="nightly",
    )
    rating, _created = CreditRating.objects.update_or_create(
        enterprise=enterprise,
        defaults={
            "grade": grade,
            "score": history.score,
            "rule_set": rule_set,
            "as_of": on,
            "computed_at": at(on),
            "latest": history,
            "updated_at": at(on),
            "status": RatingStatus.ACTIVE,
        },
    )
    return rating


def listing(enterprise: Any, rule_set: Any, status: str, listed_on: dt.date, **fields: Any) -> BlacklistEntry:
    return BlacklistEntry.objects.create(
        enterprise=enterprise,
        rule_set=rule_set,
        status=status,
        origin="department",
        case="unlicensed",
        reason="暂扣期间擅自生产",
        legal_basis="应急管理部令第11号",
        listed_on=listed_on,
        ends_on=add_months(listed_on, 36),
        **fields,
    )


@pytest.fixture
def june(org: Any, rule_set: Any, users: dict[str, Any], xinluo_chem: Any, shanghang_site: Any) -> dict[str, Any]:
    """June 2026: one enterprise down to grade 3, one first graded 1, one listed, one removed; a July change."""
    yongding = EnterpriseFactory(
        name="永定区坎市铁矿", jurisdiction=org.jurisdiction("永定区/坎市镇"), industry=org.industry("B0810")
    )
    wuping = EnterpriseFactory(
        name="武平县中山石料厂", jurisdiction=org.jurisdiction("武平县"), industry=org.industry("B0810")
    )
    steady = EnterpriseFactory(
        name="长汀县汀州胶合板厂", jurisdiction=org.jurisdiction("长汀县"), industry=org.industry("C2614")
    )
    rate(xinluo_chem, rule_set, 2, previous=None, on=dt.date(2026, 5, 1))
    rate(xinluo_chem, rule_set, 3, previous=2, on=dt.date(2026, 6, 10))
    rate(shanghang_site, rule_set, 1, previous=None, on=dt.date(2026, 6, 12))
    rate(steady, rule_set, 2, previous=None, on=dt.date(2026, 6, 12))  # a first grade 2: nothing to tell
    rate(steady, rule_set, 2, previous=2, on=dt.date(2026, 6, 20))
    listed = listing(yongding, rule_set, BlacklistStatus.ACTIVE, dt.date(2026, 6, 15))
    removed = listing(
        wuping,
        rule_set,
        BlacklistStatus.REMOVED,
        dt.date(2023, 6, 1),
        removed_on=dt.date(2026, 6, 1),
        removal_reason="expired",
    )
    rate(yongding, rule_set, 3, previous=None, on=dt.date(2026, 6, 16))
    with time_machine.travel(at(dt.date(2026, 7, 2)), tick=False):
        rate(steady, rule_set, 3, previous=2, on=dt.date(2026, 7, 2))  # July: not in June's notice
    staff = {
        code: UserFactory(username=f"dept_{code}", role="department", department=org.department(code))
        for code in ("fgw", "czj")
    }
    return {
        "chem": xinluo_chem,
        "site": shanghang_site,
        "yongding": yongding,
        "wuping": wuping,
        "steady": steady,
        "listed": listed,
        "removed": removed,
        "staff": staff,
    }


# Notices ------------------------------------------------------------------------------------------


def test_the_monthly_job_issues_one_notice_per_recipient_department_once(june: dict[str, Any]) -> None:
    with time_machine.travel(JULY_3, tick=False):
        assert joint_notices_issue_period() == len(RECIPIENTS)
        assert joint_notices_issue_period() == 0  # a second run issues nothing twice
        assert joint_notices_issue_period(period_start=dt.date(2026, 6, 1)) == 0
    notices = JointNotice.objects.order_by("number")
    assert {n.department.code for n in notices} == RECIPIENTS
    assert [n.number for n in notices] == list(range(1, len(RECIPIENTS) + 1))
    assert {n.period_start for n in notices} == {dt.date(2026, 6, 1)}
    assert notices[0].doc_number == "龙安委办信告〔2026〕1号"
    assert "credit.joint_notices_issue" in {s.task for s in SCHEDULES.values()}


def test_the_scheduled_task_issues_last_months_notices_once(june: dict[str, Any]) -> None:
    from credit.tasks import joint_notices_issue_task

    with time_machine.travel(JULY_3, tick=False):
        assert joint_notices_issue_task.apply().get() == len(RECIPIENTS)
        assert joint_notices_issue_task.apply(kwargs={"period_start": "2026-06-01"}).get() == 0
    assert set(JointNotice.objects.values_list("period_start", flat=True)) == {dt.date(2026, 6, 1)}
    assert not JointNotice.objects.filter(issued_by__isnull=False).exists()  # issued by the job, not a person


def test_the_notice_lists_the_months_grade_changes_and_blacklist_changes(june: dict[str, Any]) -> None:
    with time_machine.travel(JULY_3, tick=False):
        joint_notices_issue_period()
    notice = JointNotice.objects.get(department__code="fgw")
    grades = {row["name"]: (row["from"], row["to"]) for row in notice.content["grades"]}
    # Down to 3 first, then the first grading at 1 and the listed mine's first grade 3; July's change is not in it.
    assert grades == {june["chem"].name: (2, 3), june["site"].name: (None, 1), june["yongding"].name: (None, 3)}
    assert notice.content["grades"][-1]["to"] == 1
    assert [row["name"] for row in notice.content["listed"]] == [june["yongding"].name]
    assert [row["name"] for row in notice.content["removed"]] == [june["wuping"].name]
    assert (notice.listed_count, notice.removed_count, notice.grade_count) == (1, 1, 3)


def test_the_notice_stays_as_issued_when_the_data_changes(june: dict[str, Any], rule_set: Any) -> None:
    with time_machine.travel(JULY_3, tick=False):
        joint_notices_issue_period()
    BlacklistEntry.objects.filter(pk=june["listed"].pk).update(listed_on=dt.date(2026, 5, 30))
    notice = JointNotice.objects.get(department__code="fgw")
    assert [row["name"] for row in notice.content["listed"]] == [june["yongding"].name]


def test_a_month_that_has_not_ended_is_refused(june: dict[str, Any]) -> None:
    from credit.services.joint import joint_notice_issue
    from safety_platform.models import Department

    with time_machine.travel(JULY_3, tick=False), pytest.raises(DomainError) as excinfo:
        joint_notice_issue(department=Department.objects.get(code="fgw"), period_start=dt.date(2026, 7, 1))
    assert (excinfo.value.code, excinfo.value.field) == ("invalid", "period")


def test_recipients_chosen_in_the_admin_replace_the_default_list(june: dict[str, Any], org: Any) -> None:
    JointNoticeRecipient.objects.create(department=org.department("czj"))
    JointNoticeRecipient.objects.create(department=org.department("fgw"), is_active=False)
    with time_machine.travel(JULY_3, tick=False):
        assert joint_notices_issue_period() == 1
    assert list(JointNotice.objects.values_list("department__code", flat=True)) == ["czj"]


def test_the_department_staff_are_told_when_a_notice_is_issued(june: dict[str, Any]) -> None:
    with time_machine.travel(JULY_3, tick=False):
        joint_notices_issue_period()
    notice = JointNotice.objects.get(department__code="fgw")
    told = Notification.objects.get(recipient=june["staff"]["fgw"])
    assert told.url == notice.get_absolute_url()
    assert notice.doc_number in told.title
    assert not Notification.objects.filter(recipient=june["staff"]["czj"], url=notice.get_absolute_url()).exists()


def test_the_committee_button_issues_a_month_and_refuses_the_current_one(
    client: Any, june: dict[str, Any], users: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(users["committee"])
    with time_machine.travel(JULY_3, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("credit:joint_notices_issue"), {"period": "2026-06"})
        assert response.status_code == 302
        assert JointNotice.objects.filter(period_start=dt.date(2026, 6, 1)).count() == len(RECIPIENTS)
        assert JointNotice.objects.filter(issued_by=users["committee"]).count() == len(RECIPIENTS)
        response = client.post(reverse("credit:joint_notices_issue"), {"period": "2026-07"}, follow=True)
        assert "ended" in response.content.decode() or "已结束" in response.content.decode()
        assert not JointNotice.objects.filter(period_start=dt.date(2026, 7, 1)).exists()
    client.force_login(june["staff"]["fgw"])
    assert client.post(reverse("credit:joint_notices_issue"), {"period": "2026-06"}).status_code == 403


def test_the_notice_prints_in_the_official_layout(client: Any, june: dict[str, Any], users: dict[str, Any]) -> None:
    with time_machine.travel(JULY_3, tick=False):
        joint_notices_issue_period()
    notice = JointNotice.objects.get(department__code="fgw")
    client.force_login(june["staff"]["fgw"])
    page = client.get(notice.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert notice.doc_number in page
    assert "龙岩市发展和改革委员会：" in page
    assert "size: A4" in page and "@media print" in page
    assert june["yongding"].name in page and june["wuping"].name in page and june["chem"].name in page
    assert "2026年7月3日" in page  # issuer's date
    assert "签收" in page
    # Another department does not see it; the committee sees every notice but cannot sign for it.
    client.force_login(june["staff"]["czj"])
    assert client.get(notice.get_absolute_url()).status_code == 404
    client.force_login(users["committee"])
    page = client.get(notice.get_absolute_url()).content.decode()
    assert reverse("credit:joint_notice_acknowledge", args=[notice.pk]) not in page


def test_the_addressed_department_acknowledges_receipt(
    client: Any, june: dict[str, Any], users: dict[str, Any]
) -> None:
    with time_machine.travel(JULY_3, tick=False):
        joint_notices_issue_period()
    notice = JointNotice.objects.get(department__code="fgw")
    url = reverse("credit:joint_notice_acknowledge", args=[notice.pk])
    client.force_login(users["committee"])
    assert client.post(url).status_code == 403
    client.force_login(june["staff"]["czj"])
    assert client.post(url).status_code == 404
    client.force_login(june["staff"]["fgw"])
    with time_machine.travel(JULY_3 + dt.timedelta(days=1), tick=False):
        assert client.post(url).status_code == 302
    notice.refresh_from_db()
    assert notice.acknowledged_by == june["staff"]["fgw"]
    assert notice.acknowledged_at == JULY_3 + dt.timedelta(days=1)
    assert StatutoryDeadline.objects.get(kind=NOTICE_ACK_KIND, source_id=notice.pk).met_at is not None
    first = notice.acknowledged_at
    joint_notice_acknowledge(actor=june["staff"]["fgw"], notice=notice)  # twice keeps the first receipt
    notice.refresh_from_db()
    assert notice.acknowledged_at == first


def test_committee_sees_which_notices_are_not_acknowledged(
    client: Any, june: dict[str, Any], users: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    with time_machine.travel(JULY_3, tick=False):
        joint_notices_issue_period()
    joint_notice_acknowledge(actor=june["staff"]["fgw"], notice=JointNotice.objects.get(department__code="fgw"))
    client.force_login(users["committee"])
    with django_assert_max_num_queries(10):
        page = client.get(reverse("credit:joint_notices"), {"acknowledged": "no"}).content.decode()
    assert page.count('data-testid="notice-row"') == len(RECIPIENTS) - 1
    assert "市发改委" not in page
    client.force_login(june["staff"]["czj"])
    page = client.get(reverse("credit:joint_notices")).content.decode()
    assert page.count('data-testid="notice-row"') == 1


def test_an_unacknowledged_notice_is_escalated_after_the_rule_sets_days(
    june: dict[str, Any], users: dict[str, Any], rule_set: Any
) -> None:
    with time_machine.travel(JULY_3, tick=False):
        joint_notices_issue_period()
    joint_notice_acknowledge(actor=june["staff"]["fgw"], notice=JointNotice.objects.get(department__code="fgw"))
    czj = JointNotice.objects.get(department__code="czj")
    assert czj.ack_due_on == JULY_3.date() + dt.timedelta(days=rule_set.notice_ack_days)
    assert deadlines_escalate(now=JULY_3 + dt.timedelta(days=rule_set.notice_ack_days)) == 0  # not yet due
    later = JULY_3 + dt.timedelta(days=rule_set.notice_ack_days + 8)
    escalated = deadlines_escalate(now=later)
    assert escalated == len(RECIPIENTS) - 1  # every notice but the acknowledged one
    overdue = Notification.objects.filter(category="deadline", url=czj.get_absolute_url())
    assert overdue.filter(recipient=june["staff"]["czj"]).exists()  # the department is reminded first
    assert overdue.filter(recipient=users["committee"]).exists()  # then the committee office
    fgw = JointNotice.objects.get(department__code="fgw")
    assert not Notification.objects.filter(category="deadline", url=fgw.get_absolute_url()).exists()


# Measures -----------------------------------------------------------------------------------------


@pytest.fixture
def dept_key(org: Any) -> str:
    _key, raw = api_key_create(
        name="发改委信用平台",
        department=org.department("fgw"),
        scopes=[ApiScope.MEASURES_WRITE, ApiScope.MEASURES_READ],
    )
    return raw


def post_measure(api_client: Any, raw: str, **body: Any) -> Any:
    data = {"kind": "tender_excluded", "applied_on": "2026-07-02", "note": "某道路工程招标"}
    data.update(body)
    return api_client.post(MEASURES, data, format="json", HTTP_AUTHORIZATION=f"Api-Key {raw}")


def test_a_department_key_with_the_scope_records_a_measure(
    api_client: Any, june: dict[str, Any], dept_key: str
) -> None:
    with time_machine.travel(JULY_3, tick=False):
        response = post_measure(api_client, dept_key, credit_code=june["yongding"].credit_code)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["department_code"] == "fgw" and body["basis"] == "blacklist" and body["channel"] == "api"
    measure = JointMeasure.objects.get()
    assert measure.blacklist_entry == june["listed"]
    assert measure.api_key is not None and measure.recorded_by is None
    assert measure.category == "punishment"


def test_a_key_without_the_scope_is_refused(api_client: Any, june: dict[str, Any], org: Any) -> None:
    _key, raw = api_key_create(name="只读", department=org.department("fgw"), scopes=[ApiScope.BLACKLIST_READ])
    response = post_measure(api_client, raw, credit_code=june["yongding"].credit_code)
    assert response.status_code == 403
    assert "measures:write" in response.json()["detail"]
    assert api_client.get(MEASURES, HTTP_AUTHORIZATION=f"Api-Key {raw}").status_code == 403
    assert not JointMeasure.objects.exists()


@pytest.mark.parametrize(
    ("case", "field"),
    [
        ("unknown_code", "credit_code"),
        ("bad_check_character", "credit_code"),
        ("not_listed", "credit_code"),
        ("unknown_kind", "kind"),
        ("future", "applied_on"),
        ("incentive_for_grade_3", "credit_code"),
        ("until_before", "until"),
        ("blacklist_basis_without_entry", "basis"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(
    api_client: Any, june: dict[str, Any], dept_key: str, case: str, field: str
) -> None:
    from tests.factories import next_credit_code

    body: dict[str, Any] = {"credit_code": june["yongding"].credit_code}
    if case == "unknown_code":
        body["credit_code"] = next_credit_code()
    elif case == "bad_check_character":
        code = june["yongding"].credit_code
        body["credit_code"] = code[:-1] + ("0" if code[-1] != "0" else "1")
    elif case == "not_listed":
        body["credit_code"] = june["steady"].credit_code  # grade 2 in June (its July grade 3 is later)
    elif case == "unknown_kind":
        body["kind"] = "shaming"
    elif case == "future":
        body["applied_on"] = "2026-07-04"
    elif case == "incentive_for_grade_3":
        body["kind"] = "green_channel"
        body["credit_code"] = june["chem"].credit_code
    elif case == "until_before":
        body["until"] = "2026-07-01"
    elif case == "blacklist_basis_without_entry":
        body["credit_code"] = june["chem"].credit_code  # grade 3, not listed
        body["basis"] = "blacklist"
    CreditRating.objects.filter(enterprise=june["steady"]).update(grade=2)
    with time_machine.travel(JULY_3, tick=False):
        response = post_measure(api_client, dept_key, **body)
    assert response.status_code == 400, response.json()
    assert field in response.json()["errors"]
    assert not JointMeasure.objects.exists()


def test_the_refusal_of_an_enterprise_not_listed_says_so(june: dict[str, Any]) -> None:
    CreditRating.objects.filter(enterprise=june["steady"]).update(grade=2)
    with time_machine.travel(JULY_3, tick=False), pytest.raises(DomainError) as excinfo:
        joint_measure_record(
            actor=june["staff"]["fgw"],
            enterprise=june["steady"],
            kind="loan_restricted",
            applied_on=dt.date(2026, 7, 1),
        )
    assert (excinfo.value.code, excinfo.value.field) == ("invalid", "enterprise")
    assert "not listed" in excinfo.value.message


def test_an_incentive_needs_grade_1_and_the_same_measure_is_not_recorded_twice(june: dict[str, Any]) -> None:
    staff = june["staff"]["fgw"]
    with time_machine.travel(JULY_3, tick=False):
        measure = joint_measure_record(
            actor=staff, enterprise=june["site"], kind="green_channel", applied_on=dt.date(2026, 7, 1)
        )
        assert (measure.category, measure.basis, measure.basis_grade) == ("incentive", "grade", 1)
        with pytest.raises(DomainError) as excinfo:
            joint_measure_record(
                actor=staff, enterprise=june["site"], kind="green_channel", applied_on=dt.date(2026, 7, 2)
            )
        assert excinfo.value.code == "measure_already_recorded"


def test_only_department_staff_record_measures(june: dict[str, Any], users: dict[str, Any]) -> None:
    for role in ("committee", "inspector", "enterprise"):
        with time_machine.travel(JULY_3, tick=False), pytest.raises(DomainError) as excinfo:
            joint_measure_record(
                actor=users[role], enterprise=june["yongding"], kind="loan_restricted", applied_on=dt.date(2026, 7, 1)
            )
        assert excinfo.value.code == "forbidden"


def test_a_department_records_a_measure_on_the_page_by_credit_code(
    client: Any, june: dict[str, Any], users: dict[str, Any]
) -> None:
    CreditRating.objects.filter(enterprise=june["steady"]).update(grade=2)
    client.force_login(june["staff"]["czj"])
    url = reverse("credit:joint_measure_create")
    form = {"kind": "subsidy_restricted", "applied_on": "2026-07-01", "note": "2026年技改补助"}
    with time_machine.travel(JULY_3, tick=False):
        response = client.post(url, {**form, "credit_code": june["steady"].credit_code})
        assert response.status_code == 400  # grade 2: not listed, the form says so under the credit code
        assert 'data-testid="error-credit_code"' in response.content.decode()
        response = client.post(url, {**form, "credit_code": june["chem"].credit_code})
    assert response.status_code == 302
    measure = JointMeasure.objects.get()
    assert (measure.department.code, measure.basis, measure.basis_grade) == ("czj", "grade", 3)
    assert measure.channel == JointMeasureChannel.WEB and measure.recorded_by == june["staff"]["czj"]
    assert "<select" not in client.get(url).content.decode().split('name="credit_code"')[0].split("<form")[-1]


def test_a_department_records_a_measure_from_the_enterprise_page_and_the_page_lists_it(
    client: Any, june: dict[str, Any], users: dict[str, Any], api_client: Any, dept_key: str
) -> None:
    chem = june["chem"]
    dept = users["department"]  # 应急管理局 supervises the chemical plant and sees its credit page
    client.force_login(dept)
    page = client.get(reverse("credit:enterprise", args=[chem.pk])).content.decode()
    form_url = reverse("credit:joint_enterprise_measure", args=[chem.pk])
    assert form_url in page
    with time_machine.travel(JULY_3, tick=False):
        response = client.post(form_url, {"kind": "awards_withheld", "applied_on": "2026-07-01"})
        assert response.status_code == 302
        assert post_measure(api_client, dept_key, credit_code=chem.credit_code).status_code == 201
    client.force_login(users["committee"])
    page = client.get(reverse("credit:enterprise", args=[chem.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert page.count('data-testid="joint-measure"') == 2
    assert "市发改委" in page and "市应急管理局" in page
    # The enterprise sees what was applied to it.
    client.force_login(users["enterprise"])
    page = client.get(reverse("credit:enterprise", args=[chem.pk])).content.decode()
    assert page.count('data-testid="joint-measure"') == 2
    assert form_url not in page
    # A department that does not supervise the enterprise names it by its credit code, not by its id.
    client.force_login(june["staff"]["czj"])
    assert client.get(form_url).status_code == 404


def test_a_measure_is_revoked_with_a_reason_by_its_department_only(
    client: Any, june: dict[str, Any], users: dict[str, Any]
) -> None:
    with time_machine.travel(JULY_3, tick=False):
        measure = joint_measure_record(
            actor=june["staff"]["fgw"], enterprise=june["yongding"], kind="loan_restricted", applied_on=JULY_3.date()
        )
    url = reverse("credit:joint_measure_revoke", args=[measure.pk])
    client.force_login(june["staff"]["czj"])
    assert client.post(url, {"reason": "误录"}).status_code == 404  # not theirs to see
    client.force_login(june["staff"]["fgw"])
    client.post(url, {"reason": "已解除限制"})
    measure.refresh_from_db()
    assert (measure.status, measure.revoke_reason, measure.revoked_by) == (
        "revoked",
        "已解除限制",
        june["staff"]["fgw"],
    )


_serial = iter(range(10_000))


def _many_measures(june: dict[str, Any], org: Any, count: int) -> None:
    for index in range(count):
        enterprise: Any = EnterpriseFactory(
            name=f"测试失信企业{next(_serial)}", jurisdiction=org.jurisdiction("长汀县"), industry=org.industry("C2614")
        )
        listing(enterprise, june["listed"].rule_set, BlacklistStatus.ACTIVE, dt.date(2026, 6, 2))
        joint_measure_record(
            actor=june["staff"]["fgw" if index % 2 else "czj"],
            enterprise=enterprise,
            kind="loan_restricted" if index % 3 else "tender_excluded",
            applied_on=dt.date(2026, 7, 1),
        )


def test_the_measures_page_filters_and_pages_in_flat_queries(
    client: Any, june: dict[str, Any], users: dict[str, Any], org: Any, django_assert_max_num_queries: Any
) -> None:
    with time_machine.travel(JULY_3, tick=False):
        _many_measures(june, org, 26)  # more than a page
        client.force_login(users["committee"])
        with django_assert_max_num_queries(9) as few:
            client.get(reverse("credit:joint_measures"))
        _many_measures(june, org, 10)
        with django_assert_max_num_queries(len(few.captured_queries)):
            page = client.get(reverse("credit:joint_measures")).content.decode()
        assert page.count('data-testid="measure-row"') == 25
        fgw = org.department("fgw")
        expected = JointMeasure.objects.filter(department=fgw, kind="loan_restricted").count()
        assert 0 < expected < JointMeasure.objects.count()
        page = client.get(
            reverse("credit:joint_measures"), {"department": fgw.pk, "kind": "loan_restricted", "period": "2026-07"}
        ).content.decode()
        assert page.count('data-testid="measure-row"') == expected
        assert (
            client.get(reverse("credit:joint_measures"), {"period": "2026-06"})
            .content.decode()
            .count('data-testid="measure-row"')
            == 0
        )
        page = client.get(reverse("credit:joint_measures"), {"period": "2026-13"}).content.decode()
        assert page.count('data-testid="measure-row"') == 0
        # A department's staff see their own department's measures; the enterprises they do not supervise are
        # not links to a credit page they cannot open.
        client.force_login(june["staff"]["czj"])
        page = client.get(reverse("credit:joint_measures")).content.decode()
        assert (
            reverse("credit:enterprise", args=[JointMeasure.objects.filter(department__code="czj")[0].enterprise_id])
            not in page
        )
        own = JointMeasure.objects.filter(department__code="czj").count()
        assert page.count('data-testid="measure-row"') == min(own, 25)
        assert "市发改委" not in page.split("<tbody>")[1]


def test_the_api_lists_the_keys_department_measures_in_flat_queries(
    api_client: Any, june: dict[str, Any], org: Any, dept_key: str, django_assert_max_num_queries: Any
) -> None:
    with time_machine.travel(JULY_3, tick=False):
        _many_measures(june, org, 4)
        auth = {"HTTP_AUTHORIZATION": f"Api-Key {dept_key}"}
        with django_assert_max_num_queries(6) as few:
            body = api_client.get(MEASURES, **auth).json()
        assert {row["department_code"] for row in body["results"]} == {"fgw"}
        assert len(body["results"]) == 2
        _many_measures(june, org, 10)
        with django_assert_max_num_queries(len(few.captured_queries)):
            assert api_client.get(MEASURES, **auth).status_code == 200


def test_the_committee_dashboard_shows_measures_by_department_and_the_notices_receipt(
    client: Any, june: dict[str, Any], users: dict[str, Any], org: Any
) -> None:
    with time_machine.travel(JULY_3, tick=False):
        joint_notices_issue_period()
        joint_notice_acknowledge(actor=june["staff"]["fgw"], notice=JointNotice.objects.get(department__code="fgw"))
    with time_machine.travel(dt.datetime(2026, 8, 5, 9, tzinfo=TZ), tick=False):
        _many_measures(june, org, 3)
        client.force_login(users["committee"])
        page = client.get(reverse("assessment:dashboard"), {"period": "2026Q3"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
        html = page.content.decode()
    assert 'data-testid="dashboard-joint"' in html
    assert html.count('data-testid="joint-row"') == 2  # 发改委 and 财政局
    assert "市发改委" in html and "市财政局" in html
    from credit.selectors_joint import joint_dashboard_summary

    with time_machine.travel(dt.datetime(2026, 8, 5, 9, tzinfo=TZ), tick=False):
        summary = joint_dashboard_summary(users["committee"], dt.date(2026, 6, 1), dt.date(2026, 9, 30))
        assert summary is not None
        assert (summary.notices, summary.acknowledged, summary.unacknowledged) == (7, 1, 6)
        assert summary.overdue == 6
        assert summary.punishments == 3 and summary.incentives == 0
        assert joint_dashboard_summary(users["inspector"], dt.date(2026, 6, 1), dt.date(2026, 9, 30)) is None


def test_the_dashboard_section_costs_two_queries_whatever_the_data(
    june: dict[str, Any], users: dict[str, Any], org: Any, django_assert_num_queries: Any
) -> None:
    from credit.selectors_joint import joint_dashboard_summary

    with time_machine.travel(JULY_3, tick=False):
        joint_notices_issue_period()
        _many_measures(june, org, 6)
        with django_assert_num_queries(2):
            joint_dashboard_summary(users["committee"], dt.date(2026, 6, 1), dt.date(2026, 7, 31))
        _many_measures(june, org, 12)
        with django_assert_num_queries(2):
            joint_dashboard_summary(users["committee"], dt.date(2026, 6, 1), dt.date(2026, 7, 31))
