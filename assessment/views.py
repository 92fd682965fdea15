"""Assessment pages: schemes, runs and their ranking, a county's breakdown, objections, publication, report."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from safety_platform.exports import xlsx_response
from safety_platform.permissions import can
from safety_platform.refusals import refusal_into, refusal_message
from safety_platform.uploads import serve_protected

from . import exports, selectors, services
from .choices import ResultStatus, SchemeKind
from .forms import ObjectionAnswerForm, ObjectionForm, RunStartForm
from .models import AssessmentResult, AssessmentRun, Objection, ObjectionStatus, ResultIndicator


def _staff(request: HttpRequest) -> None:
    if not can(request.user, "assessment.view"):
        raise PermissionDenied


@login_required
@require_GET
def scheme_list(request: HttpRequest) -> HttpResponse:
    _staff(request)
    schemes = selectors.schemes_visible_to(request.user)
    return render(
        request,
        "assessment/scheme_list.html",
        {"schemes": schemes, "committee": can(request.user, "assessment.administer")},
    )


@login_required
def run_list(request: HttpRequest) -> HttpResponse:
    _staff(request)
    committee = can(request.user, "assessment.administer")
    form = RunStartForm(request.POST or None, initial={"kind": "quarter", "year": timezone.localdate().year})
    if request.method == "POST":
        if not committee:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            with refusal_into(form) as refused:
                period = services.assessment_period_get_or_create(
                    kind=data["kind"], year=data["year"], number=data.get("number") or 0
                )
                run = services.assessment_run_start(
                    period=period, user=request.user, kind=data.get("assessed") or SchemeKind.JURISDICTION
                )
            if not refused:
                messages.success(request, _("The run is started; its progress shows below."))
                return redirect("assessment:run_detail", pk=run.pk)
    runs = selectors.runs_visible_to(request.user).annotate(
        published=Count("results", filter=Q(results__status=ResultStatus.PUBLISHED))
    )[:50]
    status = 400 if request.method == "POST" else 200
    return render(
        request, "assessment/run_list.html", {"runs": runs, "form": form, "committee": committee}, status=status
    )


def _run_results(request: HttpRequest, run: AssessmentRun) -> list[AssessmentResult]:
    return list(
        AssessmentResult.objects.visible_to(request.user)
        .filter(run=run)
        .select_related("jurisdiction", "department", "period", "scheme", "run")
        .annotate(open_objections=Count("objections", filter=Q(objections__status=ObjectionStatus.OPEN)))
        .order_by("rank", "jurisdiction__sort_order", "department__name", "id")
    )


def _visible_run(request: HttpRequest, pk: int) -> AssessmentRun:
    _staff(request)
    return get_object_or_404(selectors.runs_visible_to(request.user), pk=pk)


@login_required
@require_GET
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = _visible_run(request, pk)
    results = _run_results(request, run)
    return render(
        request,
        "assessment/run_detail.html",
        {
            "run": run,
            "results": results,
            "committee": can(request.user, "assessment.administer"),
            "published": any(r.status == ResultStatus.PUBLISHED for r in results),
            "departments": run.scheme.kind == SchemeKind.DEPARTMENT,
        },
    )


@login_required
@require_POST
def run_publish(request: HttpRequest, pk: int) -> HttpResponse:
    run = _visible_run(request, pk)
    with refusal_message(request) as refused:
        services.assessment_run_publish(run=run, user=request.user)
    if not refused:
        messages.success(request, _("The results are published and frozen."))
    return redirect("assessment:run_detail", pk=run.pk)


@login_required
@require_GET
def run_report(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The report of a run: a printable page (A4) or, with ?format=xlsx, an Excel workbook."""
    run = _visible_run(request, pk)
    results = list(
        AssessmentResult.objects.visible_to(request.user)
        .filter(run=run)
        .select_related("jurisdiction", "department", "period", "scheme")
        .prefetch_related(Prefetch("indicators", queryset=ResultIndicator.objects.order_by("order", "id")))
        .order_by("rank", "jurisdiction__sort_order", "department__name", "id")
    )
    if not results:
        raise Http404
    if request.GET.get("format") == "xlsx":
        return xlsx_response(exports.report_filename(run, "xlsx"), exports.report_sheets(run, results))
    rows = [(r, exports.indicator_rows(r), exports.veto_text(r)) for r in results]
    departments = run.scheme.kind == SchemeKind.DEPARTMENT
    return render(request, "assessment/report.html", {"run": run, "rows": rows, "departments": departments})


