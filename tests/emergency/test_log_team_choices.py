"""The response log's "teams deployed" list on the accident page is bounded (issue 16): a city with tens of
thousands of enterprise rescue teams put every one of them on the page as a check box (5,000 teams: a 1 MB page,
1.3 s). It offers the nearest active teams, the enterprise's own and those already logged; a supplies order
chosen in the same form is accepted (it was refused as "not one of the choices" whatever was sent)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from emergency.models import ResponseLogEntry, SupplyItem
from emergency.selectors.teams import DEPLOYABLE_AT_MOST
from emergency.services import accident_report, dispatch_request, response_log_add
from tests.clock import shanghai
from tests.emergency.factories import RescueTeamFactory

pytestmark = [pytest.mark.django_db, pytest.mark.clock(shanghai(2026, 12, 4, 10))]

SITE = (Decimal("25.100000"), Decimal("117.020000"))
TEAM_BOX = re.compile(r'name="log-teams" value="(\d+)"')


@pytest.fixture
def accident(users: dict[str, Any], xinluo_chem: Any) -> Any:
    xinluo_chem.latitude, xinluo_chem.longitude = SITE
    xinluo_chem.save(update_fields=["latitude", "longitude"])
    return accident_report(
        actor=users["enterprise"],
        title="储罐泄漏",
        category="hazardous_chemicals",
        occurred_at=timezone.now(),
        location="罐区",
    )


def team_at(org: Any, km_north: float, **fields: Any) -> Any:
    """A team `km_north` km north of the site (0.009° of latitude ≈ 1 km)."""
    return RescueTeamFactory(
        jurisdiction=org.jurisdiction("新罗区"),
        latitude=SITE[0] + Decimal(str(round(km_north * 0.009, 6))),
        longitude=SITE[1],
        **fields,
    )


def offered(client: Any, accident: Any) -> list[int]:
    return [int(pk) for pk in TEAM_BOX.findall(client.get(accident.get_absolute_url()).content.decode())]


def test_the_log_offers_the_nearest_teams_not_every_team_in_the_city(
    client: Any, users: dict[str, Any], org: Any, xinluo_chem: Any, accident: Any
) -> None:
    near = [team_at(org, km) for km in range(1, DEPLOYABLE_AT_MOST + 1)]
    far = [team_at(org, 120 + km) for km in range(20)]
    own = RescueTeamFactory(
        jurisdiction=org.jurisdiction("新罗区"), kind="enterprise", enterprise=xinluo_chem, name="东城化工企业救援队"
    )
    retired = team_at(org, 0.5, is_active=False)
    # Without coordinates: the city's professional team is offered (sent anywhere), a volunteer team is not.
    city_team = RescueTeamFactory(jurisdiction=org.jurisdiction("龙岩市"), kind="professional", name="市矿山救护队")
    volunteers = RescueTeamFactory(jurisdiction=org.jurisdiction("新罗区"), kind="social", name="东城志愿救援队")
    client.force_login(users["committee"])

    teams = offered(client, accident)

    assert teams[:DEPLOYABLE_AT_MOST] == [t.pk for t in near]  # nearest first
    assert own.pk in teams and city_team.pk in teams  # no coordinates: listed after the measured ones
    assert volunteers.pk not in teams
    assert not {t.pk for t in far} & set(teams)
    assert retired.pk not in teams
    page = client.get(accident.get_absolute_url()).content.decode()
    assert "相距 1.0 公里" in page


def test_a_team_logged_once_stays_on_the_list_and_a_far_one_is_refused_with_a_message(
    client: Any, users: dict[str, Any], org: Any, accident: Any
) -> None:
    for km in range(1, DEPLOYABLE_AT_MOST + 1):
        team_at(org, km)
    far = team_at(org, 150)
    client.force_login(users["committee"])
    log = reverse("emergency:accident_log", args=[accident.pk])

    refused = client.post(log, {"log-kind": "rescue", "log-action": "增援", "log-teams": [far.pk]}, follow=True)
    assert refused.status_code == 200
    assert not ResponseLogEntry.objects.filter(accident=accident).exists()
    assert "选择" in refused.content.decode()  # the field's "not one of the choices" message

    # Logged through the API, which names any team the caller sees.
    response_log_add(actor=users["committee"], accident=accident, action="增援", kind="rescue", teams=[far])
    assert far.pk in offered(client, accident)


def test_a_supplies_order_can_be_named_in_the_log(client: Any, users: dict[str, Any], org: Any, accident: Any) -> None:
    order = dispatch_request(
        actor=users["inspector"],
        title="东城化工泄漏处置物资",
        requesting_jurisdiction=org.jurisdiction("新罗区"),
        destination="东城化工",
        lines=[(SupplyItem.objects.get(code="tent"), 2)],
        accident=accident,
    )
    client.force_login(users["inspector"])
    response = client.post(
        reverse("emergency:accident_log", args=[accident.pk]),
        {"log-kind": "resources", "log-action": "帐篷运抵现场", "log-dispatch_order": order.pk},
        follow=True,
    )
    assert response.status_code == 200
    assert ResponseLogEntry.objects.get(accident=accident).dispatch_order == order


def test_the_accident_page_reads_the_same_number_of_queries_with_many_teams(
    client: Any, users: dict[str, Any], org: Any, accident: Any, django_assert_max_num_queries: Any
) -> None:
    for km in range(1, 11):
        team_at(org, km)
    client.force_login(users["committee"])
    client.get(accident.get_absolute_url())
    with django_assert_max_num_queries(40) as few:
        client.get(accident.get_absolute_url())
    for km in range(11, 3 * DEPLOYABLE_AT_MOST):
        team_at(org, km)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(accident.get_absolute_url())
