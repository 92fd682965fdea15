"""Forms of the inspection pages: the checklist form on a phone, choosing the enterprise, the list's filters."""

from __future__ import annotations

import uuid
from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enterprises.models import Enterprise
from enterprises.registry.fields import EnterpriseChoiceField, EnterpriseFilter
from hazards.models import Checklist, ChecklistItem
from safety_platform.forms import DateInput, IdsChoiceField, style_widgets
from safety_platform.models import Department

from .choices import InspectionReason
from .forms_common import EnterpriseForm
from .models import Inspection, InspectionResult
from .services.inspections import AnswerInput


class EnterpriseChooseForm(EnterpriseForm):
    """Step one on a phone without an enterprise page open: which enterprise is inspected."""

    enterprise = EnterpriseChoiceField(operating_only=True)


def _degrees(label: Any, limit: int, *, max_digits: int) -> forms.DecimalField:
    """An optional latitude or longitude: degrees within ±`limit`, six decimals; the form's
    `style_widgets(numbers=True)` gives its box the decimal pad."""
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=-limit,
        max_value=limit,
        decimal_places=6,
        max_digits=max_digits,
        widget=forms.NumberInput(attrs={"step": "any"}),
    )


class InspectionForm(forms.Form):
    """An inspection of one enterprise: the day, why, who joined, then one card per checklist item.

    The widgets take Bootstrap's classes from `style_widgets` once the items' fields are added; a result's radio
    buttons keep their own `btn-check` (drawn as a button group), and the departments' boxes stay unclassed, as
    templates/supervision/inspections/form.html draws them box by box."""

    client_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
    checklist = forms.ModelChoiceField(queryset=Checklist.objects.none(), required=False, widget=forms.HiddenInput)
    inspected_on = forms.DateField(label=_("Inspected on"), widget=DateInput())
    reason = forms.ChoiceField(label=_("Reason"), choices=InspectionReason.choices, initial=InspectionReason.PLANNED)
    reason_note = forms.CharField(
        label=_("Reason stated"),
        required=False,
        max_length=300,
        help_text=_("Required beyond the yearly cap of the enterprise's class: the complaint, accident or campaign."),
    )
    departments = IdsChoiceField(
        label=_("Departments joining"),
        queryset=Department.objects.none(),
        required=False,
        help_text=_("A joint inspection: every department ticked here sees this one record."),
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(label=_("Findings"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    latitude = _degrees(_("Latitude"), 90, max_digits=8)
    longitude = _degrees(_("Longitude"), 180, max_digits=9)

    def __init__(
        self,
        *args: Any,
        enterprise: Enterprise,
        checklist: Checklist | None,
        checklists: QuerySet[Checklist],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.enterprise = enterprise
        self.checklist_obj = checklist
        checklist_field = self.fields["checklist"]
        assert isinstance(checklist_field, forms.ModelChoiceField)
        checklist_field.queryset = checklists
        checklist_field.initial = checklist.pk if checklist else None
        departments = self.fields["departments"]
        assert isinstance(departments, forms.ModelMultipleChoiceField)
        departments.queryset = Department.objects.order_by("name")  # a city's departments: a few dozen
        self.fields["inspected_on"].initial = timezone.localdate()
        self.fields["client_key"].initial = uuid.uuid4().hex
        self.items: list[ChecklistItem] = list(checklist.items.filter(is_active=True)) if checklist else []
        for item in self.items:
            self.fields[f"item_{item.pk}"] = forms.ChoiceField(
                label=item.text,
                choices=InspectionResult.choices,
                widget=forms.RadioSelect(attrs={"class": "btn-check"}),
                error_messages={"required": _("Choose pass, fail or not applicable.")},
            )
            self.fields[f"item_{item.pk}_note"] = forms.CharField(label=_("Note"), required=False, max_length=400)
            self.fields[f"item_{item.pk}_photo"] = forms.FileField(
                label=_("Photo"),
                required=False,
                widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
            )
        style_widgets(self, numbers=True)

    def item_rows(self) -> list[dict[str, Any]]:
        """One card per item: the item and its three fields."""
        return [
            {
                "item": item,
                "result": self[f"item_{item.pk}"],
                "note": self[f"item_{item.pk}_note"],
                "photo": self[f"item_{item.pk}_photo"],
            }
            for item in self.items
        ]

    def answers(self) -> list[AnswerInput]:
        data = self.cleaned_data
        return [
            AnswerInput(
                item_id=item.pk,
                result=data.get(f"item_{item.pk}") or "",
                note=data.get(f"item_{item.pk}_note") or "",
                photo=data.get(f"item_{item.pk}_photo") or None,
            )
            for item in self.items
        ]


class InspectionFilterSet(django_filters.FilterSet):
    """The inspection list's filters, in Bootstrap's full-size controls (`style_widgets`)."""

    enterprise = EnterpriseFilter(field_name="enterprise")
    reason = django_filters.ChoiceFilter(label=_("Reason"), choices=InspectionReason.choices)
    inspected_from = django_filters.DateFilter(
        label=_("From"), field_name="inspected_on", lookup_expr="gte", widget=DateInput()
    )
    inspected_to = django_filters.DateFilter(
        label=_("To"), field_name="inspected_on", lookup_expr="lte", widget=DateInput()
    )

    class Meta:
        model = Inspection
        fields = ["enterprise", "reason", "inspected_from", "inspected_to"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self.form)
