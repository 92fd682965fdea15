"""Dashboards: scoping per role, each figure equals the count of the list it links to, fixed query count,
Excel download, the home page of the committee, county and department roles."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from html import unescape
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from credit.models import CreditRating, RuleSet
from hazards.models import RiskBanding, RiskSource
from tests.factories import EnterpriseFactory, UserFactory

from .helpers import accident, at, hazard

pytestmark = pytest.mark.django_db

URL = "/assessment/dashboard/"
FIGURE = re.compile(r'<a href="([^"]+)" data-figure>(\d+)</a>')


def _batch(org: Any, n: int) -> None:
    """Records in two counties: hazards in every state the figures count, risk points, credit grades."""
    rules = RuleSet.objects.published().first()
    banding = RiskBanding.objects.active("lec")
    reporter = UserFactory(role="inspector")
    for i in range(n):
        for place, industry in (("新罗区/东城街道/东城第一网格", "C2614"), ("上杭县/临江镇/临江第一网格", "E4710")):
            firm = EnterpriseFactory(jurisdiction=org.jurisdiction(place), industry=org.industry(industry))
            hazard(firm, found_at=at(2026, 8, 3), deadline=dt.date(2026, 8, 20))  # open, overdue
            hazard(firm, found_at=at(2026, 7, 2), closed_at=at(2026, 9, 30, 23, 30), deadline=dt.date(2026, 9, 30))
            hazard(firm, found_at=at(2026, 3, 5), grade="major", is_listed=True, deadline=dt.date(2026, 12, 30))
            hazard(firm, found_at=at(2026, 10, 1, 0, 5), state="registered")  # next quarter
            accident(firm.jurisdiction, reporter, occurred_at=at(2026, 8, 9), grade=("general", "larger")[i % 2])
            accident(firm.jurisdiction, reporter, occurred_at=at(2026, 10, 9))  # next quarter
            RiskSource.objects.create(
                enterprise=firm,
                name="罐区",
                lec_l=Decimal("1"),
                lec_e=Decimal("10"),
                lec_c=Decimal("10"),
                score=Decimal("100"),
                level=("red", "yellow")[i % 2],
                banding=banding,
                control_measures="巡检",
                responsible_person="张三",
            )
            CreditRating.objects.create(
                enterprise=firm,
                grade=(3, 1, 2)[i % 3],
                score=60,
                rule_set=rules,
                as_of=dt.date(2026, 9, 1),
                computed_at=at(2026, 9, 1),
                updated_at=at(2026, 9, 1),
                blacklisted=i == 0,
            )


def _figures(html: str) -> list[tuple[str, int]]:
    return [(unescape(url), int(value)) for url, value in FIGURE.findall(html)]


def _list_count(client: Any, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    page = response.context["page_obj"]
    return page.paginator.count


@pytest.fixture
def frozen() -> Any:
    with time_machine.travel(at(2026, 11, 20), tick=False):
        yield


@pytest.mark.parametrize("role", ["committee", "inspector", "department_zjj"])
def test_every_figure_equals_the_count_of_the_list_it_opens(client: Any, org: Any, users: Any, frozen: Any, role: str):
    _batch(org, 3)
    client.force_login(users[role])
    html = client.get(URL, {"period": "2026Q3"}).content.decode()
    figures = _figures(html)
    assert len(figures) > 20
    assert any(value for _url, value in figures), "the data must show up in some figure"
    for url, value in figures:
        assert _list_count(client, url) == value, url


def test_committee_sees_counties_and_figures_by_hand(client: Any, org: Any, users: Any, frozen: Any):
    _batch(org, 2)
    client.force_login(users["committee"])
    response = client.get(URL, {"period": "2026Q3"})
    board = response.context["board"]
    by_area = {row["label"]: {k: c.value for k, c in row["cells"].items()} for row in board.table("by_area").rows}
    xinluo = by_area["新罗区"]
    # Per county: 2 enterprises (+ the users fixture's xinluo_chem in 新罗区), 4 found in Q3 (Jul 2 and
    # Aug 3 each), 2 closed on the last evening of Q3,
    # 4 open (overdue + major listed each), 2 overdue, 2 major listed.
    assert (xinluo["enterprises"], xinluo["found"], xinluo["closed"]) == (3, 4, 2)
    assert (xinluo["open"], xinluo["overdue"], xinluo["major_listed"]) == (6, 2, 2)
    assert (xinluo["red"], xinluo["yellow"], xinluo["grade_3"], xinluo["grade_1"], xinluo["blacklisted"]) == (
        1,
        1,
        1,
        1,
        1,
    )
    assert (xinluo["accidents_general"], xinluo["accidents_larger"], xinluo["accidents_major"]) == (1, 1, 0)
    assert by_area["长汀县"]["enterprises"] == 0
    assert response.context["map_data"]["areas"]
    assert "dashboard-map" in response.content.decode()


def test_county_inspector_sees_only_their_county_by_township_and_industry(
    client: Any, org: Any, users: Any, frozen: Any
):
    _batch(org, 1)
    client.force_login(users["inspector"])
    board = client.get(URL, {"period": "2026Q3"}).context["board"]
    assert board.jurisdiction.name == "新罗区"
    labels = [row["label"] for row in board.table("by_area").rows]
    assert "东城街道" in labels and "上杭县" not in labels
    assert board.table("by_area").total["enterprises"].value == 2  # with the users fixture's xinluo_chem
    assert [row["cells"]["enterprises"].value for row in board.table("by_industry").rows] == [2]
    # Another county is refused with a message naming the field, not shown.
    other = client.get(URL, {"jurisdiction": org.jurisdiction("上杭县").code})
    assert other.status_code == 400
    assert other.context["field"] == "jurisdiction"


def test_department_sees_only_the_enterprises_it_supervises(client: Any, org: Any, users: Any, frozen: Any):
    _batch(org, 1)
    client.force_login(users["department_zjj"])  # 住建局: the construction site in 上杭县 only
    board = client.get(URL, {"period": "2026Q3"}).context["board"]
    assert board.table("by_area").total["enterprises"].value == 1
    by_area = {row["label"]: row["cells"]["enterprises"].value for row in board.table("by_area").rows}
    assert by_area["上杭县"] == 1 and by_area["新罗区"] == 0


def test_enterprise_user_and_anonymous_are_refused(client: Any, users: Any):
    assert client.get(URL).status_code == 302
    client.force_login(users["enterprise"])
    assert client.get(URL).status_code == 403
    assert client.get(reverse("assessment:dashboard_map")).status_code == 403


@pytest.mark.parametrize(
    ("period", "field"), [("2026Q5", "period"), ("next year", "period"), ("2027Q1", "period"), ("2026-13", "period")]
)
def test_bad_period_is_refused_naming_the_field(client: Any, users: Any, frozen: Any, period: str, field: str):
    client.force_login(users["committee"])
    response = client.get(URL, {"period": period})
    assert response.status_code == 400
    assert response.context["field"] == field
    assert "时段" in response.content.decode() or "Period" in response.content.decode()


def test_unknown_jurisdiction_is_refused(client: Any, users: Any):
    client.force_login(users["committee"])
    response = client.get(URL, {"jurisdiction": "nope"})
    assert response.status_code == 400 and response.context["field"] == "jurisdiction"


@pytest.mark.parametrize("role", ["committee", "inspector", "department_zjj"])
def test_query_count_does_not_grow_with_the_data(
    client: Any, org: Any, users: Any, frozen: Any, role: str, django_assert_max_num_queries: Any
):
    client.force_login(users[role])
    _batch(org, 1)
    # A fixed budget: each compliance figure is its own grouped query (an anti-join; see _enterprise_counts).
    with django_assert_max_num_queries(30) as small:
        client.get(URL, {"period": "2026Q3"})
    _batch(org, 3)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(URL, {"period": "2026Q3"})


def test_every_table_downloads_as_excel_with_formula_text_escaped(client: Any, org: Any, users: Any, frozen: Any):
    from openpyxl import load_workbook

    _batch(org, 1)
    jurisdiction = org.jurisdiction("新罗区/东城街道")
    jurisdiction.name = "=HYPERLINK(1)"
    jurisdiction.save(update_fields=["name"])
    client.force_login(users["committee"])
    response = client.get(URL, {"period": "2026Q3", "jurisdiction": org.jurisdiction("新罗区").code, "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.getvalue()))
    assert len(book.sheetnames) >= 3  # by area, by industry, trend
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    names = [row[0] for row in rows]
    assert "'=HYPERLINK(1)" in names
    assert rows[-1][1] == 2  # total row: operating enterprises in 新罗区


def test_map_file_is_the_longyan_county_boundaries(client: Any, users: Any):
    client.force_login(users["committee"])
    response = client.get(reverse("assessment:dashboard_map"))
    assert response.status_code == 200
    import json

    names = {f["properties"]["name"] for f in json.loads(b"".join(response.streaming_content))["features"]}
    assert {"新罗区", "上杭县", "长汀县"} <= names


@pytest.mark.parametrize("role", ["committee", "inspector", "department"])
def test_home_page_of_committee_county_and_department_is_their_dashboard(client: Any, users: Any, role: str):
    client.force_login(users[role])
    html = client.get("/").content.decode()
    assert 'data-testid="home-dashboard"' in html
    assert 'data-testid="dashboard-by_area"' in html


@pytest.mark.parametrize("role", ["admin", "enterprise"])
def test_other_roles_keep_their_home_page(client: Any, users: Any, role: str):
    client.force_login(users[role])
    response = client.get("/", follow=True)
    assert response.status_code == 200
    assert 'data-testid="home-dashboard"' not in response.content.decode()


def test_area_total_counts_records_registered_on_the_area_itself(client: Any, org: Any, users: Any, frozen: Any):
    """An enterprise registered on 新罗区 itself (no township) belongs to no township row, but the county's
    total still counts it, as the list behind the total does."""
    firm = EnterpriseFactory(jurisdiction=org.jurisdiction("新罗区"), industry=org.industry("C2614"))
    hazard(firm, found_at=at(2026, 8, 3), deadline=dt.date(2026, 8, 20))
    client.force_login(users["inspector"])
    board = client.get(URL, {"period": "2026Q3"}).context["board"]
    table = board.table("by_area")
    assert sum(row["cells"]["open"].value for row in table.rows) == 0
    assert table.total["open"].value == 1 == _list_count(client, table.total["open"].url)
    assert table.total["enterprises"].value == 2 == _list_count(client, table.total["enterprises"].url)


def test_ranking_links_each_county_to_its_result_and_the_run(client: Any, org: Any, users: Any, frozen: Any):
    """The dashboard's ranking is a way in: each county opens its breakdown, a link opens the whole run."""
    from assessment.services import assessment_period_get_or_create, assessment_run_execute, assessment_run_start

    period = assessment_period_get_or_create(kind="quarter", year=2026, number=3)
    run = assessment_run_execute(run_id=assessment_run_start(period=period, enqueue=False).pk)
    client.force_login(users["committee"])
    html = client.get(URL, {"period": "2026Q3"}).content.decode()
    ranking = html.split('data-testid="dashboard-ranking"', 1)[1].split("</table>", 1)[0]
    links = dict(re.findall(r'<a href="(/assessment/results/\d+/)">([^<]+)</a>', ranking))
    expected = {f"/assessment/results/{r.pk}/": r.jurisdiction.name for r in run.results.select_related("jurisdiction")}
    assert links == expected and len(links) == 8
    assert f'href="/assessment/runs/{run.pk}/" data-testid="dashboard-ranking-run"' in html
    assert f"{period.label}</h2>" in html  # the ranking says which period it ranks
    for url in list(links)[:2]:
        assert client.get(url).status_code == 200
    # The Excel download's ranking sheet speaks of the assessment (得分, 等次), not of risk or enterprise status.
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(client.get(URL, {"period": "2026Q3", "format": "xlsx"}).getvalue()))
    assert next(book["考核排名"].iter_rows(values_only=True)) == ("排名", "区域", "得分", "等次", "状态")


