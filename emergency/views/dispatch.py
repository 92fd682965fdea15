"""Dispatch orders: list, request, detail with the step the user may take next."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safety_platform.permissions import can

from .. import services
from ..choices import DispatchStatus
from ..filtersets import DispatchFilterSet
from ..forms import ApproveForm, DispatchRequestForm, NoteForm, RequiredNoteForm, SettleForm, ShipForm
from ..models import Warehouse
from ..selectors import dispatch_allocations, dispatch_lines, dispatch_orders_visible_to
from .common import form_invalid_message, paginate, run


@login_required
def dispatch_list(request: HttpRequest) -> HttpResponse:
    filterset = DispatchFilterSet(request.GET, queryset=dispatch_orders_visible_to(request.user), user=request.user)
    queryset = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    page, query = paginate(request, queryset.order_by("-created_at", "-id"))
    return render(
        request,
        "emergency/dispatch_list.html",
        {
            "filterset": filterset,
            "page_obj": page,
            "query": query,
            "can_request": can(request.user, "emergency.request_dispatch"),
        },
    )


def _order(request: HttpRequest, pk: int) -> Any:
    return get_object_or_404(dispatch_orders_visible_to(request.user), pk=pk)


def _shippable_warehouses(user: Any, order: Any) -> list[Warehouse]:
    return [
        w for w in order.source_warehouses.select_related("jurisdiction") if can(user, "emergency.manage_resource", w)
    ]


@login_required
def dispatch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order(request, pk)
    user: Any = request.user
    shippable = (
        _shippable_warehouses(user, order)
        if order.status in (DispatchStatus.APPROVED, DispatchStatus.IN_TRANSIT)
        else []
    )
    context = {
        "order": order,
        "lines": dispatch_lines(order),
        "allocations": dispatch_allocations(order),
        "steps": order.steps.select_related("actor"),
        "sources": order.source_warehouses.select_related("jurisdiction"),
        "can_approve": order.status == DispatchStatus.REQUESTED and can(user, "emergency.approve_dispatch"),
        "can_cancel": order.status in (DispatchStatus.REQUESTED, DispatchStatus.APPROVED)
        and (services.is_requester_side(user, order) or can(user, "emergency.approve_dispatch")),
        "can_deliver": order.status == DispatchStatus.IN_TRANSIT and services.is_requester_side(user, order),
        "can_settle": order.status == DispatchStatus.DELIVERED,
        "approve_form": ApproveForm(prefix="approve", user=user, order=order),
        "ship_form": ShipForm(
            prefix="ship", order=order, warehouses=Warehouse.objects.filter(pk__in=[w.pk for w in shippable])
        )
        if shippable
        else None,
        "settle_form": SettleForm(prefix="settle", order=order),
        "note_form": NoteForm(prefix="note"),
        "reason_form": RequiredNoteForm(prefix="reason"),
    }
    return render(request, "emergency/dispatch_detail.html", context)


@login_required
def dispatch_create(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "emergency.request_dispatch"):
        raise PermissionDenied
    initial = {}
    if request.GET.get("accident", "").isdecimal():
        initial["accident"] = int(request.GET["accident"])
    form = DispatchRequestForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        order = run(
            request,
            services.dispatch_request,
            form=form,
            actor=request.user,
            title=data["title"],
            requesting_jurisdiction=data["requesting_jurisdiction"],
            destination=data["destination"],
            lines=data["lines"],
            accident=data.get("accident"),
            contact_name=data.get("contact_name", ""),
            contact_phone=data.get("contact_phone", ""),
            needed_by=data.get("needed_by"),
            reason=data.get("reason", ""),
        )
        if order:
            messages.success(request, _("Request submitted for approval."))
            return redirect(order)
    return render(
        request,
        "emergency/dispatch_form.html",
        {"form": form, "cancel_url": reverse("emergency:dispatch_list")},
    )


@login_required
@require_POST
def dispatch_approve(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order(request, pk)
    if not can(request.user, "emergency.approve_dispatch"):
        raise PermissionDenied
    form = ApproveForm(request.POST, prefix="approve", user=request.user, order=order)
    if form.is_valid():
        run(
            request,
            services.dispatch_approve,
            actor=request.user,
            order=order,
            source_warehouses=form.cleaned_data["source_warehouses"],
            approved=form.approved(),
            note=form.cleaned_data["note"],
            success=_("Approved."),
        )
    else:
        form_invalid_message(request, form)
    return redirect(order)


@login_required
@require_POST
def dispatch_reject(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order(request, pk)
    form = RequiredNoteForm(request.POST, prefix="reason")
    if form.is_valid():
        run(
            request,
            services.dispatch_reject,
            actor=request.user,
            order=order,
            reason=form.cleaned_data["note"],
            success=_("Rejected."),
        )
    else:
        form_invalid_message(request, form)
    return redirect(order)


@login_required
@require_POST
def dispatch_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order(request, pk)
    form = RequiredNoteForm(request.POST, prefix="reason")
    if form.is_valid():
        run(
            request,
            services.dispatch_cancel,
            actor=request.user,
            order=order,
            reason=form.cleaned_data["note"],
            success=_("Cancelled."),
        )
    else:
        form_invalid_message(request, form)
    return redirect(order)


@login_required
@require_POST
def dispatch_ship(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order(request, pk)
    form = ShipForm(request.POST, prefix="ship", order=order, warehouses=Warehouse.objects.visible_to(request.user))
    if form.is_valid():
        run(
            request,
            services.dispatch_ship,
            actor=request.user,
            order=order,
            warehouse=form.cleaned_data["warehouse"],
            quantities=form.quantities(),
            note=form.cleaned_data["note"],
            success=_("Dispatched."),
        )
    else:
        form_invalid_message(request, form)
    return redirect(order)


@login_required
@require_POST
def dispatch_deliver(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order(request, pk)
    form = NoteForm(request.POST, prefix="note")
    if form.is_valid():
        run(
            request,
            services.dispatch_confirm_delivery,
            actor=request.user,
            order=order,
            note=form.cleaned_data["note"],
            success=_("Delivery confirmed."),
        )
    return redirect(order)


@login_required
@require_POST
def dispatch_settle(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order(request, pk)
    form = SettleForm(request.POST, prefix="settle", order=order)
    if form.is_valid():
        run(
            request,
            services.dispatch_settle,
            actor=request.user,
            order=order,
            success=_("Recorded."),
            **form.cleaned_data,
        )
    else:
        form_invalid_message(request, form)
    return redirect(order)
