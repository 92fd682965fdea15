"""The departments' duty check (履责检查) on the city dashboard: committee staff see every member department's
result of the period in the URL, ranked, each opening its breakdown; a department's staff see their own
department's row only; county staff are not shown the section; a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
import time_machine
from openpyxl import load_workbook

from assessment import services
from assessment.choices import SchemeKind
from assessment.models import AssessmentPeriod, AssessmentRun
from assessment.services import assessment_period_get_or_create, assessment_run_execute, assessment_run_start
from credit.models import CreditRecord, RuleSet
from tests.factories import EnterpriseFactory

from .helpers import at, hazard

pytestmark = pytest.mark.django_db

URL = "/assessment/dashboard/"
NOW = at(2026, 11, 20)
MEMBERS = 8  # the safety committee's member departments in the reference data, its office aside
SECTION = re.compile(r'data-testid="dashboard-duty-check"(.*?)</section>', re.S)
ROW_LINK = re.compile(r'<th scope="row" class="fw-normal"><a href="(/assessment/results/(\d+)/)">([^<]+)</a>')


def _record(enterprise: Any, department: Any, *, occurred: dt.date, entered: dt.datetime) -> None:
    rule = RuleSet.objects.get(version="LY-2016.1").rules.filter(manual_allowed=True, blacklist_case="")
    record = CreditRecord.objects.create(
        enterprise=enterprise,
        rule=rule.order_by("code").first(),
        occurred_on=occurred,
        evidence="证据",
        department=department,
        source="manual",
    )
    CreditRecord.objects.filter(pk=record.pk).update(created_at=entered)


def _run(period: AssessmentPeriod) -> AssessmentRun:
    with time_machine.travel(NOW, tick=False):
        run = assessment_run_start(period=period, enqueue=False, kind=SchemeKind.DEPARTMENT)
        return assessment_run_execute(run_id=run.pk)


@pytest.fixture
def q3(org: Any) -> AssessmentPeriod:
    with time_machine.travel(NOW, tick=False):
        return assessment_period_get_or_create(kind="quarter", year=2026, number=3)


def _work(org: Any, n: int = 1) -> None:
    """Records the duty check reads: 应急管理局 and 住建局 enter credit records (on time, late) and have
    hazards in their industries, closed or not."""
    yjj, zjj = org.department("yjj"), org.department("zjj")
    for _i in range(n):
        chem = EnterpriseFactory(jurisdiction=org.jurisdiction("新罗区/东城街道"), industry=org.industry("C2614"))
        site = EnterpriseFactory(jurisdiction=org.jurisdiction("上杭县/临江镇"), industry=org.industry("E4710"))
        _record(chem, yjj, occurred=dt.date(2026, 7, 1), entered=at(2026, 7, 2))
        _record(chem, yjj, occurred=dt.date(2026, 7, 1), entered=at(2026, 7, 20))
        _record(site, zjj, occurred=dt.date(2026, 8, 1), entered=at(2026, 8, 3))
        hazard(chem, found_at=at(2026, 7, 2), deadline=dt.date(2026, 8, 1), closed_at=at(2026, 7, 20))
        hazard(site, found_at=at(2026, 7, 2), deadline=dt.date(2026, 8, 1))


@pytest.fixture
def duty_check(org: Any, q3: AssessmentPeriod) -> AssessmentRun:
    _work(org)
    return _run(q3)


def _section(client: Any, period: str = "2026Q3") -> str:
    with time_machine.travel(NOW, tick=False):
        response = client.get(URL, {"period": period})
    assert response.status_code == 200
    found = SECTION.search(response.content.decode())
    return found.group(1) if found else ""


def test_committee_sees_every_department_ranked_each_opening_its_breakdown(
    client: Any, users: dict[str, Any], duty_check: AssessmentRun
) -> None:
    client.force_login(users["committee"])
    section = _section(client)
    assert "部门履责检查 · 2026年第3季度" in section
    rows = ROW_LINK.findall(section)
    results = {r.pk: r for r in duty_check.results.select_related("department")}
    assert len(rows) == MEMBERS == len(results)
    assert {int(pk): name for _url, pk, name in rows} == {pk: r.department.name for pk, r in results.items()}
    # Ranked: the scored departments first, best first; the unscored ones after them, "未计分".
    ranks = [results[int(pk)].rank for _url, pk, _name in rows]
    scored = [rank for rank in ranks if rank is not None]
    assert scored == sorted(scored) and len(scored) >= 2 and ranks[: len(scored)] == scored
    assert section.count(">未计分<") == MEMBERS - len(scored)
    # Each score links to its result's breakdown, which opens with the same score.
    scores = re.findall(r'<a href="/assessment/results/(\d+)/" data-testid="duty-score">([\d.]+)</a>', section)
    assert len(scores) == len(scored)
    for pk, score in scores:
        with time_machine.travel(NOW, tick=False):
            page = client.get(f"/assessment/results/{pk}/").content.decode()
        assert f'data-testid="score">{score}<' in page and str(results[int(pk)].department.name) in page
    assert f'href="/assessment/runs/{duty_check.pk}/" data-testid="dashboard-duty-run"' in section
    assert "初评" in section  # not published yet: the viewer is told


def test_the_period_in_the_url_chooses_the_duty_check(
    client: Any, users: dict[str, Any], duty_check: AssessmentRun
) -> None:
    client.force_login(users["committee"])
    section = _section(client, "2026Q2")
    assert not ROW_LINK.findall(section) and "该考核期尚未开展部门履责检查" in section
    # The periods that have one are offered, keeping the area.
    assert 'href="/assessment/dashboard/?period=2026Q3&amp;jurisdiction=' in section
    assert "2026年第3季度" in section
    # A month of the quarter is another period: the quarter's duty check is not shown for it.
    assert not ROW_LINK.findall(_section(client, "2026-08"))


def test_department_staff_see_their_own_row_only(client: Any, users: dict[str, Any], duty_check: AssessmentRun) -> None:
    client.force_login(users["department_zjj"])
    section = _section(client)
    rows = ROW_LINK.findall(section)
    own = duty_check.results.get(department__code="zjj")
    assert [(int(pk), name) for _url, pk, name in rows] == [(own.pk, own.department.name)]
    assert "dashboard-duty-run" not in section  # the whole ranking is not theirs to see while preliminary
    with time_machine.travel(NOW, tick=False):
        services.assessment_run_publish(run=duty_check, user=users["committee"])
    # Published: still their own row on the dashboard (the run page ranks them all).
    rows = ROW_LINK.findall(_section(client))
    assert [int(pk) for _url, pk, _name in rows] == [own.pk]
    assert "已发布" in _section(client)


def test_county_staff_and_county_dashboards_have_no_duty_check(
    client: Any, org: Any, users: dict[str, Any], duty_check: AssessmentRun
) -> None:
    client.force_login(users["inspector"])
    assert _section(client) == ""
    client.force_login(users["committee"])
    with time_machine.travel(NOW, tick=False):
        county = client.get(URL, {"period": "2026Q3", "jurisdiction": org.jurisdiction("新罗区").code})
    assert 'data-testid="dashboard-duty-check"' not in county.content.decode()


def test_a_published_run_is_shown_rather_than_a_later_one(
    client: Any, users: dict[str, Any], org: Any, q3: AssessmentPeriod
) -> None:
    published = _run(q3)
    with time_machine.travel(NOW, tick=False):
        services.assessment_run_publish(run=published, user=users["committee"])
    later = _run(q3)  # started after the publication: preliminary figures, not the period's result
    assert later.results.exists()
    client.force_login(users["committee"])
    section = _section(client)
    pks = {int(pk) for _url, pk, _name in ROW_LINK.findall(section)}
    assert pks == set(published.results.values_list("pk", flat=True))


@pytest.mark.parametrize("role", ["committee", "department_zjj"])
def test_query_count_does_not_grow_with_the_departments_records_or_runs(
    client: Any, org: Any, users: dict[str, Any], q3: AssessmentPeriod, role: str, django_assert_max_num_queries: Any
) -> None:
    _work(org)
    _run(q3)
    client.force_login(users[role])
    with time_machine.travel(NOW, tick=False), django_assert_max_num_queries(30) as small:
        client.get(URL, {"period": "2026Q3"})
    _work(org, 3)
    _run(q3)  # a second run of the period, and one of another period
    with time_machine.travel(NOW, tick=False):
        _run(assessment_period_get_or_create(kind="month", year=2026, number=10))
    with time_machine.travel(NOW, tick=False), django_assert_max_num_queries(len(small.captured_queries)):
        client.get(URL, {"period": "2026Q3"})
    assert len(ROW_LINK.findall(_section(client))) == (MEMBERS if role == "committee" else 1)


def test_the_excel_download_has_the_duty_check_sheet(
    client: Any, users: dict[str, Any], duty_check: AssessmentRun
) -> None:
    client.force_login(users["committee"])
    with time_machine.travel(NOW, tick=False):
        response = client.get(URL, {"period": "2026Q3", "format": "xlsx"})
    book = load_workbook(io.BytesIO(response.getvalue()))
    rows = list(book["部门履责检查"].iter_rows(values_only=True))
    assert rows[1] == ("排名", "部门", "得分", "等次", "较上期变化", "状态")
    assert len(rows) == 2 + MEMBERS
    first = duty_check.results.select_related("department").get(rank=1)
    assert rows[2][:3] == (1, first.department.name, float(first.score))
