"""The Decree 493 reporting clocks as a user sees them: overdue flags on the pages and in the API, the
supplement window (30 days, 7 for road traffic and fire), and what re-grading does to the clocks."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from emergency.choices import AccidentGrade, ReportLevel
from emergency.models import AccidentRevision
from emergency.services import accident_forward, accident_report, accident_supplement
from emergency.services.accidents import CLOCK_FORWARD, CLOCK_REPORT, CLOCK_SUPPLEMENT
from safety_platform.models import StatutoryDeadline
from tests.clock import shanghai
from tests.emergency.factories import hours_ago

pytestmark = [pytest.mark.django_db, pytest.mark.clock(shanghai(2026, 12, 4, 10))]

PROVINCE = CLOCK_FORWARD.format(level="province")
MINISTRY = CLOCK_FORWARD.format(level="ministry")


def clock(accident: Any, kind: str) -> StatutoryDeadline:
    return StatutoryDeadline.objects.get(source_id=accident.pk, kind=kind)


def report(
    users: dict[str, Any], enterprise: Any, *, hours: float, category: str = "industrial", **figures: Any
) -> Any:
    """An accident `hours` ago that the county received within its hour."""
    return accident_report(
        actor=users["inspector"],
        enterprise=enterprise,
        title="物体打击事故",
        category=category,
        occurred_at=hours_ago(hours),
        reported_at=hours_ago(hours - 0.5),
        location="一车间",
        **figures,
    )


def test_a_downgrade_cancels_the_forwarding_no_longer_required_and_a_new_rise_restarts_it(
    users: dict[str, Any], xinluo_chem: Any
) -> None:
    accident = report(users, xinluo_chem, hours=3, deaths=3)  # larger: the report must reach the province
    accident_forward(actor=users["inspector"], accident=accident, level=ReportLevel.CITY, received_at=hours_ago(2))
    assert clock(accident, PROVINCE).is_open
    # One of the three was rescued: general, which the city closes; the province clock is no longer needed.
    accident = accident_supplement(actor=users["inspector"], accident=accident, deaths=2, note="一人抢救成功")
    assert accident.grade == AccidentGrade.GENERAL
    province = clock(accident, PROVINCE)
    assert province.cancelled_at is not None and not province.is_overdue
    # Overdue only because of a clock that is no longer needed? No: the list does not flag it.
    from emergency.selectors import accidents_visible_to

    assert not accidents_visible_to(users["committee"]).get(pk=accident.pk).has_overdue_clock
    # A later death makes it larger again: the province is due within two hours of now.
    accident = accident_supplement(actor=users["inspector"], accident=accident, deaths=3)
    province = clock(accident, PROVINCE)
    assert province.is_open
    assert timezone.now() < province.due_at <= timezone.now() + dt.timedelta(hours=2)


def test_a_downgrade_keeps_the_forwarding_already_done(users: dict[str, Any], xinluo_chem: Any) -> None:
    accident = report(users, xinluo_chem, hours=1, deaths=10)  # major: up to the ministry
    accident_forward(actor=users["inspector"], accident=accident, level=ReportLevel.CITY)
    accident_forward(actor=users["committee"], accident=accident, level=ReportLevel.PROVINCE)
    assert clock(accident, MINISTRY).is_open
    accident = accident_supplement(actor=users["committee"], accident=accident, deaths=9)  # larger: province
    assert accident.grade == AccidentGrade.LARGER
    assert clock(accident, PROVINCE).met_at is not None and clock(accident, PROVINCE).cancelled_at is None
    assert clock(accident, MINISTRY).cancelled_at is not None


@pytest.mark.parametrize(
    ("category", "days_ago", "late"),
    [
        ("industrial", 29, False),
        ("industrial", 31, True),
        ("road_traffic", 6, False),
        ("road_traffic", 8, True),
        ("fire", 8, True),
    ],
)
def test_a_supplement_after_the_window_is_marked_late(
    users: dict[str, Any], xinluo_chem: Any, category: str, days_ago: int, late: bool
) -> None:
    accident = report(users, xinluo_chem, hours=days_ago * 24, category=category, deaths=1)
    accident_supplement(actor=users["inspector"], accident=accident, deaths=2)
    assert AccidentRevision.objects.get(accident=accident, revision=2).is_late is late
    assert clock(accident, CLOCK_SUPPLEMENT).is_overdue is late


def test_overdue_clocks_are_flagged_on_the_pages(client: Any, users: dict[str, Any], xinluo_chem: Any) -> None:
    late = report(users, xinluo_chem, hours=5, deaths=1)  # the city was due 2 h after the county's receipt
    on_time = report(users, xinluo_chem, hours=1, deaths=1)
    client.force_login(users["inspector"])
    listing = client.get(reverse("emergency:accident_list")).content.decode()
    rows = {row.split("</tr>")[0] for row in listing.split("<tr") if f"/accidents/{late.pk}/" in row}
    assert any('data-testid="overdue"' in row for row in rows)
    overdue_only = client.get(reverse("emergency:accident_list"), {"overdue": "true"}).content.decode()
    assert f"/accidents/{late.pk}/" in overdue_only and f"/accidents/{on_time.pk}/" not in overdue_only
    page = client.get(late.get_absolute_url()).content.decode()
    clocks_html = page.split('data-testid="clocks"')[1].split("</ul>")[0]
    assert "bg-danger" in clocks_html  # the overdue forwarding clock
    assert (
        "bg-danger"
        not in client.get(on_time.get_absolute_url())
        .content.decode()
        .split('data-testid="clocks"')[1]
        .split("</ul>")[0]
    )


def test_the_api_answers_each_clock_with_its_overdue_flag_and_regrades_on_supplement(
    api_client: Any, users: dict[str, Any], xinluo_chem: Any
) -> None:
    accident = report(users, xinluo_chem, hours=5, deaths=2)
    api_client.force_authenticate(users["inspector"])
    body = api_client.get(f"/api/v1/emergency/accidents/{accident.pk}/").json()
    clocks = {c["kind"]: c for c in body["clocks"]}
    assert clocks[CLOCK_REPORT]["met_at"] is not None and clocks[CLOCK_REPORT]["is_overdue"] is False
    assert clocks[CLOCK_FORWARD.format(level="city")]["is_overdue"] is True
    assert clocks[CLOCK_SUPPLEMENT]["is_overdue"] is False
    assert body["has_overdue_clock"] is True
    # Supplement through the API: 3 deaths is larger, and the province must now hear of it.
    response = api_client.post(f"/api/v1/emergency/accidents/{accident.pk}/supplement/", {"deaths": 3}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["grade"], body["revision"]) == ("larger", 2)
    assert [r["grade"] for r in body["revisions"]] == ["general", "larger"]
    # The city has not had it yet, so the province's clock starts only when the city receives it.
    assert PROVINCE not in {c["kind"] for c in body["clocks"]}
    api_client.post(f"/api/v1/emergency/accidents/{accident.pk}/forward/", {"level": "city"}, format="json")
    body = api_client.get(f"/api/v1/emergency/accidents/{accident.pk}/").json()
    assert {c["kind"]: c for c in body["clocks"]}[PROVINCE]["is_overdue"] is False


def test_an_overdue_corrective_measure_flags_its_accident_until_it_is_done(
    client: Any, api_client: Any, users: dict[str, Any], xinluo_chem: Any
) -> None:
    from emergency.services import evaluation_save, measure_add, measure_progress
    from emergency.services.accidents import CLOCK_MEASURE

    accident = report(users, xinluo_chem, hours=1, deaths=1)
    accident_forward(actor=users["inspector"], accident=accident, level=ReportLevel.CITY)  # no accident clock late
    evaluation = evaluation_save(actor=users["inspector"], accident=accident, causes="未佩戴安全帽")
    measure = measure_add(
        actor=users["inspector"],
        evaluation=evaluation,
        description="全员安全帽检查",
        responsible="安全科",
        due_on=timezone.localdate(),
    )
    client.force_login(users["inspector"])
    api_client.force_authenticate(users["inspector"])

    def flagged() -> tuple[bool, bool, bool]:
        listing = client.get(reverse("emergency:accident_list"), {"overdue": "true"}).content.decode()
        api = api_client.get(f"/api/v1/emergency/accidents/{accident.pk}/").json()["has_overdue_clock"]
        api_list = api_client.get("/api/v1/emergency/accidents/", {"overdue": "true"}).json()["count"]
        return f"/accidents/{accident.pk}/" in listing, api, api_list == 1

    def overdue_measures() -> list[int]:
        response = api_client.get("/api/v1/emergency/measures/", {"overdue": "true"})
        assert response.status_code == 200
        return [row["id"] for row in response.json()["results"]]

    assert flagged() == (False, False, False)
    assert overdue_measures() == []
    # The deadline passes (as if a day went by).
    StatutoryDeadline.objects.filter(source_id=measure.pk, kind=CLOCK_MEASURE).update(
        due_at=timezone.now() - dt.timedelta(days=1)
    )
    type(measure).objects.filter(pk=measure.pk).update(due_on=timezone.localdate() - dt.timedelta(days=1))
    assert flagged() == (True, True, True)
    assert overdue_measures() == [measure.pk]
    measure_progress(actor=users["enterprise"], measure=measure, to_status="done", note="已全员检查")
    assert flagged() == (False, False, False)
    assert overdue_measures() == []


def test_the_accident_page_names_the_grading_rules_it_was_graded_under(
    client: Any, users: dict[str, Any], xinluo_chem: Any
) -> None:
    """A clerk reads the regulation's name, not the rule set's version code."""
    accident = report(users, xinluo_chem, hours=1, deaths=1)
    client.force_login(users["inspector"])
    page = client.get(accident.get_absolute_url()).content.decode()
    assert f"依据规则版本 {accident.rule_set.name} 定级" in page
    assert accident.rule_set.version not in page
