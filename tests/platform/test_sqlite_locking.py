"""The embedded default (SQLite) survives two writers at once: found as "database is locked" 500s when
fuzzing the API (schemathesis) with concurrent requests."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.conf import settings
from django.db import connections, transaction


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3", reason="SQLite's own locking"
)
def test_sqlite_writers_that_read_first_wait_for_each_other_instead_of_failing(
    tmp_path: Any, django_db_blocker: Any
) -> None:
    """Two transactions that read a row then write it (every select_for_update … save service), at the same
    time, on a file database with the platform's SQLite settings: both succeed, one after the other. In
    SQLite's default deferred mode the first fails at once with "database is locked"."""
    # Not a django_db test: the test database is in memory; this one needs a file and two connections.
    alias = "sqlite_locks"
    connections.settings[alias] = {**settings.DATABASES["default"], "NAME": str(tmp_path / "locks.sqlite3")}
    first_has_read = threading.Event()
    errors: list[BaseException] = []

    def read_then_write(wait_after_read: bool) -> None:
        try:
            with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
                cursor.execute("SELECT n FROM counter WHERE id = 1")
                (n,) = cursor.fetchone()
                if wait_after_read:
                    first_has_read.set()
                    threading.Event().wait(0.3)  # the other writer tries to get in meanwhile
                cursor.execute("UPDATE counter SET n = %s WHERE id = 1", [n + 1])
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections[alias].close()

    with django_db_blocker.unblock():
        try:
            with connections[alias].cursor() as cursor:
                cursor.execute("CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER)")
                cursor.execute("INSERT INTO counter VALUES (1, 0)")
            connections[alias].close()
            first = threading.Thread(target=read_then_write, args=(True,))
            first.start()
            assert first_has_read.wait(5)
            second = threading.Thread(target=read_then_write, args=(False,))
            second.start()
            first.join(30)
            second.join(30)
            assert errors == []
            with connections[alias].cursor() as cursor:
                cursor.execute("SELECT n FROM counter WHERE id = 1")
                assert cursor.fetchone() == (2,)  # serialized: neither increment was lost
        finally:
            connections[alias].close()
            del connections.settings[alias]
