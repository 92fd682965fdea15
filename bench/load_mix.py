"""The requests of the load test (bench/load_test.py), shared by the locustfile and the single-client reference.

Plain data and two small helpers, no Django and no locust imports: the locustfile imports locust (which
patches the standard library with gevent on import), the orchestrating script imports Django, and both
read the same tables, so the reference measures exactly the requests the load sends.

URLs carry `{placeholders}` filled from the ids the orchestrator found in the seeded database
(`LOAD_IDS`, a JSON object in the environment of the locust process).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Req:
    """One request of a mix: `weight` is how often a user picks it relative to the role's other requests."""

    name: str
    url: str
    weight: int = 1


# Web mix: people in a browser, signed in through /accounts/login/ (session + CSRF), reading the pages their menu
# offers. Read-only on purpose: repeated runs see the same data, and nothing piles up for a Celery worker that the
# load test does not start.
WEB_ROLES: dict[str, tuple[str, ...]] = {
    # role -> demo logins its users sign in as (round robin; several users share a login, each with its own session)
    "inspector": ("inspector",),
    "enterprise": ("enterprise",),
    "committee": ("committee",),
    "department": ("dept_yjj",),
}
WEB_WEIGHTS = {"inspector": 4, "enterprise": 3, "committee": 2, "department": 1}
WEB_WAIT = (1.0, 3.0)  # seconds of reading between two pages (uniform)
# locust user class (bench/locustfile.py) -> role
WEB_CLASSES = {
    "WebInspector": "inspector",
    "WebEnterprise": "enterprise",
    "WebCommittee": "committee",
    "WebDepartment": "department",
}

_STAFF_PAGES = (
    Req("home", "/", 3),
    Req("enterprise list", "/enterprises/", 4),
    Req("enterprise list, search", "/enterprises/?q=化工", 2),
    Req("enterprise detail", "/enterprises/{enterprise}/", 4),
    Req("hazard list", "/hazards/", 4),
    Req("hazard list, open", "/hazards/?open=true", 2),
    Req("hazard detail", "/hazards/{hazard}/", 3),
    Req("risk map", "/hazards/risk-map/", 2),
    Req("hazard statistics", "/hazards/statistics/", 1),
    Req("hazard campaigns", "/hazards/campaigns/", 1),
    Req("plausibility flags", "/hazards/plausibility/", 1),
    Req("credit overview", "/credit/", 2),
    Req("credit blacklist", "/credit/blacklist/", 1),
    Req("credit supervision", "/credit/supervision/", 1),
    Req("responsibility list", "/enterprises/responsibility/", 1),
    Req("high-risk projects", "/enterprises/projects/", 1),
    Req("standardization certificates", "/enterprises/standardization/", 1),
    Req("training overview", "/enterprises/training/", 1),
    Req("emergency", "/emergency/", 1),
    Req("emergency warnings", "/emergency/warnings/", 1),
    Req("assessment dashboard", "/assessment/dashboard/", 1),
    Req("notifications", "/notifications/", 1),
)

WEB_PAGES: dict[str, tuple[Req, ...]] = {
    "inspector": (*_STAFF_PAGES, Req("assessment runs", "/assessment/", 1)),
    "committee": (*_STAFF_PAGES, Req("assessment runs", "/assessment/", 1)),
    "department": _STAFF_PAGES,
    "enterprise": (
        Req("home", "/", 3),
        Req("my enterprise", "/enterprises/mine/", 3),
        Req("enterprise detail (own)", "/enterprises/{own_enterprise}/", 2),
        Req("hazard list (own)", "/hazards/", 4),
        Req("hazard detail (own)", "/hazards/{own_hazard}/", 3),
        Req("risk sources (own)", "/hazards/risk/", 2),
        Req("risk source detail (own)", "/hazards/risk/{own_risk}/", 1),
        Req("self-checks", "/hazards/self-check/", 2),
        Req("hazard statistics", "/hazards/statistics/", 1),
        Req("declared equipment", "/enterprises/equipment/", 1),
        Req("standardization certificates", "/enterprises/standardization/", 1),
        Req("training overview", "/enterprises/training/", 1),
        Req("credit overview", "/credit/", 1),
        Req("credit blacklist", "/credit/blacklist/", 1),
        Req("emergency warnings", "/emergency/warnings/", 1),
        Req("notifications", "/notifications/", 1),
    ),
}

