"""Committee pages that change a scheme: a new draft version from an existing one, editing the draft
(indicators, veto rules, grade thresholds, start date) and putting it in force.

Reading a scheme is open to all government staff (`views.scheme_list`, `scheme_detail` here); changing
one is for committee staff and administrators (`services.is_committee`). A version in force or used by
a run is never edited: results keep their own copies, and a change is a new version.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_POST

from safety_platform.audit import audit_entries_for
from safety_platform.permissions import can
from safety_platform.refusals import refusal_into

from . import selectors, services
from .choices import SchemeStatus
from .forms import GradeFormSet, IndicatorFormSet, SchemeCopyForm, SchemeDraftForm, VetoFormSet
from .models import Scheme, SchemeIndicator
from .views import _staff


def _committee(request: HttpRequest) -> None:
    """Government staff may read schemes; only committee staff and administrators change them."""
    _staff(request)
    if not can(request.user, "assessment.administer"):
        raise PermissionDenied


def _field_label(field: str) -> str:
    if field == "grades":
        return _("Grade thresholds")
    for model in (SchemeIndicator, Scheme):
        try:
            return str(getattr(model._meta.get_field(field), "verbose_name", field))
        except FieldDoesNotExist:
            continue
    return ""


def _named(error: ValidationError) -> list[str]:
    """A service's refusal as sentences that name the field ("weight (points): …")."""
    if not hasattr(error, "error_dict"):
        return list(error.messages)
    lines: list[str] = []
    for field, texts in error.message_dict.items():
        label = _field_label(field)
        lines.extend(f"{label}{pgettext('punctuation', ': ')}{text}" if label else text for text in texts)
    return lines


def _scheme_page(request: HttpRequest, scheme: Scheme, copy_form: Any = None, status: int = 200) -> HttpResponse:
    indicators = list(scheme.indicators.all())
    committee = can(request.user, "assessment.administer")
    draft = scheme.status == SchemeStatus.DRAFT
    today = timezone.localdate()
    return render(
        request,
        "assessment/scheme_detail.html",
        {
            "scheme": scheme,
            "indicators": indicators,
            "total": sum(i.weight for i in indicators),
            "weights_problem": services.weights_error([i.weight for i in indicators]),
            "committee": committee,
            "draft": draft,
            "editable": committee and draft and not scheme.is_frozen,
            "copy_form": copy_form
            or (SchemeCopyForm(scheme=scheme, initial={"valid_from": today}) if committee else None),
            "audit_entries": audit_entries_for(scheme)[:20] if committee else None,
        },
        status=status,
    )


@login_required
@require_GET
def scheme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request)
    schemes = selectors.schemes_visible_to(request.user).select_related("based_on")
    return _scheme_page(request, get_object_or_404(schemes, pk=pk))


@login_required
@require_POST
def scheme_copy(request: HttpRequest, pk: int) -> HttpResponse:
    _committee(request)
    scheme = get_object_or_404(selectors.schemes_visible_to(request.user), pk=pk)
    form = SchemeCopyForm(request.POST, scheme=scheme)
    if form.is_valid():
        with refusal_into(form) as refused:
            copy = services.scheme_copy(
                scheme=scheme, version=form.cleaned_data["version"], valid_from=form.cleaned_data["valid_from"]
            )
        if not refused:
            messages.success(
                request, _("Draft version %(version)s is made; edit it below.") % {"version": copy.version}
            )
            return redirect("assessment:scheme_edit", pk=copy.pk)
    return _scheme_page(request, scheme, copy_form=form, status=400)


def _draft(request: HttpRequest, pk: int) -> Scheme:
    _committee(request)
    scheme = get_object_or_404(Scheme.objects.visible_to(request.user), pk=pk)
    if scheme.status != SchemeStatus.DRAFT or scheme.is_frozen:
        raise Http404(_("Only a draft version is edited."))
    return scheme


@login_required
def scheme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The draft's own fields and its indicators, veto rules and grade thresholds, saved all together."""
    scheme = _draft(request, pk)
    data = request.POST if request.method == "POST" else None
    form = SchemeDraftForm(data, instance=scheme)
    indicators = IndicatorFormSet(data, instance=scheme, prefix="indicators")
    vetoes = VetoFormSet(data, instance=scheme, prefix="vetoes")
    grades = GradeFormSet(data, instance=scheme, prefix="grades")
    parts: list[Any] = [form, indicators, vetoes, grades]
    # Every part is validated (a list, not a short-circuiting generator), so every error shows at once.
    if request.method == "POST" and all([part.is_valid() for part in parts]):  # noqa: C419
        if not any(part.has_changed() for part in parts):
            messages.info(request, _("Nothing was changed."))
            return redirect("assessment:scheme_detail", pk=scheme.pk)
        try:
            with refusal_into(form) as refused:
                services.scheme_draft_save(scheme=scheme, parts=parts)
        except IntegrityError:
            # Two rows swapped their indicators in one save: the database's uniqueness check sees the
            # first update before the second. Nothing is saved (the service's transaction rolled back).
            form.add_error(
                None, _("Two rows exchanged their indicator or normalization in one save; save one of them at a time.")
            )
        else:
            if not refused:
                messages.success(request, _("The draft is saved."))
                return redirect("assessment:scheme_detail", pk=scheme.pk)
    return render(
        request,
        "assessment/scheme_edit.html",
        {"scheme": scheme, "form": form, "indicators": indicators, "vetoes": vetoes, "grades": grades},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def scheme_activate(request: HttpRequest, pk: int) -> HttpResponse:
    """Put a draft in force: all of it checked (weights add up to 100, every indicator known and complete,
    grade thresholds given); a refusal names the field and changes nothing."""
    _committee(request)
    scheme = get_object_or_404(Scheme.objects.visible_to(request.user), pk=pk)
    try:
        services.scheme_activate(scheme=scheme)
    except ValidationError as error:
        for line in _named(error):
            messages.error(request, line)
    else:
        messages.success(request, _("%(scheme)s is in force.") % {"scheme": scheme})
    return redirect("assessment:scheme_detail", pk=scheme.pk)
