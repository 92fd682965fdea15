"""Forms of standardization certificates and demonstration enterprises."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from safety_platform.forms import DateInput, model_choice_field
from safety_platform.models import Department, Industry
from safety_platform.permissions import is_enterprise_person

from ..common.forms import StyledFormMixin, enterprises_for, style
from ..registry.fields import EnterpriseChoiceField
from .models import IssuingLevel, MeasureKind, StandardizationLevel


class CertificateForm(forms.Form):
    enterprise = EnterpriseChoiceField()
    level = forms.TypedChoiceField(label=_("Level"), choices=StandardizationLevel.choices, coerce=int)
    industry = forms.ModelChoiceField(label=_("Industry"), queryset=Industry.objects.order_by("code"))
    certificate_number = forms.CharField(label=_("Certificate number"), max_length=60)
    issuing_level = forms.ChoiceField(
        label=_("Issuing level"),
        choices=[("", _("(follows the level)")), *IssuingLevel.choices],
        required=False,
    )
    issuing_authority = forms.CharField(label=_("Issuing authority"), max_length=200, required=False)
    issued_on = forms.DateField(label=_("Issued on"), widget=DateInput())
    expires_on = forms.DateField(
        label=_("Expires on"),
        widget=DateInput(),
        required=False,
        help_text=_("Leave empty for three years after issue."),
    )
    scan = forms.FileField(label=_("Certificate scan (photo or PDF)"), required=False)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "enterprise").queryset = enterprises_for(user)
        if is_enterprise_person(user):
            self.fields["enterprise"].initial = user.enterprise_id
            self.fields["enterprise"].widget = forms.HiddenInput()
        style(self)


class VerifyForm(StyledFormMixin, forms.Form):
    accept = forms.TypedChoiceField(
        label=_("Verification"),
        choices=[("1", _("Confirm the certificate")), ("0", _("Reject the declaration"))],
        coerce=lambda v: v == "1",
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class RevokeForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)
    revoked_on = forms.DateField(label=_("Revoked on"), widget=DateInput(), required=False)


class RereviewForm(StyledFormMixin, forms.Form):
    applied_on = forms.DateField(label=_("Re-review applied on"), widget=DateInput(), required=False)


class MeasureForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=MeasureKind.choices)
    description = forms.CharField(label=_("What was mechanized or automated"), max_length=300)
    post = forms.CharField(label=_("Dangerous post"), max_length=100, required=False)
    people_moved = forms.IntegerField(label=_("People moved out of dangerous posts"), min_value=0, initial=0)
    completed_on = forms.DateField(label=_("Completed on"), widget=DateInput(), required=False)


class DemonstrationForm(forms.Form):
    enterprise = EnterpriseChoiceField()
    designated_on = forms.DateField(label=_("Designated on"), widget=DateInput())
    batch = forms.CharField(label=_("Batch"), max_length=60, required=False)
    department = forms.ModelChoiceField(
        label=_("Designated by"), queryset=Department.objects.filter(is_active=True), required=False
    )
    summary = forms.CharField(label=_("What was mechanized or automated"), widget=forms.Textarea())

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "enterprise").queryset = enterprises_for(user)
        style(self)
