"""Siting both ways (§2.1): a school, hospital, market or residential area registered or moved near an existing
high-risk project flags the conflict exactly as a new project near a dense place does."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from django.urls import reverse

from enterprises.admission.services import dense_place_save, siting_review_run
from enterprises.models import DensePlace, SitingReview
from safety_platform.models import Notification
from tests.enterprises.topic_factories import ProjectFactory, SeparationFactory

pytestmark = pytest.mark.django_db


def hand_haversine(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Written out independently of the platform: R = 6 371 000 m."""
    r = 6371000.0
    p1, p2 = lat1 * math.pi / 180, lat2 * math.pi / 180
    dp, dl = (lat2 - lat1) * math.pi / 180, (lon2 - lon1) * math.pi / 180
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.atan2(math.sqrt(h), math.sqrt(1 - h))


def cm(value: float) -> Decimal:
    return Decimal(repr(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@pytest.fixture
def project(org: Any, users: Any) -> Any:
    return ProjectFactory(
        name="东城危化品仓库",
        jurisdiction=org.jurisdiction("新罗区/东城街道"),
        latitude="25.100000",
        longitude="117.030000",
        created_by=users["inspector"],
    )


def new_place(org: Any, lat: str, lon: str, **kwargs: Any) -> DensePlace:
    return DensePlace(
        name=kwargs.pop("name", "东城新小学"),
        kind=kwargs.pop("kind", "school"),
        jurisdiction=org.jurisdiction("新罗区"),
        latitude=Decimal(lat),
        longitude=Decimal(lon),
        **kwargs,
    )


def test_a_new_school_inside_the_distance_of_a_project_gets_the_same_review_as_the_project_side(
    project: Any, org: Any, users: Any
) -> None:
    rule = SeparationFactory(category="hazchem_storage", distance_m=Decimal("1000"), version="GB-2016")
    school = dense_place_save(actor=users["committee"], place=new_place(org, "25.105000", "117.030000"))
    (review,) = school.siting_reviews
    assert review.project == project and review.triggered_by_place == school
    assert (review.rule, review.rule_version, review.separation_m) == (rule, "GB-2016", Decimal("1000"))
    conflict = review.conflicts.get()
    assert (conflict.place, conflict.place_kind) == (school, "school")
    assert conflict.distance_m == cm(hand_haversine(25.1, 117.03, 25.105, 117.03))
    assert review.decision == "pending"
    # The very record the project side makes: running the review from the project gives the same conflicts.
    manual = siting_review_run(actor=users["inspector"], project=project)
    assert [(c.place_id, c.distance_m) for c in manual.conflicts.all()] == [(school.pk, conflict.distance_m)]
    # The project's reviewers are told (the one who saved the place is not told about his own save).
    notice = Notification.objects.get(recipient=users["inspector"], dedup_key=f"siting-review:{review.pk}")
    assert notice.url == project.get_absolute_url() and "东城新小学" in notice.body
    assert not Notification.objects.filter(recipient=users["committee"], category="siting").exists()


def test_exactly_at_the_distance_is_outside_and_one_centimetre_closer_is_inside(
    project: Any, org: Any, users: Any
) -> None:
    exact = cm(hand_haversine(25.1, 117.03, 25.104321, 117.034567))
    SeparationFactory(category="hazchem_storage", distance_m=exact)
    at_limit = dense_place_save(actor=users["committee"], place=new_place(org, "25.104321", "117.034567"))
    assert at_limit.siting_reviews == [] and not SitingReview.objects.exists()

    SeparationFactory(category="hazchem_storage", distance_m=exact + Decimal("0.01"), version="wider")
    # The same spot, now inside the wider rule in force: any save of the place reviews the project.
    inside = dense_place_save(actor=users["committee"], place=new_place(org, "25.104321", "117.034567", name="B"))
    (review,) = inside.siting_reviews
    assert review.rule_version == "wider"
    assert {c.place_id: c.distance_m for c in review.conflicts.all()} == {at_limit.pk: exact, inside.pk: exact}


def test_moving_the_place_away_clears_and_moving_it_closer_updates(project: Any, org: Any, users: Any) -> None:
    SeparationFactory(category="hazchem_storage", distance_m=Decimal("1000"))
    market = dense_place_save(actor=users["committee"], place=new_place(org, "25.105000", "117.030000", kind="market"))
    assert project.reviews.count() == 1

    # Renaming it changes nothing the siting depends on: no new review, the decided one stands.
    market.name = "东城农贸市场"
    assert dense_place_save(actor=users["committee"], place=market).siting_reviews == []
    assert project.reviews.count() == 1

    market.latitude = Decimal("25.103000")  # closer: a new review with the new distance
    (closer,) = dense_place_save(actor=users["committee"], place=market).siting_reviews
    assert closer.conflicts.get().distance_m == cm(hand_haversine(25.1, 117.03, 25.103, 117.03))

    market.latitude = Decimal("25.120000")  # far away: the latest review lists nothing any more
    (cleared,) = dense_place_save(actor=users["committee"], place=market).siting_reviews
    assert cleared.triggered_by_place == market and not cleared.conflicts.exists()
    assert project.reviews.order_by("-created_at", "-id").first() == cleared

    market.is_active = False  # still away and now closed: nothing to review again
    assert dense_place_save(actor=users["committee"], place=market).siting_reviews == []


def test_closing_a_place_inside_the_distance_clears_the_conflict(project: Any, org: Any, users: Any) -> None:
    SeparationFactory(category="hazchem_storage", distance_m=Decimal("1000"))
    home = dense_place_save(actor=users["committee"], place=new_place(org, "25.101000", "117.030000", kind="elderly"))
    home.is_active = False
    (review,) = dense_place_save(actor=users["committee"], place=home).siting_reviews
    assert not review.conflicts.exists()


def test_rejected_projects_and_other_categories_far_enough_are_left_alone(project: Any, org: Any, users: Any) -> None:
    SeparationFactory(category="hazchem_storage", distance_m=Decimal("1000"))
    SeparationFactory(category="fuel_station", distance_m=Decimal("50"))
    ProjectFactory(jurisdiction=org.jurisdiction("新罗区"), status="rejected")  # same spot, will not be built
    station = ProjectFactory(
        jurisdiction=org.jurisdiction("新罗区"), category="fuel_station", latitude="25.104000", longitude="117.030000"
    )
    school = dense_place_save(actor=users["committee"], place=new_place(org, "25.105000", "117.030000"))
    # 111 m from the station (outside its 50 m), 556 m from the storage project (inside its 1000 m).
    assert [r.project for r in school.siting_reviews] == [project]
    assert not station.reviews.exists()


def test_query_count_is_bounded_by_the_projects_nearby_not_by_all_projects(
    project: Any, org: Any, users: Any, django_assert_max_num_queries: Any
) -> None:
    SeparationFactory(category="hazchem_storage", distance_m=Decimal("1000"))
    for i in range(30):  # far away (another county): the bounding box keeps them out of the query
        ProjectFactory(jurisdiction=org.jurisdiction("上杭县"), latitude=f"25.{300 + i}000", longitude="116.420000")
    with django_assert_max_num_queries(40) as far_queries:
        far = dense_place_save(actor=users["committee"], place=new_place(org, "24.900000", "116.900000"))
    assert far.siting_reviews == []
    with django_assert_max_num_queries(60):
        near = dense_place_save(actor=users["committee"], place=new_place(org, "25.105000", "117.030000"))
    assert [r.project for r in near.siting_reviews] == [project]
    assert len(far_queries.captured_queries) < 15


def test_the_place_form_says_which_project_was_flagged_and_the_project_page_shows_why(
    client: Any, project: Any, org: Any, users: Any
) -> None:
    SeparationFactory(category="hazchem_storage", distance_m=Decimal("1000"))
    client.force_login(users["inspector"])
    response = client.post(
        reverse("enterprises:place_new"),
        {
            "name": "东城幼儿园",
            "kind": "school",
            "jurisdiction": org.jurisdiction("新罗区/东城街道").pk,
            "latitude": "25.102000",
            "longitude": "117.030000",
            "population": "300",
            "is_active": "on",
        },
        follow=True,
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "东城危化品仓库" in text and "东城幼儿园" in text
    page = client.get(project.get_absolute_url()).content.decode()
    assert 'data-testid="review-trigger"' in page and "东城幼儿园" in page
