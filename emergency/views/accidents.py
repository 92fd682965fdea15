"""Accidents: list, report, detail (figures, clocks, report chain, response log, evaluation) and their steps."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from safety_platform.audit import audit_entries_for
from safety_platform.forms import choice_field
from safety_platform.permissions import can

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
from ..services.accidents import FIGURE_FIELDS
from .common import StepView, list_view, loader, post_step, register_view, run, step_view, with_data

accident_list = list_view(
    "emergency/accident_list.html", AccidentFilterSet, accidents_visible_to, ("-occurred_at", "-id")
)


_accident = loader(accidents_visible_to)


@login_required
def accident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    accident = _accident(request, pk)
    user: Any = request.user
    evaluation = AccidentEvaluation.objects.filter(accident=accident).first()
    staff = can(user, "emergency.handle_accident", accident)
    # Supplementing the figures, logging the response and reporting on measures: the staff who handle the
    # accident and the people of the enterprise it happened at.
    follow = can(user, "emergency.follow_accident", accident)
    figures = {name: getattr(accident, name) for name in FIGURE_FIELDS}
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
        "follow": follow,
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


def _report(actor: Any, data: dict[str, Any]) -> Any:
    given = {k: v for k, v in data.items() if v is not None or k in ("enterprise", "jurisdiction")}
    return services.accident_report(actor=actor, **given)


accident_create = register_view(
    AccidentForm,
    _report,
    rule="emergency.report_accident",
    success=lambda accident: _("Accident reported and graded: %(grade)s.") % {"grade": accident.get_grade_display()},
    title=_lazy("Report an accident"),
    list_url="emergency:accident_list",
)


def _step(form_class: type[Any], prefix: str, service: Callable[..., Any], success: Promise) -> StepView:
    """A step on the accident whose service takes the accident and the form's fields as they are."""
    return step_view(_accident, form_class, with_data(service, "accident"), success, prefix=prefix)


accident_supplement = _step(SupplementForm, "sup", services.accident_supplement, _lazy("Figures recorded."))
accident_forward = _step(ForwardForm, "fwd", services.accident_forward, _lazy("Report forwarded."))
accident_extend = _step(
    ExtendForm, "ext", services.accident_extend_investigation, _lazy("Investigation deadline extended.")
)
accident_investigation = _step(
    InvestigationForm, "inv", services.accident_submit_investigation, _lazy("Investigation report recorded.")
)
accident_concealed = _step(RequiredNoteForm, "reason", services.accident_mark_concealed, _lazy("Concealment recorded."))
accident_end_response = _step(NoteForm, "note", services.accident_end_response, _lazy("Emergency response ended."))
accident_evaluation = _step(EvaluationForm, "eva", services.evaluation_save, _lazy("Evaluation saved."))
accident_log = step_view(
    _accident,
    LogForm,
    with_data(services.response_log_add, "accident"),
    _lazy("Logged."),
    prefix="log",
    form_kwargs=lambda request, accident: {"user": request.user, "accident": accident},
)


@login_required
@require_POST
def accident_close(request: HttpRequest, pk: int) -> HttpResponse:
    accident = _accident(request, pk)
    run(request, services.accident_close, actor=request.user, accident=accident, success=_("Accident closed."))
    return redirect(accident)


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


def _evaluation_step(
    request: HttpRequest, accident: Any, form_class: type[Any], prefix: str, service: Callable[..., Any], success: str
) -> HttpResponse:
    """Findings and measures: a step on the accident's evaluation, which must have been started."""
    evaluation = _evaluation_or_message(request, accident)
    if evaluation is None:
        return redirect(accident)
    return post_step(
        request,
        accident,
        form_class(request.POST, prefix=prefix),
        lambda actor, accident, form: service(actor=actor, evaluation=evaluation, **form.cleaned_data),
        success=success,
    )


@login_required
@require_POST
def finding_add(request: HttpRequest, pk: int) -> HttpResponse:
    finding = pgettext("emergency", "Finding recorded.")
    return _evaluation_step(request, _accident(request, pk), FindingForm, "fin", services.accountability_add, finding)


@login_required
@require_POST
def measure_add(request: HttpRequest, pk: int) -> HttpResponse:
    accident = _accident(request, pk)
    add = partial(services.measure_add, responsible_enterprise=accident.enterprise)
    return _evaluation_step(request, accident, MeasureForm, "mea", add, _("Measure added."))


@login_required
@require_POST
def measure_progress(request: HttpRequest, pk: int) -> HttpResponse:
    measure = get_object_or_404(
        CorrectiveMeasure.objects.visible_to(request.user).select_related("evaluation__accident"), pk=pk
    )
    return post_step(
        request,
        measure,
        MeasureProgressForm(request.POST, prefix=f"pro{measure.pk}"),
        with_data(services.measure_progress, "measure"),
        success=_("Progress recorded."),
        back=measure.evaluation.accident,
    )
