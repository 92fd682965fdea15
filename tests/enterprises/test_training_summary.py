"""The training compliance overview at city scale (issue 16: counting every enterprise's compliance through the
rules took 1.4-2.6 s a page at 100,000 enterprises): today, after the night's rebuild, the page reads the
per-enterprise summary; the figures are the ones the rules give, kept so by every change in its own
transaction; any other day, before the rebuild or under new rules, the page counts live."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from enterprises.training.models import TrainingComplianceBuild, TrainingComplianceSummary
from enterprises.training.selectors import OVERVIEW_ORDER, compliance_by_enterprise, enterprises_with_compliance
from enterprises.training.services import special_certificate_save, training_record_add, training_record_delete
from enterprises.training.summary import compliance_summary_rebuild, compliance_summary_refresh
from enterprises.training.tasks import training_compliance_summary_task
from safety_platform.models import Jurisdiction
from tests.clock import shanghai
from tests.enterprises.topic_factories import EmployeeFactory, TrainingFactory
from tests.factories import EnterpriseFactory, UserFactory
from tests.plans import plan_without_seqscan
from tests.platform.rule_book import new_version

pytestmark = [pytest.mark.django_db, pytest.mark.clock(shanghai(2026, 12, 4, 10))]

TODAY = dt.date(2026, 12, 4)
POSTED = dt.date(2026, 6, 1)


def trained(employee: Any, hours: str = "8") -> None:
    for category in ("company", "workshop", "team"):
        TrainingFactory(employee=employee, category=category, hours=Decimal(hours), completed_on=POSTED)


@pytest.fixture
def city(org: Any, xinluo_chem: Any) -> dict[str, Any]:
    """Three enterprises: 2 of 3 people not compliant, 1 of 2, all 2 compliant; one with nobody on post."""
    paper = EnterpriseFactory(
        name="凤城造纸厂", jurisdiction=org.jurisdiction("永定区/凤城街道"), industry=org.industry("C2221")
    )
    tiles = EnterpriseFactory(
        name="东城瓷砖厂", jurisdiction=org.jurisdiction("新罗区/东城街道"), industry=org.industry("C2221")
    )
    EnterpriseFactory(name="空壳公司", jurisdiction=org.jurisdiction("新罗区/东城街道"), industry=org.industry("C2221"))
    people = {}
    for enterprise, good, bad in ((xinluo_chem, 1, 2), (paper, 1, 1), (tiles, 2, 0)):
        for i in range(good):
            person = EmployeeFactory(enterprise=enterprise, posted_on=POSTED, name=f"{enterprise.name}合规{i}")
            trained(person, "24")  # 72 h: enough even in a high-risk industry
        for i in range(bad):
            people[f"{enterprise.name}{i}"] = EmployeeFactory(
                enterprise=enterprise, posted_on=POSTED, name=f"{enterprise.name}未培训{i}"
            )
    return {"chem": xinluo_chem, "paper": paper, "tiles": tiles, "people": people}


def overview(client: Any, user: Any, **query: Any) -> tuple[list[tuple[str, int, int]], tuple[int, int]]:
    """The page's rows (enterprise, people on post, not compliant) and its totals (people, not compliant)."""
    client.force_login(user)
    response = client.get(reverse("enterprises:training_overview"), query)
    assert response.status_code == 200
    rows = [(s.enterprise.name, s.people_count, s.noncompliant_count) for s in response.context["page_obj"]]
    return rows, (response.context["people"], response.context["noncompliant"])


def live(user: Any, on: dt.date = TODAY) -> list[tuple[str, int, int]]:
    from enterprises.models import Enterprise

    rows = enterprises_with_compliance(on=on, enterprises=Enterprise.objects.visible_to(user)).order_by(*OVERVIEW_ORDER)
    return [(e.name, e.people_on_post, e.noncompliant_people) for e in rows]


def test_after_the_rebuild_the_overview_reads_the_summary_and_shows_what_the_rules_count(
    client: Any, users: Any, city: Any
) -> None:
    assert compliance_summary_rebuild() == 3  # the enterprise with nobody on post has no row
    TrainingComplianceSummary.objects.filter(pk=city["tiles"].pk).update(noncompliant_people=9)  # planted
    rows, totals = overview(client, users["committee"])
    assert rows[0] == ("东城瓷砖厂", 2, 9)  # read from the summary, not counted
    TrainingComplianceSummary.objects.filter(pk=city["tiles"].pk).update(noncompliant_people=0)
    rows, totals = overview(client, users["committee"])
    assert (
        rows
        == live(users["committee"])
        == [
            ("龙岩市东城化工有限公司", 3, 2),
            ("凤城造纸厂", 2, 1),
            ("东城瓷砖厂", 2, 0),
        ]
    )
    assert totals == (7, 3)
    county_rows, _html = overview(client, users["county_office"])  # 新罗区: not the paper mill
    assert county_rows == live(users["county_office"]) == [("龙岩市东城化工有限公司", 3, 2), ("东城瓷砖厂", 2, 0)]


