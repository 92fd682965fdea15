"""The legal numbers page (法定数值): every number of the rule book, its legal basis and version (staff only)."""

from __future__ import annotations

import datetime as dt
from itertools import groupby
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .forms import DateInput
from .models.rules import RuleBookStatus, RuleBookVersion
from .navigation import STAFF_ROLES
from .rules import UNIT_DAYS, UNIT_HOURS, UNIT_MONTHS, UNIT_YEARS, number_text, rules_in_force


class RulesOnForm(forms.Form):
    on = forms.DateField(
        label=gettext_lazy("In force on"),
        required=False,
        widget=DateInput(attrs={"class": "form-control form-control-sm"}),
    )


def unit_label(unit: str) -> str:
    return {
        UNIT_HOURS: _("hours"),
        UNIT_DAYS: _("days"),
        UNIT_MONTHS: _("months"),
        UNIT_YEARS: _("years"),
    }.get(unit, unit)


@login_required
def legal_numbers(request: HttpRequest) -> HttpResponse:
    """Read-only: the numbers in force on a day (today by default); editing is in the admin (new versions)."""
    user: Any = request.user
    if getattr(user, "role", None) not in STAFF_ROLES:
        raise PermissionDenied
    form = RulesOnForm(request.GET or None)
    on: dt.date = timezone.localdate()
    status = 200
    if form.is_bound:
        if form.is_valid():
            on = form.cleaned_data["on"] or on
        else:
            status = 400
    rows = [
        {
            "label": row.spec.label,
            "value": number_text(row.value),
            "unit": unit_label(row.spec.unit),
            "legal_basis": row.legal_basis,
            "version": row.version,
            "group": str(row.spec.group),
        }
        for row in rules_in_force(on)
    ]
    rows.sort(key=lambda r: r["group"])
    groups = [(name, list(items)) for name, items in groupby(rows, key=lambda r: r["group"])]
    versions = RuleBookVersion.objects.exclude(status=RuleBookStatus.DRAFT).order_by("-in_force_from", "-id")[:50]
    return render(
        request,
        "rules/legal_numbers.html",
        {"form": form, "on": on, "groups": groups, "versions": versions},
        status=status,
    )
