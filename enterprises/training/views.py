"""Web UI of training: compliance per enterprise, employees, training records, special-operation certificates.

The enterprise keeps these records itself through the portal; staff read them within their scope.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safety_platform.concurrency import VERSION_FIELD
from safety_platform.dates import day_asked
from safety_platform.pagination import ListPaginator
from safety_platform.permissions import can, is_enterprise_person
from safety_platform.security import signed_in_user

from ..common.views import PAGE_SIZE, filtered_page, post_form, run_service, save_form
from ..registry.models import Enterprise
from .filtersets import EmployeeFilterSet, SpecialCertificateFilterSet
from .forms import EmployeeForm, PostChangeForm, SpecialCertificateForm, TrainingRecordForm
from .models import SpecialOperationCertificate
from .selectors import (
    certificates_due,
    compliance_by_enterprise,
    employees_visible_to,
    evaluate,
    evaluate_people,
    hours_shown,
    is_high_risk,
    noncompliant_people,
    special_certificates_visible_to,
    summary_of,
    training_compliance,
    training_records_visible_to,
    with_training_totals,
)
from .services import (
    employee_create,
    employee_post_change,
    employee_update,
    special_certificate_save,
    training_record_add,
    training_record_delete,
)


def _as_of(request: HttpRequest) -> dt.date:
    """The day of `?on=` (today when absent); a bad one is said in a message and the page shows today."""
    try:
        return day_asked(request.GET)
    except ValueError:
        messages.error(request, _("Not a date (YYYY-MM-DD): '%(v)s'.") % {"v": request.GET["on"]})
        return timezone.localdate()


@login_required
def compliance_overview(request: HttpRequest) -> HttpResponse:
    """Staff: every enterprise in scope that keeps training records, with its non-compliant people.

    Counts and totals come from SQL; no person is loaded here.
    """
    user: Any = request.user
    if is_enterprise_person(user):
        return redirect("enterprises:training_enterprise", enterprise_id=user.enterprise_id)
    on = _as_of(request)
    rows, totals = compliance_by_enterprise(user, on=on)
    page = ListPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = [summary_of(enterprise, on) for enterprise in page.object_list]
    return render(
        request,
        "enterprises/training/overview.html",
        {
            "page_obj": page,
            "on": on,
            "query": f"on={on.isoformat()}",
            "people": totals["people"],
            "noncompliant": totals["noncompliant"],
            "hours": hours_shown(on),
        },
    )


@login_required
def compliance_enterprise(request: HttpRequest, enterprise_id: int) -> HttpResponse:
    """One enterprise: head counts from SQL, then one page of its non-compliant people with the reasons."""
    enterprise = get_object_or_404(Enterprise.objects.visible_to(request.user), pk=enterprise_id)
    on = _as_of(request)
    summary = training_compliance(enterprise, on=on, limit=0)  # the head counts only
    paginator = ListPaginator(noncompliant_people(enterprise, on=on), PAGE_SIZE)
    paginator.count = summary.noncompliant_count  # already counted: no second COUNT query
    page = paginator.get_page(request.GET.get("page"))
    summary.noncompliant = evaluate_people(page.object_list, on)
    return render(
        request,
        "enterprises/training/enterprise.html",
        {
            "enterprise": enterprise,
            "summary": summary,
            "page_obj": page,
            "query": f"on={on.isoformat()}",
            "on": on,
            "hours": hours_shown(on),
            "expiring": certificates_due(
                special_certificates_visible_to(request.user, on=on).filter(employee__enterprise=enterprise), on=on
            ).order_by("expires_on")[:50],
        },
    )


@login_required
def employee_list(request: HttpRequest) -> HttpResponse:
    context = filtered_page(
        request, employees_visible_to(request.user), EmployeeFilterSet, ("enterprise__name", "name", "id")
    )
    user: Any = request.user
    context["can_add"] = is_enterprise_person(user) or getattr(user, "is_platform_admin", False)
    return render(request, "enterprises/training/employee_list.html", context)


@login_required
def employee_new(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    enterprise_id = user.enterprise_id if is_enterprise_person(user) else request.GET.get("enterprise")
    enterprise = get_object_or_404(Enterprise.objects.visible_to(user), pk=enterprise_id or 0)
    if not can(user, "enterprises.keep_records", enterprise):
        raise PermissionDenied
    form = EmployeeForm(request.POST or None)
    employee = save_form(
        request,
        form,
        lambda: employee_create(actor=user, enterprise=enterprise, **_without_version(form.cleaned_data)),
        success=_("Employee added."),
    )
    if employee:
        return redirect(employee)
    return render(request, "enterprises/training/employee_form.html", {"form": form, "enterprise": enterprise})


def _without_version(data: dict[str, Any]) -> dict[str, Any]:
    """A form's data for a service that takes the fields themselves (the version travels as `opened`)."""
    return {k: v for k, v in data.items() if k != VERSION_FIELD}