# API mix: department systems with their API key pulling the credit feeds and the registry, and users' own
# scripts and apps with `Authorization: Token` (obtained once from /api/v1/auth/token/).
# client -> demo login whose token it uses (None: the demo department API key)
API_CLIENTS: dict[str, str | None] = {
    "department_key": None,
    "inspector_token": "inspector",
    "committee_token": "committee",
}
API_WEIGHTS = {"department_key": 3, "inspector_token": 2, "committee_token": 1}
API_WAIT = (0.5, 1.5)  # seconds between two calls of a client (uniform)
API_CLASSES = {
    "ApiDepartmentKey": "department_key",
    "ApiInspectorToken": "inspector_token",
    "ApiCommitteeToken": "committee_token",
}
API_REQUESTS: dict[str, tuple[Req, ...]] = {
    "department_key": (
        Req("api credit blacklist", "/api/v1/credit/blacklist/", 3),
        Req("api credit ratings", "/api/v1/credit/ratings/", 3),
        Req("api credit ratings, page 5", "/api/v1/credit/ratings/?page=5", 1),
        Req("api enterprises", "/api/v1/enterprises/", 3),
        Req("api enterprises, page 20", "/api/v1/enterprises/?page=20", 1),
    ),
    "inspector_token": (
        Req("api me", "/api/v1/me/", 1),
        Req("api enterprises", "/api/v1/enterprises/", 3),
        Req("api enterprise detail", "/api/v1/enterprises/{enterprise}/", 2),
        Req("api hazards, open", "/api/v1/hazards/?open=true", 3),
        Req("api hazard detail", "/api/v1/hazards/{hazard}/", 2),
        Req("api risk sources", "/api/v1/risk-sources/", 1),
        Req("api risk map", "/api/v1/risk-map/", 1),
        Req("api notifications", "/api/v1/notifications/", 1),
        Req("api emergency teams", "/api/v1/emergency/teams/", 1),
    ),
    "committee_token": (
        Req("api enterprises", "/api/v1/enterprises/", 2),
        Req("api hazards, open", "/api/v1/hazards/?open=true", 2),
        Req("api risk map", "/api/v1/risk-map/", 1),
        Req("api credit ratings", "/api/v1/credit/ratings/", 1),
        Req("api assessment runs", "/api/v1/assessment/runs/", 1),
        Req("api emergency warnings", "/api/v1/emergency/warnings/", 1),
    ),
}

LOGIN_URL = "/accounts/login/"
TOKEN_URL = "/api/v1/auth/token/"


def load_ids() -> dict[str, Any]:
    """The ids and secrets the orchestrator passed (`LOAD_IDS`); placeholders → 1 when run without it (smoke test)."""
    raw = os.environ.get("LOAD_IDS")
    return json.loads(raw) if raw else {}


class _Ids(dict):  # type: ignore[type-arg]
    def __missing__(self, key: str) -> int:
        return 1


def fill(url: str, ids: dict[str, Any]) -> str:
    """The URL with its `{placeholders}` replaced by the seeded ids (1 for any the orchestrator did not give)."""
    return url.format_map(_Ids(ids))


def web_login(session: Any, username: str, password: str, base: str = "", **kwargs: Any) -> None:
    """Sign in the way a browser does: fetch the form (CSRF cookie), post it with the token, follow the redirect.

    `session` is locust's HttpSession (relative URLs, the extra `name=` keyword) or a requests.Session with `base`.
    Raises RuntimeError when the login page comes back, i.e. the sign-in was refused.
    """
    session.get(base + LOGIN_URL, **kwargs)
    token = session.cookies.get("csrftoken")
    response = session.post(
        base + LOGIN_URL,
        data={"username": username, "password": password, "csrfmiddlewaretoken": token},
        headers={"X-CSRFToken": token or ""},
        **kwargs,
    )
    if response.status_code != 200 or response.url.rstrip("/").endswith(LOGIN_URL.rstrip("/")):
        raise RuntimeError(f"sign-in as {username} refused ({response.status_code})")


def api_token(session: Any, username: str, password: str, base: str = "", **kwargs: Any) -> str:
    response = session.post(base + TOKEN_URL, data={"username": username, "password": password}, **kwargs)
    if response.status_code != 200:
        raise RuntimeError(f"token for {username} refused ({response.status_code}): {response.text[:200]}")
    return str(response.json()["token"])
