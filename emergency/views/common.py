"""Helpers shared by the emergency views: pagination, running a service and reporting its outcome."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page
from django.http import HttpRequest
from django.utils.translation import gettext as _

from safety_platform.concurrency import StaleEdit
from safety_platform.pagination import ListPaginator
from safety_platform.services import DomainError

PAGE_SIZE = 25


def paginate(request: HttpRequest, queryset: Any, size: int = PAGE_SIZE) -> tuple[Page, str]:
    page = ListPaginator(queryset, size).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


def attach_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def run(request: HttpRequest, fn: Callable[..., Any], *, form: Any = None, success: str = "", **kwargs: Any) -> Any:
    """Call a service. Refusal for lack of rights → 403; a rule or bad input → the message (on the form when
    there is one). Returns the service's result, or None when it failed."""
    try:
        result = fn(**kwargs)
    except StaleEdit as exc:
        if form is None or not hasattr(form, "refuse_stale"):
            raise
        form.refuse_stale(exc)  # what changed meanwhile, on the form; nothing was saved
        return None
    except DomainError as exc:
        if exc.code == "forbidden":
            raise PermissionDenied(exc.message) from exc
        if form is not None:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        messages.error(request, exc.message)
        return None
    except ValidationError as exc:
        if form is not None:
            attach_errors(form, exc)
        messages.error(request, " ".join(exc.messages))
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
