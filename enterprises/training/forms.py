"""Forms of training: employees, post changes, training records, special-operation certificates."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safety_platform.concurrency import VersionedFormMixin
from safety_platform.forms import DateInput

from ..common.forms import StyledFormMixin, style
from .models import Employee, SpecialOperationCertificate, TrainingRecord


class EmployeeForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Employee
        fields = ["name", "employee_number", "role", "post", "post_is_high_risk", "special_operation", "posted_on"]
        widgets = {"posted_on": DateInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.post_events.exclude(kind="posted").exists():
            # After the first change of post, the post and start date change only through post events.
            for name in ("post", "posted_on"):
                self.fields[name].disabled = True
        style(self)


class PostChangeForm(StyledFormMixin, forms.Form):
    CHANGE = "change"
    AWAY = "away"
    RETURN = "return"
    LEAVE = "leave"
    action = forms.ChoiceField(
        label=pgettext_lazy("enterprises", "Change"),
        choices=[
            (CHANGE, _("Move to another post")),
            (AWAY, _("Leave the post for a while")),
            (RETURN, _("Return to a post")),
            (LEAVE, _("Leave the enterprise")),
        ],
    )
    on = forms.DateField(label=_("On"), widget=DateInput())
    post = forms.CharField(label=_("New post"), max_length=100, required=False)
    post_is_high_risk = forms.BooleanField(label=_("The new post is dangerous"), required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == self.RETURN and not data.get("post"):
            data["post_is_high_risk"] = None  # back on the same post: the unticked box keeps its danger as it was
        return data


class TrainingRecordForm(forms.ModelForm):
    class Meta:
        model = TrainingRecord
        fields = ["category", "hours", "completed_on", "passed", "provider", "content"]
        widgets = {"completed_on": DateInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["hours"].widget.attrs.update({"step": "0.5", "min": "0.5", "inputmode": "decimal"})
        style(self)


class SpecialCertificateForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = SpecialOperationCertificate
        fields = ["operation", "certificate_number", "issuing_authority", "issued_on", "expires_on"]
        widgets = {"issued_on": DateInput(), "expires_on": DateInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["expires_on"].required = False
        self.fields["expires_on"].help_text = _("Leave empty for six years after issue.")
        style(self)
