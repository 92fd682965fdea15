"""Warehouses and stock: list, detail (stock per item and batch), receive, issue, transfer, ledger, flags."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from safety_platform.audit import audit_entries_for

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
from .common import (
    edit_view,
    form_invalid_message,
    list_view,
    loader,
    paginate,
    register_view,
    run,
    step_view,
    with_data,
)

warehouse_list = list_view(
    "emergency/warehouse_list.html", WarehouseFilterSet, warehouses_visible_to, ("level", "name", "id")
)


_warehouse = loader(warehouses_visible_to)


@login_required
def warehouse_detail(request: HttpRequest, pk: int) -> HttpResponse:
    warehouse = _warehouse(request, pk)
    return render(
        request,
        "emergency/warehouse_detail.html",
        {
            "warehouse": warehouse,
            "stock": warehouse_stock(warehouse),
            "batches": warehouse_batches(warehouse),
            "alerts": stock_alerts_visible_to(request.user).filter(warehouse=warehouse),
            "movements": ledger_visible_to(request.user).filter(warehouse=warehouse)[:15],
            "receive_form": ReceiveForm(prefix="receive"),
            "issue_form": IssueForm(prefix="issue", warehouse=warehouse),
            "transfer_form": TransferForm(prefix="transfer", user=request.user, source=warehouse),
            "minimum_form": MinimumForm(prefix="minimum"),
            "audit_entries": audit_entries_for(warehouse)[:20],
        },
    )


warehouse_create = register_view(
    WarehouseForm,
    services.warehouse_create,
    success=_lazy("Warehouse registered."),
    title=_lazy("Register a warehouse"),
    list_url="emergency:warehouse_list",
)


warehouse_edit = edit_view(
    _warehouse,
    WarehouseForm,
    services.warehouse_update,
    rule="emergency.manage_resource",
    target="warehouse",
    title="name",
)


stock_receive = step_view(
    _warehouse, ReceiveForm, with_data(services.stock_receive, "warehouse"), _lazy("Stock received."), prefix="receive"
)


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


stock_transfer = step_view(
    _warehouse,
    TransferForm,
    with_data(services.stock_transfer, "source"),
    _lazy("Transferred."),
    prefix="transfer",
    form_kwargs=lambda request, warehouse: {"user": request.user, "source": warehouse},
)


warehouse_minimum = step_view(
    _warehouse,
    MinimumForm,
    with_data(services.warehouse_set_minimum, "warehouse"),
    _lazy("Minimum stock saved."),
    prefix="minimum",
)


ledger = list_view("emergency/ledger.html", LedgerFilterSet, ledger_visible_to, ("-occurred_at", "-id"), size=50)


@login_required
def alert_list(request: HttpRequest) -> HttpResponse:
    page, query = paginate(
        request, stock_alerts_visible_to(request.user).order_by("kind", "-raised_at", "-id"), size=50
    )
    return render(request, "emergency/alert_list.html", {"page_obj": page, "query": query})
