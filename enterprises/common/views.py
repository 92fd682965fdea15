"""Helpers shared by the topic views: filtered pages, and turning service errors into UI feedback."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.paginator import Page
from django.db.models import QuerySet
from django.http import HttpRequest

from safety_platform.pagination import ListPaginator
from safety_platform.refusals import refusal_into

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


def run_service(request: HttpRequest, call: Callable[[], Any], *, form: Any = None, success: str = "") -> Any:
    """Call a service; its refusal takes the one path (safety_platform.refusals): for lack of rights a 403, a rule
    or input problem the message under the field it names, else above the page; a stale edit on the form.

    Returns the service's result, or None when it refused.
    """
    with refusal_into(form, request=request) as refused:
        result = call()
    if refused:
        return None
    if success:
        messages.success(request, success)
    return result if result is not None else True
