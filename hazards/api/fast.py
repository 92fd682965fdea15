"""The hazard list's plain page without the framework around it (issue 16: ≤ 1.2× hand-written SQL).

What an inspector's phone sends all day — `GET /api/v1/hazards/` signed in (the session cookie, or the user's API
token), plain JSON, the list's filters, `page` and `page_size` — is answered here, from
`safety_platform.middleware.FastPathMiddleware`, before the session, locale, CSRF, auth, messages and audit
middleware and DRF's view machinery run.

It is the same answer, not a second implementation of it. The session is read as the session engine reads it (for
the database engine: its row not yet expired, decoded by the engine's own store, by one plain statement instead
of the ORM's compiled on every request) and checked as `django.contrib.auth.get_user` checks it (the backend the
session names, the user's session hash: a changed password signs the phone out), then as SessionLifetimeMiddleware
does (idle and maximum age); a token as ExpiringTokenAuthentication checks it (known, not expired); the user (read
with their jurisdictions' paths by a statement compiled once) must be active and pass the view's own permission
classes. The page is the view's own: `HazardViewSet` built as its URL builds it, its `get_queryset` (`visible_to`
the user), `filter_queryset` (HazardFilterSet), paginator, row formatter and renderer. So status, body and every
header are those of the full stack (tests/hazards/test_list_fast_path.py compares them byte for byte).

Anything else returns None and goes through the full stack, which answers it (errors included) as before: another
method, an API key, a malformed, unknown or expired token, a token sent with a session cookie, another `Accept`, a
parameter the list's form does not send (`format`, `ordering`, `search`, a widget's part), a bad filter value, page
or page size, no session or one that is unknown, expired, of another backend or password, idle or too old, a
session whose last-activity stamp is due to be written (once a minute) or a CSRF cookie due to be replaced, an
inactive user, a user the permissions refuse.
"""

from __future__ import annotations

import time
from datetime import timedelta
from functools import cache
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model, load_backend
from django.contrib.auth.backends import ModelBackend
from django.contrib.sessions.backends.base import SessionBase
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.core.exceptions import EmptyResultSet
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DEFAULT_DB_ALIAS, connections, router
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.urls import resolve
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.crypto import constant_time_compare
from rest_framework.authentication import SessionAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import APIException
from rest_framework.request import Request

from safety_platform.api.authentication import ApiKeyAuthentication
from safety_platform.api.renderers import PlatformJSONRenderer
from safety_platform.db_first_read import first_read
from safety_platform.security import ExpiringTokenAuthentication

from ..filtersets import HazardFilterSet
from .listing import hazard_dicts
from .views import HazardViewSet

PATH = "/api/v1/hazards/"
_PLAIN_JSON_ACCEPTS = frozenset({"*/*", "application/json"})
# The list form's filters by their names (not a widget's parts), and the page.
_PLAIN_PARAMETERS = frozenset(HazardFilterSet.base_filters) | {"page", "page_size"}
_JSON = PlatformJSONRenderer()
# The API's authentication (settings REST_FRAMEWORK): a request without `Authorization` is the session's, one with
# `Token …` the token's (the API key's class passes it on).
_AUTHENTICATION = (ApiKeyAuthentication, ExpiringTokenAuthentication, SessionAuthentication)


@cache
def _route() -> tuple[type[HazardViewSet], dict[str, Any], dict[str, str]]:
    """The view class, its init arguments and its actions, as the URL conf builds them."""
    func: Any = resolve(PATH).func
    return func.cls, dict(func.initkwargs), dict(func.actions)


@cache
def _session_store() -> type[SessionBase]:
    return import_module(settings.SESSION_ENGINE).SessionStore  # type: ignore[no-any-return]


