"""Rescue teams: search by skill, jurisdiction and distance (bounding box in SQL, then exact haversine),
readiness history, members with skills and certificates."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from emergency.choices import Readiness
from emergency.models import RescueTeam, Skill
from emergency.selectors import teams_search
from emergency.services import team_create, team_member_save, team_set_readiness
from safety_platform.geo import bounding_box, haversine_km
from safety_platform.services import DomainError

# 龙岩 city centre; 上杭 county seat (~61 km west); 永定 (~52 km south-west).
LONGYAN = (25.0751, 117.0174)


def test_haversine_matches_known_distances() -> None:
    assert haversine_km(*LONGYAN, *LONGYAN) == 0
    # One degree of latitude is ~111.2 km everywhere.
    assert haversine_km(25.0, 117.0, 26.0, 117.0) == pytest.approx(111.19, abs=0.05)
    # Beijing – Shanghai, ~1067 km.
    assert haversine_km(39.9042, 116.4074, 31.2304, 121.4737) == pytest.approx(1067, rel=0.01)


@pytest.mark.parametrize("lat", [0.0, 25.0, 60.0, -45.0])
def test_bounding_box_contains_every_point_of_the_circle(lat: float) -> None:
    box = bounding_box(lat, 117.0, 50)
    for bearing in range(0, 360, 5):
        # A point 49.9 km away on each bearing (spherical destination formula).
        d = 49.9 / 6371.0088
        phi1, lmb1, theta = math.radians(lat), math.radians(117.0), math.radians(bearing)
        phi2 = math.asin(math.sin(phi1) * math.cos(d) + math.cos(phi1) * math.sin(d) * math.cos(theta))
        lmb2 = lmb1 + math.atan2(
            math.sin(theta) * math.sin(d) * math.cos(phi1), math.cos(d) - math.sin(phi1) * math.sin(phi2)
        )
        plat, plon = math.degrees(phi2), math.degrees(lmb2)
        assert box.min_lat <= plat <= box.max_lat and box.min_lon <= plon <= box.max_lon, bearing


def test_bounding_box_across_the_antimeridian_and_near_a_pole() -> None:
    assert bounding_box(0, 179.9, 50).wraps
    polar = bounding_box(89.9, 0, 50)
    assert (polar.min_lon, polar.max_lon) == (-180, 180)


@pytest.fixture
def teams(db: Any, org: Any, users: dict[str, Any], xinluo_chem: Any) -> dict[str, RescueTeam]:
    committee = users["committee"]
    hazmat, rope, first_aid = (Skill.objects.get(code=c) for c in ("hazmat", "rope-rescue", "first-aid"))

    def make(name: str, county: str, lat: float, lon: float, specialties: list[Skill], **extra: Any) -> RescueTeam:
        return team_create(
            actor=committee,
            data={
                "name": name,
                "kind": extra.pop("kind", "professional"),
                "jurisdiction": org.jurisdiction(county),
                "latitude": Decimal(str(lat)),
                "longitude": Decimal(str(lon)),
                **extra,
            },
            specialties=specialties,
        )

    result = {
        "city": make("市区危化救援队", "新罗区", 25.0935, 117.0301, [hazmat]),
        "yongding": make("永定救援队", "永定区", 24.7240, 116.7320, [rope]),
        "shanghang": make("上杭救援队", "上杭县", 25.0497, 116.4203, []),
        "chem": make("东城化工救援队", "新罗区", 25.0990, 117.0420, [], kind="enterprise", enterprise=xinluo_chem),
        "nowhere": RescueTeam.objects.create(name="无坐标队", kind="social", jurisdiction=org.jurisdiction("新罗区")),
    }
    # A member's skill makes the team findable by it too.
    team_member_save(actor=committee, team=result["shanghang"], data={"name": "钟医生"}, skills=[first_aid, hazmat])
    return result


pytestmark = pytest.mark.django_db


def test_search_by_skill_finds_specialties_and_members_skills_without_duplicates(
    users: dict[str, Any], teams: dict[str, RescueTeam]
) -> None:
    hazmat = Skill.objects.get(code="hazmat")
    found = list(teams_search(users["committee"], skill=hazmat).values_list("name", flat=True))
    assert sorted(found) == sorted(["市区危化救援队", "上杭救援队"])


def test_search_by_distance_returns_the_teams_within_the_radius_nearest_first(
    users: dict[str, Any], teams: dict[str, RescueTeam]
) -> None:
    near = list(teams_search(users["committee"], near=LONGYAN, radius_km=55))
    assert [t.name for t in near] == ["市区危化救援队", "东城化工救援队", "永定救援队"]
    assert near[0].distance_km == pytest.approx(haversine_km(*LONGYAN, 25.0935, 117.0301), abs=0.01)
    assert near[2].distance_km == pytest.approx(haversine_km(*LONGYAN, 24.7240, 116.7320), abs=0.01)
    assert near[2].distance_km < 55
    wider = [t.name for t in teams_search(users["committee"], near=LONGYAN, radius_km=70)]
    assert wider[-1] == "上杭救援队"


def test_search_combines_skill_jurisdiction_distance_and_scope(
    users: dict[str, Any], teams: dict[str, RescueTeam], org: Any
) -> None:
    hazmat = Skill.objects.get(code="hazmat")
    assert [t.name for t in teams_search(users["committee"], skill=hazmat, near=LONGYAN, radius_km=30)] == [
        "市区危化救援队"
    ]
    assert {t.name for t in teams_search(users["committee"], jurisdiction=org.jurisdiction("新罗区"))} == {
        "市区危化救援队",
        "东城化工救援队",
        "无坐标队",
    }
    # The inspector of 新罗区 does not see 上杭 or 永定 teams, however close.
    assert {t.name for t in teams_search(users["inspector"], near=LONGYAN, radius_km=100)} == {
        "市区危化救援队",
        "东城化工救援队",
    }


def test_api_distance_search_and_bad_coordinates_are_400(
    api_client: Any, users: dict[str, Any], teams: dict[str, RescueTeam]
) -> None:
    api_client.force_authenticate(users["committee"])
    rows = api_client.get("/api/v1/emergency/teams/", {"lat": LONGYAN[0], "lon": LONGYAN[1], "radius_km": 55}).json()[
        "results"
    ]
    assert [r["name"] for r in rows] == ["市区危化救援队", "东城化工救援队", "永定救援队"]
    assert rows[0]["distance_km"] is not None
    skill = Skill.objects.get(code="rope-rescue")
    assert [r["name"] for r in api_client.get("/api/v1/emergency/teams/", {"skill": skill.pk}).json()["results"]] == [
        "永定救援队"
    ]
    for params, field in (
        ({"lat": 25}, "lon"),
        ({"lat": 95, "lon": 117}, "lat"),
        ({"radius_km": 10}, "radius_km"),
        ({"lat": 25, "lon": 117, "radius_km": -1}, "radius_km"),
        ({"lat": "abc", "lon": 117}, "lat"),
    ):
        response = api_client.get("/api/v1/emergency/teams/", params)
        assert response.status_code == 400, params
        assert field in response.json()["errors"], (params, response.json())


def test_team_page_shows_distances(client: Any, users: dict[str, Any], teams: dict[str, RescueTeam]) -> None:
    client.force_login(users["committee"])
    page = client.get(reverse("emergency:team_list"), {"lat": LONGYAN[0], "lon": LONGYAN[1], "radius_km": 30})
    body = page.content.decode()
    assert "市区危化救援队" in body and "上杭救援队" not in body and 'data-testid="distance"' in body


def test_readiness_changes_are_kept_and_only_the_owner_side_changes_them(
    users: dict[str, Any], teams: dict[str, RescueTeam]
) -> None:
    team_set_readiness(actor=users["enterprise"], team=teams["chem"], readiness=Readiness.STANDBY, note="夜间备勤")
    team_set_readiness(actor=users["inspector"], team=teams["chem"], readiness=Readiness.DEPLOYED, note="出动")
    changes = list(teams["chem"].readiness_changes.order_by("id").values_list("from_readiness", "to_readiness"))
    assert changes == [("", "ready"), ("ready", "standby"), ("standby", "deployed")]
    with pytest.raises(DomainError) as caught:
        team_set_readiness(actor=users["enterprise"], team=teams["city"], readiness=Readiness.UNAVAILABLE)
    assert caught.value.code == "forbidden"
    with pytest.raises(DomainError) as caught:
        team_set_readiness(actor=users["inspector"], team=teams["shanghang"], readiness=Readiness.UNAVAILABLE)
    assert caught.value.code == "forbidden"


def test_member_with_certificate_added_through_the_api(
    api_client: Any, users: dict[str, Any], teams: dict[str, RescueTeam]
) -> None:
    api_client.force_authenticate(users["inspector"])
    response = api_client.post(
        f"/api/v1/emergency/teams/{teams['city'].pk}/members/",
        {
            "name": "王强",
            "position": "队员",
            "skills": ["hazmat", "first-aid"],
            "certificates": [{"name": "危化品救援员", "number": "W001", "expires_on": "2028-01-01"}],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    detail = api_client.get(f"/api/v1/emergency/teams/{teams['city'].pk}/").json()
    member = next(m for m in detail["members"] if m["name"] == "王强")
    assert member["skills"] == ["hazmat", "first-aid"] or set(member["skills"]) == {"hazmat", "first-aid"}
    assert member["certificates"][0]["number"] == "W001"
    # Outside the inspector's scope the team is simply not found.
    assert (
        api_client.post(
            f"/api/v1/emergency/teams/{teams['shanghang'].pk}/members/", {"name": "x"}, format="json"
        ).status_code
        == 404
    )
