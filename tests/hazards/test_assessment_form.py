"""The grading forms of a hazard: what the inspector typed is kept, and the deadline the rule proposes shows.

- Logging a hazard with the grade "稍后评估" (assess later) dropped the responsible person and phone typed on
  site; the assessment form now offers them again.
- The assessment form's deadline and the remediation plan's deadline were blank in Chinese (a date input
  cannot show 2026/12/18); they show the deadline the rule proposes for the grade (15 days for a general
  hazard, 60 for a major one), and the page's script moves it when the grade changes.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse

from hazards.models import Hazard, RemediationPlan
from hazards.services import proposed_deadline
from hazards.services.loop import RECTIFICATION_DAYS
from tests.clock import shanghai
from tests.hazards.factories import make_hazard

pytestmark = [pytest.mark.django_db, pytest.mark.clock(shanghai(2026, 12, 4, 10))]

NOW = dt.datetime(2026, 12, 3, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
TODAY = dt.date(2026, 12, 3)
GENERAL_DEADLINE = "2026-12-18"  # TODAY + 15 days
MAJOR_DEADLINE = "2027-02-01"  # TODAY + 60 days


@pytest.fixture(autouse=True)
def _clock() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


def _client(user: Any, language: str = "zh-hans") -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def _input(page: str, name: str) -> dict[str, str]:
    """The attributes of the <input name=...> on the page."""
    match = re.search(rf'<input[^>]*\bname="{re.escape(name)}"[^>]*>', page)
    assert match, f"no input {name} on the page"
    return dict(re.findall(r'([\w-]+)="([^"]*)"', match.group(0)))


def test_the_rule_proposes_a_deadline_per_grade() -> None:
    assert RECTIFICATION_DAYS == {"general": 15, "major": 60}
    assert proposed_deadline("general").isoformat() == GENERAL_DEADLINE
    assert proposed_deadline("major").isoformat() == MAJOR_DEADLINE
    assert proposed_deadline("") is None


def test_assess_later_keeps_the_responsible_person_and_phone(users: dict[str, Any], xinluo_chem: Any) -> None:
    client = _client(users["inspector"])
    response = client.post(
        reverse("hazards:create"),
        {
            "enterprise": xinluo_chem.pk,
            "title": "配电箱未接地",
            "grade": "",  # 稍后评估
            "deadline": "",
            "responsible_person": "赖安全",
            "responsible_phone": "13905971234",
        },
    )
    hazard = Hazard.objects.get()
    assert response.status_code == 302 and hazard.state == "registered" and hazard.grade == ""
    assert (hazard.responsible_person, hazard.responsible_phone) == ("赖安全", "13905971234")
    # The assessment form on the hazard's page offers them again, with the general grade's deadline.
    page = client.get(hazard.get_absolute_url()).content.decode()
    assert _input(page, "assess-responsible_person")["value"] == "赖安全"
    assert _input(page, "assess-responsible_phone")["value"] == "13905971234"
    assert _input(page, "assess-deadline")["value"] == GENERAL_DEADLINE


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_assessment_form_shows_the_deadline_the_rule_proposes(
    users: dict[str, Any], xinluo_chem: Any, language: str
) -> None:
    hazard = make_hazard(xinluo_chem, inspector=users["inspector"])
    page = _client(users["inspector"], language).get(hazard.get_absolute_url()).content.decode()
    assert f'lang="{language}"' in page
    deadline = _input(page, "assess-deadline")
    assert deadline["type"] == "date" and deadline["value"] == GENERAL_DEADLINE
    # The script moves it to the chosen grade's proposal: it reads these from the field.
    assert json.loads(deadline["data-proposed-deadlines"].replace("&quot;", '"')) == {
        "general": GENERAL_DEADLINE,
        "major": MAJOR_DEADLINE,
    }
    assert deadline["data-grade-field"] == "assess-grade"
    assert "hazards/grade-deadline.js" in page
    checked = re.search(r'<input[^>]*name="assess-grade"[^>]*value="general"[^>]*>', page)
    assert checked and "checked" in checked.group(0)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_log_form_proposes_the_deadline_of_the_grade_it_is_given(
    users: dict[str, Any], xinluo_chem: Any, language: str
) -> None:
    page = _client(users["inspector"], language).get(reverse("hazards:create")).content.decode()
    deadline = _input(page, "deadline")
    assert deadline["type"] == "date" and deadline.get("value", "") == ""  # "assess later" is preselected
    assert deadline["data-grade-field"] == "grade" and MAJOR_DEADLINE in deadline["data-proposed-deadlines"]


def test_grading_on_site_without_a_date_takes_the_rules_deadline(users: dict[str, Any], xinluo_chem: Any) -> None:
    client = _client(users["inspector"])
    data = {"enterprise": xinluo_chem.pk, "title": "液氯钢瓶间通风失效", "grade": "major", "deadline": ""}
    response = client.post(reverse("hazards:create"), {**data, "responsible_person": "赖安全"})
    assert response.status_code == 302
    assert Hazard.objects.get().deadline == dt.date(2027, 2, 1)


def test_a_date_the_inspector_typed_wins_over_the_proposal(users: dict[str, Any], xinluo_chem: Any) -> None:
    client = _client(users["inspector"])
    data = {"enterprise": xinluo_chem.pk, "title": "液氯钢瓶间通风失效", "grade": "major", "deadline": "2026-12-20"}
    assert client.post(reverse("hazards:create"), {**data, "responsible_person": "赖"}).status_code == 302
    assert Hazard.objects.get().deadline == dt.date(2026, 12, 20)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_new_remediation_plan_starts_from_the_hazards_deadline(
    users: dict[str, Any], xinluo_chem: Any, language: str
) -> None:
    hazard = make_hazard(
        xinluo_chem, state="assessed", grade="major", inspector=users["inspector"], deadline=dt.date(2027, 1, 20)
    )
    assert not RemediationPlan.objects.filter(hazard=hazard).exists()
    page = _client(users["enterprise"], language).get(reverse("hazards:plan", args=[hazard.pk])).content.decode()
    assert _input(page, "deadline")["value"] == "2027-01-20"


def test_a_saved_plan_shows_its_own_deadline_in_chinese(users: dict[str, Any], xinluo_chem: Any) -> None:
    hazard = make_hazard(
        xinluo_chem, state="reported", grade="major", inspector=users["inspector"], deadline=dt.date(2027, 1, 20)
    )
    RemediationPlan.objects.filter(hazard=hazard).update(deadline=dt.date(2027, 1, 10))
    client = _client(users["enterprise"])
    page = client.get(reverse("hazards:plan", args=[hazard.pk])).content.decode()
    assert _input(page, "deadline")["value"] == "2027-01-10"