def hazard_list_page(request: HttpRequest) -> HttpResponse | None:
    meta = request.META
    if (
        request.method != "GET"
        or meta.get("HTTP_ACCEPT", "*/*") not in _PLAIN_JSON_ACCEPTS
        or not _PLAIN_PARAMETERS.issuperset(request.GET)
        or settings.DISALLOWED_USER_AGENTS  # CommonMiddleware's check: not done here
    ):
        return None
    session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    header = meta.get("HTTP_AUTHORIZATION")
    if (header is None) == (session_key is None):
        return None  # neither a session nor a token, or both (the session middleware would still read the session)
    request.get_host()  # CommonMiddleware's check: a host not allowed is a 400 here too
    CsrfViewMiddleware(lambda _request: HttpResponse()).process_request(request)
    if meta.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return None  # a malformed CSRF cookie: the full stack sends a new one
    user, auth = _token_user(header) if header is not None else (_session_user(_session_store()(session_key)), None)
    if user is None:
        return None

    cls, initkwargs, actions = _route()
    view: Any = cls(**initkwargs)
    view.action_map = actions
    for method, action in actions.items():
        setattr(view, method, getattr(view, action))
    if hasattr(view, "get") and not hasattr(view, "head"):
        view.head = view.get
    drf_request = Request(request, authenticators=())
    drf_request.user = user
    drf_request.auth = auth
    view.request, view.args, view.kwargs, view.format_kwarg = drf_request, (), {}, None
    view.action = actions.get("get")
    renderers = view.renderer_classes
    if (
        view.action != "list"
        or not renderers
        or renderers[0] is not PlatformJSONRenderer
        or tuple(view.authentication_classes) != _AUTHENTICATION  # what the checks here stand for
        or view.get_throttles()
        or view.versioning_class is not None
        or not all(permission.has_permission(drf_request, view) for permission in view.get_permissions())
    ):
        return None
    try:
        page = view.paginate_queryset(view.filter_queryset(view.get_queryset()))
    except APIException:
        return None  # a bad filter, page or page size: the full stack names the field
    data = view.get_paginated_response(hazard_dicts(page)).data
    body = _JSON.render(data, _JSON.media_type, view.get_renderer_context())
    response = HttpResponse(body, content_type=_JSON.media_type)
    # What DRF and the skipped middleware would have added: DRF's Vary and Allow, the frame options, the length,
    # the locale's Vary and language, then the session's Vary where it was read (not for a token).
    if len(renderers) > 1:
        response["Vary"] = "Accept"
    response["Allow"] = ", ".join(view.allowed_methods)
    response["X-Frame-Options"] = settings.X_FRAME_OPTIONS.upper()
    response["Content-Length"] = str(len(response.content))
    patch_vary_headers(response, ("Accept-Language",))
    response["Content-Language"] = translation.get_language_from_request(request)
    if header is None:
        patch_vary_headers(response, ("Cookie",))
    return response


def _token_user(header: str) -> tuple[Any, Token | None]:
    """The user of `Authorization: Token <key>` as ExpiringTokenAuthentication finds it, or None where it finds
    none or refuses it (an unknown key, an inactive user, an expired token, which it deletes: the full stack
    does that)."""
    parts = header.split()
    if len(parts) != 2 or parts[0].lower() != "token" or not header.isascii():
        return None, None  # another scheme (an API key) or a malformed header: the full stack answers it
    try:
        token = Token.objects.select_related("user").get(key=parts[1])
    except Token.DoesNotExist:
        return None, None
    if not token.user.is_active or token.created <= timezone.now() - timedelta(days=settings.API_TOKEN_DAYS):
        return None, None
    return token.user, token


def _session_user(session: SessionBase) -> Any:
    """The session's user as `django.contrib.auth.get_user` and SessionLifetimeMiddleware find it, or None where
    they would find none, sign the user out or write the session (the full stack then does it)."""
    from django.contrib.sessions.models import Session

    using = router.db_for_read(Session) or DEFAULT_DB_ALIAS
    # Its first query, as the connection's health check (safety_platform.db_first_read); the session is then cached.
    if type(session) is DatabaseSessionStore:
        if session.session_key is None:
            return None  # a malformed key: the full stack starts a new session
        data = first_read(using, lambda: _session_data(using, session))
        if data is None:
            return None  # unknown or expired: the full stack signs the phone out
        session._session_cache = data  # type: ignore[attr-defined]  # what SessionBase._get_session caches
    else:
        first_read(using, lambda: session.get(SESSION_KEY))
    try:
        user_id = get_user_model()._meta.pk.to_python(session[SESSION_KEY])  # type: ignore[union-attr]
        backend_path = session[BACKEND_SESSION_KEY]
    except (KeyError, DjangoValidationError):
        return None
    if backend_path not in settings.AUTHENTICATION_BACKENDS:
        return None
    user = _user_with_paths(load_backend(backend_path), user_id)
    if user is None or not hasattr(user, "get_session_auth_hash"):
        return None
    session_hash = session.get(HASH_SESSION_KEY)
    # Only the current secret: a hash of a fallback secret makes get_user cycle the session key (a write).
    if not session_hash or not constant_time_compare(session_hash, user.get_session_auth_hash()):
        return None
    if not user.is_active:
        return None
    now = int(time.time())
    started, seen = session.get("_started_at"), session.get("_seen_at")
    if (
        not isinstance(started, int)
        or not isinstance(seen, int)
        or now - seen > settings.SESSION_IDLE_SECONDS
        or now - started > settings.SESSION_COOKIE_AGE
        or now - seen >= 60  # the last-activity stamp is written once a minute
    ):
        return None
    return user


