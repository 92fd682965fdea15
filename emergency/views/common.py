"""Helpers shared by the emergency views: pagination, running a service and reporting its outcome."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.paginator import Page
from django.http import HttpRequest
from django.utils.translation import gettext as _

from safety_platform.pagination import ListPaginator
from safety_platform.refusals import refusal_into

PAGE_SIZE = 25


def paginate(request: HttpRequest, queryset: Any, size: int = PAGE_SIZE) -> tuple[Page, str]:
    page = ListPaginator(queryset, size).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


def run(request: HttpRequest, fn: Callable[..., Any], *, form: Any = None, success: str = "", **kwargs: Any) -> Any:
    """Call a service; its refusal takes the one path (safety_platform.refusals): for lack of rights a 403, a rule
    or bad input the message — under the field it names when there is a form, else above the page; a stale edit
    shows what changed meanwhile. Returns the service's result, or None when it failed."""
    with refusal_into(form, request=request) as refused:
        result = fn(**kwargs)
    if refused:
        return None
    if success:
        messages.success(request, success)
    return result if result is not None else True


def form_invalid_message(request: HttpRequest, form: Any) -> None:
    errors = [
        f"{form.fields[f].label if f in form.fields else ''}: {' '.join(e)}".lstrip(": ")
        for f, e in form.errors.items()
    ]
    messages.error(request, _("Please correct: %(errors)s") % {"errors": "; ".join(errors)})
