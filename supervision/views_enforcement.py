"""Pages of enforcement: the documents (issued from an inspection, printed in the official layout) and the
administrative penalty cases (list, detail with timeline and case file, one form per allowed step)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from enterprises.models import Enterprise
from safety_platform.pagination import render_list_page
from safety_platform.permissions import can
from safety_platform.refusals import refusal_into

from .forms_enforcement import (
    STEP_FORMS,
    STEP_LABELS,
    CaseFilterForm,
    CaseOpenForm,
    DocumentFilterForm,
    DocumentIssueForm,
    DocumentVoidForm,
)
from .models import Inspection
from .models.enforcement import INSPECTION_KINDS, DocumentKind, EnforcementDocument, PenaltyCase
from .selectors_enforcement import case_file, cases_visible_to, documents_visible_to
from .services import enforcement as services

PAGE_SIZE = 25
# Refusals shown as a message on the document's page rather than on the form.
REISSUE_REFUSALS = ("document_not_voided", "document_already_replaced")
VOID_REFUSALS = ("document_already_voided", "document_not_voidable")


# Documents -------------------------------------------------------------------------------------


@login_required
def document_list(request: HttpRequest) -> HttpResponse:
    """The documents the user sees, newest first: by kind, year and number, paginated."""
    form = DocumentFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    queryset = documents_visible_to(
        request.user, kind=filters.get("kind") or "", year=filters.get("year"), number=filters.get("number") or ""
    )
    return render_list_page(request, "supervision/enforcement/documents.html", queryset, PAGE_SIZE, form=form)


def _named_row(request: HttpRequest, name: str, rows: QuerySet[Any], max_digits: int | None = None) -> Any:
    """The row of `rows` (those the user sees) whose id `?<name>=` or the form's field gives; None when none is
    given; not found for anything else (not an id, an id longer than `max_digits`, a row the user does not see)."""
    raw = request.GET.get(name) or request.POST.get(name) or ""
    if not raw:
        return None
    if not raw.isdigit() or (max_digits is not None and len(raw) > max_digits):
        raise Http404
    return get_object_or_404(rows, pk=int(raw))


def _inspection_named(request: HttpRequest, user: Any) -> Inspection | None:
    """The inspection a document or a case starts from (`?inspection=`, or the form's field)."""
    return _named_row(request, "inspection", Inspection.objects.visible_to(user).select_related("enterprise"))


@login_required
def document_new(request: HttpRequest) -> HttpResponseBase:
    """Issue a document, from an inspection (`?inspection=`) or for an enterprise chosen here."""
    user: Any = request.user
    if not can(user, "supervision.issue_documents"):
        raise PermissionDenied
    enterprises = Enterprise.objects.visible_to(user)
    replaces = _replaced_document(request, user)
    inspection = _inspection_named(request, user)
    initial: dict[str, Any] = {}
    kind = request.GET.get("kind") or ""
    if kind in INSPECTION_KINDS:
        initial["kind"] = kind
    if inspection is not None:
        initial["enterprise"] = inspection.enterprise
        initial["findings"] = inspection.note
    if replaces is not None:
        # 重新制发: the form prefilled from the voided document; the inspection it came from is kept.
        initial = services.reissue_initial(replaces)
        inspection = inspection or replaces.inspection
    form = DocumentIssueForm(request.POST or None, initial=initial, enterprises=enterprises)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refusal_into(form, request=request, message_codes=REISSUE_REFUSALS) as refused:
            document = services.document_issue(
                actor=user,
                kind=data["kind"],
                enterprise=data["enterprise"],
                issued_on=data["issued_on"],
                number=data["number"],
                inspection=inspection,
                findings=data["findings"],
                legal_basis=data["legal_basis"],
                items=form.item_lines(),
                rectify_by=data["rectify_by"],
                hazard_codes=form.codes(),
                conclusion=data["conclusion"],
                replaces=replaces,
            )
        if refused and not refused.on_form:  # the voided document cannot be re-issued (any more)
            return redirect(
                replaces.get_absolute_url() if replaces is not None else "supervision:enforcement_documents"
            )
        if not refused:
            messages.success(request, _("Document %(number)s issued.") % {"number": document.number})
            return redirect(document.get_absolute_url())
    return render(
        request,
        "supervision/enforcement/document_form.html",
        {"form": form, "inspection": inspection, "replaces": replaces},
    )


def _replaced_document(request: HttpRequest, user: Any) -> EnforcementDocument | None:
    """The voided document a re-issue replaces (`?replaces=`), among those the user sees."""
    documents = EnforcementDocument.objects.visible_to(user).select_related("enterprise", "inspection")
    return _named_row(request, "replaces", documents, max_digits=12)


@login_required
@require_POST
def document_void(request: HttpRequest, pk: int) -> HttpResponseBase:
    """作废 with a reason (the issuer or county-level staff); a refused reason is shown under its field."""
    document = _visible_document(request, pk)
    form = DocumentVoidForm(request.POST)
    if form.is_valid():
        with refusal_into(form, request=request, message_codes=VOID_REFUSALS) as refused:
            services.document_void(actor=request.user, document_id=document.pk, reason=form.cleaned_data["reason"])
        if refused and not refused.on_form:
            return redirect(document.get_absolute_url())
        if not refused:
            messages.success(request, _("Document %(number)s voided.") % {"number": document.number})
            return redirect(document.get_absolute_url())
    return _document_page(request, document, void_form=form, status=400)


def _visible_document(request: HttpRequest, pk: int) -> EnforcementDocument:
    return get_object_or_404(
        EnforcementDocument.objects.visible_to(request.user).select_related(
            "enterprise",
            "enterprise__jurisdiction",
            "authority",
            "case",
            "issued_by",
            "inspection",
            "voided_by",
            "replaces",
        ),
        pk=pk,
    )


@login_required
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The document in its official layout (A4; the print stylesheet hides the platform around it)."""
    return _document_page(request, _visible_document(request, pk))


def _document_page(
    request: HttpRequest, document: EnforcementDocument, void_form: Any = None, status: int = 200
) -> HttpResponse:
    user: Any = request.user
    hazards = list(document.hazards.order_by("code").only("code", "title", "deadline", "enterprise_id"))
    replacement = EnforcementDocument.objects.filter(replaces=document).only("pk", "number").first()
    may_void = (
        document.voided_at is None
        and document.kind in services.VOIDABLE_KINDS
        and can(user, "supervision.void_document", document)
    )
    return render(
        request,
        "supervision/enforcement/document.html",
        {
            "document": document,
            "hazards": hazards,
            # Hazards linked by code (those created from the order's items are its items already).
            "linked_hazards": [h for h in hazards if h.title not in {i.get("text") for i in document.order_items}],
            "authority_name": f"{document.authority.name}应急管理局"
            if document.authority.level != "city"
            else "龙岩市应急管理局",
            "kinds": DocumentKind,
            "replacement": replacement,
            "void_form": void_form if void_form is not None else (DocumentVoidForm() if may_void else None),
            "may_reissue": document.voided_at is not None
            and replacement is None
            and can(user, "supervision.issue_documents"),
        },
        status=status,
    )


# Cases -----------------------------------------------------------------------------------------


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    form = CaseFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    today = timezone.localdate()
    queryset = cases_visible_to(
        request.user, status=filters.get("status") or "", overdue=bool(filters.get("overdue")), today=today
    )
    template = "supervision/enforcement/cases.html"
    return render_list_page(request, template, queryset, PAGE_SIZE, form=form, today=today)


@login_required
def case_new(request: HttpRequest) -> HttpResponseBase:
    user: Any = request.user
    if not can(user, "supervision.open_cases"):
        raise PermissionDenied
    enterprises = Enterprise.objects.visible_to(user)
    inspection = _inspection_named(request, user)
    initial: dict[str, Any] = {"enterprise": inspection.enterprise} if inspection is not None else {}
    form = CaseOpenForm(request.POST or None, initial=initial, enterprises=enterprises)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refusal_into(form) as refused:
            case = services.case_open(
                actor=user,
                enterprise=data["enterprise"],
                title=data["title"],
                violation=data["violation"],
                filed_on=data["filed_on"],
                inspection=inspection,
                findings=data["findings"],
                number=data["number"],
            )
        if not refused:
            messages.success(request, _("Case filed."))
            return redirect(case.get_absolute_url())
    return render(request, "supervision/enforcement/case_form.html", {"form": form, "inspection": inspection})


def _case_page(request: HttpRequest, case: PenaltyCase, bound: tuple[str, Any] | None = None) -> HttpResponse:
    user: Any = request.user
    allowed = services.case_allowed_steps(user, case)
    today = timezone.localdate()
    step_forms = []
    for step in allowed:
        if bound is not None and bound[0] == step:
            form = bound[1]
        else:
            form = STEP_FORMS[step](initial=_initial(step, today), prefix=step)
        step_forms.append({"step": step, "label": STEP_LABELS[step], "form": form})
    steps, documents = case_file(case)
    return render(
        request,
        "supervision/enforcement/case.html",
        {
            "case": case,
            "steps": [{"row": s, "label": STEP_LABELS.get(s.action, s.action)} for s in steps],
            "documents": documents,
            "step_forms": step_forms,
            "today": today,
            "overdue": case.status in services.CASE_STEPS["withdraw"][0] and case.decide_by < today,
            "window_open": case.hearing_window_open_on(today),
        },
        status=400 if bound is not None else 200,
    )


def _initial(step: str, today: Any) -> dict[str, Any]:
    field = {
        "notify": "notified_on",
        "hearing": "held_on",
        "decide": "decided_on",
        "execute": "executed_on",
        "close": "closed_on",
        "statement": "requested_on",
    }.get(step)
    return {field: today} if field else {}


def _visible_case(request: HttpRequest, pk: int) -> PenaltyCase:
    return get_object_or_404(
        PenaltyCase.objects.visible_to(request.user).select_related(
            "enterprise", "enterprise__jurisdiction", "authority", "rule_set", "filed_by", "extension_approved_by"
        ),
        pk=pk,
    )


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The case: its status and clocks, its timeline, its case file (卷宗) in order, and the allowed steps."""
    return _case_page(request, _visible_case(request, pk))


@login_required
@require_POST
def case_step(request: HttpRequest, pk: int, step: str) -> HttpResponseBase:
    case = _visible_case(request, pk)
    if step not in STEP_FORMS:
        raise Http404
    form = STEP_FORMS[step](request.POST, prefix=step)
    if form.is_valid():
        data = dict(form.cleaned_data)
        call = {
            "investigate": services.case_investigate,
            "notify": services.case_notify,
            "statement": services.case_record_statement,
            "hearing": services.case_hold_hearing,
            "decide": services.case_decide,
            "execute": services.case_execute,
            "close": services.case_close,
            "extend": services.case_extend,
            "withdraw": services.case_withdraw,
        }[step]
        with refusal_into(form, request=request, message_codes=("case_wrong_status",)) as refused:
            call(actor=request.user, case_id=case.pk, **data)  # type: ignore[operator]
        if refused and not refused.on_form:  # the case moved on meanwhile: its page shows where it is
            return redirect(case.get_absolute_url())
        if not refused:
            messages.success(request, _("Step recorded."))
            return redirect(case.get_absolute_url())
    case.refresh_from_db()
    return _case_page(request, case, bound=(step, form))
