"""Inspection plan pages: the plans, one plan's entries by status, an entry's adjustment, my inspections due,
the inspection frequency rules; and the enterprise page's panel."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from safety_platform.choices import Role
from safety_platform.pagination import list_page
from safety_platform.permissions import can, is_staff_member
from safety_platform.refusals import refusal_into, refusal_message
from safety_platform.scoping import within_path

from .forms_plans import (
    EntryFilterForm,
    PlanEntryAdjustForm,
    PlanGenerateForm,
    county_choices,
    user_label,
)
from .models import InspectionPlan, InspectionPlanEntry, InspectionRuleSet, PlanGenerationStatus
from .selectors_plans import (
    current_year_plan,
    decorate,
    my_due_entries,
    plan_entries,
    plans_visible,
    status_counts,
    with_status,
)
from .services import plans as plan_services
from .services.caps import enterprise_class, inspections_in_year
from .services.plans import assignable_users, plan_label

PAGE_SIZE = 50


def _staff(request: HttpRequest) -> Any:
    user: Any = request.user
    if not is_staff_member(user):
        raise PermissionDenied
    return user


def _may_generate(user: Any) -> bool:
    return (
        user.is_superuser
        or user.role in (Role.ADMIN, Role.COMMITTEE, Role.COUNTY_OFFICE)
        or (user.role == Role.INSPECTOR and county_choices(user).exists())
    )


@login_required
def plans(request: HttpRequest) -> HttpResponse:
    """The plans of the user's areas, newest year first; committee and county staff generate them here."""
    user = _staff(request)
    queryset = plans_visible(user)
    year = request.GET.get("year", "")
    if year.isdigit() and len(year) == 4:
        queryset = queryset.filter(year=int(year))
    page, query = list_page(
        request, queryset.order_by("-year", "jurisdiction__path", "quarter", "department__name", "pk"), PAGE_SIZE
    )
    for plan in page.object_list:
        plan.label = plan_label(plan)
    may_generate = _may_generate(user)
    form = PlanGenerateForm(counties=county_choices(user)) if may_generate else None
    return render(
        request,
        "supervision/plans/plans.html",
        {
            "page_obj": page,
            "query": query,
            "year": year,
            "form": form,
            "is_inspector": user.role == Role.INSPECTOR,
        },
    )


