"""The hazard list's plain page answered before the rest of the stack (issue 16, hazards/api/fast.py): the very answer
of the full stack — status, body and every header, byte for byte — for what a signed-in phone sends, for every filter
of the list and every role's scope; everything else (and every session the full stack would sign out, refuse or
write) still goes through DRF as before."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.authtoken.models import Token

from enterprises.models import Enterprise
from hazards.models import Campaign, Hazard
from tests.clock import shanghai
from tests.fast_path import WITHOUT_FAST_PATH
from tests.hazards.factories import make_hazard

# The clock stands still (a minute of requests would have the session's stamp written: a full-stack request).
pytestmark = [pytest.mark.django_db, pytest.mark.clock(shanghai(2026, 12, 4, 10), tick=False)]

URL = "/api/v1/hazards/"


@pytest.fixture
def hazards(users: dict[str, Any], world: dict[str, Any]) -> dict[str, Any]:
    """Hazards in every scope of the world, in open and closed-out states, grades, sources, a campaign, overdue,
    listed."""
    inspector = users["inspector"]
    campaign = Campaign.objects.create(
        name="危化品专项整治", starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 12, 31)
    )
    made = {
        "registered": make_hazard(world["xinluo_chem"], state="registered", inspector=inspector, title="登记"),
        "assessed": make_hazard(world["xinluo_chem"], state="assessed", inspector=inspector, title="一般"),
        "major": make_hazard(world["xinluo_site"], state="reported", grade="major", inspector=inspector, title="重大"),
        "rectifying": make_hazard(world["xinluo_site"], state="rectifying", inspector=inspector, title="整改"),
        "overdue": make_hazard(world["xinluo_chem"], state="assessed", inspector=inspector, title="逾期"),
        "remediated": make_hazard(world["shanghang_site"], title="待验收"),
        "selfcheck": make_hazard(world["yongding_mine"], source="self_check", title="自查"),
        "old": make_hazard(
            world["yongding_mine"], state="registered", title="旧", found_at=shanghai(2025, 3, 1, 9, 30)
        ),
    }
    # Out of the inspector's county: their states written as the loop leaves them.
    deadline = timezone.localdate() + dt.timedelta(days=30)
    Hazard.objects.filter(pk=made["remediated"].pk).update(state="remediated", grade="general", deadline=deadline)
    Hazard.objects.filter(pk=made["selfcheck"].pk).update(state="assessed", grade="major", deadline=deadline)
    Hazard.objects.filter(pk=made["overdue"].pk).update(deadline=timezone.localdate() - dt.timedelta(days=1))
    Hazard.objects.filter(pk=made["assessed"].pk).update(campaign=campaign, is_listed=True)
    Hazard.objects.filter(pk=made["registered"].pk).update(latitude="25.0750000", longitude="117.0170000")
    return {**made, "campaign": campaign}


def signed_in(user: Any, **cookies: str) -> Client:
    client = Client()
    client.force_login(user)
    for name, value in cookies.items():
        client.cookies[name] = value
    return client


def both(client: Any, params: dict[str, Any] | None = None, **headers: str) -> tuple[Any, Any]:
    """The same request of the same signed-in client through the stack with the fast path and without it."""
    fast = client.get(URL, params or {}, **headers)
    with override_settings(MIDDLEWARE=WITHOUT_FAST_PATH):
        other: Any = Client()  # a client loads its middleware once: another one, with the same cookies
        other.cookies = client.cookies
        full = other.get(URL, params or {}, **headers)
    return fast, full


def assert_same(fast: Any, full: Any) -> None:
    assert fast.status_code == full.status_code
    assert fast.content == full.content
    assert dict(fast.headers) == dict(full.headers)
    assert list(fast.headers) == list(full.headers)  # in the same order too
    assert {name: c.output() for name, c in fast.cookies.items()} == {
        name: c.output() for name, c in full.cookies.items()
    }


def filter_cases(user: Any, world: dict[str, Any], hazards: dict[str, Any], org: Any) -> list[dict[str, Any]]:
    """Each filter of the list (as its form sends them), alone and together, and pages."""
    return [
        {},
        {"state": "rectifying"},
        {"state": ["assessed", "reported"]},
        {"state": "voided"},
        {"open": "true"},
        {"open": "false"},
        {"grade": "major"},
        {"overdue": "true"},
        {"source": "self_check"},
        {"industry": "E47"},
        {"enterprise": str(Enterprise.objects.visible_to(user).order_by("pk").values_list("pk", flat=True)[0])},
        {"campaign": str(hazards["campaign"].pk)},
        {"jurisdiction": str(org.jurisdiction("新罗区/东城街道").pk)},
        {"listed": "true"},
        {"found_after": "2026-01-01"},
        {"found_before": "2025-12-31"},
        {"closed_after": "2026-01-01"},
        {"q": "逾期"},
        {"q": hazards["major"].code},
        {"open": "true", "grade": "general", "page_size": "2"},
        {"page": "2", "page_size": "2"},
        {"page": "last", "page_size": "3"},
        {"page_size": "1"},
    ]


@pytest.mark.parametrize(
    "role",
    [
        "inspector",
        "inspector_town",
        "county_office",
        "committee",
        "admin",
        "department",
        "department_zjj",
        "enterprise",
    ],
)
def test_every_filter_and_scope_is_the_full_stacks_answer_without_drf(
    users: dict[str, Any], world: dict[str, Any], hazards: dict[str, Any], org: Any, drf_calls: list[str], role: str
) -> None:
    client = signed_in(users[role])
    seen: set[int] = set()
    for params in filter_cases(users[role], world, hazards, org):
        drf_calls.clear()
        fast, full = both(client, params)
        assert fast.status_code == 200, (params, fast.content)
        assert_same(fast, full)
        assert drf_calls == [URL], params  # only the full stack's request went through DRF
        seen |= {row["id"] for row in fast.json()["results"]}
    expected = set(Hazard.objects.visible_to(users[role]).values_list("pk", flat=True))
    assert seen == expected and seen  # each role sees its own scope (state=voided lists none: none is voided)


def test_the_next_link_english_and_the_language_cookie_are_answered_alike(
    users: dict[str, Any], hazards: dict[str, Any], drf_calls: list[str]
) -> None:
    client = signed_in(users["inspector"])
    first = client.get(URL, {"page_size": "1", "open": "true"}).json()
    assert first["next"]
    query = first["next"].split("?", 1)[1]
    for params, headers, cookies in (
        (dict(item.split("=") for item in query.split("&")), {}, {}),
        ({}, {"HTTP_ACCEPT_LANGUAGE": "en", "HTTP_ACCEPT": "application/json"}, {}),
        ({}, {}, {settings.LANGUAGE_COOKIE_NAME: "en"}),
        ({}, {"HTTP_ACCEPT": "*/*", "HTTP_USER_AGENT": "Mozilla/5.0 (Linux; Android 14) Mobile"}, {}),
        ({}, {}, {"csrftoken": "a" * 32}),
    ):
        for name, value in cookies.items():
            client.cookies[name] = value
        drf_calls.clear()
        fast, full = both(client, params, **headers)
        assert fast.status_code == 200
        assert_same(fast, full)
        assert drf_calls == [URL]
    assert fast["Content-Language"] == "en"


def test_the_fast_path_reads_the_session_the_user_and_the_page(
    users: dict[str, Any], hazards: dict[str, Any], drf_calls: list[str]
) -> None:
    client = signed_in(users["inspector"])
    assert client.get(URL, {"state": "assessed"}).status_code == 200  # the page's SQL compiled
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, {"state": "assessed"})
    assert response.status_code == 200 and response.json()["count"] == 2
    statements = [q["sql"] for q in queries.captured_queries]
    # The session, the user with their jurisdictions' paths (one query), the page: nothing written.
    assert len(statements) <= 3, statements
    assert not any(s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")) for s in statements)
    assert drf_calls == []


def test_an_inspector_of_two_counties_sees_both_as_the_full_stack_does(
    users: dict[str, Any], hazards: dict[str, Any], org: Any, drf_calls: list[str]
) -> None:
    """The paths read with the user (a row per jurisdiction) are every one of them, as the full stack reads them."""
    inspector = users["inspector"]
    inspector.jurisdictions.add(org.jurisdiction("永定区"))
    client = signed_in(inspector)
    for params in ({}, {"source": "self_check"}, {"page_size": "3"}):
        fast, full = both(client, params)
        assert_same(fast, full)
    titles = {row["title"] for row in client.get(URL, {"page_size": "50"}).json()["results"]}
    assert {"自查", "旧", "登记", "逾期"} <= titles  # 永定区's and 新罗区's, not 上杭县's
    assert "待验收" not in titles
    assert drf_calls == [URL, URL, URL]


@pytest.mark.parametrize(
    ("params", "headers", "status"),
    [
        ({"format": "json"}, {}, 200),
        ({"format": "api"}, {}, 200),  # the browsable API
        ({"ordering": "code"}, {}, 200),
        ({"search": "逾期"}, {}, 200),
        ({"found_after_0": "2026-01-01"}, {}, 200),  # a widget's part
        ({"nonsense": "1"}, {}, 200),
        ({"grade": "nope"}, {}, 400),
        ({"open": "maybe"}, {}, 400),
        ({"enterprise": "abc"}, {}, 400),
        ({"page": "0"}, {}, 400),
        ({"page": "99"}, {}, 400),
        ({"page_size": "x"}, {}, 400),
        ({}, {"HTTP_ACCEPT": "text/html"}, 200),
        ({}, {"HTTP_ACCEPT": "application/json; indent=4"}, 200),
        ({}, {"HTTP_AUTHORIZATION": "Token nope"}, 401),
        ({}, {"HTTP_AUTHORIZATION": "Api-Key nope.nope"}, 401),
    ],
)
def test_anything_else_goes_through_the_full_stack(
    users: dict[str, Any],
    hazards: dict[str, Any],
    drf_calls: list[str],
    params: dict[str, str],
    headers: dict[str, str],
    status: int,
) -> None:
    fast, full = both(signed_in(users["inspector"]), params, **headers)
    assert fast.status_code == status
    if fast["Content-Type"].startswith("text/html"):  # the browsable API: a new CSRF token in each page
        assert full.status_code == status
    else:
        assert_same(fast, full)
    assert drf_calls == [URL, URL]


def test_a_post_and_a_head_go_through_the_full_stack(
    users: dict[str, Any], hazards: dict[str, Any], drf_calls: list[str]
) -> None:
    client = signed_in(users["inspector"])
    assert client.head(URL).status_code == 200
    assert client.post(URL, {}, content_type="application/json").status_code == 400  # fields missing
    assert drf_calls == [URL, URL]


def test_no_session_a_forged_one_or_a_malformed_csrf_cookie_go_through_the_full_stack(
    users: dict[str, Any], hazards: dict[str, Any], drf_calls: list[str]
) -> None:
    assert Client().get(URL).status_code == 401
    forged = Client()
    forged.cookies[settings.SESSION_COOKIE_NAME] = "x" * 32
    assert forged.get(URL).status_code == 401
    client = signed_in(users["inspector"], csrftoken="not a token!")
    response = client.get(URL)
    assert response.status_code == 200 and "csrftoken" in response.cookies  # a new CSRF cookie, as before
    assert drf_calls == [URL, URL, URL]


def test_a_session_expired_in_the_database_goes_through_the_full_stack(
    users: dict[str, Any], hazards: dict[str, Any], drf_calls: list[str]
) -> None:
    """The session's row is read as the session engine reads it: one past its expiry date is no session."""
    from django.contrib.sessions.models import Session

    client = signed_in(users["inspector"])
    assert client.get(URL).status_code == 200
    assert drf_calls == []
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    assert client.get(URL).status_code == 401
    assert drf_calls == [URL]


