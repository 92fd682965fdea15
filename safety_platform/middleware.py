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
