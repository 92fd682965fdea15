"""Helpers shared by the topic views: filtered pages, form pages and forms posted from a detail page, and turning
service errors into UI feedback."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from safety_platform.pagination import list_page
from safety_platform.permissions import can
from safety_platform.refusals import refusal_into
from safety_platform.security import signed_in_user

PAGE_SIZE = 25


def filtered_page(
    request: HttpRequest, queryset: QuerySet[Any], filterset_class: Any, ordering: tuple[str, ...]
) -> dict[str, Any]:
    """Context for a list page: the filterset, one page of rows and the query string without `page`."""
    filterset = filterset_class(request.GET or None, queryset=queryset, user=request.user)
    rows = filterset.qs if filterset.is_bound and filterset.is_valid() else queryset
    if filterset.is_bound and not filterset.is_valid():
        rows = queryset.none()
    page, query = list_page(request, rows.order_by(*ordering), PAGE_SIZE)
    return {"filterset": filterset, "page_obj": page, "query": query}


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


def enterprise_initial(request: HttpRequest) -> dict[str, Any] | None:
    """A new record's form opened from an enterprise's page (`?enterprise=<id>`) starts with that enterprise."""
    enterprise = request.GET.get("enterprise")
    return {"enterprise": enterprise} if enterprise else None


def save_form(request: HttpRequest, form: Any, call: Callable[[], Any], *, success: str) -> Any:
    """A form page's POST: when the form is valid, call the service (`run_service`, refusals onto the form).

    Returns what the service returned (the page then redirects), or None: a GET, an invalid form or a refusal,
    and the page shows the form again.
    """
    if request.method == "POST" and form.is_valid():
        return run_service(request, call, form=form, success=success)
    return None


def new_record_page(
    request: HttpRequest,
    *,
    permission: str,
    form_class: Any,
    service: Callable[..., Any],
    template: str,
    success: str,
) -> HttpResponse:
    """A new record's page for those granted `permission` (a 403 for others): the form, its choices scoped to the
    user and opened from an enterprise's page with that enterprise (`enterprise_initial`). A valid POST has
    `service` create the record from the form's fields, the signed-in user acting, and the page goes to the new
    record; otherwise (a GET, an invalid form, a refusal) it shows the form."""
    if not can(request.user, permission):
        raise PermissionDenied
    form = form_class(
        request.POST or None, request.FILES or None, user=request.user, initial=enterprise_initial(request)
    )
    created = save_form(
        request, form, lambda: service(actor=signed_in_user(request), **form.cleaned_data), success=success
    )
    if created:
        return redirect(created)
    return render(request, template, {"form": form})


def form_errors_message(request: HttpRequest, form: Any) -> None:
    """A small form posted from a detail page (which redirects back) says what was wrong above the page."""
    messages.error(
        request,
        " ".join(f"{form.fields[f].label if f in form.fields else ''}: {' '.join(e)}" for f, e in form.errors.items()),
    )


def post_form(request: HttpRequest, form: Any, call: Callable[[dict[str, Any]], Any], *, success: str) -> None:
    """A small form posted from a detail page: a valid one calls the service with its data, an invalid one says
    what was wrong (`form_errors_message`); the view then redirects back."""
    if form.is_valid():
        run_service(request, lambda: call(form.cleaned_data), success=success)
    else:
        form_errors_message(request, form)