def test_each_change_refreshes_its_enterprise_at_once_without_a_rebuild(client: Any, users: Any, city: Any) -> None:
    compliance_summary_rebuild()
    keeper = UserFactory(role="enterprise", enterprise=city["paper"])
    person = city["people"]["凤城造纸厂0"]
    added = [
        training_record_add(actor=keeper, employee=person, category=category, hours=Decimal(8), completed_on=POSTED)
        for category in ("company", "workshop", "team")
    ]
    rows, _html = overview(client, users["committee"])
    assert ("凤城造纸厂", 2, 0) in rows
    training_record_delete(actor=keeper, record=added[0])
    assert ("凤城造纸厂", 2, 1) in overview(client, users["committee"])[0]
    # A new person on post, and one whose post needs a certificate they lack.
    welder = EmployeeFactory(enterprise=city["paper"], posted_on=POSTED, special_operation="welding")
    trained(welder)
    assert ("凤城造纸厂", 3, 2) in overview(client, users["committee"])[0]
    special_certificate_save(
        actor=keeper,
        employee=welder,
        operation="welding",
        certificate_number="T350800000001",
        issued_on=dt.date(2025, 1, 1),
    )
    assert ("凤城造纸厂", 3, 1) in overview(client, users["committee"])[0]
    assert overview(client, users["committee"])[0] == live(users["committee"])


def test_a_move_to_a_high_risk_industry_recounts_the_hours_at_once(client: Any, users: Any, city: Any) -> None:
    """24 h meets an ordinary enterprise's three-level training, not a hazardous-chemicals one's 72 h."""
    compliance_summary_rebuild()
    tiles = city["tiles"]
    for person in tiles.staff_members.all():
        person.trainings.update(hours=Decimal(8))  # bypasses the signals: the summary still says compliant
    compliance_summary_rebuild()
    assert ("东城瓷砖厂", 2, 0) in overview(client, users["committee"])[0]
    tiles.risk_category = "hazardous_chemicals"
    tiles.save()
    assert ("东城瓷砖厂", 2, 2) in overview(client, users["committee"])[0]
    assert overview(client, users["committee"])[0] == live(users["committee"])


def test_without_todays_rebuild_another_day_or_new_rules_the_page_counts_live(
    client: Any, users: Any, city: Any
) -> None:
    TrainingComplianceSummary.objects.update(noncompliant_people=99)  # what a stale summary would say
    assert not TrainingComplianceBuild.objects.exists()
    assert overview(client, users["committee"])[0] == live(users["committee"])  # no build yet: live
    compliance_summary_rebuild(on=TODAY - dt.timedelta(days=1))  # yesterday's build
    TrainingComplianceSummary.objects.update(noncompliant_people=99)
    assert overview(client, users["committee"])[0] == live(users["committee"])
    compliance_summary_rebuild()
    TrainingComplianceSummary.objects.update(noncompliant_people=99)
    assert overview(client, users["committee"])[0][0][2] == 99  # today's build: the summary is read
    earlier = TODAY - dt.timedelta(days=200)  # before anyone was posted
    assert overview(client, users["committee"], on=earlier.isoformat())[0] == live(users["committee"], earlier) == []
    TrainingComplianceBuild.objects.update(rule_version="LY-old")  # the rule book changed since the build
    assert overview(client, users["committee"])[0] == live(users["committee"])


def test_the_rebuild_is_idempotent_and_forgets_enterprises_without_people(users: Any, city: Any) -> None:
    assert training_compliance_summary_task() == 3
    first = list(
        TrainingComplianceSummary.objects.order_by("pk").values_list("pk", "people_on_post", "noncompliant_people")
    )
    assert training_compliance_summary_task() == 3
    again = list(
        TrainingComplianceSummary.objects.order_by("pk").values_list("pk", "people_on_post", "noncompliant_people")
    )
    assert first == again
    assert TrainingComplianceBuild.objects.get().on == TODAY
    city["tiles"].staff_members.update(status="left")  # bypasses the signals
    compliance_summary_rebuild()
    assert not TrainingComplianceSummary.objects.filter(pk=city["tiles"].pk).exists()
    rows, totals = compliance_by_enterprise(users["committee"], on=TODAY)
    assert [row.enterprise_id for row in rows] == [city["chem"].pk, city["paper"].pk]
    assert totals == {"people": 5, "noncompliant": 3}


def test_the_overview_costs_the_same_queries_for_more_enterprises(client: Any, org: Any, users: Any, city: Any) -> None:
    grid = Jurisdiction.objects.get(name="东城第一网格")

    def more(n: int, start: int) -> None:
        for i in range(start, start + n):
            enterprise = EnterpriseFactory(name=f"扩展企业{i}", jurisdiction=grid, industry=org.industry("C2221"))
            EmployeeFactory(enterprise=enterprise, posted_on=POSTED)
        compliance_summary_rebuild()

    client.force_login(users["committee"])
    url = reverse("enterprises:training_overview")
    more(30, 0)  # more than a page: the page counts its rows too
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    more(60, 30)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["page_obj"]) == 25
    assert response.context["people"] == 7 + 90
    assert len(many) == len(few) <= 9, [q["sql"][:90] for q in many.captured_queries]


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_the_first_page_walks_the_worst_first_index(users: Any, city: Any) -> None:
    compliance_summary_rebuild()
    rows, _totals = compliance_by_enterprise(users["committee"], on=TODAY)
    sql, params = rows[:20].query.sql_with_params()
    assert "training_summary_worst" in plan_without_seqscan(sql, params)


