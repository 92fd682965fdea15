"""The web shell: login, navigation by role, a home page per role, language switch."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from tests.assets import external_asset_urls

pytestmark = pytest.mark.django_db


def test_pages_need_login(client: Any, xinluo_chem: Any) -> None:
    for url in ["/", "/enterprises/", f"/enterprises/{xinluo_chem.pk}/", "/notifications/"]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_login_with_password_and_logout(client: Any, users: dict[str, Any]) -> None:
    response = client.post(reverse("login"), {"username": "inspector", "password": "pass-Word-1"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200
    client.post(reverse("logout"))
    assert client.get("/").status_code == 302


def test_wrong_password_shows_a_message(client: Any, users: dict[str, Any]) -> None:
    response = client.post(reverse("login"), {"username": "inspector", "password": "nope"})
    assert response.status_code == 200 and "alert-danger" in response.content.decode()


@pytest.mark.parametrize(
    ("role", "sees", "hidden"),
    [
        ("committee", ["/enterprises/"], ["/enterprises/mine/"]),
        ("inspector", ["/enterprises/"], ["/enterprises/mine/"]),
        ("department", ["/enterprises/"], ["/enterprises/mine/"]),
        ("enterprise", ["/enterprises/mine/"], ['href="/enterprises/"', "/admin/"]),
    ],
)
def test_navigation_follows_role(
    client: Any, users: dict[str, Any], role: str, sees: list[str], hidden: list[str]
) -> None:
    client.force_login(users[role])
    page = client.get("/").content.decode()
    for needle in sees:
        assert needle in page, (role, needle)
    for needle in hidden:
        assert needle not in page, (role, needle)


def test_home_page_differs_per_role(client: Any, users: dict[str, Any], shanghang_site: Any) -> None:
    client.force_login(users["committee"])
    assert 'data-testid="enterprise-total">2<' in client.get("/").content.decode()
    client.force_login(users["inspector_town"])
    assert 'data-testid="enterprise-total">1<' in client.get("/").content.decode()
    client.force_login(users["enterprise"])
    page = client.get("/").content.decode()
    assert "enterprise-total" not in page and users["enterprise"].enterprise.name in page


def test_enterprise_list_redirects_enterprise_users_to_their_own_page(client: Any, users: dict[str, Any]) -> None:
    client.force_login(users["enterprise"])
    response = client.get("/enterprises/", follow=True)
    assert response.redirect_chain[-1][0] == f"/enterprises/{users['enterprise'].enterprise_id}/"


def test_simplified_chinese_is_the_default_and_english_is_switchable(client: Any, users: dict[str, Any]) -> None:
    client.force_login(users["committee"])
    # An English browser still gets Chinese: only the switch changes the language.
    page = client.get("/enterprises/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="zh-hans">' in page and "企业" in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/enterprises/"})
    page = client.get("/enterprises/").content.decode()
    assert '<html lang="en">' in page and "Enterprises" in page


def test_pages_are_phone_ready(client: Any, users: dict[str, Any]) -> None:
    client.force_login(users["inspector"])
    page = client.get("/enterprises/").content.decode()
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in page
    assert "table-responsive" in page and "navbar-toggler" in page


def test_static_front_end_libraries_are_local(client: Any, users: dict[str, Any]) -> None:
    client.force_login(users["inspector"])
    page = client.get("/").content.decode()
    assert "/static/vendor/bootstrap/css/bootstrap.min.css" in page
    assert external_asset_urls(page) == []


def test_htmx_is_gone(client: Any, users: dict[str, Any]) -> None:
    """No page uses htmx (issue 17): the library, its config and its headers are not sent."""
    client.force_login(users["inspector"])
    for url in ("/", "/enterprises/", "/hazards/"):
        page = client.get(url).content.decode()
        # As a word: the page's random CSRF token may hold the four letters (as it once held "cdn").
        assert re.search(r"\bhtmx\b", page) is None and "hx-" not in page


def test_healthz(client: Any, db: Any) -> None:
    assert client.get("/healthz/").json() == {"status": "ok"}


def test_api_clients_may_negotiate_the_language_of_errors(api_client: Any, db: Any) -> None:
    chinese = api_client.get("/api/v1/enterprises/").json()["detail"]
    english = api_client.get("/api/v1/enterprises/", HTTP_ACCEPT_LANGUAGE="en").json()["detail"]
    assert chinese != english and "credentials" in english


def test_the_unread_count_is_counted_once_per_page(client: Any, users: dict[str, Any]) -> None:
    """The top bar shows the unread count in three places (phone bell, its label, desktop link)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from safety_platform.models import Notification

    Notification.objects.create(recipient=users["inspector"], title="隐患逾期未整改")
    client.force_login(users["inspector"])
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("notifications")).content.decode()
    counts = [
        q["sql"]
        for q in queries
        if "COUNT(" in q["sql"] and "safety_platform_notification" in q["sql"] and '"read_at" IS NULL' in q["sql"]
    ]
    assert 'data-testid="unread-count">1<' in page
    assert len(counts) == 1, counts
