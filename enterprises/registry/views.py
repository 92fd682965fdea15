"""Web UI of the enterprise registry: list, detail, create/edit, status, import, export."""

from __future__ import annotations

from itertools import chain
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from safety_platform import exports
from safety_platform.audit import audit_entries_for
from safety_platform.navigation import enterprise_panels_for
from safety_platform.pagination import list_page
from safety_platform.permissions import can, is_enterprise_person
from safety_platform.refusals import refusal_into, refusal_message
from safety_platform.security import signed_in_user

from . import importexport
from .filtersets import EnterpriseFilterSet
from .forms import EnterpriseForm, ImportForm, StatusChangeForm
from .selectors import enterprises_visible_to
from .services import (
    enterprise_can_edit,
    enterprise_change_status,
    enterprise_create,
    enterprise_import,
    enterprise_update,
)

PAGE_SIZE = 25


def _filtered(request: HttpRequest) -> EnterpriseFilterSet:
    return EnterpriseFilterSet(request.GET, queryset=enterprises_visible_to(request.user), user=request.user)


@login_required
def enterprise_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if is_enterprise_person(user):
        return redirect("enterprises:mine")
    filterset = _filtered(request)
    queryset = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    page, query = list_page(request, queryset.order_by("name", "id"), PAGE_SIZE)
    return render(request, "enterprises/list.html", {"filterset": filterset, "page_obj": page, "query": query})


@login_required
def enterprise_mine(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not user.enterprise_id:
        return redirect("enterprises:list")
    return redirect("enterprises:detail", pk=user.enterprise_id)


@login_required
def enterprise_detail(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = get_object_or_404(enterprises_visible_to(request.user), pk=pk)
    panels = [
        {"title": panel.title, "template": panel.template, **panel.context(request, enterprise)}
        for panel in enterprise_panels_for(request.user)
    ]
    return render(
        request,
        "enterprises/detail.html",
        {
            "enterprise": enterprise,
            "status_changes": enterprise.status_changes.select_related("changed_by"),
            "audit_entries": audit_entries_for(enterprise)[:50],
            "can_edit": enterprise_can_edit(request.user, enterprise),
            "status_form": StatusChangeForm(),
            "panels": panels,
        },
    )


@login_required
def enterprise_create_view(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "enterprises.manage"):
        raise PermissionDenied
    form = EnterpriseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        with refusal_into(form) as refused:
            enterprise = enterprise_create(actor=signed_in_user(request), data=form.cleaned_data)
        if not refused:
            messages.success(request, _("Enterprise registered."))
            return redirect(enterprise)
    return render(request, "enterprises/form.html", {"form": form, "creating": True})


@login_required
def enterprise_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = get_object_or_404(enterprises_visible_to(request.user), pk=pk)
    if not enterprise_can_edit(request.user, enterprise):
        raise PermissionDenied
    form = EnterpriseForm(request.POST or None, instance=enterprise, user=request.user)
    if request.method == "POST" and form.is_valid():
        with refusal_into(form) as refused:
            enterprise = enterprise_update(
                actor=signed_in_user(request),
                enterprise=enterprise,
                data=form.cleaned_data,
                opened=form.opened,
            )
        if not refused:
            messages.success(request, _("Changes saved."))
            return redirect(enterprise)
    return render(request, "enterprises/form.html", {"form": form, "enterprise": enterprise, "creating": False})


@login_required
def enterprise_status_view(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = get_object_or_404(enterprises_visible_to(request.user), pk=pk)
    form = StatusChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusal_message(request) as refused:
            enterprise_change_status(
                actor=signed_in_user(request),
                enterprise=enterprise,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
            )
        if not refused:
            messages.success(request, _("Status changed."))
    elif request.method == "POST":
        messages.error(request, _("Choose a status and give a reason."))
    return redirect(enterprise)


@login_required
def enterprise_import_view(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "enterprises.manage"):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    result = importexport.import_upload(request, form, enterprise_import)
    if result is not None:
        if result.imported:
            messages.success(
                request,
                _("Imported: %(c)d created, %(u)d updated, %(s)d skipped.")
                % {"c": result.created, "u": result.updated, "s": result.skipped},
            )
        else:
            messages.error(
                request,
                _("Nothing was imported: the file has errors. Fix them or tick the box to import the valid rows."),
            )
    problems = []
    if result is not None:
        # Name each problem's column as the file's header does (Chinese, or English when switched).
        english = not get_language().startswith("zh")
        labels = {name: (en if english else zh) for name, zh, en in importexport.COLUMNS}
        labels["file"] = _("File")
        problems = [(p.line, labels.get(p.field, p.field), p.field, p.reason) for p in result.problems]
    return render(
        request,
        "enterprises/import.html",
        {"form": form, "result": result, "problems": problems, "columns": importexport.COLUMNS},
    )


@login_required
def enterprise_export_view(request: HttpRequest) -> HttpResponseBase:
    user: Any = request.user
    if is_enterprise_person(user):
        raise PermissionDenied
    filterset = _filtered(request)
    if not filterset.is_valid():
        # An empty file would read as "no enterprises match": say which filter is wrong instead.
        lines = [f"{field}: {' '.join(errors)}" for field, errors in filterset.errors.items()]
        return HttpResponseBadRequest("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
    rows = importexport.export_rows(filterset.qs)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if request.GET.get("format", "xlsx") == "csv":
        return exports.csv_response(f"enterprises-{stamp}.csv", importexport.export_header(), rows)
    sheet = exports.Sheet("企业名录", chain([importexport.export_header()], rows))
    return exports.xlsx_response(f"enterprises-{stamp}.xlsx", [sheet])