def test_the_user_read_by_its_kept_statement_is_the_users_own(
    users: dict[str, Any], hazards: dict[str, Any], org: Any, drf_calls: list[str], monkeypatch: Any
) -> None:
    """The user and their jurisdictions' paths, read by the statement compiled once, answer as the ORM's queryset
    does (the statement refused: the queryset runs), for a user of two counties and one of none."""
    from hazards.api import fast

    inspector = users["inspector"]
    inspector.jurisdictions.add(org.jurisdiction("永定区"))
    kept = fast._user_rows(inspector.pk)
    assert [(u.pk, u.username, u.role, u.jurisdiction_path_of_row) for u in kept] == [
        (u.pk, u.username, u.role, u.jurisdiction_path_of_row)
        for u in fast._user_paths_queryset(type(inspector), inspector.pk)
    ]
    assert len(kept) == 2 and not kept[0]._state.adding and kept[0]._state.db == "default"
    answers = {}
    for user in (inspector, users["committee"]):
        answers[user.username] = signed_in(user).get(URL).content
    monkeypatch.setattr(fast, "_user_statement", lambda alias, vendor: None)
    for user in (inspector, users["committee"]):
        assert signed_in(user).get(URL).content == answers[user.username]
    assert drf_calls == []


def test_a_changed_password_signs_the_phone_out(
    users: dict[str, Any], hazards: dict[str, Any], drf_calls: list[str]
) -> None:
    inspector = users["inspector"]
    client = signed_in(inspector)
    assert client.get(URL).status_code == 200
    assert drf_calls == []
    inspector.set_password("另一个密码-2026")
    inspector.save()
    assert client.get(URL).status_code == 401
    assert drf_calls == [URL]
    assert client.get(URL).status_code == 401  # the session was ended
    assert drf_calls == [URL, URL]