def _session_data(using: str, session: DatabaseSessionStore) -> dict[str, Any] | None:
    """The session's data as the database engine loads it (`SessionStore.load`: the row of this key not yet
    expired, decoded by the store), without compiling the ORM's statement for it on every request; None where
    there is no such row."""
    from django.contrib.sessions.models import Session

    connection = connections[using]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {quote('session_data')} FROM {quote(Session._meta.db_table)} "
            f"WHERE {quote('session_key')} = %s AND {quote('expire_date')} > %s",
            [session.session_key, connection.ops.adapt_datetimefield_value(timezone.now())],
        )
        row = cursor.fetchone()
    return None if row is None else session.decode(row[0])


_USER_ID_PLACEHOLDER = -7_654_321  # the user id the statement is compiled with, replaced by the real one


@cache
def _user_statement(alias: str, vendor: str) -> tuple[str, tuple[str, ...]] | None:
    """The statement of `_user_with_paths`' queryset, compiled once per database: (SQL with the user id its one
    parameter, the user's columns in the order it reads them); None where it cannot be run again as it is (the
    manager filters on something else, a column needs the ORM's conversion), and the queryset runs as before."""
    model = get_user_model()
    queryset = _user_paths_queryset(model, _USER_ID_PLACEHOLDER).using(alias)
    compiler = queryset.query.get_compiler(using=alias)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return None
    columns = tuple(field.attname for field in model._meta.concrete_fields)
    selected = [column[0] for column in compiler.select[: compiler.col_count]]
    if (
        list(params) != [_USER_ID_PLACEHOLDER]
        or compiler.get_converters(selected)
        or [getattr(getattr(expression, "target", None), "attname", None) for expression in selected[:-1]]
        != list(columns)
    ):
        return None
    return sql, columns


def _user_paths_queryset(model: Any, user_id: Any) -> Any:
    return (
        model._default_manager.filter(pk=user_id)
        .annotate(jurisdiction_path_of_row=F("jurisdictions__path"))
        .order_by("jurisdiction_path_of_row")  # as Jurisdiction's own ordering (by path)
    )


def _user_rows(user_id: Any) -> list[Any]:
    """The user's rows of `_user_paths_queryset` (one per jurisdiction), each a user with its
    `jurisdiction_path_of_row`: by its statement compiled once (`_user_statement`), else by the ORM."""
    model = get_user_model()
    alias = router.db_for_read(model) or DEFAULT_DB_ALIAS
    connection = connections[alias]
    statement = _user_statement(alias, connection.vendor)
    if statement is None:
        return list(_user_paths_queryset(model, user_id))
    sql, columns = statement
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_id])
        rows = cursor.fetchall()
    users = []
    for row in rows:
        user: Any = model.from_db(alias, columns, row[:-1])
        user.jurisdiction_path_of_row = row[-1]
        users.append(user)
    return users


def _user_with_paths(backend: Any, user_id: Any) -> Any:
    """`backend.get_user(user_id)`; for Django's ModelBackend (the one signing users in) the same user, read with
    its jurisdictions' paths in the same query (a row per jurisdiction), which the list's scope reads next
    (`User.jurisdiction_paths`, cached on the user as that property caches it): one round trip and one query
    less on every page an inspector's phone asks for."""
    if type(backend) is not ModelBackend:
        return backend.get_user(user_id)
    rows = _user_rows(user_id)
    if not rows:
        return None
    user = rows[0]
    user.__dict__["jurisdiction_paths"] = [row.jurisdiction_path_of_row for row in rows if row.jurisdiction_path_of_row]
    return user if backend.user_can_authenticate(user) else None
