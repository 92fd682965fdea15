"""Accidents: list, report, detail (figures, clocks, report chain, response log, evaluation) and their steps."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from safety_platform.audit import audit_entries_for
from safety_platform.forms import choice_field
from safety_platform.permissions import can
from safety_platform.security import signed_in_user

from .. import services
from ..choices import REPORT_LEVEL_ORDER, ReportLevel
from ..filtersets import AccidentFilterSet
from ..forms import (
    AccidentForm,
    EvaluationForm,
    ExtendForm,
    FindingForm,
    ForwardForm,
    InvestigationForm,
    LogForm,
    MeasureForm,
    MeasureProgressForm,
    NoteForm,
    RequiredNoteForm,
    SupplementForm,
)
from ..models import AccidentEvaluation, CorrectiveMeasure, DispatchOrder
from ..selectors import accident_clocks, accidents_visible_to
from ..services.common import is_enterprise_user
from .common import form_invalid_message, paginate, run


@login_required
def accident_list(request: HttpRequest) -> HttpResponse:
    filterset = AccidentFilterSet(request.GET, queryset=accidents_visible_to(request.user), user=request.user)
    queryset = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    page, query = paginate(request, queryset.order_by("-occurred_at", "-id"))
    return render(
        request,
        "emergency/accident_list.html",
        {
            "filterset": filterset,
            "page_obj": page,
            "query": query,
            "can_report": can(request.user, "emergency.report_accident"),
        },
    )


def _accident(request: HttpRequest, pk: int) -> Any:
    return get_object_or_404(accidents_visible_to(request.user), pk=pk)


@login_required
def accident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    accident = _accident(request, pk)
    user: Any = request.user
    evaluation = AccidentEvaluation.objects.filter(accident=accident).first()
    staff = can(user, "emergency.handle_accident", accident)
    own = is_enterprise_user(user) and accident.enterprise_id == user.enterprise_id
    figures = {
        f: getattr(accident, f) for f in ("deaths", "serious_injuries", "minor_injuries", "missing", "direct_loss_yuan")
    }
    report_steps = list(accident.report_steps.select_related("recorded_by"))
    reached = {step.level for step in report_steps}
    next_level = next((level for level in REPORT_LEVEL_ORDER if level not in reached), None)
    forward_form = ForwardForm(prefix="fwd")
    if next_level is not None:
        # Only the next level up can receive the report now.
        choice_field(forward_form, "level").choices = [(next_level, ReportLevel(next_level).label)]
    context = {
        "accident": accident,
        "staff": staff,
        "own": own,
        "revisions": accident.revisions.select_related("rule_set", "recorded_by"),
        "report_steps": report_steps,
        "can_forward": next_level is not None,
        "clocks": accident_clocks(accident),
        "log": accident.response_log.select_related("recorded_by", "dispatch_order").prefetch_related("teams"),
        # Orders for this accident that the user may open (an enterprise does not see the counties' orders).
        "dispatch_orders": DispatchOrder.objects.visible_to(user).filter(accident=accident),
        "evaluation": evaluation,
        "findings": evaluation.findings.select_related("recorded_by") if evaluation else [],
        "measures": evaluation.measures.prefetch_related("progress__actor") if evaluation else [],
        "supplement_form": SupplementForm(prefix="sup", initial=figures),
        "forward_form": forward_form,
        "log_form": LogForm(prefix="log", user=user, accident=accident),
        "extend_form": ExtendForm(prefix="ext"),
        "investigation_form": InvestigationForm(prefix="inv"),
        "evaluation_form": EvaluationForm(
            prefix="eva",
            initial={
                "causes": evaluation.causes,
                "response_assessment": evaluation.response_assessment,
                "lessons": evaluation.lessons,
            }
            if evaluation
            else None,
        ),
        "finding_form": FindingForm(prefix="fin"),
        "measure_form": MeasureForm(prefix="mea"),
        "progress_form": MeasureProgressForm(prefix="pro"),
        "note_form": NoteForm(prefix="note"),
        "reason_form": RequiredNoteForm(prefix="reason"),
        "audit_entries": audit_entries_for(accident)[:20],
    }
    return render(request, "emergency/accident_detail.html", context)


@login_required
def accident_create(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "emergency.report_accident"):
        raise PermissionDenied
    form = AccidentForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v is not None or k in ("enterprise", "jurisdiction")}
        accident = run(request, services.accident_report, form=form, actor=request.user, **data)
        if accident:
            messages.success(
                request,
                _("Accident reported and graded: %(grade)s.") % {"grade": accident.get_grade_display()},
            )
            return redirect(accident)
    return render(
        request,
        "emergency/form.html",
        {"form": form, "title": _("Report an accident"), "cancel_url": reverse("emergency:accident_list")},
    )


def _post_step(
    request: HttpRequest,
    pk: int,
    form_class: Any,
    prefix: str,
    call: Callable[[Any, dict[str, Any]], Any],
    success: str,
) -> HttpResponse:
    accident = _accident(request, pk)
    form = form_class(request.POST, prefix=prefix)
    if form.is_valid():
        run(request, lambda: call(accident, form.cleaned_data), success=success)
    else:
        form_invalid_message(request, form)
    return redirect(accident)


@login_required
@require_POST
def accident_supplement(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_step(
        request,
        pk,
        SupplementForm,
        "sup",
        lambda a, d: services.accident_supplement(actor=signed_in_user(request), accident=a, **d),
        _("Figures recorded."),
    )


@login_required
@require_POST
def accident_forward(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_step(
        request,
        pk,
        ForwardForm,
        "fwd",
        lambda a, d: services.accident_forward(actor=signed_in_user(request), accident=a, **d),
        _("Report forwarded."),
    )


@login_required
@require_POST
def accident_log(request: HttpRequest, pk: int) -> HttpResponse:
    accident = _accident(request, pk)
    form = LogForm(request.POST, prefix="log", user=request.user, accident=accident)
    if form.is_valid():
        run(
            request,
            services.response_log_add,
            actor=request.user,
            accident=accident,
            success=_("Logged."),
            **form.cleaned_data,
        )
    else:
        form_invalid_message(request, form)
    return redirect(accident)


@login_required
@require_POST
def accident_extend(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_step(
        request,
        pk,
        ExtendForm,
        "ext",
        lambda a, d: services.accident_extend_investigation(actor=signed_in_user(request), accident=a, **d),
        _("Investigation deadline extended."),
    )


@login_required
@require_POST
def accident_investigation(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_step(
        request,
        pk,
        InvestigationForm,
        "inv",
        lambda a, d: services.accident_submit_investigation(actor=signed_in_user(request), accident=a, **d),
        _("Investigation report recorded."),
    )


@login_required
@require_POST
def accident_concealed(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_step(
        request,
        pk,
        RequiredNoteForm,
        "reason",
        lambda a, d: services.accident_mark_concealed(actor=signed_in_user(request), accident=a, note=d["note"]),
        _("Concealment recorded."),
    )


@login_required
@require_POST
def accident_end_response(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_step(
        request,
        pk,
        NoteForm,
        "note",
        lambda a, d: services.accident_end_response(actor=signed_in_user(request), accident=a, note=d["note"]),
        _("Emergency response ended."),
    )


@login_required
@require_POST
def accident_close(request: HttpRequest, pk: int) -> HttpResponse:
    accident = _accident(request, pk)
    run(request, services.accident_close, actor=request.user, accident=accident, success=_("Accident closed."))
    return redirect(accident)


@login_required
@require_POST
def accident_evaluation(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_step(
        request,
        pk,
        EvaluationForm,
        "eva",
        lambda a, d: services.evaluation_save(actor=signed_in_user(request), accident=a, **d),
        _("Evaluation saved."),
    )


def _evaluation_or_message(request: HttpRequest, accident: Any) -> AccidentEvaluation | None:
    evaluation = AccidentEvaluation.objects.filter(accident=accident).first()
    if evaluation is None:
        messages.error(request, _("Start the evaluation first."))
    return evaluation


@login_required
@require_POST
def evaluation_conclude(request: HttpRequest, pk: int) -> HttpResponse:
    accident = _accident(request, pk)
    evaluation = _evaluation_or_message(request, accident)
    if evaluation is not None:
        run(
            request,
            services.evaluation_conclude,
            actor=request.user,
            evaluation=evaluation,
            success=_("Evaluation concluded."),
        )
    return redirect(accident)


@login_required
@require_POST
def finding_add(request: HttpRequest, pk: int) -> HttpResponse:
    accident = _accident(request, pk)
    evaluation = _evaluation_or_message(request, accident)
    form = FindingForm(request.POST, prefix="fin")
    if evaluation is not None and form.is_valid():
        run(
            request,
            services.accountability_add,
            actor=request.user,
            evaluation=evaluation,
            success=pgettext("emergency", "Finding recorded."),
            **form.cleaned_data,
        )
    elif evaluation is not None:
        form_invalid_message(request, form)
    return redirect(accident)


@login_required
@require_POST
def measure_add(request: HttpRequest, pk: int) -> HttpResponse:
    accident = _accident(request, pk)
    evaluation = _evaluation_or_message(request, accident)
    form = MeasureForm(request.POST, prefix="mea")
    if evaluation is not None and form.is_valid():
        run(
            request,
            services.measure_add,
            actor=request.user,
            evaluation=evaluation,
            responsible_enterprise=accident.enterprise,
            success=_("Measure added."),
            **form.cleaned_data,
        )
    elif evaluation is not None:
        form_invalid_message(request, form)
    return redirect(accident)


@login_required
@require_POST
def measure_progress(request: HttpRequest, pk: int) -> HttpResponse:
    measure = get_object_or_404(
        CorrectiveMeasure.objects.visible_to(request.user).select_related("evaluation__accident"), pk=pk
    )
    form = MeasureProgressForm(request.POST, prefix=f"pro{measure.pk}")
    if form.is_valid():
        run(
            request,
            services.measure_progress,
            actor=request.user,
            measure=measure,
            success=_("Progress recorded."),
            **form.cleaned_data,
        )
    else:
        form_invalid_message(request, form)
    return redirect(measure.evaluation.accident)
