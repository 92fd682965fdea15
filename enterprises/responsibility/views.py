"""Web UI of the responsibility system: department responsibility lists, the committee, joint inspections."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safety_platform.audit import audit_entries_for
from safety_platform.models import Department
from safety_platform.permissions import can
from safety_platform.security import signed_in_user

from ..common.hazard_link import hazard_url
from ..common.views import filtered_page, new_record_page, post_form, run_service, save_form
from .filtersets import JointInspectionFilterSet
from .forms import FindingForm, JointInspectionForm, ResponsibilityItemForm, ReviewForm, SummaryForm
from .models import JointInspectionStatus, ResponsibilityItem
from .selectors import (
    departments_with_lists,
    enterprises_without_department,
    joint_findings,
    joint_inspections_visible_to,
    list_is_stale,
    responsibility_items,
)
from .services import (
    joint_finding_add,
    joint_inspection_cancel,
    joint_inspection_complete,
    joint_inspection_create,
    responsibility_item_create,
    responsibility_item_retire,
    responsibility_item_revise,
    responsibility_review_record,
)


def _staff_only(request: HttpRequest) -> None:
    if not can(request.user, "enterprises.read_registers"):
        raise PermissionDenied


@login_required
def responsibility_list(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    departments = list(departments_with_lists(request.user))
    for department in departments:
        department.is_stale = list_is_stale(department.last_reviewed_at)  # type: ignore[attr-defined]
    return render(
        request,
        "enterprises/responsibility/list.html",
        {
            "departments": departments,
            "committee": [d for d in departments if d.is_committee_member or d.is_committee_office],
            "without_department": enterprises_without_department(request.user),
        },
    )


@login_required
def responsibility_department(request: HttpRequest, department_id: int) -> HttpResponse:
    _staff_only(request)
    department = get_object_or_404(Department.objects.visible_to(request.user), pk=department_id)
    show_retired = request.GET.get("history") == "1"
    items = responsibility_items(request.user, department, include_retired=show_retired).order_by(
        "retired_on", "kind", "id"
    )
    from .models import ResponsibilityReview

    reviews = ResponsibilityReview.objects.filter(department=department).select_related("reviewed_by")[:5]
    covered = set(items.filter(retired_on__isnull=True).values_list("industry_id", flat=True))
    industries = list(department.industries.order_by("code"))
    return render(
        request,
        "enterprises/responsibility/department.html",
        {
            "department": department,
            "items": items,
            "show_retired": show_retired,
            "reviews": reviews,
            "is_stale": list_is_stale(reviews[0].reviewed_at if reviews else None),
            "industries": [{"industry": i, "covered": i.pk in covered} for i in industries],
            "form": ResponsibilityItemForm(),
            "review_form": ReviewForm(),
        },
    )


@login_required
def responsibility_item_new(request: HttpRequest, department_id: int) -> HttpResponse:
    _staff_only(request)
    department = get_object_or_404(Department.objects.visible_to(request.user), pk=department_id)
    if not can(request.user, "enterprises.edit_responsibility", department):
        raise PermissionDenied
    form = ResponsibilityItemForm(request.POST or None)
    done = save_form(
        request,
        form,
        lambda: responsibility_item_create(
            actor=signed_in_user(request), department=department, **_item_wording(form.cleaned_data)
        ),
        success=_("Duty added to the responsibility list."),
    )
    if done:
        return redirect("enterprises:responsibility_department", department_id=department.pk)
    return render(
        request, "enterprises/responsibility/item_form.html", {"form": form, "department": department, "item": None}
    )


def _item_wording(data: dict[str, Any]) -> dict[str, Any]:
    """What a duty's form sets: the wording a new duty or a revision is saved with."""
    return {key: data[key] for key in ("duty", "kind", "industry", "legal_basis", "effective_on")}


def _in_force(item: ResponsibilityItem) -> ResponsibilityItem | None:
    """The wording in force that replaced `item` (itself when current); None when it was retired outright."""
    for _hop in range(100):
        if item.retired_on is None:
            return item
        if item.replaced_by_id is None:
            return None
        item = ResponsibilityItem.objects.select_related("department").get(pk=item.replaced_by_id)
    return None


