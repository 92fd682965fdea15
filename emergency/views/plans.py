"""Emergency plans and drills: list with overdue-drill flags, detail, create/edit, record a drill."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _lazy

from safety_platform.audit import audit_entries_for
from safety_platform.permissions import is_enterprise_person

from .. import services
from ..filtersets import PlanFilterSet
from ..forms import DrillForm, PlanForm
from ..selectors import enterprises_overdue_for_drill, plans_visible_to
from .common import edit_view, list_view, loader, paginate, register_view, step_view, with_data

plan_list = list_view("emergency/plan_list.html", PlanFilterSet, plans_visible_to, ("-drill_overdue", "title", "id"))


@login_required
def overdue_enterprises(request: HttpRequest) -> HttpResponse:
    if is_enterprise_person(request.user):
        return redirect("emergency:plan_list")
    page, query = paginate(request, enterprises_overdue_for_drill(request.user).order_by("name", "id"), size=50)
    return render(request, "emergency/overdue_enterprises.html", {"page_obj": page, "query": query})


_plan = loader(plans_visible_to)


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    return render(
        request,
        "emergency/plan_detail.html",
        {
            "plan": plan,
            "drills": plan.drills.select_related("recorded_by"),
            "drill_form": DrillForm(),
            "audit_entries": audit_entries_for(plan)[:20],
        },
    )


plan_create = register_view(
    PlanForm,
    services.plan_create,
    success=_lazy("Plan recorded."),
    title=_lazy("Record an emergency plan"),
    list_url="emergency:plan_list",
)


plan_edit = edit_view(
    _plan,
    PlanForm,
    services.plan_update,
    rule="emergency.manage_plan",
    target="plan",
    title="title",
)


drill_add = step_view(_plan, DrillForm, with_data(services.drill_record, "plan"), _lazy("Drill recorded."))
