"""Server-error responses that never touch the database: JSON on the API, a plain page on the web.

Django calls `handler500` inside the `except` block of whatever failed, so `sys.exc_info()` still
holds the exception. A database outage (PostgreSQL restarting, connections refused, a dead connection
found by TCP keepalives) and a statement PostgreSQL cancelled at `statement_timeout` (settings:
DJANGO_DB_STATEMENT_TIMEOUT) become a 503 with `Retry-After`; anything else a 500. Both are rendered
without the database, the session or context processors, which may be the very thing that is down.
"""

from __future__ import annotations

import sys
from typing import Any

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.templatetags.static import static
from django.utils.html import escape
from django.utils.translation import gettext as _

RETRY_AFTER_SECONDS = 30

_PAGE = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title><link rel="stylesheet" href="{css}"></head>
<body class="server-error">
<h1>{title}</h1><p>{message}</p><p><a href="">{again}</a></p></body></html>"""


def _stylesheet() -> str:
    """The page's styles are a file: the Content-Security-Policy allows no style= attribute."""
    try:
        return static("css/server-error.css")
    except Exception:  # a storage without the file in its manifest must not turn an error page into another
        return "/static/css/server-error.css"


QUERY_CANCELED = "57014"  # PostgreSQL's SQLSTATE for a statement cancelled (statement_timeout among others)


def is_database_outage(exc: BaseException | None) -> bool:
    return isinstance(exc, OperationalError | InterfaceError)


def is_statement_timeout(exc: BaseException | None) -> bool:
    """PostgreSQL cancelled the statement ("canceling statement due to statement timeout"): psycopg's
    QueryCanceled, wrapped by Django in an OperationalError."""
    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__ or exc
    return (getattr(cause, "pgcode", None) or getattr(cause, "sqlstate", None)) == QUERY_CANCELED


def server_error_response(request: HttpRequest, exc: BaseException | None) -> HttpResponse:
    outage = is_database_outage(exc)
    status = 503 if outage else 500
    timed_out = is_statement_timeout(exc)
    if timed_out:
        message = _("The database took too long to answer this request. Please try again shortly.")
    elif outage:
        message = _("The service is briefly unavailable (the database cannot be reached). Please try again shortly.")
    else:
        message = _("Something went wrong on the server. The error has been logged; please try again.")
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {
                "detail": message,
                "code": "timeout" if timed_out else "service_unavailable" if outage else "server_error",
            },
            status=status,
        )
    else:
        title = _("Service unavailable") if outage else _("Server error")
        lang = getattr(request, "LANGUAGE_CODE", "zh-hans")
        response = HttpResponse(
            _PAGE.format(
                lang=escape(lang),
                title=escape(title),
                message=escape(message),
                again=escape(_("Try again")),
                css=escape(_stylesheet()),
            ),
            status=status,
            content_type="text/html; charset=utf-8",
        )
    if outage:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def handler500(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    return server_error_response(request, sys.exc_info()[1])


def handler404(request: HttpRequest, exception: Exception) -> HttpResponse:
    """A URL under /api/ that no route matches (`/api/v1/hazards/1.5/`, a misspelt path) answers the API's JSON
    404, as the schema documents for every route that names an object; the web keeps Django's page."""
    if request.path.startswith("/api/"):
        from rest_framework.exceptions import NotFound

        detail = NotFound.default_detail
        return JsonResponse({"detail": str(detail), "code": NotFound.default_code}, status=404)
    from django.views.defaults import page_not_found

    return page_not_found(request, exception)
