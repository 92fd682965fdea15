"""The dashboards' filing-compliance, warning and deaths-against-target figures: each equals the list it opens
(hand-built data with a late filer, a filer of another quarter, a closed enterprise), per county and for the
city, scoped for county inspectors and department staff, with a fixed number of queries; the enterprise and
accident lists' new filters; the Excel download."""

from __future__ import annotations

import datetime as dt
import io
import re
from html import unescape
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from assessment.models import CountyInput
from emergency.models import Accident, EmergencyWarning, WarningRecipient
from enterprises.models import Enterprise
from hazards.models import Checklist, HazardStatReport, SelfCheck
from tests.factories import EnterpriseFactory, UserFactory

from .helpers import accident, at

pytestmark = pytest.mark.django_db

URL = "/assessment/dashboard/"
COUNT = re.compile(r'<a href="([^"]+)" data-figure>(\d+)</a>')
SUM = re.compile(r'<a href="([^"]+)" data-figure-sum>(\d+)</a>')
XINLUO = "新罗区/东城街道/东城第一网格"
SHANGHANG = "上杭县/临江镇/临江第一网格"


@pytest.fixture
def frozen() -> Any:
    # 2026Q4 is running: the statistics due in it are 2026Q3's, due 2026-10-15.
    with time_machine.travel(at(2026, 11, 20), tick=False):
        yield


def _firm(org: Any, place: str = XINLUO, industry: str = "C2614", **kwargs: Any) -> Enterprise:
    return EnterpriseFactory(jurisdiction=org.jurisdiction(place), industry=org.industry(industry), **kwargs)


def _stats(firm: Enterprise, year: int, quarter: int, submitted_at: dt.datetime | None) -> HazardStatReport:
    start, end, due = HazardStatReport.period_bounds("quarter", year, quarter)
    return HazardStatReport.objects.create(
        enterprise=firm,
        kind="quarter",
        year=year,
        quarter=quarter,
        period_start=start,
        period_end=end,
        due_on=due,
        status="submitted" if submitted_at else "draft",
        submitted_at=submitted_at,
    )


def _self_check(firm: Enterprise, when: dt.datetime) -> None:
    checklist = Checklist.objects.first() or Checklist.objects.create(name="通用清单")
    SelfCheck.objects.create(enterprise=firm, checklist=checklist, performed_at=when)


def _warning(issued: dt.datetime, sent: dict[Enterprise, dt.datetime | None]) -> None:
    warning = EmergencyWarning.objects.create(
        title="暴雨预警",
        kind="weather",
        level="orange",
        content="注意防范",
        issued_by=UserFactory(role="committee"),
        issued_at=issued,
    )
    for firm, acknowledged in sent.items():
        WarningRecipient.objects.create(
            warning=warning, enterprise=firm, notified_at=issued, acknowledged_at=acknowledged
        )


def _world(org: Any) -> dict[str, Any]:
    """新罗区 (with the users fixture's xinluo_chem, which files nothing) and 上杭县, in 2026Q4."""
    on_time = _firm(org, name="按时报送公司")
    _stats(on_time, 2026, 3, at(2026, 10, 10))
    _self_check(on_time, at(2026, 11, 2))
    on_due_day = _firm(org, name="截止日报送公司")
    _stats(on_due_day, 2026, 3, at(2026, 10, 15, 23, 30))  # the due day itself, late evening: on time
    _self_check(on_due_day, at(2026, 10, 1, 0, 10))
    late = _firm(org, name="逾期报送公司")
    _stats(late, 2026, 3, at(2026, 10, 16, 9))
    other_quarter = _firm(org, name="只报二季度公司")
    _stats(other_quarter, 2026, 2, at(2026, 7, 10))
    _self_check(other_quarter, at(2026, 9, 30, 23, 0))  # the quarter before: none in 2026Q4
    draft = _firm(org, name="草稿未报公司")
    _stats(draft, 2026, 3, None)
    closed = _firm(org, name="已关闭公司", status="closed")  # files nothing and is not counted
    shanghang = _firm(org, SHANGHANG, "E4710", name="上杭建筑公司")
    _self_check(shanghang, at(2026, 11, 1))
    _warning(at(2026, 11, 5), {on_time: at(2026, 11, 5, 14), late: None, shanghang: None, closed: None})
    _warning(at(2026, 8, 5), {other_quarter: None})  # issued in 2026Q3: not this period's
    reporter = UserFactory(role="inspector")
    accident(org.jurisdiction("新罗区/东城街道"), reporter, occurred_at=at(2026, 10, 9), deaths=2)
    accident(org.jurisdiction("新罗区"), reporter, occurred_at=at(2026, 11, 1), deaths=0)
    flood = accident(org.jurisdiction("新罗区"), reporter, occurred_at=at(2026, 10, 20), deaths=3)
    Accident.objects.filter(pk=flood.pk).update(is_production_safety=False)  # a natural disaster
    accident(org.jurisdiction("新罗区"), reporter, occurred_at=at(2026, 9, 20), deaths=1)  # 2026Q3
    accident(org.jurisdiction("上杭县"), reporter, occurred_at=at(2026, 10, 3), deaths=1)
    CountyInput.objects.get_or_create(jurisdiction=org.jurisdiction("新罗区"), year=2026, defaults={"deaths_target": 4})
    # 上杭县 has a target for another year only.
    CountyInput.objects.get_or_create(jurisdiction=org.jurisdiction("上杭县"), year=2025, defaults={"deaths_target": 9})
    return {"late": late, "other_quarter": other_quarter, "draft": draft, "closed": closed, "shanghang": shanghang}


