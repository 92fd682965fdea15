"""Helpers shared by the emergency views: pagination, running a service and reporting its outcome, the POST that
takes one step on a record from its detail page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safety_platform.pagination import ListPaginator
from safety_platform.permissions import can
from safety_platform.refusals import refusal_into
from safety_platform.security import signed_in_user

PAGE_SIZE = 25


def loader(visible: Callable[[Any], Any]) -> Callable[[HttpRequest, int], Any]:
    """How a page finds the record it shows or acts on: the row `pk` among those `visible(user)` gives, else 404."""

    def load(request: HttpRequest, pk: int) -> Any:
        return get_object_or_404(visible(request.user), pk=pk)

    return load


def paginate(request: HttpRequest, queryset: Any, size: int = PAGE_SIZE) -> tuple[Page, str]:
    page = ListPaginator(queryset, size).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


def filtered_page(
    request: HttpRequest,
    filterset_class: type[Any],
    queryset: Any,
    order_by: tuple[str, ...] = (),
    size: int = PAGE_SIZE,
) -> dict[str, Any]:
    """A list page's context: its filters bound to the query string (no rows while they do not validate), the rows
    ordered by `order_by` after filtering (the filters may order on their own, e.g. nearest first, when it is empty)
    and paginated."""
    filterset = filterset_class(request.GET, queryset=queryset, user=request.user)
    rows = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    page, query = paginate(request, rows.order_by(*order_by) if order_by else rows, size)
    return {"filterset": filterset, "page_obj": page, "query": query}


def list_view(
    template: str,
    filterset_class: type[Any],
    visible: Callable[[Any], Any],
    order_by: tuple[str, ...],
    size: int = PAGE_SIZE,
) -> Callable[[HttpRequest], HttpResponse]:
    """A list page that shows nothing but its rows: those `visible(user)` gives, filtered, ordered by `order_by` and
    paginated (`filtered_page`)."""

    @login_required
    def view(request: HttpRequest) -> HttpResponse:
        return render(request, template, filtered_page(request, filterset_class, visible(request.user), order_by, size))

    return view


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


def form_page(
    request: HttpRequest,
    form: Any,
    save: Callable[[], Any],
    *,
    success: str | Callable[[Any], str],
    title: str,
    cancel_url: str,
    template: str = "emergency/form.html",
    then: str | None = None,
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    """A page that registers or edits a record: a valid POST calls `save()` through `run` (a refusal lands on the
    form's field), says `success` (or `success(saved)`) and goes to the saved record (or `then`); otherwise the
    form again, with its errors."""
    if request.method == "POST" and form.is_valid():
        saved = run(request, save, form=form)
        if saved:
            messages.success(request, success(saved) if callable(success) else success)
            return redirect(then or saved)
    return render(request, template, {"form": form, "title": title, "cancel_url": cancel_url, **(context or {})})


def edit_page(request: HttpRequest, record: Any, form: Any, save: Callable[[], Any], *, title: str) -> HttpResponse:
    """The page editing a record from its detail page: saved, "Changes saved." and back to the record."""
    return form_page(
        request, form, save, success=_("Changes saved."), title=title, cancel_url=record.get_absolute_url()
    )


def register_view(
    form_class: type[Any],
    create: Callable[..., Any],
    *,
    success: Promise | Callable[[Any], str],
    title: Promise,
    list_url: str,
    rule: str = "emergency.register_resource",
    then: str | None = None,
) -> Callable[[HttpRequest], HttpResponse]:
    """The page registering a record (a team, a warehouse, a plan, a contact, a warning), for whom `can(user, rule)`:
    `create(actor, data)` saves it; then the saved record's page (or `then`), saying `success` (or `success(saved)`)."""

    @login_required
    def view(request: HttpRequest) -> HttpResponse:
        if not can(request.user, rule):
            raise PermissionDenied
        form = form_class(request.POST or None, user=request.user)
        return form_page(
            request,
            form,
            lambda: create(actor=signed_in_user(request), data=form.cleaned_data),
            success=success if callable(success) else str(success),
            title=str(title),
            cancel_url=reverse(list_url),
            then=then,
        )

    return view


def edit_view(
    load: Callable[[HttpRequest, int], Any],
    form_class: type[Any],
    update: Callable[..., Any],
    *,
    rule: str,
    target: str,
    title: str,
) -> StepView:
    """The page editing a team, a warehouse or a plan from its detail page, for whom `can(user, rule, it)`:
    `update(actor, <target>=it, data, opened)` saves it; the page is titled with its attribute `title`."""

    @login_required
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        record = load(request, pk)
        if not can(request.user, rule, record):
            raise PermissionDenied
        form = form_class(request.POST or None, instance=record, user=request.user)

        def save() -> Any:
            data = form.cleaned_data
            return update(actor=signed_in_user(request), **{target: record}, data=data, opened=form.opened)

        return edit_page(request, record, form, save, title=getattr(record, title))

    return view


def form_invalid_message(request: HttpRequest, form: Any) -> None:
    errors = [
        f"{form.fields[f].label if f in form.fields else ''}: {' '.join(e)}".lstrip(": ")
        for f, e in form.errors.items()
    ]
    messages.error(request, _("Please correct: %(errors)s") % {"errors": "; ".join(errors)})


# (actor, record, the bound and valid form) -> the service's result
StepCall = Callable[[Any, Any, Any], Any]
StepView = Callable[[HttpRequest, int], HttpResponse]


def post_step(
    request: HttpRequest,
    record: Any,
    form: Any,
    call: StepCall,
    *,
    success: str | Promise,
    on_invalid: Callable[[HttpRequest, Any], None] | None = form_invalid_message,
    back: Any = None,
) -> HttpResponse:
    """One step on a record from its detail page's small form: a valid form calls the service through `run` (the
    success message, or the refusal), an invalid one says what to correct; back to the record (or `back`) either way."""
    if form.is_valid():
        run(request, lambda: call(signed_in_user(request), record, form), success=str(success))
    elif on_invalid is not None:
        on_invalid(request, form)
    return redirect(back if back is not None else record)


def step_view(
    load: Callable[[HttpRequest, int], Any],
    form_class: type[Any],
    call: StepCall,
    success: str | Promise,
    *,
    prefix: str | None = None,
    form_kwargs: Callable[[HttpRequest, Any], dict[str, Any]] | None = None,
) -> StepView:
    """The view of a step whose form needs nothing but the record: `load` finds the record the user may see (else
    404) and the form is bound to the POST with `prefix` and `form_kwargs(request, record)`."""

    @login_required
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        record = load(request, pk)
        form = form_class(request.POST, prefix=prefix, **(form_kwargs(request, record) if form_kwargs else {}))
        return post_step(request, record, form, call, success=success)

    return view


def with_data(service: Callable[..., Any], target: str) -> StepCall:
    """The call of a step whose service takes the record by the name `target` and the form's fields as they are."""
    return lambda actor, record, form: service(actor=actor, **{target: record}, **form.cleaned_data)