@require_POST
@login_required
def plan_generate(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    form = PlanGenerateForm(request.POST, counties=county_choices(user))
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            text = " ".join(str(e) for e in errors)
            messages.error(request, _("%(label)s: %(errors)s") % {"label": label, "errors": text} if label else text)
        return redirect("supervision:plans")
    data = form.cleaned_data
    with refusal_message(request) as refused:
        # Recorded and queued in one transaction; a worker generates it (the page shows 正在生成 until then).
        plan, queued = plan_services.plan_generation_request(
            year=data["year"],
            quarter=data["quarter"],
            jurisdiction=data["jurisdiction"],
            department=data["department"],
            actor=user,
        )
    if refused:
        return redirect("supervision:plans")
    if queued:
        messages.success(request, _("The plan is being generated; this page shows the result when it is ready."))
    else:
        messages.info(request, _("This plan is already being generated; it was not asked for twice."))
    return redirect("supervision:plan_detail", pk=plan.pk)


def _retry_form(user: Any, plan: InspectionPlan) -> PlanGenerateForm | None:
    """A failed generation is asked for again from its page (the same period, county and department)."""
    if plan.generation_status != PlanGenerationStatus.FAILED or not can(
        user, "supervision.manage_plans", plan.jurisdiction
    ):
        return None
    return PlanGenerateForm(
        counties=county_choices(user),
        initial={
            "year": plan.year,
            "quarter": plan.quarter or "",
            "jurisdiction": plan.jurisdiction_id,
            "department": plan.department_id,
        },
    )


def _visible_plan(request: HttpRequest, pk: int) -> InspectionPlan:
    return get_object_or_404(plans_visible(request.user), pk=pk)


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One plan's entries with their status (due / done / overdue / over the cap), filterable, paginated."""
    _staff(request)
    plan = _visible_plan(request, pk)
    today = timezone.localdate()
    assignees = assignable_users(plan)
    form = EntryFilterForm(request.GET or None, plan=plan, assignees=assignees)
    entries = plan_entries(plan, request.user, today)
    counts = status_counts(entries)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["status"]:
            entries = entries.filter(status=data["status"])
        if data["township"] is not None:
            entries = entries.filter(within_path("enterprise__jurisdiction__path", data["township"].path))
        if data["assignee"] is not None:
            entries = entries.filter(assignee=data["assignee"])
    elif form.is_bound:
        entries = entries.none()
    page, query = list_page(request, entries, PAGE_SIZE)
    decorate(page.object_list)
    return render(
        request,
        "supervision/plans/plan_detail.html",
        {
            "plan": plan,
            "plan_title": plan_label(plan),
            "form": form,
            "page_obj": page,
            "query": query,
            "counts": counts,
            "today": today,
            "generating": plan.generation_status in plan_services.GENERATION_ACTIVE,
            "retry_form": _retry_form(request.user, plan),
        },
    )


@login_required
def plan_entry_adjust(request: HttpRequest, pk: int) -> HttpResponse:
    """Change an entry's required number or assignee, with a reason."""
    user = _staff(request)
    entry = get_object_or_404(
        InspectionPlanEntry.objects.visible_to(user).select_related(
            "plan", "plan__jurisdiction", "enterprise", "assignee"
        ),
        pk=pk,
    )
    plan = entry.plan
    if not plans_visible(user).filter(pk=plan.pk).exists():
        raise Http404
    if not can(user, "supervision.manage_plans", plan.jurisdiction):
        raise PermissionDenied
    assignees = assignable_users(plan)
    initial = {"required": entry.required, "assignee": entry.assignee, "reason": ""}
    form = PlanEntryAdjustForm(request.POST or None, plan=plan, assignees=assignees, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refusal_into(form) as refused:
            plan_services.plan_entry_adjust(
                entry_id=entry.pk,
                actor=user,
                required=data["required"],
                assignee=data["assignee"],
                reason=data["reason"],
            )
        if not refused:
            messages.success(request, _("The plan entry was changed."))
            return redirect("supervision:plan_detail", pk=plan.pk)
    annotated = with_status(InspectionPlanEntry.objects.filter(pk=entry.pk), plan).get()
    decorate([annotated])
    return render(
        request,
        "supervision/plans/entry_adjust.html",
        {"entry": annotated, "plan": plan, "plan_title": plan_label(plan), "form": form},
    )


@login_required
def plan_mine(request: HttpRequest) -> HttpResponse:
    """My inspections due: this year's plan entries assigned to me, or unassigned in my area, not yet done."""
    user = _staff(request)
    today = timezone.localdate()
    plan = current_year_plan(user, today)
    page = None
    query = ""
    if plan is not None:
        page, query = list_page(request, my_due_entries(user, plan, today), PAGE_SIZE)
        decorate(page.object_list)
    return render(
        request,
        "supervision/plans/mine.html",
        {"plan": plan, "plan_title": plan_label(plan) if plan else "", "page_obj": page, "query": query},
    )


@login_required
def plan_rules(request: HttpRequest) -> HttpResponse:
    """The inspection frequency rules in force (read-only; edited in the admin as a new version)."""
    _staff(request)
    versions = InspectionRuleSet.objects.order_by("-effective_from", "-id")
    version = request.GET.get("version", "")
    rule_set: InspectionRuleSet | None
    if version:
        rule_set = get_object_or_404(versions, version=version[:40])
    else:
        rule_set = InspectionRuleSet.objects.in_force(timezone.localdate())
        if rule_set is None:
            rule_set = versions.first()
    rules = list(rule_set.rules.order_by("position", "id")) if rule_set else []
    return render(
        request,
        "supervision/plans/rules.html",
        {"rule_set": rule_set, "rules": rules, "versions": versions},
    )


@require_GET
@login_required
def plan_assignees(request: HttpRequest, pk: int) -> JsonResponse:
    """The assignee search box's answers: at most 20 inspectors of the plan's area."""
    _staff(request)
    plan = _visible_plan(request, pk)
    text = request.GET.get("q", "")[:100].strip().replace("\x00", "")
    users = assignable_users(plan)
    if text:
        users = users.filter(Q(username__icontains=text) | Q(full_name__icontains=text))
    rows = list(users[:20])
    response = JsonResponse({"results": [{"id": u.pk, "label": user_label(u), "detail": u.username} for u in rows]})
    response["Cache-Control"] = "private, no-store"
    return response


def enterprise_panel_context(request: HttpRequest, enterprise: Any) -> dict[str, Any]:
    """The enterprise page's panel: its class under the rules in force and this year's inspections."""
    today = timezone.localdate()
    klass = enterprise_class(enterprise, today)
    year_count = inspections_in_year(enterprise, today.year)
    return {
        "klass": klass,
        "year_count": year_count,
        "over_cap": klass.max_per_year is not None and year_count > klass.max_per_year,
        "year": today.year,
        "enterprise": enterprise,
    }
