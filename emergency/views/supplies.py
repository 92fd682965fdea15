"""Warehouses and stock: list, detail (stock per item and batch), receive, issue, transfer, ledger, flags."""

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

from safety_platform.audit import audit_entries_for
from safety_platform.permissions import can

from .. import services
from ..filtersets import LedgerFilterSet, WarehouseFilterSet
from ..forms import IssueForm, MinimumForm, ReceiveForm, TransferForm, WarehouseForm
from ..selectors import (
    ledger_visible_to,
    stock_alerts_visible_to,
    warehouse_batches,
    warehouse_stock,
    warehouses_visible_to,
)
from ..services.common import is_enterprise_user, is_staff_user
from .common import form_invalid_message, paginate, run


@login_required
def warehouse_list(request: HttpRequest) -> HttpResponse:
    filterset = WarehouseFilterSet(
        request.GET, queryset=warehouses_visible_to(request.user).order_by("level", "name", "id"), user=request.user
    )
    queryset = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    page, query = paginate(request, queryset)
    return render(
        request,
        "emergency/warehouse_list.html",
        {
            "filterset": filterset,
            "page_obj": page,
            "query": query,
            "can_create": is_staff_user(request.user) or is_enterprise_user(request.user),
        },
    )


def _warehouse(request: HttpRequest, pk: int) -> Any:
    return get_object_or_404(warehouses_visible_to(request.user), pk=pk)


@login_required
def warehouse_detail(request: HttpRequest, pk: int) -> HttpResponse:
    warehouse = _warehouse(request, pk)
    can_manage = can(request.user, "emergency.manage_resource", warehouse)
    return render(
        request,
        "emergency/warehouse_detail.html",
        {
            "warehouse": warehouse,
            "stock": warehouse_stock(warehouse),
            "batches": warehouse_batches(warehouse),
            "alerts": stock_alerts_visible_to(request.user).filter(warehouse=warehouse),
            "movements": ledger_visible_to(request.user).filter(warehouse=warehouse)[:15],
            "can_manage": can_manage,
            "receive_form": ReceiveForm(prefix="receive"),
            "issue_form": IssueForm(prefix="issue", warehouse=warehouse),
            "transfer_form": TransferForm(prefix="transfer", user=request.user, source=warehouse),
            "minimum_form": MinimumForm(prefix="minimum"),
            "audit_entries": audit_entries_for(warehouse)[:20],
        },
    )


@login_required
def warehouse_create(request: HttpRequest) -> HttpResponse:
    if not (is_staff_user(request.user) or is_enterprise_user(request.user)):
        raise PermissionDenied
    form = WarehouseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        warehouse = run(request, services.warehouse_create, form=form, actor=request.user, data=form.cleaned_data)
        if warehouse:
            messages.success(request, _("Warehouse registered."))
            return redirect(warehouse)
    return render(
        request,
        "emergency/form.html",
        {"form": form, "title": _("Register a warehouse"), "cancel_url": reverse("emergency:warehouse_list")},
    )


@login_required
def warehouse_edit(request: HttpRequest, pk: int) -> HttpResponse:
    warehouse = _warehouse(request, pk)
    if not can(request.user, "emergency.manage_resource", warehouse):
        raise PermissionDenied
    form = WarehouseForm(request.POST or None, instance=warehouse, user=request.user)
    if request.method == "POST" and form.is_valid():
        result = run(
            request,
            services.warehouse_update,
            form=form,
            actor=request.user,
            warehouse=warehouse,
            data=form.cleaned_data,
            opened=form.opened,
        )
        if result:
            messages.success(request, _("Changes saved."))
            return redirect(result)
    return render(
        request,
        "emergency/form.html",
        {"form": form, "title": warehouse.name, "cancel_url": warehouse.get_absolute_url()},
    )


@login_required
@require_POST
def stock_receive(request: HttpRequest, pk: int) -> HttpResponse:
    warehouse = _warehouse(request, pk)
    form = ReceiveForm(request.POST, prefix="receive")
    if form.is_valid():
        run(
            request,
            services.stock_receive,
            actor=request.user,
            warehouse=warehouse,
            success=_("Stock received."),
            **form.cleaned_data,
        )
    else:
        form_invalid_message(request, form)
    return redirect(warehouse)


@login_required
@require_POST
def stock_issue(request: HttpRequest, pk: int) -> HttpResponse:
    warehouse = _warehouse(request, pk)
    form = IssueForm(request.POST, prefix="issue", warehouse=warehouse)
    if form.is_valid():
        data = form.cleaned_data
        if data["kind"] == "write_off" and not data.get("batch"):
            messages.error(request, _("Choose the batch to write off."))
        elif data["kind"] == "write_off":
            run(
                request,
                services.stock_write_off,
                actor=request.user,
                batch=data["batch"],
                quantity=data["quantity"],
                reason=data["note"],
                success=_("Stock written off."),
            )
        else:
            run(
                request,
                services.stock_issue,
                actor=request.user,
                warehouse=warehouse,
                item=data["item"],
                quantity=data["quantity"],
                kind=data["kind"],
                batch=data.get("batch"),
                note=data["note"],
                success=_("Stock issued."),
            )
    else:
        form_invalid_message(request, form)
    return redirect(warehouse)


@login_required
@require_POST
def stock_transfer(request: HttpRequest, pk: int) -> HttpResponse:
    warehouse = _warehouse(request, pk)
    form = TransferForm(request.POST, prefix="transfer", user=request.user, source=warehouse)
    if form.is_valid():
        run(
            request,
            services.stock_transfer,
            actor=request.user,
            source=warehouse,
            success=_("Transferred."),
            **form.cleaned_data,
        )
    else:
        form_invalid_message(request, form)
    return redirect(warehouse)


@login_required
@require_POST
def warehouse_minimum(request: HttpRequest, pk: int) -> HttpResponse:
    warehouse = _warehouse(request, pk)
    form = MinimumForm(request.POST, prefix="minimum")
    if form.is_valid():
        run(
            request,
            services.warehouse_set_minimum,
            actor=request.user,
            warehouse=warehouse,
            success=_("Minimum stock saved."),
            **form.cleaned_data,
        )
    else:
        form_invalid_message(request, form)
    return redirect(warehouse)


@login_required
def ledger(request: HttpRequest) -> HttpResponse:
    filterset = LedgerFilterSet(request.GET, queryset=ledger_visible_to(request.user), user=request.user)
    queryset = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    page, query = paginate(request, queryset.order_by("-occurred_at", "-id"), size=50)
    return render(request, "emergency/ledger.html", {"filterset": filterset, "page_obj": page, "query": query})


@login_required
def alert_list(request: HttpRequest) -> HttpResponse:
    page, query = paginate(
        request, stock_alerts_visible_to(request.user).order_by("kind", "-raised_at", "-id"), size=50
    )
    return render(request, "emergency/alert_list.html", {"page_obj": page, "query": query})