def test_ranking_follows_the_period_in_the_url(client: Any, org: Any, users: Any, frozen: Any):
    """A dashboard of 2026Q3 ranks 2026Q3's run even when a later month has one; a period without a run shows
    the latest run under that run's own period."""
    from assessment.services import assessment_period_get_or_create, assessment_run_execute, assessment_run_start

    quarter = assessment_period_get_or_create(kind="quarter", year=2026, number=3)
    quarter_run = assessment_run_execute(run_id=assessment_run_start(period=quarter, enqueue=False).pk)
    october = assessment_period_get_or_create(kind="month", year=2026, number=10)
    october_run = assessment_run_execute(run_id=assessment_run_start(period=october, enqueue=False).pk)
    client.force_login(users["committee"])

    def ranked(period: str) -> tuple[set[int], str]:
        html = client.get(URL, {"period": period}).content.decode()
        heading = html.split('id="dashboard-ranking-title">', 1)[1].split("</h2>", 1)[0]
        board = client.get(URL, {"period": period}).context["board"]
        return {r.run_id for r in board.ranking}, heading

    runs, heading = ranked("2026Q3")
    assert runs == {quarter_run.pk} and quarter.label in heading
    runs, heading = ranked("2026-10")
    assert runs == {october_run.pk} and october.label in heading
    runs, heading = ranked("2026Q2")  # no run of its own: the latest one, named
    assert runs == {october_run.pk} and october.label in heading
