"""Emergency plans and drills: list with overdue-drill flags, detail, create/edit, record a drill."""

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
from ..filtersets import PlanFilterSet
from ..forms import DrillForm, PlanForm
from ..selectors import enterprises_overdue_for_drill, plans_visible_to
from ..services.common import is_enterprise_user, is_staff_user
from .common import form_invalid_message, paginate, run


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    filterset = PlanFilterSet(request.GET, queryset=plans_visible_to(request.user), user=request.user)
    queryset = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    page, query = paginate(request, queryset.order_by("-drill_overdue", "title", "id"))
    return render(
        request,
        "emergency/plan_list.html",
        {
            "filterset": filterset,
            "page_obj": page,
            "query": query,
            "can_create": is_staff_user(request.user) or is_enterprise_user(request.user),
        },
    )


@login_required
def overdue_enterprises(request: HttpRequest) -> HttpResponse:
    if is_enterprise_user(request.user):
        return redirect("emergency:plan_list")
    page, query = paginate(request, enterprises_overdue_for_drill(request.user).order_by("name", "id"), size=50)
    return render(request, "emergency/overdue_enterprises.html", {"page_obj": page, "query": query})


def _plan(request: HttpRequest, pk: int) -> Any:
    return get_object_or_404(plans_visible_to(request.user), pk=pk)


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    return render(
        request,
        "emergency/plan_detail.html",
        {
            "plan": plan,
            "drills": plan.drills.select_related("recorded_by"),
            "can_manage": can(request.user, "emergency.manage_plan", plan),
            "drill_form": DrillForm(),
            "audit_entries": audit_entries_for(plan)[:20],
        },
    )


@login_required
def plan_create(request: HttpRequest) -> HttpResponse:
    if not (is_staff_user(request.user) or is_enterprise_user(request.user)):
        raise PermissionDenied
    form = PlanForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        plan = run(request, services.plan_create, form=form, actor=request.user, data=form.cleaned_data)
        if plan:
            messages.success(request, _("Plan recorded."))
            return redirect(plan)
    return render(
        request,
        "emergency/form.html",
        {"form": form, "title": _("Record an emergency plan"), "cancel_url": reverse("emergency:plan_list")},
    )


@login_required
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    if not can(request.user, "emergency.manage_plan", plan):
        raise PermissionDenied
    form = PlanForm(request.POST or None, instance=plan, user=request.user)
    if request.method == "POST" and form.is_valid():
        result = run(
            request,
            services.plan_update,
            form=form,
            actor=request.user,
            plan=plan,
            data=form.cleaned_data,
            opened=form.opened,
        )
        if result:
            messages.success(request, _("Changes saved."))
            return redirect(result)
    return render(
        request, "emergency/form.html", {"form": form, "title": plan.title, "cancel_url": plan.get_absolute_url()}
    )


@login_required
@require_POST
def drill_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    form = DrillForm(request.POST)
    if form.is_valid():
        run(
            request,
            services.drill_record,
            actor=request.user,
            plan=plan,
            success=_("Drill recorded."),
            **form.cleaned_data,
        )
    else:
        form_invalid_message(request, form)
    return redirect(plan)
