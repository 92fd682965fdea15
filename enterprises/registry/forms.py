"""Web forms of the enterprise registry."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from safety_platform.concurrency import VersionedFormMixin
from safety_platform.forms import model_choice_field, set_choice_labels, style_widgets
from safety_platform.models import Department, Industry, Jurisdiction
from safety_platform.validators import normalize_mainland_mobile

from .choices import EnterpriseStatus
from .models import Enterprise
from .selectors import jurisdictions_for
from .services import EDITABLE_FIELDS
from .validators import normalize_credit_code


def label_jurisdiction(j: Jurisdiction) -> str:
    """A jurisdiction in a drop-down, indented by its depth in the tree."""
    return "　" * max(j.depth - 1, 0) + j.name


def jurisdiction_choices(form: forms.BaseForm, name: str, user: Any) -> None:
    """The field `name` offers the jurisdictions the user may file under, labelled as a tree."""
    model_choice_field(form, name).queryset = jurisdictions_for(user)
    set_choice_labels(form, name, label_jurisdiction)


class EnterpriseForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Enterprise
        fields = EDITABLE_FIELDS
        help_texts = {
            "supervising_department": _("Leave empty to derive it from the industry."),
        }

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["supervising_department"].required = False
        model_choice_field(self, "supervising_department").queryset = Department.objects.filter(is_active=True)
        model_choice_field(self, "industry").queryset = Industry.objects.order_by("code")
        jurisdiction_choices(self, "jurisdiction", user)
        if self.instance.pk and not self.instance.department_set_manually:
            self.initial["supervising_department"] = None
        style_widgets(self)
        if "principal_mobile" in self.fields:
            self.fields["principal_mobile"].widget.attrs.update(
                {"type": "tel", "inputmode": "tel", "autocomplete": "off"}
            )
        if "credit_code" in self.fields:
            self.fields["credit_code"].widget.attrs.update(
                {"autocapitalize": "characters", "spellcheck": "false", "maxlength": 18}
            )

    def clean_credit_code(self) -> str:
        return normalize_credit_code(self.cleaned_data["credit_code"])

    def clean_principal_mobile(self) -> str:
        value = self.cleaned_data.get("principal_mobile", "")
        return normalize_mainland_mobile(value) if value else ""


class StatusChangeForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=EnterpriseStatus.choices)
    reason = forms.CharField(label=_("Reason"), max_length=300, widget=forms.TextInput(attrs={"class": "form-control"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].widget.attrs["class"] = "form-select"


class ImportForm(forms.Form):
    """An uploaded register (CSV or Excel) and whether to import its good rows when others have errors."""

    max_bytes = 20 * 1024 * 1024
    too_large = _("The file is larger than 20 MB.")

    file = forms.FileField(
        label=_("CSV or Excel file"),
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".csv,.xlsx"}),
    )
    import_valid_rows = forms.BooleanField(
        label=_("Import the valid rows even if some rows have errors"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > self.max_bytes:
            raise forms.ValidationError(self.too_large)
        if not upload.name.lower().endswith((".csv", ".xlsx", ".xlsm", ".txt")):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        return upload
