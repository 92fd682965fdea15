"""Admin of the assessment: scheme versions with their indicators, vetoes and grades; county inputs;
periods, runs and results (results are written by runs only)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from safety_platform.admin_readonly import ReadOnlyAdmin, ReadOnlyInline
from safety_platform.admin_versioning import RuleVersionInline
from safety_platform.security import signed_in_user

from .choices import RESULT_INDICATOR_FIELDS, SCHEME_INDICATOR_FIELDS
from .forms import CountyInputForm, SchemeIndicatorForm, SchemeIndicatorFormSet
from .importing import county_inputs_import, template_headers
from .models import (
    AssessmentPeriod,
    AssessmentResult,
    AssessmentRun,
    CountyInput,
    GradeThreshold,
    ResultIndicator,
    Scheme,
    SchemeIndicator,
    VetoRule,
)
from .services import scheme_activate, scheme_copy


# A scheme version that has produced results (`Scheme.is_frozen`) shows its indicators, vetoes and thresholds
# read-only, as a frozen rule version does its rows: copy it to a new version instead.
class SchemeIndicatorInline(RuleVersionInline, admin.TabularInline):
    model = SchemeIndicator
    form = SchemeIndicatorForm
    formset = SchemeIndicatorFormSet
    extra = 0
    fields = SCHEME_INDICATOR_FIELDS


class VetoRuleInline(RuleVersionInline, admin.TabularInline):
    model = VetoRule
    extra = 0


class GradeThresholdInline(RuleVersionInline, admin.TabularInline):
    model = GradeThreshold
    extra = 0


@admin.register(Scheme)
class SchemeAdmin(admin.ModelAdmin):
    list_display = ["name", "version", "kind", "status", "valid_from"]
    list_filter = ["kind", "status"]
    inlines = [SchemeIndicatorInline, VetoRuleInline, GradeThresholdInline]
    actions = ["copy_to_new_version", "put_in_force"]
    readonly_fields = ["based_on", "created_at"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A version that has produced results is shown read-only: copy it to a new version instead.
        return (obj is None or not obj.is_frozen) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return (obj is None or not obj.is_frozen) and super().has_delete_permission(request, obj)

    @admin.action(description=_("Copy to a new draft version"))
    def copy_to_new_version(self, request: HttpRequest, queryset: Any) -> None:
        for scheme in queryset:
            version = f"{scheme.version}-{dt.date.today():%Y%m%d%H%M%S}"[:40]
            copy = scheme_copy(scheme=scheme, version=version, valid_from=dt.date.today())
            self.message_user(request, _("Copied to draft version %(version)s.") % {"version": copy.version})

    @admin.action(description=_("Put in force"))
    def put_in_force(self, request: HttpRequest, queryset: Any) -> None:
        for scheme in queryset:
            try:
                scheme_activate(scheme=scheme)
            except ValidationError as error:
                self.message_user(request, f"{scheme}: {' '.join(error.messages)}", level=messages.ERROR)
            else:
                self.message_user(request, _("%(scheme)s is in force.") % {"scheme": scheme})


@admin.register(CountyInput)
class CountyInputAdmin(admin.ModelAdmin):
    form = CountyInputForm
    list_display = [
        "jurisdiction",
        "year",
        "deaths_target",
        "larger_accidents_target",
        "gdp_100m_yuan",
        "industrial_workers",
        "updated_at",
    ]
    list_filter = ["year"]
    list_select_related = ["jurisdiction"]

    change_list_template = "admin/assessment/countyinput/change_list.html"

    def save_model(self, request: HttpRequest, obj: CountyInput, form: Any, change: bool) -> None:
        obj.updated_by = signed_in_user(request)
        super().save_model(request, obj, form, change)

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view(self.import_view)
        return [path("import/", view, name="assessment_countyinput_import"), *super().get_urls()]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):
            return HttpResponseRedirect(reverse("admin:assessment_countyinput_changelist"))
        form = ImportForm(request.POST or None, request.FILES or None)
        report = None
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            report = county_inputs_import(filename=upload.name, content=upload.read(), user=request.user)
            if report.ok:
                self.message_user(
                    request,
                    _("%(created)s rows added, %(updated)s updated.")
                    % {"created": report.created, "updated": report.updated},
                )
                return HttpResponseRedirect(reverse("admin:assessment_countyinput_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import from Excel"),
            "form": form,
            "report": report,
            "headers": template_headers(),
        }
        return render(request, "admin/assessment/countyinput/import.html", context, status=400 if report else 200)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))


@admin.register(AssessmentPeriod)
class AssessmentPeriodAdmin(ReadOnlyAdmin):
    list_display = ["label", "kind", "start", "end"]
    list_filter = ["kind", "year"]


@admin.register(AssessmentRun)
class AssessmentRunAdmin(ReadOnlyAdmin):
    list_display = ["period", "scheme", "status", "done", "total", "created_at", "finished_at"]
    list_filter = ["status"]
    list_select_related = ["period", "scheme"]


class ResultIndicatorInline(ReadOnlyInline):
    model = ResultIndicator
    # A tuple: one sequence for both attributes, which the stubs type differently.
    fields = readonly_fields = RESULT_INDICATOR_FIELDS


@admin.register(AssessmentResult)
class AssessmentResultAdmin(ReadOnlyAdmin):
    list_display = ["jurisdiction", "period", "score", "grade", "rank", "vetoed", "change", "status"]
    list_filter = ["status", "grade", "period__kind"]
    list_select_related = ["jurisdiction", "period", "scheme"]
    inlines = [ResultIndicatorInline]
