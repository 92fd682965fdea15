"""Forms of the responsibility system."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safety_platform.concurrency import VersionedFormMixin
from safety_platform.forms import DateInput, IdsChoiceField, model_choice_field
from safety_platform.models import Department, Industry

from ..common.forms import StyledFormMixin, enterprises_for, style
from ..registry.fields import EnterpriseChoiceField
from .models import JointInspection, JointInspectionFinding, ResponsibilityItem


class ResponsibilityItemForm(VersionedFormMixin, forms.ModelForm):
    # The duty as worded; `effective_on` is when a revision takes effect (offered as today), not its content.
    versioned_fields = ("duty", "industry", "kind", "legal_basis")

    class Meta:
        model = ResponsibilityItem
        fields = ["kind", "industry", "duty", "legal_basis", "effective_on"]
        widgets = {"effective_on": DateInput(), "duty": forms.Textarea()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "industry").queryset = Industry.objects.order_by("code")
        if self.instance.pk:
            # Editing writes a revision: it takes effect today unless told otherwise. (Offering the current
            # wording's own start date retired it on the day it began, and its history was lost.)
            self.initial["effective_on"] = timezone.localdate()
        style(self)


class ReviewForm(StyledFormMixin, forms.Form):
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class JointInspectionForm(forms.ModelForm):
    class Meta:
        model = JointInspection
        fields = ["enterprise", "title", "lead_department", "departments", "planned_on", "team"]
        widgets = {"planned_on": DateInput(), "departments": forms.CheckboxSelectMultiple()}
        field_classes = {"departments": IdsChoiceField, "enterprise": EnterpriseChoiceField}

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "enterprise").queryset = enterprises_for(user)
        departments = Department.objects.filter(is_active=True).order_by("name")
        model_choice_field(self, "departments").queryset = departments
        model_choice_field(self, "lead_department").queryset = departments
        if user is not None and getattr(user, "is_department_staff", False) and user.department_id:
            model_choice_field(self, "lead_department").queryset = departments.filter(pk=user.department_id)
            self.fields["lead_department"].initial = user.department_id
        style(self)


class FindingForm(forms.ModelForm):
    class Meta:
        model = JointInspectionFinding
        fields = ["department", "title", "description", "location", "legal_basis", "suspected_major"]
        widgets = {"description": forms.Textarea()}

    def __init__(self, *args: Any, inspection: JointInspection | None = None, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if inspection is not None:
            departments = inspection.departments.all()
            if user is not None and getattr(user, "is_department_staff", False):
                departments = departments.filter(pk=user.department_id)
            model_choice_field(self, "department").queryset = departments
        style(self)


class ReasonForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class SummaryForm(StyledFormMixin, forms.Form):
    summary = forms.CharField(label=pgettext_lazy("enterprises", "Summary"), required=False, widget=forms.Textarea())
