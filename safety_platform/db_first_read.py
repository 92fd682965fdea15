"""A request's first query as its connection health check, instead of a `SELECT 1` round trip before it.

With `CONN_HEALTH_CHECKS` (settings: a persistent connection that died with the database is replaced,
not used to fail a request), Django runs `SELECT 1` before the first query of every request that
reuses a connection. A department's feed page is two queries (the API key, the page): the check was a
third round trip, and on a busy server the first round trip of a request is the dearest (the
database's process has gone to sleep since the last request).

`first_read(using, run)` lets a read-only statement outside a transaction be that check. If the
connection's check is still due, it is marked done and `run()` runs; should it fail because the
connection is dead (`is_usable()` says so after the failure: a restart, a dropped network), the
connection is closed and `run()` runs once more on a new one — what the check would have done, and the
request succeeds as before. Any other failure (a statement timeout, a bad parameter) is raised as it
was. When the check is off, already done, or a transaction is open, `run()` simply runs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.db import InterfaceError, OperationalError, connections

T = TypeVar("T")


def first_read(using: str, run: Callable[[], T]) -> T:
    connection = connections[using]
    if (
        connection.connection is None  # no connection yet: a new one is healthy (Django checks nothing either)
        or not connection.health_check_enabled  # type: ignore[attr-defined]  # CONN_HEALTH_CHECKS' flags (Django 4.1), not in the stubs
        or connection.health_check_done  # type: ignore[attr-defined]  # CONN_HEALTH_CHECKS' flags (Django 4.1), not in the stubs
        or connection.in_atomic_block
    ):
        return run()
    connection.health_check_done = True  # type: ignore[attr-defined]  # CONN_HEALTH_CHECKS' flags (Django 4.1), not in the stubs
    try:
        return run()
    except (OperationalError, InterfaceError):
        if connection.in_atomic_block or connection.is_usable():
            raise  # the statement failed, not the connection
        try:
            connection.close()
        except (OperationalError, InterfaceError):
            connection.connection = None  # closing a broken connection may complain; it is gone either way
        return run()