def _employee(request: HttpRequest, pk: int) -> Any:
    return get_object_or_404(employees_visible_to(request.user), pk=pk)


def _employee_to_keep(request: HttpRequest, pk: int) -> Any:
    """An employee whose records the user keeps (a 404 outside the scope, then a 403 for one who only reads)."""
    employee = _employee(request, pk)
    if not can(request.user, "enterprises.keep_records", employee.enterprise):
        raise PermissionDenied
    return employee


@login_required
def employee_detail(request: HttpRequest, pk: int) -> HttpResponse:
    employee = _employee(request, pk)
    on = timezone.localdate()
    annotated = with_training_totals(employees_visible_to(request.user).filter(pk=employee.pk), on).get()
    result = evaluate(annotated, on, is_high_risk(employee.enterprise))
    return render(
        request,
        "enterprises/training/employee_detail.html",
        {
            "employee": employee,
            "result": result,
            "counted": employee.status == "on_post" and employee.posted_on <= on,
            "events": employee.post_events.select_related("recorded_by"),
            "trainings": employee.trainings.all(),
            "certificates": special_certificates_visible_to(request.user, on=on).filter(employee=employee),
            "training_form": TrainingRecordForm(),
            "certificate_form": SpecialCertificateForm(),
            "post_form": PostChangeForm(),
        },
    )


@login_required
def employee_edit(request: HttpRequest, pk: int) -> HttpResponse:
    employee = _employee_to_keep(request, pk)
    form = EmployeeForm(request.POST or None, instance=employee)
    saved = save_form(
        request,
        form,
        lambda: employee_update(
            actor=signed_in_user(request), employee=employee, data=form.cleaned_data, opened=form.opened
        ),
        success=_("Changes saved."),
    )
    if saved:
        return redirect(saved)
    return render(
        request,
        "enterprises/training/employee_form.html",
        {"form": form, "enterprise": employee.enterprise, "employee": employee},
    )


def _employee_form_post(
    request: HttpRequest, pk: int, form_class: Any, service: Callable[..., Any], *, success: str
) -> HttpResponse:
    """A small form posted from an employee's page by one who keeps the records: `service(actor=, employee=,
    <the form's fields>)`, then back to the page (what was wrong, if anything, above it)."""
    employee = _employee_to_keep(request, pk)
    post_form(
        request,
        form_class(request.POST),
        lambda data: service(actor=signed_in_user(request), employee=employee, **_without_version(data)),
        success=success,
    )
    return redirect(employee)


@login_required
@require_POST
def employee_post(request: HttpRequest, pk: int) -> HttpResponse:
    return _employee_form_post(request, pk, PostChangeForm, employee_post_change, success=_("Post change recorded."))


@login_required
@require_POST
def training_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _employee_form_post(request, pk, TrainingRecordForm, training_record_add, success=_("Training recorded."))


@login_required
@require_POST
def training_delete(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(training_records_visible_to(request.user), pk=pk)
    run_service(
        request,
        lambda: training_record_delete(actor=signed_in_user(request), record=record),
        success=_("Training record removed."),
    )
    return redirect(record.employee)


@login_required
@require_POST
def certificate_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _employee_form_post(
        request, pk, SpecialCertificateForm, special_certificate_save, success=_("Certificate recorded.")
    )


@login_required
def certificate_edit(request: HttpRequest, pk: int) -> HttpResponse:
    cert = get_object_or_404(
        SpecialOperationCertificate.objects.visible_to(request.user).select_related("employee__enterprise"), pk=pk
    )
    if not can(request.user, "enterprises.keep_records", cert.employee.enterprise):
        raise PermissionDenied
    form = SpecialCertificateForm(request.POST or None, instance=cert)
    saved = save_form(
        request,
        form,
        lambda: special_certificate_save(
            actor=signed_in_user(request),
            employee=cert.employee,
            certificate=cert,
            opened=form.opened,
            **_without_version(form.cleaned_data),
        ),
        success=_("Certificate updated."),
    )
    if saved:
        return redirect(cert.employee)
    return render(request, "enterprises/training/certificate_form.html", {"form": form, "cert": cert})


@login_required
def certificate_list(request: HttpRequest) -> HttpResponse:
    on = timezone.localdate()
    context = filtered_page(
        request, special_certificates_visible_to(request.user, on=on), SpecialCertificateFilterSet, ("expires_on", "id")
    )
    return render(request, "enterprises/training/certificate_list.html", context)
