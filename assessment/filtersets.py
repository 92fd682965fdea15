"""Filters of the assessment lists, shared by the API and (later) the web pages."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safety_platform.filters import BoolFilter, IdFilter

from .choices import AssessmentGrade, PeriodKind, ResultStatus, RunStatus, SchemeKind, SchemeStatus
from .models import AssessmentPeriod, AssessmentResult, AssessmentRun, Scheme


class SchemeFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=SchemeKind.choices, label=_("assessed"))
    status = django_filters.ChoiceFilter(
        choices=SchemeStatus.choices, label=pgettext_lazy("assessment scheme", "status")
    )

    class Meta:
        model = Scheme
        fields = ["kind", "status"]


class PeriodFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=PeriodKind.choices, label=pgettext_lazy("assessment period", "period"))
    year = django_filters.NumberFilter(label=_("year"), min_value=2000, max_value=2100)

    class Meta:
        model = AssessmentPeriod
        fields = ["kind", "year"]


class RunFilterSet(django_filters.FilterSet):
    period = IdFilter(field_name="period_id", label=_("assessment period"))
    status = django_filters.ChoiceFilter(choices=RunStatus.choices, label=pgettext_lazy("assessment run", "status"))
    assessed = django_filters.ChoiceFilter(field_name="scheme__kind", choices=SchemeKind.choices, label=_("assessed"))

    class Meta:
        model = AssessmentRun
        fields = ["period", "status", "assessed"]


class ResultFilterSet(django_filters.FilterSet):
    period = IdFilter(field_name="period_id", label=_("assessment period"))
    run = IdFilter(field_name="run_id", label=_("assessment run"))
    jurisdiction = IdFilter(field_name="jurisdiction_id", label=_("county / district / zone"))
    department = IdFilter(field_name="department_id", label=_("department"))
    assessed = django_filters.ChoiceFilter(field_name="scheme__kind", choices=SchemeKind.choices, label=_("assessed"))
    status = django_filters.ChoiceFilter(
        choices=ResultStatus.choices, label=pgettext_lazy("assessment result", "status")
    )
    grade = django_filters.ChoiceFilter(choices=AssessmentGrade.choices, label=pgettext_lazy("assessment", "grade"))
    vetoed = BoolFilter(label=_("veto applied"))

    class Meta:
        model = AssessmentResult
        fields = ["period", "run", "jurisdiction", "department", "assessed", "status", "grade", "vetoed"]
