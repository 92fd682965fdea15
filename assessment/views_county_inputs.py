"""Committee pages for the figures that are not records: each county's control targets, GDP and industrial
workforce for a year — a table of counties for a year, an edit form per county and year, and the Excel
import (template download, upload, every bad row shown, nothing saved unless all rows are right).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from safety_platform import exports
from safety_platform.audit import audit_entries_for
from safety_platform.choices import JurisdictionLevel
from safety_platform.models import Jurisdiction
from safety_platform.refusals import refusal_into

from . import services
from .forms import CountyFiguresForm, CountyInputImportForm, styled
from .importing import COLUMNS, county_inputs_import, template_headers
from .models import CountyInput
from .views_schemes import _committee

FIGURES = [name for name in COLUMNS if name not in ("jurisdiction", "year")]


class YearForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("year"), min_value=2000, max_value=2100, required=False)


def _counties() -> list[Jurisdiction]:
    return list(Jurisdiction.objects.filter(level=JurisdictionLevel.COUNTY).order_by("sort_order", "id"))


def _year(request: HttpRequest) -> tuple[int, YearForm]:
    form = YearForm(request.GET or None)
    this_year = timezone.localdate().year
    if form.is_bound and form.is_valid() and form.cleaned_data.get("year"):
        return form.cleaned_data["year"], form
    return this_year, form


@login_required
@require_GET
def county_input_list(request: HttpRequest) -> HttpResponse:
    """Every county for one year with its figures (an empty cell: not entered yet). Three queries."""
    _committee(request)
    year, form = _year(request)
    styled(form)
    entered = {record.jurisdiction_id: record for record in CountyInput.objects.filter(year=year)}
    this_year = timezone.localdate().year
    years = set(CountyInput.objects.order_by().values_list("year", flat=True).distinct())
    years |= {this_year - 1, this_year, this_year + 1, year}
    labels = [getattr(CountyInput._meta.get_field(name), "verbose_name", name) for name in FIGURES]
    rows = [
        (
            county,
            [(label, getattr(entered.get(county.pk), name, None)) for label, name in zip(labels, FIGURES, strict=True)],
        )
        for county in _counties()
    ]
    return render(
        request,
        "assessment/county_input_list.html",
        {"year": year, "years": sorted(years, reverse=True), "form": form, "labels": labels, "rows": rows},
        status=400 if form.errors else 200,
    )


def _county(jurisdiction: int, year: int) -> Jurisdiction:
    if not 2000 <= year <= 2100:
        raise Http404
    return get_object_or_404(Jurisdiction, pk=jurisdiction, level=JurisdictionLevel.COUNTY)


@login_required
def county_input_edit(request: HttpRequest, jurisdiction: int, year: int) -> HttpResponse:
    """One county's figures for one year, saved through `services.county_input_save` (validated there too)."""
    _committee(request)
    county = _county(jurisdiction, year)
    record = CountyInput.objects.filter(jurisdiction=county, year=year).first()
    instance = record or CountyInput(jurisdiction=county, year=year)
    form = CountyFiguresForm(request.POST or None, instance=instance)
    back = f"{reverse('assessment:county_input_list')}?year={year}"
    if request.method == "POST" and form.is_valid():
        if not form.has_changed():
            # Saving the form as it was opened writes nothing (not even "updated by"), and makes no empty row.
            messages.info(request, _("Nothing was changed."))
            return redirect(back)
        with refusal_into(form) as refused:
            services.county_input_save(
                jurisdiction=county,
                year=year,
                user=request.user,
                opened=form.opened,
                **{name: form.cleaned_data[name] for name in FIGURES},
            )
        if not refused:
            messages.success(
                request, _("The figures of %(county)s for %(year)s are saved.") % {"county": county.name, "year": year}
            )
            return redirect(back)
    return render(
        request,
        "assessment/county_input_edit.html",
        {
            "county": county,
            "year": year,
            "form": form,
            "back": back,
            "audit_entries": audit_entries_for(record)[:20] if record else [],
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def county_input_import(request: HttpRequest) -> HttpResponse:
    """Upload a workbook; every problem is listed with its row and column and nothing is saved unless all
    rows are right (`importing.county_inputs_import`, the same as the admin's import)."""
    _committee(request)
    form = CountyInputImportForm(request.POST or None, request.FILES or None)
    styled(form)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        report = county_inputs_import(filename=upload.name, content=upload.read(), user=request.user)
        if report.ok:
            counts = {"created": report.created, "updated": report.updated}
            messages.success(request, _("%(created)s rows added, %(updated)s updated.") % counts)
            return redirect("assessment:county_input_list")
    year, _form = _year(request)
    return render(
        request,
        "assessment/county_input_import.html",
        {"form": form, "report": report, "headers": template_headers(), "year": year},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_GET
def county_input_template(request: HttpRequest) -> HttpResponseBase:
    """The import template: the column headers and one row per county for the year, with what is entered."""
    _committee(request)
    year, _form = _year(request)
    entered = {record.jurisdiction_id: record for record in CountyInput.objects.filter(year=year)}
    rows: list[list[Any]] = [template_headers()]
    for county in _counties():
        record = entered.get(county.pk)
        rows.append([county.name, year, *[getattr(record, name, None) for name in FIGURES]])
    sheet = exports.Sheet(str(year), rows, widths=[18] * len(rows[0]))
    return exports.xlsx_response(f"county-inputs-{year}.xlsx", [sheet])
