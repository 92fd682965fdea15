"""Web UI of joint rewards and punishments (联合奖惩): the measures departments applied, the written notices
(printable, acknowledged by the addressed department) and the committee's button to issue them."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from enterprises.models import Enterprise
from safety_platform.pagination import list_page
from safety_platform.permissions import can, is_enterprise_person
from safety_platform.refusals import refusal_into, refusal_message
from safety_platform.security import signed_in_user
from safety_platform.tasks_util import enqueue

from .choices import Grade
from .forms_joint import (
    IssueNoticesForm,
    JointMeasureFilterSet,
    JointMeasureForm,
    JointNoticeFilterSet,
    RevokeMeasureForm,
)
from .models import JointMeasure, JointNotice
from .services import joint as joint_services
from .views import revoke_posted

PAGE_SIZE = 25


# The enterprise's credit page ---------------------------------------------------------------------


def joint_enterprise_context(request: HttpRequest, enterprise: Enterprise) -> dict[str, Any]:
    """What the enterprise's credit page shows of joint measures (one query)."""
    measures = list(
        JointMeasure.objects.visible_to(request.user)
        .filter(enterprise=enterprise)
        .select_related("department")
        .order_by("-applied_on", "-id")[:50]
    )
    return {"joint_measures": measures}


# Measures -----------------------------------------------------------------------------------------


@login_required
def joint_measures(request: HttpRequest) -> HttpResponse:
    """联合奖惩措施: the measures the user may see, filtered by department, kind and month, a page at a time."""
    user: Any = request.user
    if is_enterprise_person(user):
        return redirect("credit:enterprise", pk=user.enterprise_id)
    base = JointMeasure.objects.visible_to(user).select_related("enterprise", "department")
    filterset = JointMeasureFilterSet(request.GET, queryset=base)
    queryset = filterset.qs if filterset.is_valid() else base.none()
    page, query = list_page(request, queryset.order_by("-applied_on", "-id"), PAGE_SIZE)
    # A department sees the measures it applied to enterprises it does not supervise: their names link to the
    # credit page only where the user may open it (one query for the page's rows).
    on_page = {m.enterprise_id for m in page}
    openable = set(Enterprise.objects.visible_to(user).filter(pk__in=on_page).values_list("pk", flat=True))
    return render(
        request,
        "credit/joint_measures.html",
        {
            "filterset": filterset,
            "page_obj": page,
            "query": query,
            "openable": openable,
        },
    )


def _measure_form_page(
    request: HttpRequest, form: JointMeasureForm, enterprise: Enterprise | None, status: int = 200
) -> HttpResponse:
    return render(request, "credit/joint_measure_form.html", {"form": form, "enterprise": enterprise}, status=status)


@login_required
def joint_measure_create(request: HttpRequest) -> HttpResponse:
    """Record a measure for the enterprise named by its unified social credit code (no list of enterprises)."""
    if not can(request.user, "credit.record_measure"):
        raise PermissionDenied
    initial = {"applied_on": timezone.localdate(), "credit_code": request.GET.get("credit_code", "")}
    form = JointMeasureForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        enterprise = Enterprise.objects.filter(credit_code=form.cleaned_data["credit_code"]).first()
        if enterprise is None:
            form.add_error("credit_code", _("No enterprise has this unified social credit code."))
        else:
            return _save_measure(request, form, enterprise, field_map={"enterprise": "credit_code"})
    return _measure_form_page(request, form, None, status=400 if form.errors else 200)


@login_required
def enterprise_measure_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a measure from the enterprise's credit page (the enterprise comes from the URL)."""
    if not can(request.user, "credit.record_measure"):
        raise PermissionDenied
    # The enterprises the user sees (the credit page's button); a department acting on an enterprise it does not
    # supervise names it by its credit code (joint_measure_create), which reveals nothing by id.
    enterprise = get_object_or_404(Enterprise.objects.visible_to(request.user), pk=pk)
    form = JointMeasureForm(request.POST or None, initial={"applied_on": timezone.localdate()}, with_credit_code=False)
    if request.method == "POST" and form.is_valid():
        return _save_measure(request, form, enterprise, field_map={})
    return _measure_form_page(request, form, enterprise, status=400 if form.errors else 200)


