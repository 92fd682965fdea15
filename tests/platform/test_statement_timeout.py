"""A stalled query frees its web worker: PostgreSQL cancels it at `statement_timeout` and the request answers 503
at once (JSON on the API, the plain 503 page on the web) instead of a 500 or a worker held until gunicorn kills it.

The connections are the ones settings give (`OPTIONS`: `-c statement_timeout=…`, TCP keepalives); the tests
shorten the timeout to one second and make the enterprise lists stall in `SELECT pg_sleep(120)`; the answer
must come long before the stall ends (the bound allows for a loaded CI machine). Transactional
(autocommit, as in production): after the cancelled statement the rest of the request still uses the connection.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from safety_platform.db_timeouts import use_long_statement_timeout, with_statement_timeout

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
# Seconds: a one-second timeout answers in about one second here; a loaded CI machine took eight.
STALL_BOUND = 20


def _reconnect_with(options: str) -> None:
    connection.settings_dict["OPTIONS"]["options"] = options
    connection.close()  # the next query connects with these options


@pytest.fixture
def restore_connection_options() -> Iterator[None]:
    before = connection.settings_dict["OPTIONS"].get("options", "")
    yield
    _reconnect_with(before)


@pytest.fixture
def one_second_statement_timeout(restore_connection_options: None) -> None:
    _reconnect_with(with_statement_timeout(connection.settings_dict["OPTIONS"].get("options", ""), 1))


@pytest.fixture
def stalled_enterprise_lists(monkeypatch: Any) -> list[str]:
    """Every enterprise list waits 2 minutes in PostgreSQL before it reads (a lock never released, a stall)."""
    from enterprises.models import Enterprise

    queryset_class = type(Enterprise.objects.all())
    original = queryset_class.visible_to
    stalled: list[str] = []

    def visible_to(self: Any, user: Any) -> Any:
        stalled.append(user.username)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(120)")
        return original(self, user)

    monkeypatch.setattr(queryset_class, "visible_to", visible_to)
    return stalled


def _show(setting: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SHOW {setting}")
        return cursor.fetchone()[0]


def test_web_connections_get_a_20_second_statement_timeout_and_tcp_keepalives() -> None:
    import os
    import subprocess
    import sys

    # A web process as deployed (settings without the suite's override, which turns the limit off so a slow
    # setup on a loaded CI machine is not cancelled): the default limit is 20 s.
    db = connection.settings_dict
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_DB_STATEMENT_TIMEOUT"}
    env |= {
        "DJANGO_SETTINGS_MODULE": "safety_platform.settings.local",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
    }
    probe = (
        "import django; django.setup(); from django.db import connection; c = connection.cursor(); "
        "c.execute('SHOW statement_timeout'); print(c.fetchone()[0])"
    )
    shown = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=120)
    assert shown.stdout.strip() == "20s", shown.stderr[-2000:]
    connection.close()
    connection.ensure_connection()
    dsn = connection.connection.get_dsn_parameters()
    keepalives = [dsn[key] for key in ("keepalives", "keepalives_idle", "keepalives_interval", "keepalives_count")]
    assert keepalives == ["1", "10", "5", "3"]
    assert dsn["tcp_user_timeout"] == "25000"


def test_the_worker_and_commands_get_the_long_statement_timeout(restore_connection_options: None) -> None:
    from celery.signals import celeryd_init

    import safety_platform.celery  # noqa: F401  (connects the worker's signal handlers)

    _show("statement_timeout")  # a connection opened with the web's limit is replaced
    celeryd_init.send(sender="worker@test", instance=None, conf=None, options={})
    assert _show("statement_timeout") == "10min"
    use_long_statement_timeout()  # twice (worker start, then each child process) changes nothing more
    assert connection.settings_dict["OPTIONS"]["options"].count("statement_timeout") == 1


def test_a_stalled_api_request_answers_503_json_within_seconds(
    users: dict[str, Any], one_second_statement_timeout: None, stalled_enterprise_lists: list[str]
) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(users["committee"])
    started = time.monotonic()
    response = client.get("/api/v1/enterprises/", HTTP_ACCEPT="application/json")
    elapsed = time.monotonic() - started
    assert stalled_enterprise_lists, "the list did not reach the stalled query"
    assert response.status_code == 503
    assert elapsed < STALL_BOUND, elapsed
    assert response["Content-Type"].startswith("application/json")
    assert response["Retry-After"].isdigit()
    body = response.json()
    assert body["code"] == "timeout"
    assert body["detail"].startswith("数据库响应时间过长")  # in the caller's language, Chinese by default
    # The connection serves the next request: the cancelled statement left nothing behind.
    assert client.get("/api/v1/jurisdictions/", HTTP_ACCEPT="application/json").status_code == 200


def test_a_stalled_page_answers_the_503_page_within_seconds(
    users: dict[str, Any], one_second_statement_timeout: None, stalled_enterprise_lists: list[str]
) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(users["inspector"])
    started = time.monotonic()
    response = client.get("/enterprises/")
    elapsed = time.monotonic() - started
    assert stalled_enterprise_lists, "the page did not reach the stalled query"
    assert response.status_code == 503
    assert elapsed < STALL_BOUND, elapsed
    assert response["Content-Type"].startswith("text/html")
    assert response["Retry-After"].isdigit()
    body = response.content.decode()
    assert "Traceback" not in body and "OperationalError" not in body and "statement timeout" not in body
    assert "数据库响应时间过长" in body  # users read Chinese: the page says what happened


def test_the_statement_timeout_option_is_replaced_not_repeated() -> None:
    assert with_statement_timeout("", 30) == "-c statement_timeout=30s"
    assert with_statement_timeout("-c search_path=x -c statement_timeout=30s", 600) == (
        "-c search_path=x -c statement_timeout=600s"
    )


def test_connections_run_without_jit_compilation(restore_connection_options: None) -> None:
    """PostgreSQL JIT-compiled the training overview's query (correlated subqueries estimated far above their
    cost): 4.9 s of compilation for 0.18 s of execution at 5,000 enterprises. Settings turn it off, also for
    the worker and commands' longer timeout."""
    assert _show("jit") == "off"
    use_long_statement_timeout()
    assert _show("jit") == "off"
