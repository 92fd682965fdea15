"""Web UI of standardization certificates, the share certified, and demonstration enterprises."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safety_platform.audit import audit_entries_for
from safety_platform.permissions import can, is_staff_member
from safety_platform.security import signed_in_user
from safety_platform.uploads import serve_protected

from ..common.views import filtered_page, new_record_page, post_form, run_service
from .filtersets import CertificateFilterSet, DemonstrationFilterSet
from .forms import CertificateForm, DemonstrationForm, MeasureForm, RereviewForm, RevokeForm, VerifyForm
from .models import CertificateStatus, DemonstrationStatus
from .selectors import (
    certificate_counts,
    certificates_visible_to,
    demonstration_totals,
    demonstrations_visible_to,
    standardization_coverage,
)
from .services import (
    demonstration_add_measure,
    demonstration_designate,
    demonstration_revoke,
    stdcert_apply_rereview,
    stdcert_record,
    stdcert_revoke,
    stdcert_verify,
)


@login_required
def certificate_list(request: HttpRequest) -> HttpResponse:
    context = filtered_page(request, certificates_visible_to(request.user), CertificateFilterSet, ("expires_on", "id"))
    context["counts"] = certificate_counts(request.user, on=timezone.localdate())
    return render(request, "enterprises/standardization/certificate_list.html", context)


@login_required
def certificate_new(request: HttpRequest) -> HttpResponse:
    return new_record_page(
        request,
        permission="enterprises.record_certificate",
        form_class=CertificateForm,
        service=stdcert_record,
        template="enterprises/standardization/certificate_form.html",
        success=_("Certificate recorded.")
        if is_staff_member(request.user)
        else _("Certificate declared; staff will verify it."),
    )


def _certificate(request: HttpRequest, pk: int) -> Any:
    return get_object_or_404(certificates_visible_to(request.user), pk=pk)


@login_required
def certificate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cert = _certificate(request, pk)
    today = timezone.localdate()
    can_verify = can(request.user, "enterprises.verify_certificate", cert.enterprise)
    return render(
        request,
        "enterprises/standardization/certificate_detail.html",
        {
            "cert": cert,
            "events": cert.events.select_related("actor"),
            "in_rereview_window": cert.status == CertificateStatus.VALID and cert.rereview_reminder_on <= today,
            "can_verify": can_verify and cert.status == CertificateStatus.PENDING,
            "can_revoke": can_verify
            and cert.status == CertificateStatus.VALID
            and getattr(request.user, "role", "") != "inspector",
            "can_rereview": can(request.user, "enterprises.record_certificate", cert.enterprise)
            and cert.status == CertificateStatus.VALID
            and cert.rereview_applied_on is None,
            "verify_form": VerifyForm(),
            "revoke_form": RevokeForm(),
            "rereview_form": RereviewForm(),
            "audit_entries": audit_entries_for(cert)[:30],
        },
    )


@login_required
def certificate_scan(request: HttpRequest, pk: int) -> FileResponse:
    cert = _certificate(request, pk)  # visibility first, then the file
    return serve_protected(cert.scan)


@login_required
@require_POST
def certificate_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    cert = _certificate(request, pk)
    actor: Any = request.user
    acts: dict[str, tuple[Any, Any, str]] = {
        "verify": (VerifyForm, stdcert_verify, _("Verification recorded.")),
        "revoke": (RevokeForm, stdcert_revoke, _("Certificate revoked.")),
        "rereview": (RereviewForm, stdcert_apply_rereview, _("Re-review application recorded.")),
    }
    if action not in acts:
        raise PermissionDenied
    form_class, service, success = acts[action]
    post_form(
        request, form_class(request.POST), lambda data: service(actor=actor, certificate=cert, **data), success=success
    )
    return redirect(cert)


@login_required
def coverage(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "enterprises.read_registers"):
        raise PermissionDenied
    data = standardization_coverage(request.user, on=timezone.localdate())
    return render(request, "enterprises/standardization/coverage.html", {"coverage": data})


# Demonstration enterprises -------------------------------------------------------------------------


@login_required
def demonstration_list(request: HttpRequest) -> HttpResponse:
    context = filtered_page(
        request, demonstrations_visible_to(request.user), DemonstrationFilterSet, ("-designated_on", "-id")
    )
    context["totals"] = demonstration_totals(request.user)
    context["can_designate"] = can(request.user, "enterprises.designate")
    return render(request, "enterprises/standardization/demonstration_list.html", context)


@login_required
def demonstration_new(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "enterprises.designate"):
        raise PermissionDenied
    form = DemonstrationForm(request.POST or None, user=request.user)
    measure = MeasureForm(request.POST or None, prefix="m")
    if request.method == "POST" and form.is_valid() and measure.is_valid():
        data = form.cleaned_data
        demo = run_service(
            request,
            lambda: demonstration_designate(
                actor=signed_in_user(request),
                enterprise=data["enterprise"],
                designated_on=data["designated_on"],
                summary=data["summary"],
                batch=data["batch"],
                department=data["department"],
                measures=[measure.cleaned_data],
            ),
            form=form,
            success=_("Demonstration enterprise designated."),
        )
        if demo:
            return redirect(demo)
    return render(request, "enterprises/standardization/demonstration_form.html", {"form": form, "measure": measure})


@login_required
def demonstration_detail(request: HttpRequest, pk: int) -> HttpResponse:
    demo = get_object_or_404(demonstrations_visible_to(request.user), pk=pk)
    return render(
        request,
        "enterprises/standardization/demonstration_detail.html",
        {
            "demo": demo,
            "measures": demo.measures.all(),
            "can_edit": can(request.user, "enterprises.designate", demo.enterprise)
            and demo.status == DemonstrationStatus.ACTIVE,
            "measure_form": MeasureForm(prefix="m"),
            "revoke_form": RevokeForm(),
        },
    )


@login_required
@require_POST
def demonstration_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    demo = get_object_or_404(demonstrations_visible_to(request.user), pk=pk)
    actor: Any = request.user
    if action == "measure":
        form: Any = MeasureForm(request.POST, prefix="m")
        call: Any = lambda data: demonstration_add_measure(actor=actor, demonstration=demo, measure=data)  # noqa: E731
        success = _("Measure added.")
    elif action == "revoke":
        form = RevokeForm(request.POST)
        call = lambda data: demonstration_revoke(actor=actor, demonstration=demo, reason=data["reason"])  # noqa: E731
        success = _("Designation withdrawn.")
    else:
        raise PermissionDenied
    if not form.is_valid() and not can(actor, "enterprises.designate", demo.enterprise):
        raise PermissionDenied  # the service refuses a valid form; an invalid one must not tell more
    post_form(request, form, call, success=success)
    return redirect(demo)