def _save_measure(
    request: HttpRequest, form: JointMeasureForm, enterprise: Enterprise, *, field_map: dict[str, str]
) -> HttpResponse:
    data = form.cleaned_data
    with refusal_into(form, field_map=field_map) as refused:
        joint_services.joint_measure_record(
            actor=signed_in_user(request),
            enterprise=enterprise,
            kind=data["kind"],
            applied_on=data["applied_on"],
            until=data.get("until"),
            note=data.get("note", ""),
            basis=data.get("basis", ""),
        )
    if refused:
        return _measure_form_page(request, form, enterprise, status=400)
    messages.success(request, _("Measure recorded."))
    if Enterprise.objects.visible_to(request.user).filter(pk=enterprise.pk).exists():
        return redirect(reverse("credit:enterprise", args=[enterprise.pk]) + "#joint-measures")
    return redirect("credit:joint_measures")


@login_required
@require_POST
def joint_measure_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    measure = get_object_or_404(JointMeasure.objects.visible_to(request.user), pk=pk)
    revoke = partial(joint_services.joint_measure_revoke, measure=measure)
    revoke_posted(request, RevokeMeasureForm(request.POST), revoke, _("Measure revoked."))
    return redirect("credit:joint_measures")


# Notices ------------------------------------------------------------------------------------------


@login_required
def joint_notices(request: HttpRequest) -> HttpResponse:
    """The written notices: the committee sees every department's and which are not acknowledged; a
    department's staff their own."""
    user: Any = request.user
    base = JointNotice.objects.visible_to(user).select_related("department", "acknowledged_by")
    if not can(user, "credit.read_notices"):
        raise PermissionDenied
    filterset = JointNoticeFilterSet(request.GET, queryset=base)
    queryset = filterset.qs if filterset.is_valid() else base.none()
    page, query = list_page(request, queryset.order_by("-period_start", "department__name", "id"), PAGE_SIZE)
    start, _end = joint_services.previous_month()
    return render(
        request,
        "credit/joint_notices.html",
        {
            "filterset": filterset,
            "page_obj": page,
            "query": query,
            "issue_form": IssueNoticesForm(initial={"period": f"{start:%Y-%m}"}),
            "unacknowledged": base.unacknowledged().count(),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def joint_notices_issue(request: HttpRequest) -> HttpResponse:
    """The committee's button: issue a month's notices now (in the background, like the monthly job)."""
    if not can(request.user, "credit.issue_notices"):
        raise PermissionDenied
    form = IssueNoticesForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for e in form.errors.get("period", [])) or _("Choose a month."))
        return redirect("credit:joint_notices")
    start, end = joint_services.month_of(form.cleaned_data["period"])
    if end >= timezone.localdate():
        messages.error(request, _("A notice covers a month that has ended; choose an earlier month."))
        return redirect("credit:joint_notices")
    from .tasks import joint_notices_issue_task

    enqueue(joint_notices_issue_task, start.isoformat(), request.user.pk)
    messages.success(
        request,
        _("The notices of %(month)s are being issued to the recipient departments; already issued ones are kept.")
        % {"month": f"{start:%Y-%m}"},
    )
    return redirect(f"{reverse('credit:joint_notices')}?period={start:%Y-%m}")


@login_required
def joint_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """The notice as a printable document (A4, official layout; navigation is not printed)."""
    notice = get_object_or_404(
        JointNotice.objects.visible_to(request.user).select_related("department", "acknowledged_by", "issued_by"),
        pk=pk,
    )
    content = notice.content or {}
    labels = dict(Grade.choices)
    return render(
        request,
        "credit/joint_notice.html",
        {
            "notice": notice,
            "grades": [
                {**row, "from_label": labels.get(row.get("from"), "—"), "to_label": labels.get(row.get("to"), "—")}
                for row in content.get("grades", [])
            ],
            "grade_total": content.get("grade_total", 0),
            "listed": content.get("listed", []),
            "removed": content.get("removed", []),
        },
    )


@login_required
@require_POST
def joint_notice_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(JointNotice.objects.visible_to(request.user), pk=pk)
    with refusal_message(request) as refused:
        joint_services.joint_notice_acknowledge(actor=signed_in_user(request), notice=notice)
    if not refused:
        messages.success(request, _("Receipt acknowledged."))
    return redirect("credit:joint_notice", pk=notice.pk)