def test_new_rules_in_force_are_named_on_the_pages_and_recounted(client: Any, users: Any, city: Any) -> None:
    """The pages printed "24 h" and "72 h / 20 h a year" whatever the rule book said."""
    for person in city["tiles"].staff_members.all():
        person.trainings.update(hours=Decimal(8))  # 24 h: just enough today
    compliance_summary_rebuild()
    assert ("东城瓷砖厂", 2, 0) in overview(client, users["committee"])[0]
    client.force_login(users["committee"])
    url = reverse("enterprises:training_overview")
    body = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "24学时" in body and "高危行业：72学时／每年20学时" in body
    new_version("2026修订", TODAY - dt.timedelta(days=1), training__new_staff_hours=30)
    rows, _totals = overview(client, users["committee"])
    assert ("东城瓷砖厂", 2, 2) in rows  # 24 h no longer enough: counted live under the new rules
    body = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "30学时" in body and "24学时" not in body
    page = client.get(
        reverse("enterprises:training_enterprise", args=[city["tiles"].pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert "新上岗人员上岗前不少于30学时" in page


def test_the_home_page_counts_certificates_due_from_the_summary_as_the_rules_count_them(
    client: Any, users: Any, city: Any
) -> None:
    """The home page's 标准化与培训 widget, "certificates expired or expiring": after the rebuild the summary's
    sum, kept by each change; before it counted live; the same figure for every role either way."""
    from enterprises.models import Enterprise
    from enterprises.training.selectors import certificates_due, certificates_due_count
    from enterprises.training.services import employee_leave
    from tests.enterprises.topic_factories import OperationCertificateFactory

    chem, paper = city["chem"], city["paper"]
    chem_person, paper_person = city["people"]["龙岩市东城化工有限公司0"], city["people"]["凤城造纸厂0"]
    OperationCertificateFactory(employee=chem_person, expires_on=TODAY - dt.timedelta(days=3))  # expired
    OperationCertificateFactory(employee=chem_person, expires_on=TODAY + dt.timedelta(days=20))  # expiring
    OperationCertificateFactory(employee=chem_person, expires_on=dt.date(2029, 1, 1))  # valid: not counted
    OperationCertificateFactory(employee=paper_person, expires_on=TODAY + dt.timedelta(days=5))
    # Nobody on post, one person away whose certificate has expired: counted, in a row of its own.
    shell = Enterprise.objects.get(name="空壳公司")
    away = EmployeeFactory(enterprise=shell, posted_on=POSTED, status="away")
    OperationCertificateFactory(employee=away, expires_on=TODAY - dt.timedelta(days=1))
    # Someone who has left: their certificate is not the enterprise's concern any more.
    gone = EmployeeFactory(enterprise=paper, posted_on=POSTED, status="left")
    OperationCertificateFactory(employee=gone, expires_on=TODAY - dt.timedelta(days=1))
    TrainingComplianceBuild.objects.all().delete()
    TrainingComplianceSummary.objects.all().delete()

    def live(user: Any) -> int:
        from enterprises.training.models import SpecialOperationCertificate

        return certificates_due(SpecialOperationCertificate.objects.visible_to(user), on=TODAY).count()

    def home(user: Any) -> str:
        client.force_login(user)
        widget = next(w for w in client.get("/").context["widgets"] if "expiring" in w)
        return widget["expiring"]

    expected = {"committee": 4, "county_office": 3, "inspector_town": 3, "enterprise": 2, "department_zjj": 0}
    before = {role: certificates_due_count(users[role], on=TODAY) for role in expected}
    assert before == {role: live(users[role]) for role in expected} == expected  # no build: counted live

    assert compliance_summary_rebuild() == 4  # three with people on post, and the one with the person away
    assert TrainingComplianceSummary.objects.get(pk=shell.pk).people_on_post == 0
    assert shell.name not in [row[0] for row in overview(client, users["committee"])[0]]  # not in the overview
    for role, count in expected.items():
        assert certificates_due_count(users[role], on=TODAY) == live(users[role]) == count, role
    TrainingComplianceSummary.objects.filter(pk=chem.pk).update(certificates_due=9)  # planted
    assert home(users["committee"]) == 2 + 9  # read from the summary, not counted
    compliance_summary_refresh(chem.pk)
    assert home(users["committee"]) == 4

    # Each change counts at once, without a rebuild: a renewal-due certificate added, a holder who leaves.
    OperationCertificateFactory(employee=city["people"]["龙岩市东城化工有限公司1"], expires_on=TODAY)
    assert home(users["committee"]) == 5
    employee_leave(actor=users["admin"], employee=chem_person, on=TODAY)
    assert home(users["committee"]) == live(users["committee"]) == 3
    assert home(users["county_office"]) == live(users["county_office"]) == 2
