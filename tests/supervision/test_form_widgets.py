"""The inspection and plan forms take their Bootstrap classes from the shared `style_widgets` (issue 17): every
widget keeps the classes and attributes it had when each form set them by hand."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.test import RequestFactory

from hazards.models import Checklist
from safety_platform.models import Jurisdiction, User
from supervision.forms_inspections import InspectionFilterSet, InspectionForm
from supervision.forms_plans import EntryFilterForm, PlanEntryAdjustForm, PlanGenerateForm
from supervision.models import Inspection
from tests.supervision.test_inspections import make_chem_checklist

pytestmark = pytest.mark.django_db


def _attrs(form: Any) -> dict[str, dict[str, str]]:
    return {name: {k: str(v) for k, v in field.widget.attrs.items()} for name, field in form.fields.items()}


def test_inspection_form(org: Any, xinluo_chem: Any) -> None:
    checklist = make_chem_checklist(org)
    form = InspectionForm(enterprise=xinluo_chem, checklist=checklist, checklists=Checklist.objects.all())
    attrs = _attrs(form)
    assert attrs["inspected_on"] == {"class": "form-control"}
    assert attrs["reason"] == {"class": "form-select"}
    assert attrs["reason_note"] == {"maxlength": "300", "class": "form-control"}
    assert attrs["departments"] == {"class": "form-check-input"}  # each box, in the form-check rows of its template
    assert attrs["note"] == {"cols": "40", "rows": "3", "class": "form-control"}
    degrees = {"step": "any", "min": "-90", "max": "90", "class": "form-control", "inputmode": "decimal"}
    assert attrs["latitude"] == degrees
    item = checklist.items.filter(is_active=True).first()
    assert item is not None
    assert attrs[f"item_{item.pk}"] == {"class": "btn-check"}  # the result's radio buttons keep their own class
    assert attrs[f"item_{item.pk}_note"] == {"maxlength": "400", "class": "form-control"}
    assert attrs[f"item_{item.pk}_photo"] == {"accept": "image/*", "capture": "environment", "class": "form-control"}


def test_inspection_filters(users: dict[str, Any]) -> None:
    request = RequestFactory().get("/")
    request.user = users["committee"]
    form = InspectionFilterSet({}, queryset=Inspection.objects.all(), request=request).form
    classes = {name: field.widget.attrs.get("class") for name, field in form.fields.items()}
    assert classes == {
        "enterprise": "form-control",  # the search box (it drew form-control by default before)
        "reason": "form-select",
        "inspected_from": "form-control",
        "inspected_to": "form-control",
    }


def test_plan_forms(org: Any) -> None:
    county = org.jurisdiction("新罗区")
    plan: Any = SimpleNamespace(pk=1, jurisdiction=county)  # the forms read its pk and area only
    generate = _attrs(PlanGenerateForm(counties=Jurisdiction.objects.filter(pk=county.pk)))
    assert generate == {
        "year": {"min": "2000", "max": "2100", "class": "form-control"},
        "quarter": {"class": "form-select"},
        "jurisdiction": {"class": "form-select"},
        "department": {"class": "form-select"},
    }
    adjust = _attrs(PlanEntryAdjustForm(plan=plan, assignees=User.objects.all()))
    assert adjust["required"] == {"min": "0", "max": "100", "class": "form-control"}
    assert adjust["assignee"] == {}  # the search box draws its own form-control
    assert adjust["reason"] == {
        "cols": "40",
        "rows": "2",
        "maxlength": "300",
        "class": "form-control",
        "aria-describedby": "id_reason_helptext",
    }
    entries = EntryFilterForm(plan=plan, assignees=User.objects.all())
    assert {name: field.widget.attrs.get("class") for name, field in entries.fields.items()} == {
        "status": "form-select form-select-sm",
        "township": "form-select form-select-sm",
        "assignee": "form-control form-control-sm",
    }
