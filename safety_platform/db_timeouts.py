"""PostgreSQL statement timeouts: short for web requests, longer for the worker and management commands.

Settings give every connection `-c statement_timeout=DB_STATEMENT_TIMEOUT` (20 s): no web request should
wait longer on one statement, and a stalled one must free its gunicorn worker. A Celery worker (the
nightly credit recalculation, assessment runs) and `manage.py` commands (migrations on a large table,
backups, restores) legitimately run longer statements; they call `use_long_statement_timeout()` before
their first query, which gives this process's connections `DB_LONG_STATEMENT_TIMEOUT` (10 minutes) instead.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.db import connections

_TIMEOUT = re.compile(r"-c\s*statement_timeout=\S+")


def with_statement_timeout(options: str, seconds: int) -> str:
    """`options` (libpq's server options) with `statement_timeout` set to `seconds` (0: no limit)."""
    setting = f"-c statement_timeout={seconds}s"
    if _TIMEOUT.search(options):
        return _TIMEOUT.sub(setting, options)
    return f"{options} {setting}".strip()


def use_long_statement_timeout() -> None:
    """From now on this process's PostgreSQL connections allow DB_LONG_STATEMENT_TIMEOUT per statement."""
    seconds = getattr(settings, "DB_LONG_STATEMENT_TIMEOUT", None)
    if seconds is None:  # not PostgreSQL
        return
    # The connections' settings are these very dicts: a connection opened from now on gets the new value.
    for alias, settings_dict in settings.DATABASES.items():
        if settings_dict.get("ENGINE") != "django.db.backends.postgresql":
            continue
        options = settings_dict.setdefault("OPTIONS", {})
        options["options"] = with_statement_timeout(options.get("options", ""), seconds)
        connection = connections[alias]
        if connection.connection is not None and not connection.in_atomic_block:
            connection.close()  # opened with the web's timeout: the next query reconnects with the new one
