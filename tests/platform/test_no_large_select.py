"""No page offers a <select> of a large table (issue 16): a city has tens of thousands of enterprises.

Every role walks the site (the crawl of test_crawl: every link it is shown, every search form sent as it
stands, so every list page and every form page it can reach) with 250 more enterprises and 250 more rescue
teams in its scope than the demo has; no <select> on any page may hold more than 200 options, nor a list of
check boxes or radio buttons of one name (a select drawn as boxes: the accident page's "teams deployed" listed
every team of the city). Enterprises are chosen in a search box (enterprises/fields.py) instead, teams among
the nearest (emergency.selectors.teams.deployable_teams).

Runtime: the demo seed plus a crawl of 150–330 pages per role, ~10–40 s per role on SQLite.
"""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from tests.clock import shanghai
from tests.factories import next_credit_code
from tests.platform.test_crawl import crawl

# The demo's records are dated from today (last quarter's report, deadlines due): seeded on a chosen day.
pytestmark = pytest.mark.clock(shanghai(2026, 12, 4, 10))

MAX_OPTIONS = 200
EXTRA_ENTERPRISES = 250
EXTRA_TEAMS = 250
ROLES = ["committee", "county_office", "inspector", "inspector_town", "dept_yjj", "enterprise"]  # city, county, …
SELECT = re.compile(r"<select\b([^>]*)>(.*?)</select>", re.S | re.I)
OPTION = re.compile(r"<option\b", re.I)
NAME = re.compile(r'\bname="([^"]*)"')
CHECK = re.compile(r"<input\b[^>]*\btype=\"(?:checkbox|radio)\"[^>]*>", re.I)


def large_selects(html: str) -> list[str]:
    problems = []
    for attrs, body in SELECT.findall(html):
        options = len(OPTION.findall(body))
        if options > MAX_OPTIONS:
            name = NAME.search(attrs)
            problems.append(f"{options} options in <select name={name.group(1) if name else '?'}>")
    boxes = Counter(name.group(1) for tag in CHECK.findall(html) if (name := NAME.search(tag)))
    problems += [f"{n} options in <select name={key}> (check boxes)" for key, n in boxes.items() if n > MAX_OPTIONS]
    return problems


def test_the_check_counts_the_options_of_each_select() -> None:
    many = "".join(f'<option value="{n}">{n}</option>' for n in range(201))
    html = f'<select name="a">{many}</select><select name="b"><option>x</option></select>'
    assert large_selects(html) == ["201 options in <select name=a>"]


def test_the_check_counts_check_boxes_of_one_name_as_a_select() -> None:
    boxes = "".join(f'<input type="checkbox" name="log-teams" value="{n}">' for n in range(201))
    few = "".join(f'<input type="radio" name="kind" value="{n}">' for n in range(3))
    assert large_selects(boxes + few) == ["201 options in <select name=log-teams> (check boxes)"]


@pytest.fixture
def crowded_demo(db: Any) -> Any:
    """The demo, plus 250 operating chemical companies in 新罗区/东城街道 (seen by every role but the enterprise)."""
    from emergency.models import RescueTeam
    from enterprises.models import Enterprise
    from safety_platform.management.commands.seed_demo import seed_demo
    from safety_platform.models import Department, Industry, Jurisdiction, User

    seed_demo()
    grid = Jurisdiction.objects.get(name="东城第一网格", parent__name="东城街道")
    Enterprise.objects.bulk_create(
        Enterprise(
            credit_code=next_credit_code(),
            name=f"龙岩市东城第{n:03d}化工有限公司",
            legal_representative="张三",
            jurisdiction=grid,
            industry=Industry.objects.get(code="C2614"),
            supervising_department=Department.objects.get(code="yjj"),
            risk_category="hazardous_chemicals",
        )
        for n in range(EXTRA_ENTERPRISES)
    )
    xinluo = Jurisdiction.objects.get(name="新罗区")
    RescueTeam.objects.bulk_create(
        RescueTeam(
            name=f"东城第{n:03d}救援队",
            kind="social",
            jurisdiction=xinluo,
            latitude=Decimal("25.075") + Decimal(n) / 2000,
            longitude=Decimal("117.017"),
        )
        for n in range(EXTRA_TEAMS)
    )

    def login(username: str) -> Client:
        client = Client()
        client.force_login(User.objects.get(username=username))
        return client

    return login


@pytest.mark.parametrize("username", ROLES)
def test_no_page_offers_a_select_of_more_than_200_options(crowded_demo: Any, username: str) -> None:
    result = crawl(crowded_demo(username), check=large_selects)
    assert result.pages >= 30, f"{username} reached only {result.pages} pages"
    problems = [p for p in result.problems if "options in <select" in p]
    assert not problems, f"{username}: {len(problems)} pages of {result.pages}:\n" + "\n".join(problems)
