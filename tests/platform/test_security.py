"""Security: open redirects, the API schema, sessions, API tokens, login throttling per address."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from safety_platform.models import Notification
from tests.clock import shanghai
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.clock(shanghai(2026, 12, 4, 10))]
PASSWORD = "pass-Word-1"


@pytest.fixture(autouse=True)
def _fresh_cache() -> Any:
    cache.clear()
    yield
    cache.clear()


# API schema and docs --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["schema", "api-docs", "api-redoc"])
def test_the_api_schema_and_docs_need_a_login_or_a_key(client: Any, users: dict[str, Any], name: str) -> None:
    assert client.get(reverse(name)).status_code in (401, 403)
    client.force_login(users["department"])
    assert client.get(reverse(name)).status_code == 200


# Sessions -------------------------------------------------------------------------------------


def test_a_session_ends_after_30_idle_minutes_and_after_12_hours_whatever_the_activity(
    client: Any, users: dict[str, Any], settings: Any
) -> None:
    client.force_login(users["inspector"])
    assert client.get(reverse("home")).status_code == 200
    session = client.session
    session["_seen_at"] -= 31 * 60
    session["_started_at"] -= 31 * 60
    session.save()
    assert client.get(reverse("home")).status_code == 302  # back to the login page

    client.force_login(users["inspector"])
    client.get(reverse("home"))
    session = client.session
    session["_started_at"] -= 13 * 60 * 60  # active all along, but signed in 13 hours ago
    session.save()
    assert client.get(reverse("home")).status_code == 302


def test_a_password_change_ends_the_other_sessions_and_the_api_tokens_but_not_this_one(
    users: dict[str, Any],
) -> None:
    user = users["inspector"]
    token = Token.objects.create(user=user)
    here, elsewhere = Client(), Client()
    for c in (here, elsewhere):
        assert c.post(reverse("login"), {"username": user.username, "password": PASSWORD}).status_code == 302
    api = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get("/api/v1/").status_code == 200
    response = here.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "Another-pass-42", "new_password2": "Another-pass-42"},
    )
    assert response.status_code == 302
    assert here.get(reverse("home")).status_code == 200
    assert elsewhere.get(reverse("home")).status_code == 302
    assert api.get("/api/v1/").status_code == 401
    assert not Token.objects.filter(user=user).exists()


def test_a_deactivated_users_tokens_are_revoked(users: dict[str, Any]) -> None:
    user = users["inspector"]
    Token.objects.create(user=user)
    user.is_active = False
    user.save()
    assert not Token.objects.filter(user=user).exists()


def test_an_api_token_expires_after_the_configured_days(users: dict[str, Any], settings: Any) -> None:
    settings.API_TOKEN_DAYS = 30
    token = Token.objects.create(user=users["inspector"])
    api = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get("/api/v1/").status_code == 200
    Token.objects.filter(pk=token.pk).update(created=timezone.now() - timedelta(days=31))
    response = api.get("/api/v1/")
    assert response.status_code == 401


# Login throttling -----------------------------------------------------------------------------


def test_one_address_trying_a_password_on_many_accounts_is_blocked_and_the_admins_are_alerted(
    users: dict[str, Any], settings: Any
) -> None:
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_IP_FAILURE_LIMIT = 8
    settings.AXES_SPRAYING_ACCOUNTS = 5
    victims = [UserFactory(username=f"clerk{i}", role="inspector") for i in range(10)]
    client = Client(REMOTE_ADDR="203.0.113.7")
    for victim in victims[:7]:
        response = client.post(reverse("login"), {"username": victim.username, "password": "Summer2026!"})
        assert response.status_code == 200  # each account failed once only: no per-account lockout
    response = client.post(reverse("login"), {"username": victims[7].username, "password": "Summer2026!"})
    assert response.status_code == 429  # the eighth failure from this address locks the address
    # The address is now locked, even for an account it never tried and with the right password.
    response = client.post(reverse("login"), {"username": victims[9].username, "password": PASSWORD})
    assert response.status_code == 429
    # Another address is not affected.
    other = Client(REMOTE_ADDR="203.0.113.8")
    assert other.post(reverse("login"), {"username": victims[9].username, "password": PASSWORD}).status_code == 302
    alerts = Notification.objects.filter(recipient=users["admin"], category="security")
    assert alerts.count() == 1
    assert "203.0.113.7" in alerts.get().title


# Redirects after a form: `next` ----------------------------------------------------------------


@pytest.mark.parametrize("target", ["-1", "notifications", "https://evil.example/", "//evil.example/", "javascript:x"])
def test_a_next_that_is_not_an_address_of_this_site_falls_back_to_the_page_of_the_form(
    client: Any, users: dict[str, Any], target: str
) -> None:
    """Found by fuzzing the demo: `next=-1` was a 500 (redirect() took it for a URL name to reverse)."""
    client.force_login(users["committee"])
    response = client.post(reverse("notification_read"), {"next": target})
    assert response.status_code == 302 and response["Location"] == reverse("notifications")
    response = client.post(reverse("credit:proposals_decide"), {"next": target, "decision": "confirm"})
    assert response.status_code == 302 and response["Location"] == reverse("credit:proposals")


def test_a_next_on_this_site_is_followed(client: Any, users: dict[str, Any]) -> None:
    client.force_login(users["committee"])
    for target in ("/hazards/?state=rectifying", "http://testserver/credit/"):
        response = client.post(reverse("notification_read"), {"next": target})
        assert response.status_code == 302 and response["Location"] == target