def _table(board: Any, key: str) -> dict[str, dict[str, Any]]:
    table = board.table(key)
    rows = {row["label"]: row["cells"] for row in table.rows}
    rows["total"] = table.total
    return rows


def _list_count(client: Any, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["page_obj"].paginator.count


def _deaths_on_list(client: Any, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    page = response.context["page_obj"]
    assert page.paginator.num_pages == 1, url
    return sum(a.deaths for a in page.object_list)


def _check_every_link(client: Any, html: str) -> int:
    counts = [(unescape(u), int(v)) for u, v in COUNT.findall(html)]
    sums = [(unescape(u), int(v)) for u, v in SUM.findall(html)]
    assert sums, "the deaths figures link to their accidents"
    for url, value in counts:
        assert _list_count(client, url) == value, url
    for url, value in sums:
        assert _deaths_on_list(client, url) == value, url
    return len(counts)


def test_committee_figures_by_hand_per_county_and_city(client: Any, org: Any, users: Any, frozen: Any):
    _world(org)
    client.force_login(users["committee"])
    board = client.get(URL, {"period": "2026Q4"}).context["board"]
    compliance = _table(board, "compliance")
    xinluo, shanghang, city = compliance["新罗区"], compliance["上杭县"], compliance["total"]
    # 新罗区 operating: on time, on the due day, late, other quarter, draft, xinluo_chem (closed is not).
    assert xinluo["enterprises"].value == 6
    # Not filed 2026Q3 on time: late, other quarter, draft, xinluo_chem.
    assert xinluo["stats_missing"].value == 4
    # No self-check in 2026Q4: late, other quarter (its check was on 30 September), draft, xinluo_chem.
    assert xinluo["self_check_missing"].value == 4
    assert xinluo["warning_unacknowledged"].value == 1  # late; the 2026Q3 warning is another period's
    assert (shanghang["stats_missing"].value, shanghang["self_check_missing"].value) == (1, 0)
    assert shanghang["warning_unacknowledged"].value == 1
    assert compliance["长汀县"]["enterprises"].value == 0
    assert (city["enterprises"].value, city["stats_missing"].value, city["warning_unacknowledged"].value) == (7, 5, 2)
    assert "2026Q3" in board.table("compliance").columns[1][1]
    assert "2026-10-15" in board.table("compliance").note

    deaths = _table(board, "deaths")
    assert (deaths["新罗区"]["deaths"].value, deaths["新罗区"]["fatal_accidents"].value) == (2, 1)
    assert deaths["新罗区"]["deaths_target"].value == 4
    assert deaths["新罗区"]["deaths_share"].text == "50%"
    # 上杭县 has a target for 2025 only: no target for 2026 is "—" with a reason, never 0.
    assert deaths["上杭县"]["deaths"].value == 1
    assert deaths["上杭县"]["deaths_target"].value is None
    assert deaths["上杭县"]["deaths_target"].text == "—" and deaths["上杭县"]["deaths_target"].title
    assert deaths["上杭县"]["deaths_share"].text == "—"
    # The city total: every county's deaths; no city target while a county has none.
    assert deaths["total"]["deaths"].value == 3
    assert deaths["total"]["deaths_target"].value is None and "上杭县" in deaths["total"]["deaths_target"].title


def test_every_new_figure_equals_its_list_for_the_committee(client: Any, org: Any, users: Any, frozen: Any):
    _world(org)
    client.force_login(users["committee"])
    html = client.get(URL, {"period": "2026Q4"}).content.decode()
    compliance = html.split('data-testid="dashboard-compliance"', 1)[1].split("</table>", 1)[0]
    assert "stat_report_missing=2026Q3" in unescape(compliance)
    assert _check_every_link(client, html) > 40
    no_target = re.search(r'<span title="([^"]+)" data-figure-plain>—</span>', html)
    assert no_target is not None and "2026" in no_target[1]


def test_a_county_inspector_sees_their_county_by_township(client: Any, org: Any, users: Any, frozen: Any):
    _world(org)
    client.force_login(users["inspector"])  # 新罗区
    response = client.get(URL, {"period": "2026Q4"})
    board = response.context["board"]
    compliance = _table(board, "compliance")
    assert "上杭县" not in compliance and "东城街道" in compliance
    assert (compliance["东城街道"]["stats_missing"].value, compliance["total"]["stats_missing"].value) == (4, 4)
    deaths = _table(board, "deaths")
    # The township row has no target (targets are per county); the county's total has its own.
    assert deaths["东城街道"]["deaths"].value == 2 and deaths["东城街道"]["deaths_target"].value is None
    assert deaths["total"]["deaths"].value == 2 and deaths["total"]["deaths_target"].value == 4
    industry = {row["label"]: row["cells"] for row in board.table("by_industry").rows}
    assert sum(cells["stats_missing"].value for cells in industry.values()) == 4
    _check_every_link(client, response.content.decode())


def test_department_staff_see_only_their_industries(client: Any, org: Any, users: Any, frozen: Any):
    world = _world(org)
    client.force_login(users["department_zjj"])  # 住建局: the construction firm in 上杭县
    response = client.get(URL, {"period": "2026Q4"})
    board = response.context["board"]
    compliance = _table(board, "compliance")
    visible = Enterprise.objects.visible_to(users["department_zjj"]).filter(status="operating")
    assert compliance["total"]["enterprises"].value == visible.count() == 1
    assert visible.get() == world["shanghang"]
    assert compliance["新罗区"]["stats_missing"].value == 0 and compliance["上杭县"]["stats_missing"].value == 1
    deaths = _table(board, "deaths")
    assert all(cells["deaths_target"].value is None for cells in deaths.values())
    assert "部门" in deaths["total"]["deaths_target"].title or "department" in deaths["total"]["deaths_target"].title
    html = response.content.decode()
    for url, value in [(unescape(u), int(v)) for u, v in COUNT.findall(html)]:
        assert _list_count(client, url) == value, url


@pytest.mark.parametrize("role", ["committee", "inspector", "department_zjj"])
def test_query_count_stays_fixed_as_compliance_data_grows(
    client: Any, org: Any, users: Any, frozen: Any, role: str, django_assert_max_num_queries: Any
):
    client.force_login(users[role])
    _world(org)
    with django_assert_max_num_queries(26) as small:
        client.get(URL, {"period": "2026Q4"})
    _world(org)
    _world(org)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(URL, {"period": "2026Q4"})


def test_a_past_quarter_is_about_the_statistics_due_in_it(client: Any, org: Any, users: Any, frozen: Any):
    """2026Q3's figure is about 2026Q2's statistics (due 2026-07-15); 2026Q3's own are not due until Q4."""
    world = _world(org)
    client.force_login(users["committee"])
    board = client.get(URL, {"period": "2026Q3"}).context["board"]
    compliance = _table(board, "compliance")
    # Only 'other quarter' filed 2026Q2 on time; the other six operating firms did not.
    assert compliance["total"]["stats_missing"].value == 6
    assert "stat_report_missing=2026Q2" in compliance["total"]["stats_missing"].url
    assert world["other_quarter"].pk not in {
        e.pk for e in client.get(compliance["total"]["stats_missing"].url).context["page_obj"].object_list
    }


def test_the_excel_download_has_the_new_tables(client: Any, org: Any, users: Any, frozen: Any):
    from openpyxl import load_workbook

    _world(org)
    client.force_login(users["committee"])
    response = client.get(URL, {"period": "2026Q4", "format": "xlsx"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.getvalue()))
    board = client.get(URL, {"period": "2026Q4"}).context["board"]
    compliance = book[board.table("compliance").title[:31]]
    rows = {row[0]: row[1:] for row in compliance.iter_rows(values_only=True)}
    assert rows["新罗区"][:4] == (6, 4, 4, 1)
    deaths = book[board.table("deaths").title[:31]]
    rows = {row[0]: row[1:] for row in deaths.iter_rows(values_only=True)}
    assert rows["新罗区"] == (1, 2, 4, "50%")
    assert rows["上杭县"] == (1, 1, "—", "—")


# ------------------------------------------------------------------------------- the lists' new filters


def test_enterprise_list_compliance_filters_are_offered_in_chinese(client: Any, users: Any):
    client.force_login(users["committee"])
    html = client.get(reverse("enterprises:list")).content.decode()
    assert "未按时报送季度隐患统计" in html and 'name="stat_report_missing"' in html
    assert 'name="self_check_missing"' in html and 'name="warning_unacknowledged"' in html


@pytest.mark.parametrize(
    ("param", "value"),
    [("stat_report_missing", "2026Q5"), ("stat_report_missing", "2026-07"), ("self_check_missing", "last year")],
)
def test_enterprise_list_bad_period_names_the_filter(client: Any, users: Any, api_client: Any, param: str, value: str):
    client.force_login(users["committee"])
    response = client.get(reverse("enterprises:list"), {param: value})
    assert response.status_code == 200
    errors = response.content.decode().split('data-testid="filter-errors"', 1)[1].split("</div>", 1)[0]
    label = str(response.context["filterset"].form.fields[param].label)
    assert label in errors and response.context["page_obj"].paginator.count == 0
    api_client.force_authenticate(users["committee"])
    api = api_client.get("/api/v1/enterprises/", {param: value})
    assert api.status_code == 400 and param in api.content.decode()


def test_enterprise_list_with_compliance_filter_has_fixed_queries(
    client: Any, org: Any, users: Any, frozen: Any, django_assert_max_num_queries: Any
):
    _world(org)
    client.force_login(users["committee"])
    params = {"status": "operating", "stat_report_missing": "2026Q3", "self_check_missing": "2026Q4"}
    client.get(reverse("enterprises:list"), params)
    with django_assert_max_num_queries(10) as few:
        client.get(reverse("enterprises:list"), params)
    _world(org)
    _world(org)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("enterprises:list"), params)
    # late, other quarter and draft of each of the three worlds, and xinluo_chem
    assert response.context["page_obj"].paginator.count == 3 * 3 + 1


def test_accident_list_deaths_filters(client: Any, org: Any, users: Any, frozen: Any, django_assert_max_num_queries):
    _world(org)
    client.force_login(users["committee"])
    url = reverse("emergency:accident_list")
    params = {"production_safety": "true", "with_deaths": "true", "occurred_from": "2026-10-01"}
    client.get(url, params)
    with django_assert_max_num_queries(12):
        response = client.get(url, params)
    assert sorted(a.deaths for a in response.context["page_obj"].object_list) == [1, 2]
    html = response.content.decode()
    assert "有死亡" in html and "生产安全事故" in html
    bad = client.get(url, {"with_deaths": "maybe"})
    assert bad.context["page_obj"].paginator.count == 0 and 'data-testid="filter-errors"' in bad.content.decode()


@pytest.mark.parametrize("period", ["2026-11", "2026"])
def test_a_month_or_a_year_also_equals_its_lists(client: Any, org: Any, users: Any, frozen: Any, period: str):
    _world(org)
    client.force_login(users["inspector"])
    html = client.get(URL, {"period": period}).content.decode()
    assert f"self_check_missing={period}" in unescape(html)
    _check_every_link(client, html)


def test_the_enterprise_export_follows_the_compliance_filter(client: Any, org: Any, users: Any, frozen: Any):
    world = _world(org)
    client.force_login(users["committee"])
    response = client.get(
        reverse("enterprises:export"), {"format": "csv", "status": "operating", "stat_report_missing": "2026Q3"}
    )
    assert response.status_code == 200
    body = b"".join(response.streaming_content if response.streaming else [response.content]).decode("utf-8-sig")
    assert world["late"].name in body and world["draft"].name in body and world["shanghang"].name in body
    assert "按时报送公司" not in body.replace("未按时报送", "") and world["closed"].name not in body
    bad = client.get(reverse("enterprises:export"), {"format": "csv", "stat_report_missing": "Q3"})
    assert bad.status_code == 400
