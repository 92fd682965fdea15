"""Locust users of the load test; run by bench/load_test.py, which seeds the database and starts gunicorn.

By hand, against a server you started (ids and secrets in LOAD_IDS, see bench/load_test.py):

    LOAD_IDS='{"password": "...", "api_key": "...", "enterprise": 1, ...}' .venv/bin/locust -f bench/locustfile.py \\
        --headless -u 50 -r 10 --run-time 60s --host http://127.0.0.1:8000 WebInspector WebEnterprise

Web users sign in once through the login form and then read pages with 1–3 s of reading time between
them; API clients call every 0.5–1.5 s. A request fails when it does not answer 200, when a page comes
back as the login form (the session was lost) or when an API answer is not JSON.
"""

from __future__ import annotations

import itertools
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import gevent
from locust import HttpUser, between, constant, events

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load_mix import (
    API_CLASSES,
    API_CLIENTS,
    API_REQUESTS,
    API_WAIT,
    API_WEIGHTS,
    LOGIN_URL,
    WEB_CLASSES,
    WEB_PAGES,
    WEB_ROLES,
    WEB_WAIT,
    WEB_WEIGHTS,
    Req,
    api_token,
    fill,
    load_ids,
    web_login,
)

IDS = load_ids()
_started = 0  # users whose on_start (sign-in) has finished, well or not


@events.init.add_listener
def _measure_after_sign_in(environment: Any, **_kwargs: Any) -> None:
    """With LOAD_MEASURE_SECONDS: statistics count from the moment every user is spawned and signed in.

    Sign-in hashes the password (PBKDF2, deliberately slow), so fifty sign-ins at once would otherwise dominate the
    figures of a one-minute run; the sign-in phase is measured on its own (LOAD_SIGNIN_FILE).
    """
    seconds = float(os.environ.get("LOAD_MEASURE_SECONDS", "0"))
    if seconds and environment.runner is not None:
        gevent.spawn(_measure, environment.runner, seconds)


def _measure(runner: Any, seconds: float) -> None:
    start = time.monotonic()
    while not (runner.target_user_count and _started >= runner.target_user_count):
        gevent.sleep(0.2)
    signin = {"seconds": round(time.monotonic() - start, 1), "stats": _signin_stats(runner.stats)}
    if os.environ.get("LOAD_SIGNIN_FILE"):
        Path(os.environ["LOAD_SIGNIN_FILE"]).write_text(json.dumps(signin))
    runner.stats.reset_all()
    gevent.sleep(seconds)
    runner.quit()


def _signin_stats(stats: Any) -> dict[str, Any]:
    total = stats.total
    return {
        "requests": total.num_requests,
        "failures": total.num_failures,
        "median_ms": total.median_response_time,
        "p95_ms": total.get_response_time_percentile(0.95),
    }


def _web_task(req: Req) -> Callable[[Any], None]:
    url = fill(req.url, IDS)

    def task(user: HttpUser) -> None:
        with user.client.get(url, name=req.name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            elif LOGIN_URL in response.url:
                response.failure("answered with the login form (session lost)")

    return task


def _api_task(req: Req) -> Callable[[Any], None]:
    url = fill(req.url, IDS)

    def task(user: HttpUser) -> None:
        with user.client.get(url, name=req.name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            elif not response.headers.get("Content-Type", "").startswith("application/json"):
                response.failure("not JSON")

    return task


# LOAD_NO_WAIT=1 (load_test.py --no-wait): every user sends its next request as soon as the last one answers, to
# saturate the server and measure its throughput (the scale-out measurement), not a realistic pace.
NO_WAIT = os.environ.get("LOAD_NO_WAIT") == "1"


class _WebUser(HttpUser):
    abstract = True
    wait_time = constant(0) if NO_WAIT else between(*WEB_WAIT)
    role = ""
    _logins: Iterator[str]

    def on_start(self) -> None:
        global _started
        try:
            web_login(self.client, next(self._logins), IDS.get("password", ""), name="login")
        finally:
            _started += 1


class _ApiClient(HttpUser):
    abstract = True
    wait_time = constant(0) if NO_WAIT else between(*API_WAIT)
    login: str | None = None

    def on_start(self) -> None:
        global _started
        self.client.headers["Accept"] = "application/json"
        try:
            if self.login is None:
                self.client.headers["Authorization"] = f"Api-Key {IDS.get('api_key', '')}"
            else:
                token = api_token(self.client, self.login, IDS.get("password", ""), name="api token")
                self.client.headers["Authorization"] = f"Token {token}"
        finally:
            _started += 1


def _web_class(name: str, role: str) -> type[HttpUser]:
    return type(
        name,
        (_WebUser,),
        {
            "role": role,
            "weight": WEB_WEIGHTS[role],
            "_logins": itertools.cycle(WEB_ROLES[role]),
            "tasks": {_web_task(r): r.weight for r in WEB_PAGES[role]},
            "__module__": __name__,
        },
    )


def _api_class(name: str, client: str) -> type[HttpUser]:
    return type(
        name,
        (_ApiClient,),
        {
            "login": API_CLIENTS[client],
            "weight": API_WEIGHTS[client],
            "tasks": {_api_task(r): r.weight for r in API_REQUESTS[client]},
            "__module__": __name__,
        },
    )


# One locust user class per role (names in load_mix.WEB_CLASSES / API_CLASSES); locust finds them here.
for _name, _role in WEB_CLASSES.items():
    globals()[_name] = _web_class(_name, _role)
for _name, _client in API_CLASSES.items():
    globals()[_name] = _api_class(_name, _client)
