"""The hazard list API's reference: a minimal WSGI app giving the same answer by hand (issue 16).

Shared by bench/hazard_list.py (the inspector's page for each filter) and bench/hazards_risk_map.py (committee
staff's open hazards), as bench/credit_feeds.py's reference stands for the feeds: `GET /api/v1/hazards/?<filters>`
signed in by session cookie, answered on a plain psycopg2 connection with the session row (one SELECT, decoded as
the session format is), the user with their role and jurisdictions' paths (one SELECT; active, the session's
password hash), one capped count (`COUNT(*)` over `LIMIT 1001`) and the page's 27 columns, written as the
platform's JSON with `json.dumps`. It looks up nothing a filter names (an enterprise, a campaign, a town): the
platform does, to refuse one the user may not see with a 400 naming the field.

Both apps are called in-process with the same WSGI environ (no HTTP server on either side, which would only add the
same cost to both); a benchmark compares their first answers, byte for byte, before timing them.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.utils import timezone

from bench import _wsgi as wsgi

PATH = "/api/v1/hazards/"
CITY_WIDE_ROLES = frozenset({"committee"})  # who sees every hazard of the city (safety_platform.roles)

# The page's 27 columns, in the order the platform's statement reads them.
REFERENCE_LIST_SQL = """
SELECT h.id, h.code, h.enterprise_id, e.name, e.credit_code, e.jurisdiction_id, h.title, h.description, h.location,
       h.latitude, h.longitude, h.source, h.state, h.grade, h.found_at, h.deadline, h.responsible_person,
       h.responsible_phone, h.is_listed, h.campaign_id, h.risk_source_id, h.assessed_at, h.reported_at,
       h.submitted_at, h.closed_at, h.created_at, h.updated_at
FROM hazards_hazard h
JOIN enterprises_enterprise e ON e.id = h.enterprise_id
JOIN safety_platform_jurisdiction j ON j.id = e.jurisdiction_id
WHERE ({scope}) AND h.state <> 'voided' {extra}
ORDER BY h.found_at DESC, h.id DESC LIMIT 50
"""

REFERENCE_COUNT_SQL = """
SELECT COUNT(*) FROM (SELECT 1 FROM hazards_hazard h
JOIN enterprises_enterprise e ON e.id = h.enterprise_id
JOIN safety_platform_jurisdiction j ON j.id = e.jurisdiction_id
WHERE ({scope}) AND h.state <> 'voided' {extra} LIMIT 1001) AS sub
"""

SESSION_SQL = "SELECT session_data FROM django_session WHERE session_key = %s AND expire_date > %s"
USER_SQL = """
SELECT u.password, u.is_active, u.role, j.path FROM safety_platform_user u
LEFT JOIN safety_platform_user_jurisdictions uj ON uj.user_id = u.id
LEFT JOIN safety_platform_jurisdiction j ON j.id = uj.jurisdiction_id
WHERE u.id = %s
"""
RECTIFICATION = frozenset({"assessed", "reported", "rectifying"})


def _iso(value: dt.datetime | None, zone: Any) -> str | None:
    if value is None:
        return None
    text = value.astimezone(zone).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def reference_app(conn: Any, filters: dict[str, tuple[str, list[Any]]]) -> Callable[..., Iterable[bytes]]:
    """`GET /api/v1/hazards/?<filters>` signed in by session cookie: the session row, the user and their
    jurisdictions' paths, the capped count and the page, written as the platform's JSON. `filters`: each query
    string the benchmark sends, as its SQL condition and parameters."""
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils.crypto import salted_hmac

    store = SessionStore()
    zone = timezone.get_current_timezone()
    hash_salt = "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash"

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        cookie = SimpleCookie(environ.get("HTTP_COOKIE", ""))
        key = cookie["sessionid"].value if "sessionid" in cookie else ""
        extra, extra_args = filters[environ.get("QUERY_STRING", "")]
        with conn.cursor() as cur:
            cur.execute(SESSION_SQL, [key, dt.datetime.now(dt.UTC)])
            row = cur.fetchone()
            data = store.decode(row[0]) if row else {}
            cur.execute(USER_SQL, [int(data.get("_auth_user_id", 0))])
            users = cur.fetchall()
            if (
                not users
                or not users[0][1]
                or salted_hmac(hash_salt, users[0][0], algorithm="sha256").hexdigest() != data.get("_auth_user_hash")
            ):
                start_response("403 Forbidden", [("Content-Type", "application/json")])
                return [b'{"detail":"not signed in"}']
            paths = [] if users[0][2] in CITY_WIDE_ROLES else [path for *_user, path in users if path]
            scope = (
                "TRUE" if users[0][2] in CITY_WIDE_ROLES else " OR ".join(["j.path LIKE %s"] * len(paths)) or "FALSE"
            )
            args = [f"{path}%" for path in paths] + extra_args
            cur.execute(REFERENCE_COUNT_SQL.format(scope=scope, extra=extra), args)
            count = cur.fetchone()[0]
            cur.execute(REFERENCE_LIST_SQL.format(scope=scope, extra=extra), args)
            rows = cur.fetchall()
        today = timezone.localdate()
        results = [
            {
                "id": r[0],
                "code": r[1],
                "enterprise": r[2],
                "enterprise_name": r[3],
                "credit_code": r[4],
                "jurisdiction": r[5],
                "title": r[6],
                "description": r[7],
                "location": r[8],
                "latitude": None if r[9] is None else float(r[9]),
                "longitude": None if r[10] is None else float(r[10]),
                "source": r[11],
                "state": r[12],
                "grade": r[13],
                "found_at": _iso(r[14], zone),
                "deadline": None if r[15] is None else r[15].isoformat(),
                "responsible_person": r[16],
                "responsible_phone": r[17],
                "is_listed": r[18],
                "is_overdue": r[12] in RECTIFICATION and r[15] is not None and r[15] < today,
                "campaign": r[19],
                "risk_source": r[20],
                "assessed_at": _iso(r[21], zone),
                "reported_at": _iso(r[22], zone),
                "submitted_at": _iso(r[23], zone),
                "closed_at": _iso(r[24], zone),
                "created_at": _iso(r[25], zone),
                "updated_at": _iso(r[26], zone),
                "web_url": f"/hazards/{r[0]}/",
            }
            for r in rows
        ]
        next_link = None
        if count > len(rows):
            query = dict(parse_qsl(environ.get("QUERY_STRING", "")), page="2")
            next_link = f"http://{environ['HTTP_HOST']}{environ['PATH_INFO']}?{urlencode(sorted(query.items()))}"
        body = json.dumps(
            {"count": count if count <= 1000 else None, "next": next_link, "previous": None, "results": results},
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode()
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]

    return app


def call(app: Callable[..., Any], query: str, cookie: str) -> bytes:
    """`app`'s answer to `GET /api/v1/hazards/?query` with the session cookie `cookie`."""
    return wsgi.call(app, wsgi.environ_for(PATH, query, HTTP_COOKIE=cookie))


def reference_connection() -> Any:
    return wsgi.plain_connection()


def session_cookie(user: Any) -> str:
    """A `Cookie` header signed in as `user`: a session as the login page makes one."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
