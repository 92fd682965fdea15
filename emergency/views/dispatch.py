"""Dispatch orders: list, request, detail with the step the user may take next."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from safety_platform.permissions import can
from safety_platform.security import signed_in_user

from .. import services
from ..choices import DispatchStatus
from ..filtersets import DispatchFilterSet
from ..forms import ApproveForm, DispatchRequestForm, NoteForm, RequiredNoteForm, SettleForm, ShipForm
from ..models import Warehouse
from ..selectors import dispatch_allocations, dispatch_lines, dispatch_orders_visible_to
from .common import StepView, form_page, list_view, loader, post_step, step_view, with_data

dispatch_list = list_view(
    "emergency/dispatch_list.html", DispatchFilterSet, dispatch_orders_visible_to, ("-created_at", "-id")
)


_order = loader(dispatch_orders_visible_to)


def _shippable_warehouses(user: Any, order: Any) -> list[Warehouse]:
    return [
        w for w in order.source_warehouses.select_related("jurisdiction") if can(user, "emergency.manage_resource", w)
    ]


@login_required
def dispatch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order(request, pk)
    user: Any = request.user
    # Nothing to offer once the approved quantities have all gone out (each line is capped at its approved
    # quantity, so the order's totals tell).
    left_to_ship = order.dispatched_units < order.approved_units
    shippable = (
        _shippable_warehouses(user, order)
        if order.status in (DispatchStatus.APPROVED, DispatchStatus.IN_TRANSIT) and left_to_ship
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
        and can(user, "emergency.cancel_dispatch", order),
        "can_deliver": order.status == DispatchStatus.IN_TRANSIT and can(user, "emergency.receive_dispatch", order),
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

    def save() -> Any:
        data = form.cleaned_data
        return services.dispatch_request(
            actor=signed_in_user(request),
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

    return form_page(
        request,
        form,
        save,
        success=_("Request submitted for approval."),
        title=_("Request supplies"),
        cancel_url=reverse("emergency:dispatch_list"),
        template="emergency/dispatch_form.html",
    )


@login_required
@require_POST
def dispatch_approve(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order(request, pk)
    if not can(request.user, "emergency.approve_dispatch"):
        raise PermissionDenied
    return post_step(
        request,
        order,
        ApproveForm(request.POST, prefix="approve", user=request.user, order=order),
        lambda actor, order, form: services.dispatch_approve(
            actor=actor,
            order=order,
            source_warehouses=form.cleaned_data["source_warehouses"],
            approved=form.approved(),
            note=form.cleaned_data["note"],
        ),
        success=_("Approved."),
    )


def _reason_step(service: Callable[..., Any], success: Promise) -> StepView:
    """Rejecting and cancelling: the order and the reason, which is required."""

    def call(actor: Any, order: Any, form: Any) -> Any:
        return service(actor=actor, order=order, reason=form.cleaned_data["note"])

    return step_view(_order, RequiredNoteForm, call, success, prefix="reason")


dispatch_reject = _reason_step(services.dispatch_reject, _lazy("Rejected."))
dispatch_cancel = _reason_step(services.dispatch_cancel, _lazy("Cancelled."))
dispatch_ship = step_view(
    _order,
    ShipForm,
    lambda actor, order, form: services.dispatch_ship(
        actor=actor,
        order=order,
        warehouse=form.cleaned_data["warehouse"],
        quantities=form.quantities(),
        note=form.cleaned_data["note"],
    ),
    _lazy("Dispatched."),
    prefix="ship",
    form_kwargs=lambda request, order: {"order": order, "warehouses": Warehouse.objects.visible_to(request.user)},
)
dispatch_settle = step_view(
    _order,
    SettleForm,
    with_data(services.dispatch_settle, "order"),
    _lazy("Recorded."),
    prefix="settle",
    form_kwargs=lambda request, order: {"order": order},
)


@login_required
@require_POST
def dispatch_deliver(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order(request, pk)
    # The note is optional: a form that does not validate confirms nothing and says nothing.
    form = NoteForm(request.POST, prefix="note")
    call = with_data(services.dispatch_confirm_delivery, "order")
    return post_step(request, order, form, call, success=_("Delivery confirmed."), on_invalid=None)
