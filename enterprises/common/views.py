"""Helpers shared by the topic views: filtered pages, and turning service errors into UI feedback."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page
from django.db.models import QuerySet
from django.http import HttpRequest

from safety_platform.concurrency import StaleEdit
from safety_platform.pagination import ListPaginator
from safety_platform.services import DomainError

PAGE_SIZE = 25


def filtered_page(
    request: HttpRequest, queryset: QuerySet[Any], filterset_class: Any, ordering: tuple[str, ...]
) -> dict[str, Any]:
    """Context for a list page: the filterset, one page of rows and the query string without `page`."""
    filterset = filterset_class(request.GET or None, queryset=queryset, user=request.user)
    rows = filterset.qs if filterset.is_bound and filterset.is_valid() else queryset
    if filterset.is_bound and not filterset.is_valid():
        rows = queryset.none()
    page: Page = ListPaginator(rows.order_by(*ordering), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return {"filterset": filterset, "page_obj": page, "query": query.urlencode()}


def attach_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def run_service(request: HttpRequest, call: Callable[[], Any], *, form: Any = None, success: str = "") -> Any:
    """Call a service; a refusal is a 403, a rule or input problem a message (or form errors).

    Returns the service's result, or None when it refused.
    """
    try:
        result = call()
    except StaleEdit as exc:
        if form is None or not hasattr(form, "refuse_stale"):
            raise
        form.refuse_stale(exc)  # what changed meanwhile, on the form; nothing was saved
        return None
    except DomainError as exc:
        if exc.code == "forbidden":
            raise PermissionDenied(exc.message) from exc
        if form is not None and exc.field and exc.field in getattr(form, "fields", {}):
            form.add_error(exc.field, exc.message)
        else:
            messages.error(request, exc.message)
        return None
    except ValidationError as exc:
        if form is not None:
            attach_errors(form, exc)
        else:
            messages.error(request, " ".join(exc.messages))
        return None
    if success:
        messages.success(request, success)
    return result if result is not None else True