def _records(user: Any, indicators: list[ResultIndicator]) -> dict[int, list[tuple[str, str]]]:
    """For each indicator, the records behind it that this viewer may open: (label, url). One query a model."""
    by_model: dict[str, set[int]] = defaultdict(set)
    for item in indicators:
        if item.record_model and item.record_ids:
            by_model[item.record_model].update(int(i) for i in item.record_ids)
    openable: dict[tuple[str, int], tuple[str, str]] = {}
    for label, ids in by_model.items():
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            continue
        manager: Any = model._default_manager
        queryset = manager.visible_to(user) if hasattr(manager, "visible_to") else manager.none()
        if not hasattr(model, "get_absolute_url"):
            continue
        for record in queryset.filter(pk__in=ids):
            openable[(label, record.pk)] = (str(record), record.get_absolute_url())
    found: dict[int, list[tuple[str, str]]] = {}
    for item in indicators:
        keys = [(item.record_model, int(i)) for i in item.record_ids or []]
        found[item.pk] = [openable[key] for key in keys if key in openable]
    return found


def _visible_result(request: HttpRequest, pk: int) -> AssessmentResult:
    _staff(request)
    return get_object_or_404(
        AssessmentResult.objects.visible_to(request.user).select_related(
            "jurisdiction", "department", "period", "scheme", "run"
        ),
        pk=pk,
    )


def _result_page(
    request: HttpRequest,
    result: AssessmentResult,
    objection_form: Any = None,
    answer_forms: dict[int, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    indicators = list(result.indicators.order_by("order", "id"))
    records = _records(request.user, indicators)
    objections = list(result.objections.select_related("filed_by", "answered_by"))
    deadline = services.objection_deadline(result)
    may_object = (
        result.status == ResultStatus.PRELIMINARY
        and timezone.now() <= deadline
        and can(request.user, "assessment.object_to_result", result)
    )
    committee = can(request.user, "assessment.administer")
    answer_forms = answer_forms or {}
    return render(
        request,
        "assessment/result_detail.html",
        {
            "result": result,
            "rows": [(item, records.get(item.pk, [])) for item in indicators],
            "objections": [(o, answer_forms.get(o.pk) or ObjectionAnswerForm(prefix=f"o{o.pk}")) for o in objections],
            "deadline": deadline,
            # After a refusal the form stays, with its message, even when the window has just closed.
            "may_object": may_object or bool(objection_form is not None and objection_form.errors),
            "objection_form": objection_form or ObjectionForm(),
            "committee": committee,
            "preliminary": result.status == ResultStatus.PRELIMINARY,
        },
        status=status,
    )


@login_required
@require_GET
def result_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _result_page(request, _visible_result(request, pk))


@login_required
@require_POST
def objection_create(request: HttpRequest, pk: int) -> HttpResponse:
    result = _visible_result(request, pk)
    if not can(request.user, "assessment.object_to_result", result):
        raise PermissionDenied
    form = ObjectionForm(request.POST, request.FILES)
    if form.is_valid():
        with refusal_into(form) as refused:
            services.objection_file(
                result=result,
                user=request.user,
                text=form.cleaned_data["text"],
                evidence=form.cleaned_data.get("evidence"),
            )
        if not refused:
            messages.success(request, _("Your objection is filed; committee staff will answer it."))
            return redirect("assessment:result_detail", pk=result.pk)
    return _result_page(request, result, objection_form=form, status=400)


@login_required
@require_POST
def objection_answer(request: HttpRequest, pk: int) -> HttpResponse:
    objection = get_object_or_404(Objection.objects.select_related("result"), pk=pk)
    result = _visible_result(request, objection.result_id)
    if not can(request.user, "assessment.administer"):
        raise PermissionDenied
    form = ObjectionAnswerForm(request.POST, prefix=f"o{objection.pk}")
    if form.is_valid():
        with refusal_into(form) as refused:
            services.objection_answer(
                objection=objection,
                user=request.user,
                accept=form.cleaned_data["decision"] == "accept",
                answer=form.cleaned_data["answer"],
            )
        if not refused:
            messages.success(request, _("The objection is answered."))
            return redirect("assessment:result_detail", pk=result.pk)
    return _result_page(request, result, answer_forms={objection.pk: form}, status=400)


@login_required
@require_GET
def objection_evidence(request: HttpRequest, pk: int) -> FileResponse:
    objection = get_object_or_404(Objection, pk=pk)
    _visible_result(request, objection.result_id)
    return serve_protected(objection.evidence)
