"""Pages of inspections: the list, a new inspection on a phone with the checklist, the record and its hazards."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from enterprises.models import Enterprise
from safety_platform.pagination import render_list_page
from safety_platform.permissions import can
from safety_platform.refusals import refusal_into, refusal_message
from safety_platform.uploads import serve_protected

from .forms_inspections import EnterpriseChooseForm, InspectionFilterSet, InspectionForm
from .models import Inspection, InspectionAnswer, InspectionResult
from .services.inspections import checklists_for, inspection_hazard_from_item, inspection_record

PAGE_SIZE = 25


def _failed_count() -> Subquery:
    # Counted for the rows of the page only (a correlated subquery), not grouped over the whole table.
    failed = (
        InspectionAnswer.objects.filter(inspection=OuterRef("pk"), result=InspectionResult.FAIL)
        .order_by()
        .values("inspection")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Subquery(failed, output_field=IntegerField())


@login_required
def inspection_list(request: HttpRequest) -> HttpResponse:
    """Inspections the user sees (an enterprise's own included), newest first, filtered and paginated."""
    base = Inspection.objects.visible_to(request.user)
    filterset = InspectionFilterSet(request.GET or None, queryset=base, request=request)
    queryset = filterset.qs if filterset.is_bound and filterset.is_valid() else base
    queryset = (
        queryset.select_related("enterprise", "inspector", "checklist")
        .prefetch_related("departments")
        .annotate(failed=_failed_count())
        .order_by("-inspected_on", "-id")
    )
    return render_list_page(request, "supervision/inspections/list.html", queryset, PAGE_SIZE, filterset=filterset)


@login_required
def inspection_new(request: HttpRequest) -> HttpResponseBase:
    """A new inspection: the enterprise from `?enterprise=` (its page, a plan's entry) or chosen here; then the
    checklist of its industry, one item per card."""
    user: Any = request.user
    if not can(user, "supervision.inspect"):
        raise PermissionDenied
    enterprises = Enterprise.objects.visible_to(user)
    raw = request.GET.get("enterprise") or request.POST.get("enterprise") or ""
    if not raw:
        return render(
            request,
            "supervision/inspections/choose.html",
            {"form": EnterpriseChooseForm(enterprises=enterprises)},
        )
    choose = EnterpriseChooseForm({"enterprise": raw}, enterprises=enterprises)
    if not choose.is_valid():
        return render(request, "supervision/inspections/choose.html", {"form": choose}, status=400)
    enterprise: Enterprise = choose.cleaned_data["enterprise"]
    checklists = checklists_for(enterprise)
    available = list(checklists)
    checklist = None
    wanted = request.POST.get("checklist") or request.GET.get("checklist") or ""
    if wanted.isdecimal():
        checklist = next((c for c in available if c.pk == int(wanted)), None)
    if checklist is None and available:
        checklist = available[0]
    form = InspectionForm(
        request.POST or None,
        request.FILES or None,
        enterprise=enterprise,
        checklist=checklist,
        checklists=checklists,
    )
    status = 200
    # Sent from the phone's outbox (inspection-outbox.js): answered in JSON, no message left in the session.
    wants_json = request.method == "POST" and request.headers.get("X-Requested-With") == "fetch"
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            with refusal_into(form) as refused:
                inspection = inspection_record(
                    actor=user,
                    enterprise=enterprise,
                    inspected_on=data["inspected_on"],
                    reason=data["reason"],
                    reason_note=data["reason_note"],
                    departments=data["departments"],
                    checklist=checklist,
                    answers=form.answers(),
                    note=data["note"],
                    latitude=data["latitude"],
                    longitude=data["longitude"],
                    client_key=data["client_key"],
                )
            if not refused:
                if wants_json:
                    url = reverse("supervision:inspection_detail", args=[inspection.pk])
                    return JsonResponse({"ok": True, "url": url, "enterprise": enterprise.name})
                messages.success(request, _("Inspection of %(name)s recorded.") % {"name": enterprise.name})
                return redirect("supervision:inspection_detail", pk=inspection.pk)
        if wants_json:
            return JsonResponse({"ok": False, "errors": form.errors.get_json_data()}, status=400)
        status = 400
    return render(
        request,
        "supervision/inspections/form.html",
        {
            "form": form,
            "enterprise": enterprise,
            "checklist": checklist,
            "checklists": available,
            "item_rows": form.item_rows(),
        },
        status=status,
    )


def _visible_inspection(request: HttpRequest, pk: int) -> Inspection:
    return get_object_or_404(
        Inspection.objects.visible_to(request.user).select_related(
            "enterprise", "inspector", "created_by", "checklist"
        ),
        pk=pk,
    )


@login_required
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = _visible_inspection(request, pk)
    answers = list(inspection.answers.select_related("item", "hazard").order_by("item__order", "item_id"))
    counts = {result: sum(1 for a in answers if a.result == result) for result in InspectionResult.values}
    return render(
        request,
        "supervision/inspections/detail.html",
        {
            "inspection": inspection,
            "answers": answers,
            "departments": list(inspection.departments.order_by("name")),
            "counts": counts,
        },
    )


@login_required
@require_POST
def answer_hazard(request: HttpRequest, pk: int, answer_pk: int) -> HttpResponse:
    """Turn a failed item into a hazard, prefilled, and open it (a second click opens the same hazard)."""
    inspection = _visible_inspection(request, pk)
    answer = get_object_or_404(InspectionAnswer.objects.filter(inspection=inspection), pk=answer_pk)
    with refusal_message(request) as refused:
        hazard = inspection_hazard_from_item(actor=request.user, inspection=inspection, answer=answer)
    if refused:
        return redirect("supervision:inspection_detail", pk=inspection.pk)
    messages.success(request, _("Hazard %(code)s registered from the failed item.") % {"code": hazard.code})
    return redirect(hazard.get_absolute_url())


@login_required
def answer_photo(request: HttpRequest, pk: int, answer_pk: int) -> HttpResponseBase:
    inspection = _visible_inspection(request, pk)
    answer = get_object_or_404(InspectionAnswer.objects.filter(inspection=inspection).exclude(photo=""), pk=answer_pk)
    return serve_protected(answer.photo)


def enterprise_panel_context(request: HttpRequest, enterprise: Enterprise) -> dict[str, Any]:
    """The enterprise page's inspections panel: the latest five the user sees."""
    latest = list(
        Inspection.objects.visible_to(request.user)
        .filter(enterprise=enterprise)
        .select_related("inspector")
        .annotate(failed=_failed_count())
        .order_by("-inspected_on", "-id")[:5]
    )
    return {"enterprise": enterprise, "latest": latest, "can_inspect": can(request.user, "supervision.inspect")}


__all__ = [
    "answer_hazard",
    "answer_photo",
    "enterprise_panel_context",
    "inspection_detail",
    "inspection_list",
    "inspection_new",
]
