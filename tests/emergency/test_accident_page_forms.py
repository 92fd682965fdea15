"""Who gets the follow-up forms (log an action, supplement the figures, report progress on a measure) on an
accident's page: the staff who handle it and the people of the enterprise it happened at. An enterprise's people
never reach an accident without an enterprise (a road accident) or one of another enterprise: the page is 404 and
so is every step posted to it."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from emergency.services import accident_report
from tests.clock import shanghai

pytestmark = [pytest.mark.django_db, pytest.mark.clock(shanghai(2026, 12, 4, 10))]

FOLLOW_UP_FORMS = ("emergency:accident_log", "emergency:accident_supplement")


def _forms_on(page: str, accident: Any) -> set[str]:
    return {name for name in FOLLOW_UP_FORMS if f'action="{reverse(name, args=[accident.pk])}"' in page}


@pytest.fixture
def accidents(users: dict[str, Any], org: Any, shanghang_site: Any) -> dict[str, Any]:
    now = timezone.now()
    return {
        "own": accident_report(
            actor=users["enterprise"], title="本企业事故", category="industrial", occurred_at=now, location="厂区"
        ),
        "no_enterprise": accident_report(
            actor=users["inspector"],
            title="道路事故",
            category="road_traffic",
            occurred_at=now,
            reported_at=now,
            location="319国道",
            jurisdiction=org.jurisdiction("新罗区"),
        ),
        "other_enterprise": accident_report(
            actor=users["committee"],
            title="他企业事故",
            category="industrial",
            occurred_at=now,
            reported_at=now,
            location="工地",
            enterprise=shanghang_site,
        ),
    }


def test_the_enterprise_follows_its_own_accident(client: Any, users: dict[str, Any], accidents: Any) -> None:
    client.force_login(users["enterprise"])
    accident = accidents["own"]
    page = client.get(accident.get_absolute_url()).content.decode()
    assert _forms_on(page, accident) == set(FOLLOW_UP_FORMS)
    assert reverse("emergency:accident_forward", args=[accident.pk]) not in page  # forwarding is the staff's


@pytest.mark.parametrize("which", ["no_enterprise", "other_enterprise"])
def test_the_enterprise_never_reaches_an_accident_not_its_own(
    client: Any, users: dict[str, Any], accidents: Any, which: str
) -> None:
    client.force_login(users["enterprise"])
    accident = accidents[which]
    assert client.get(accident.get_absolute_url()).status_code == 404
    supplement = {"sup-deaths": 1, "sup-serious_injuries": 0, "sup-minor_injuries": 0, "sup-missing": 0}
    response = client.post(reverse("emergency:accident_supplement", args=[accident.pk]), supplement)
    assert response.status_code == 404
    accident.refresh_from_db()
    assert accident.deaths == 0


@pytest.mark.parametrize("which", ["own", "no_enterprise"])
def test_the_staff_who_handle_an_accident_follow_it(
    client: Any, users: dict[str, Any], accidents: Any, which: str
) -> None:
    client.force_login(users["inspector"])
    accident = accidents[which]
    page = client.get(accident.get_absolute_url()).content.decode()
    assert _forms_on(page, accident) == set(FOLLOW_UP_FORMS)


def test_a_closed_accident_offers_no_follow_up_forms(client: Any, users: dict[str, Any], accidents: Any) -> None:
    from emergency.models import Accident

    accident = accidents["own"]
    Accident.objects.filter(pk=accident.pk).update(status="closed")
    for who in ("inspector", "enterprise"):
        client.force_login(users[who])
        page = client.get(accident.get_absolute_url()).content.decode()
        assert _forms_on(page, accident) == set(), who