@login_required
def responsibility_item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _staff_only(request)
    opened_item = get_object_or_404(ResponsibilityItem.objects.visible_to(request.user), pk=pk)
    item = _in_force(opened_item)
    if item is None:
        raise Http404
    if item.pk != opened_item.pk and request.method != "POST":
        return redirect("enterprises:responsibility_item_edit", pk=item.pk)
    # A save of a wording revised meanwhile is checked against the revision in force (and refused, naming
    # what changed), instead of being lost to a 404.
    if not can(request.user, "enterprises.edit_responsibility", item.department):
        raise PermissionDenied
    form = ResponsibilityItemForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid() and not form.has_changed():
        # Saving the form as it was opened writes no revision (it would only retire the wording in force).
        messages.info(request, _("Nothing changed."))
        return redirect("enterprises:responsibility_department", department_id=item.department_id)
    done = save_form(
        request,
        form,
        lambda: responsibility_item_revise(
            actor=signed_in_user(request), item=item, opened=form.opened, **_item_wording(form.cleaned_data)
        ),
        success=_("Duty revised; the previous wording is kept in the history."),
    )
    if done:
        return redirect("enterprises:responsibility_department", department_id=item.department_id)
    return render(
        request,
        "enterprises/responsibility/item_form.html",
        {"form": form, "department": item.department, "item": item},
    )


@login_required
@require_POST
def responsibility_item_retire_view(request: HttpRequest, pk: int) -> HttpResponse:
    _staff_only(request)
    item = get_object_or_404(ResponsibilityItem.objects.visible_to(request.user), pk=pk)
    run_service(
        request,
        lambda: responsibility_item_retire(actor=signed_in_user(request), item=item),
        success=_("Duty retired."),
    )
    return redirect("enterprises:responsibility_department", department_id=item.department_id)


@login_required
@require_POST
def responsibility_review_view(request: HttpRequest, department_id: int) -> HttpResponse:
    _staff_only(request)
    department = get_object_or_404(Department.objects.visible_to(request.user), pk=department_id)
    form = ReviewForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    run_service(
        request,
        lambda: responsibility_review_record(actor=signed_in_user(request), department=department, note=note),
        success=_("The responsibility list is confirmed as current."),
    )
    return redirect("enterprises:responsibility_department", department_id=department.pk)


# Joint inspections -------------------------------------------------------------------------------


@login_required
def joint_inspection_list(request: HttpRequest) -> HttpResponse:
    context = filtered_page(
        request, joint_inspections_visible_to(request.user), JointInspectionFilterSet, ("-planned_on", "-id")
    )
    return render(request, "enterprises/responsibility/joint_list.html", context)


@login_required
def joint_inspection_new(request: HttpRequest) -> HttpResponse:
    return new_record_page(
        request,
        permission="enterprises.create_joint_inspection",
        form_class=JointInspectionForm,
        service=joint_inspection_create,
        template="enterprises/responsibility/joint_form.html",
        success=_("Joint inspection planned."),
    )


def _inspection(request: HttpRequest, pk: int) -> Any:
    return get_object_or_404(joint_inspections_visible_to(request.user), pk=pk)


@login_required
def joint_inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = _inspection(request, pk)
    findings = list(joint_findings(inspection))
    for finding in findings:
        finding.hazard_link = hazard_url(finding.hazard_id)  # type: ignore[attr-defined]
    can_work = can(request.user, "enterprises.work_on_inspection", inspection)
    return render(
        request,
        "enterprises/responsibility/joint_detail.html",
        {
            "inspection": inspection,
            "findings": findings,
            "can_work": can_work and inspection.status == JointInspectionStatus.PLANNED,
            "finding_form": FindingForm(inspection=inspection, user=request.user),
            "summary_form": SummaryForm(),
            "audit_entries": audit_entries_for(inspection)[:30],
        },
    )


@login_required
@require_POST
def joint_finding_new(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = _inspection(request, pk)
    form = FindingForm(request.POST, inspection=inspection, user=request.user)
    if not form.is_valid() and not can(request.user, "enterprises.work_on_inspection", inspection):
        raise PermissionDenied  # the service refuses a valid form; an invalid one must not tell more
    post_form(
        request,
        form,
        lambda data: joint_finding_add(actor=signed_in_user(request), inspection=inspection, **data),
        success=_("Finding recorded."),
    )
    return redirect(inspection)


@login_required
@require_POST
def joint_inspection_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    inspection = _inspection(request, pk)
    # The action, its service, the one text it takes from the form, the message when done.
    acts: dict[str, tuple[Any, str, str]] = {
        "complete": (
            joint_inspection_complete,
            "summary",
            _("Inspection completed: its findings are registered as hazards."),
        ),
        "cancel": (joint_inspection_cancel, "reason", _("Inspection cancelled.")),
    }
    if action not in acts:
        raise PermissionDenied
    service, field, success = acts[action]
    text = request.POST.get(field, "")
    run_service(
        request,
        lambda: service(actor=signed_in_user(request), inspection=inspection, **{field: text}),
        success=success,
    )
    return redirect(inspection)
