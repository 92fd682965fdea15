"""Language: Simplified Chinese unless the user picked English with the switch."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse


class ChineseByDefaultMiddleware:
    """Ignore the browser's Accept-Language on web pages (placed before LocaleMiddleware).

    Office PCs often run English browsers; the platform still opens in Chinese and only the
    language switch (a cookie) changes it. API clients keep content negotiation: a department's
    system may ask for English errors with `Accept-Language: en`.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        if not request.path.startswith("/api/"):
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


def session_stamp_sign_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """Stamp a session's start and last activity when the user signs in (connected to user_logged_in), so
    the middleware below does not write the session on the first page of a session."""
    import time

    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session["_started_at"] = now
        request.session["_seen_at"] = now


class SessionLifetimeMiddleware:
    """End a signed-in session after SESSION_IDLE_SECONDS without a request, and SESSION_COOKIE_AGE after
    sign-in whatever the activity (a government office's shared computers). The last-activity stamp is
    written at most once a minute, not on every request."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        import time

        from django.conf import settings
        from django.contrib.auth import logout

        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            # No session cookie, no signed-in session (an API client with a key or a token): nothing to check,
            # and neither the user nor the session is loaded for nothing.
            return self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            session = request.session
            started = session.get("_started_at")
            seen = session.get("_seen_at", now)
            if started is None:
                session["_started_at"] = started = now
            if now - seen > settings.SESSION_IDLE_SECONDS or now - started > settings.SESSION_COOKIE_AGE:
                logout(request)
            elif now - seen >= 60 or "_seen_at" not in session:
                session["_seen_at"] = now
        return self.get_response(request)


class NulCharacterMiddleware:
    """Refuse a request whose address or form carries a NUL character (U+0000), naming the field: a 400.

    PostgreSQL cannot store the character in text, so a note, reason or summary a view passes on as it came
    (not through a form field, which refuses it) was a server error when saved. No keyboard types it; it
    comes with text pasted from some files, or from a crafted request. Checked here once for every page and
    form-encoded API call, once the CSRF check has passed (a forged form is still a 403); an API call's JSON
    body is checked by its serializer's fields. The web answer is the platform's 400 page with the message, the
    API's the API's error shape (`code` "invalid", `errors` naming the field).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any) -> Any:
        # In process_view, after CsrfViewMiddleware's: a forged form is refused for that first.
        field = _field_with_nul(request)
        if field is None:
            return None
        from django.http import JsonResponse
        from django.shortcuts import render
        from django.utils.translation import gettext as _

        message = _("“%(field)s” contains a NUL character, which cannot be saved: remove it and send again.") % {
            "field": field
        }
        if request.path.startswith("/api/"):
            body = {"detail": message, "code": "invalid", "errors": {field: [message]}}
            return JsonResponse(body, status=400, json_dumps_params={"ensure_ascii": False})
        return render(request, "400.html", {"message": message}, status=400)


_FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _field_with_nul(request: HttpRequest) -> str | None:
    """The first name or value of the address's query or the form (urlencoded or multipart) holding a NUL."""
    sources = [request.GET]
    if request.method == "POST" and request.content_type in _FORM_CONTENT_TYPES:
        sources.append(request.POST)
    for data in sources:
        for name, values in data.lists():
            if "\x00" in name:
                return name.replace("\x00", "")
            if any("\x00" in value for value in values):
                return name
    return None


class _StyleNonce:
    """A nonce made only if a template asks for it (`<style nonce="{{ request.csp_nonce }}">`)."""

    value = ""

    def __str__(self) -> str:
        if not self.value:
            import secrets

            self.value = secrets.token_urlsafe(18)
        return self.value


class ContentSecurityPolicyMiddleware:
    """Send CONTENT_SECURITY_POLICY on every response (placed near the top, so error pages carry it too).

    The platform serves only its own files and runs no inline script: data for scripts goes through
    `json_script` and the code lives in static files. A page whose print layout depends on the request
    (the assessment report's @page header) may use a <style> element with `request.csp_nonce`; the
    nonce is then added to style-src of that response only, never to script-src. HTML pages under a
    prefix of CONTENT_SECURITY_POLICY_RELAXED (third-party pages: the API docs) get the policy given there.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        from django.conf import settings

        nonce = _StyleNonce()
        request.csp_nonce = nonce  # type: ignore[attr-defined]
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            policy = settings.CONTENT_SECURITY_POLICY
            html = response.get("Content-Type", "").startswith("text/html")
            for prefix, relaxed in settings.CONTENT_SECURITY_POLICY_RELAXED.items():
                if html and request.path.startswith(prefix):
                    policy = relaxed
                    break
            if nonce.value:
                policy = policy.replace("style-src 'self'", f"style-src 'self' 'nonce-{nonce.value}'", 1)
            response["Content-Security-Policy"] = policy
        return response


class AuditlogMiddleware:
    """django-auditlog's middleware (the actor, address and correlation id of the audit entries written
    during a request), except on reads of the fast paths (settings.FEED_FAST_PATHS).

    A GET or HEAD of the ratings or blacklist feed or of the hazard list writes no audited row (a feed's
    only write is the API key use log, a bulk insert that sends no signals), while auditlog's setup
    connects and disconnects a `pre_save` receiver on every request, which also empties Django's signal
    caches: about a tenth of the CPU of such a request (bench/credit_feeds.py). There the correlation id
    is still read from the request, and the audit context is a fresh empty one (never the previous request's).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        from auditlog.middleware import AuditlogMiddleware as Audited
        from django.conf import settings

        self.get_response = get_response
        self.audited = Audited(get_response)
        self.feeds = frozenset(settings.FEED_FAST_PATHS)

    def __call__(self, request: HttpRequest) -> Any:
        if request.method not in ("GET", "HEAD") or request.path_info not in self.feeds:
            return self.audited(request)
        from auditlog.cid import set_cid
        from auditlog.context import auditlog_value

        set_cid(request)
        token = auditlog_value.set({})
        try:
            return self.get_response(request)
        finally:
            auditlog_value.reset(token)


class FastPathMiddleware:
    """Answer the plain read pages of settings.FEED_FAST_PATHS before the rest of the stack.

    A path listed there maps to a handler (a dotted path, imported on first use: the core names no app)
    that returns the response, or None to let the whole stack answer. It sits after the security, replica
    and content-security middleware, so those still apply; the handler adds what the skipped ones would
    (see credit/api/fast.py and hazards/api/fast.py).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        from django.conf import settings

        self.get_response = get_response
        self.paths: dict[str, Any] = dict(settings.FEED_FAST_PATHS)

    def __call__(self, request: HttpRequest) -> Any:
        handler = self.paths.get(request.path_info)
        if handler is not None:
            if isinstance(handler, str):
                from django.utils.module_loading import import_string

                handler = self.paths[request.path_info] = import_string(handler)
            response = handler(request)
            if response is not None:
                return response
        return self.get_response(request)