def test_an_inactive_user_is_refused_by_the_full_stack(
    users: dict[str, Any], hazards: dict[str, Any], drf_calls: list[str]
) -> None:
    inspector = users["inspector"]
    client = signed_in(inspector)
    inspector.is_active = False
    inspector.save()
    assert client.get(URL).status_code == 401
    assert drf_calls == [URL]


def test_a_session_due_a_stamp_idle_or_too_old_goes_through_the_full_stack(
    users: dict[str, Any], hazards: dict[str, Any], drf_calls: list[str], time_machine: Any
) -> None:
    def later(delta: dt.timedelta) -> None:
        time_machine.move_to(timezone.now() + delta, tick=False)

    client = signed_in(users["inspector"])
    later(dt.timedelta(seconds=59))
    assert client.get(URL).status_code == 200
    assert drf_calls == []
    later(dt.timedelta(seconds=1))  # a minute since the last stamp: the full stack writes it
    assert client.get(URL).status_code == 200
    assert drf_calls == [URL]
    assert client.get(URL).status_code == 200  # stamped: fast again
    assert drf_calls == [URL]
    later(dt.timedelta(seconds=settings.SESSION_IDLE_SECONDS + 1))  # idle: signed out
    assert client.get(URL).status_code == 401
    assert drf_calls == [URL, URL]

    client = signed_in(users["inspector"])
    statuses = []
    for _ in range(settings.SESSION_COOKIE_AGE // 1700 + 1):  # active all along, but signed in too long ago
        later(dt.timedelta(seconds=1700))
        statuses.append(client.get(URL).status_code)
    assert statuses[-1] == 401 and statuses[0] == 200


@pytest.mark.parametrize("role", ["inspector", "department", "enterprise"])
def test_a_users_api_token_is_answered_alike(
    users: dict[str, Any], world: dict[str, Any], hazards: dict[str, Any], org: Any, drf_calls: list[str], role: str
) -> None:
    auth = {"HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=users[role]).key}"}
    for params in filter_cases(users[role], world, hazards, org):
        drf_calls.clear()
        fast, full = both(Client(), params, **auth)
        assert fast.status_code == 200, (params, fast.content)
        assert_same(fast, full)
        assert drf_calls == [URL], params


def test_a_token_unknown_expired_of_an_inactive_user_or_with_a_session_goes_through_the_full_stack(
    users: dict[str, Any], hazards: dict[str, Any], drf_calls: list[str], time_machine: Any
) -> None:
    inspector = users["inspector"]
    token = Token.objects.create(user=inspector)
    for header, status in (
        ("Token", 401),
        ("Token a b", 401),
        ("Token unknown", 401),
        ("Bearer " + token.key, 401),  # not a scheme of the API: anonymous
    ):
        assert Client().get(URL, HTTP_AUTHORIZATION=header).status_code == status, header
    with_session = signed_in(users["committee"])
    response = with_session.get(URL, HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200  # the token's user, as before
    assert len(drf_calls) == 5
    drf_calls.clear()
    inspector.is_active = False
    inspector.save()  # ends the user's tokens (revoke_credentials_on_change)
    assert Client().get(URL, HTTP_AUTHORIZATION=f"Token {token.key}").status_code == 401
    token = Token.objects.create(user=users["department"])
    time_machine.move_to(timezone.now() + dt.timedelta(days=settings.API_TOKEN_DAYS), tick=False)
    assert Client().get(URL, HTTP_AUTHORIZATION=f"Token {token.key}").status_code == 401
    assert not Token.objects.filter(pk=token.pk).exists()  # expired: deleted by the full stack, as before
    assert drf_calls == [URL, URL]
