"""Calling a WSGI app in-process, as a server would, for the benchmarks that set the platform beside a minimal app
(bench/credit_feeds.py, bench/_hazard_api.py): the same environ for both, no HTTP server on either side (which would
only add the same cost to both and pull the ratio towards 1)."""

from __future__ import annotations

import io
import sys
from collections.abc import Callable
from typing import Any


def environ_for(path: str, query: str, **headers: str) -> dict[str, Any]:
    """A GET of `path?query` from 127.0.0.1 to testserver, with `headers` (`HTTP_COOKIE=…`, `HTTP_AUTHORIZATION=…`)."""
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_HOST": "testserver",
        **headers,
        "REMOTE_ADDR": "127.0.0.1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }


def call(app: Callable[..., Any], environ: dict[str, Any]) -> bytes:
    """The body `app` answers `environ` with; stops the benchmark on anything but a 200."""
    status: list[str] = []
    result = app(environ, lambda s, headers, exc_info=None: status.append(s))
    try:
        body = b"".join(result)
    finally:
        close = getattr(result, "close", None)
        if close:
            close()  # Django's request_finished (connection bookkeeping) runs here
    if not status[0].startswith("200"):
        raise SystemExit(f"{environ['PATH_INFO']}?{environ['QUERY_STRING']}: {status[0]} {body[:300]!r}")
    return body


def plain_connection() -> Any:
    """The minimal app's own psycopg2 connection to the benchmark's database: autocommit, its session in UTC."""
    import psycopg2
    from django.conf import settings

    db = settings.DATABASES["default"]
    conn = psycopg2.connect(
        dbname=db["NAME"], user=db["USER"], host=db["HOST"], port=db["PORT"] or 5432, password=db["PASSWORD"] or None
    )
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SET TIME ZONE 'UTC'")
    return conn
