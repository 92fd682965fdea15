"""bench/page_sweep.py walks what a role is shown, once per route shape, and never a download or a sign-out."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client

from bench import page_sweep
from tests.clock import shanghai
from tests.hazards.factories import make_hazard

pytestmark = pytest.mark.clock(shanghai(2026, 12, 4, 10))


@pytest.mark.parametrize(
    "url",
    [
        "/accounts/logout/",
        "/api/v1/hazards/",
        "/static/css/app.css",
        "/hazards/export/?state=closed",
        "/credit/?format=csv",
        "/enterprises/1/attachment/3/",
    ],
)
def test_the_sweep_does_not_follow_downloads_sign_outs_or_the_api(url: str) -> None:
    assert page_sweep.SKIP.search(url)


@pytest.mark.parametrize("url", ["/hazards/?state=closed&page=2", "/credit/", "/enterprises/12/"])
def test_the_sweep_follows_pages_and_their_filters(url: str) -> None:
    assert not page_sweep.SKIP.search(url)


def test_urls_of_one_route_and_query_shape_count_as_one() -> None:
    assert page_sweep.route_of("/hazards/1/", "") == page_sweep.route_of("/hazards/2/", "")
    assert page_sweep.route_of("/hazards/", "state=a") == page_sweep.route_of("/hazards/", "state=b")
    assert page_sweep.route_of("/hazards/", "state=a") != page_sweep.route_of("/hazards/", "page=2")
    assert page_sweep.route_of("/no-such-page/", "") is None


def test_a_walk_visits_the_pages_a_role_is_shown_a_few_of_each_route(users: dict[str, Any], xinluo_chem: Any) -> None:
    for _ in range(4):
        make_hazard(xinluo_chem)
    client = Client()
    client.force_login(users["committee"])

    urls = page_sweep.walk(client, pages=400, per_route=2)

    assert urls[0] == "/"
    assert "/hazards/" in urls
    detail = [u for u in urls if page_sweep.route_of(urlsplit(u).path, "") == page_sweep.route_of("/hazards/1/", "")]
    assert 1 <= len(detail) <= 2  # four hazards shown, two walked
    assert not [u for u in urls if page_sweep.SKIP.search(u)]
    assert len(urls) == len(set(urls))
