"""Forms of the hazards web UI. They check input shape; the services decide what is allowed."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from enterprises.models import Enterprise
from enterprises.registry.fields import EnterpriseChoiceField
from safety_platform.concurrency import VersionedFormMixin
from safety_platform.forms import (
    DateInput,
    IdsChoiceField,
    StyledFormMixin,
    choice_field,
    model_choice_field,
    style_widgets,
)
from safety_platform.models import Industry, Jurisdiction
from safety_platform.permissions import is_enterprise_person
from safety_platform.refusals import refusal_into
from safety_platform.uploads import IMAGE, OFFICE, PDF, validate_upload

from .choices import (
    LEC_C_VALUES,
    LEC_E_VALUES,
    LEC_L_VALUES,
    MATRIX_VALUES,
    REMEDIATION_PLAN_FIELDS,
    CheckOutcome,
    HazardGrade,
    RiskMethod,
    VoidKind,
)
from .location import clean_position
from .models import Campaign, RemediationPlan, RiskSource
from .models.risk import plain_number
from .services import proposed_deadline

MAX_FILES = 9


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several photos or documents in one input, each checked by content (not by its name)."""

    def __init__(self, *args: Any, kinds: tuple[str, ...] = (IMAGE,), capture: bool = False, **kwargs: Any) -> None:
        self.kinds = kinds
        attrs = {"multiple": True, "class": "form-control"}
        if kinds == (IMAGE,):
            attrs["accept"] = "image/*"
            if capture:
                attrs["capture"] = "environment"
        kwargs.setdefault("widget", MultipleFileInput(attrs=attrs))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if self.required and not files:
            raise ValidationError(self.error_messages["required"], code="required")
        if len(files) > MAX_FILES:
            raise ValidationError(_("At most %(n)d files at once.") % {"n": MAX_FILES}, code="too_many")
        errors = []
        for upload in files:
            try:
                validate_upload(upload, kinds=self.kinds)
            except ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise ValidationError(errors)
        return list(files)


class GradeDeadlineInput(DateInput):
    """The rectification deadline of a grading form. In the browser, choosing a grade puts the deadline the rule
    proposes for it in the field (hazards/grade-deadline.js), unless the user typed a date of their own."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        html = super().render(name, value, attrs, renderer)
        return format_html('{}<script src="{}" defer></script>', html, static("hazards/grade-deadline.js"))


def _propose_deadlines(form: forms.BaseForm) -> None:
    """The deadline field carries the rule's proposal per grade; its initial value is the initial grade's."""
    field = form.fields["deadline"]
    proposals = {grade: proposed_deadline(grade) for grade in HazardGrade.values}
    field.widget.attrs["data-proposed-deadlines"] = json.dumps({g: d.isoformat() for g, d in proposals.items() if d})
    field.widget.attrs["data-grade-field"] = form.add_prefix("grade")
    grade = form.initial.get("grade", form.fields["grade"].initial)
    if form.initial.get("deadline") is None and proposals.get(grade):
        form.initial["deadline"] = proposals[grade]


class StyledForm(StyledFormMixin, forms.Form):
    """A hazard page's form: Bootstrap's classes; radio buttons are laid out by their templates."""


def _position_field(label: Any, axis: str, help_text: Any) -> forms.CharField:
    """A typed coordinate, optional, which the "use my position" button fills in (`data-position`)."""
    return forms.CharField(
        label=label,
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "data-position": axis}),
        help_text=help_text,
    )


class HazardLogForm(StyledForm):
    """Log a hazard on site: a few taps on a phone; an inspector may grade it at once."""

    # A search box, not a <select> of every enterprise in scope (issue 16); offline it offers the
    # enterprises chosen recently on the phone, and a typed credit code is accepted.
    enterprise = EnterpriseChoiceField(operating_only=True)
    title = forms.CharField(label=_("Hazard"), max_length=200, help_text=_("What is wrong, in a few words."))
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    location = forms.CharField(label=_("Location / post"), max_length=200, required=False)
    # Where it is: filled by the "use my position" button (hazards/position.js, asks only when pressed) or typed.
    latitude = _position_field(
        _("Latitude"), "latitude", _("Degrees north, e.g. 25.075100; leave both empty when unknown.")
    )
    longitude = _position_field(_("Longitude"), "longitude", _("Degrees east, e.g. 117.017400."))
    photos = MultipleFileField(label=_("Photos"), capture=True)
    campaign = forms.ModelChoiceField(queryset=Campaign.objects.none(), label=_("Campaign"), required=False)
    grade = forms.ChoiceField(label=_("Grade"), choices=[("", _("Assess later")), *HazardGrade.choices], required=False)
    deadline = forms.DateField(label=_("Rectification deadline"), required=False, widget=GradeDeadlineInput())
    responsible_person = forms.CharField(label=_("Responsible person"), max_length=60, required=False)
    responsible_phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    risk_source = forms.ModelChoiceField(queryset=RiskSource.objects.none(), required=False, widget=forms.HiddenInput())
    # Generated in the browser and kept with the draft: a retried submission never creates a duplicate.
    client_key = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput())

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        model_choice_field(self, "enterprise").queryset = Enterprise.objects.visible_to(user).operating()
        model_choice_field(self, "campaign").queryset = Campaign.objects.visible_to(user).running()
        model_choice_field(self, "risk_source").queryset = RiskSource.objects.visible_to(user)
        if is_enterprise_person(user):
            del self.fields["enterprise"]
            for name in ("grade", "deadline", "responsible_person", "responsible_phone"):
                del self.fields[name]
        else:
            _propose_deadlines(self)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if "latitude" not in self.errors and "longitude" not in self.errors:
            with refusal_into(self):
                data["latitude"], data["longitude"] = clean_position(data.get("latitude"), data.get("longitude"))
        if data.get("grade"):
            if not data.get("deadline") and "deadline" not in self.errors:
                # Graded without a date (no script on the page to fill it in): the rule's proposal for the grade.
                data["deadline"] = proposed_deadline(data["grade"])
            if not data.get("responsible_person"):
                self.add_error("responsible_person", _("Name the person responsible for the remediation."))
        return data


class NoteForm(StyledForm):
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class RequiredNoteForm(StyledForm):
    note = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class AssessForm(StyledForm):
    """评估: grade, deadline (the rule's proposal for the grade, prefilled), responsible person and phone."""

    grade = forms.ChoiceField(
        label=_("Grade"), choices=HazardGrade.choices, widget=forms.RadioSelect, initial=HazardGrade.GENERAL
    )
    deadline = forms.DateField(label=_("Rectification deadline"), widget=GradeDeadlineInput())
    responsible_person = forms.CharField(label=_("Responsible person"), max_length=60)
    responsible_phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _propose_deadlines(self)


class ProgressForm(StyledForm):
    note = forms.CharField(label=_("Progress"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    photos = MultipleFileField(label=_("Photos"), capture=True)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not data.get("note") and not data.get("photos") and not self.errors:
            raise ValidationError(_("Describe the progress or attach a photo."))
        return data


class SubmitForm(StyledForm):
    note = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    before = MultipleFileField(label=_("Photos before"))
    after = MultipleFileField(label=_("Photos after"), capture=True)
    documents = MultipleFileField(label=_("Documents"), kinds=(IMAGE, PDF, OFFICE))

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not self.errors and not (data.get("before") or data.get("after") or data.get("documents")):
            raise ValidationError(_("Attach at least one photo or document."))
        return data


class CloseForm(StyledForm):
    note = forms.CharField(label=_("Verification note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    photos = MultipleFileField(label=_("Photos"), capture=True)


class RejectForm(StyledForm):
    note = forms.CharField(label=_("Why the verification failed"), widget=forms.Textarea(attrs={"rows": 2}))
    new_deadline = forms.DateField(label=_("New deadline"), required=False, widget=DateInput())


class ExtendForm(StyledForm):
    deadline = forms.DateField(label=_("New deadline"), widget=DateInput())
    note = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class VoidForm(StyledForm):
    """作废 a worker's report: why (spam/malicious or duplicate/unfounded) and the reason in words."""

    kind = forms.ChoiceField(label=_("Voided as"), choices=VoidKind.choices, widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)


class PlanForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = RemediationPlan
        fields = REMEDIATION_PLAN_FIELDS
        widgets = {
            "goal": forms.Textarea(attrs={"rows": 2}),
            "measures": forms.Textarea(attrs={"rows": 3}),
            "funds_and_materials": forms.Textarea(attrs={"rows": 2}),
            "responsible_people": forms.Textarea(attrs={"rows": 2}),
            "safety_measures": forms.Textarea(attrs={"rows": 3}),
            "deadline": DateInput(),
        }

    def __init__(self, *args: Any, hazard: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)
        # A plan may be saved half-written; the report step insists on every part.
        for field in self.fields.values():
            field.required = False
        if hazard is not None and not self.instance.deadline and not self.initial.get("deadline"):
            # A new plan starts from the hazard's rectification deadline (set when it was graded major).
            self.initial["deadline"] = hazard.deadline or proposed_deadline(HazardGrade.MAJOR)


def _factor_choices(values: Any) -> list[tuple[Any, Any]]:
    """A risk factor's choices: its allowed values, after an empty "—" (the other method's factors stay empty)."""
    return [("", "—"), *[(v, v) for v in values]]


def _matrix_field(label: Any) -> forms.TypedChoiceField:
    """A risk matrix factor (likelihood or severity), 1 to 5, as a whole number; None when left empty."""
    return forms.TypedChoiceField(
        label=label, choices=_factor_choices(MATRIX_VALUES), coerce=int, empty_value=None, required=False
    )


class _LecChoiceField(forms.ChoiceField):
    """An LEC factor: a stored Decimal (``3.00``) is shown as its choice (``3``)."""

    def prepare_value(self, value: Any) -> Any:
        return plain_number(value) if isinstance(value, Decimal) else value


class RiskSourceForm(VersionedFormMixin, StyledForm):
    """Not a ModelForm: the risk source it edits (`row`) gives the version it was opened on."""

    enterprise = EnterpriseChoiceField()
    name = forms.CharField(label=_("Location / post"), max_length=200)
    description = forms.CharField(label=_("Risk description"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    method = forms.ChoiceField(label=_("Method"), choices=RiskMethod.choices, initial=RiskMethod.LEC)
    lec_l = _LecChoiceField(label=_("L (likelihood)"), choices=_factor_choices(LEC_L_VALUES), required=False)
    lec_e = _LecChoiceField(label=_("E (exposure)"), choices=_factor_choices(LEC_E_VALUES), required=False)
    lec_c = _LecChoiceField(label=_("C (consequence)"), choices=_factor_choices(LEC_C_VALUES), required=False)
    likelihood = _matrix_field(_("Likelihood (1–5)"))
    severity = _matrix_field(_("Severity (1–5)"))
    control_measures = forms.CharField(label=_("Control measures"), widget=forms.Textarea(attrs={"rows": 3}))
    emergency_measures = forms.CharField(
        label=_("Emergency measures"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("What to do when it happens: printed on the risk card."),
    )
    responsible_person = forms.CharField(label=_("Responsible person"), max_length=60)
    responsible_phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    review_date = forms.DateField(label=_("Next review"), required=False, widget=DateInput())

    def __init__(self, *args: Any, user: Any, row: RiskSource | None = None, **kwargs: Any) -> None:
        self.row = row if row is not None else RiskSource()
        super().__init__(*args, **kwargs)
        model_choice_field(self, "enterprise").queryset = Enterprise.objects.visible_to(user)
        if is_enterprise_person(user):
            del self.fields["enterprise"]

    def versioned_row(self) -> RiskSource:
        return self.row

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        method = data.get("method")
        needed = ("lec_l", "lec_e", "lec_c") if method == RiskMethod.LEC else ("likelihood", "severity")
        for name in needed:
            if data.get(name) in (None, ""):
                self.add_error(name, _("This field is required."))
        return data


class CampaignForm(VersionedFormMixin, StyledForm):
    """Not a ModelForm: the campaign it edits (`row`) gives the version it was opened on."""

    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    starts_on = forms.DateField(label=_("Starts on"), widget=DateInput())
    ends_on = forms.DateField(label=_("Ends on"), widget=DateInput())
    industries = IdsChoiceField(
        queryset=Industry.objects.exclude(level="class").order_by("code"),
        label=_("Industries"),
        required=False,
        help_text=_("Empty: every industry."),
    )
    jurisdictions = IdsChoiceField(
        queryset=Jurisdiction.objects.exclude(level="grid").order_by("path"),
        label=_("Jurisdictions"),
        required=False,
        help_text=_("Empty: the whole city."),
    )

    def __init__(self, *args: Any, user: Any, row: Campaign | None = None, **kwargs: Any) -> None:
        self.row = row if row is not None else Campaign()
        super().__init__(*args, **kwargs)
        if user.scopes_by_jurisdiction:
            from .filtersets import _scoped_jurisdictions

            model_choice_field(self, "jurisdictions").queryset = _scoped_jurisdictions(user).exclude(level="grid")
            self.fields["jurisdictions"].required = True
            self.fields["jurisdictions"].help_text = ""
        for name in ("industries", "jurisdictions"):
            self.fields[name].widget.attrs["size"] = 8

    def versioned_row(self) -> Campaign:
        return self.row

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("A campaign cannot end before it starts."))
        return data


class SelfCheckForm(forms.Form):
    """One row per checklist item: outcome, note, and a photo."""

    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args: Any, items: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[f"outcome_{item.pk}"] = forms.ChoiceField(
                label=item.text, choices=CheckOutcome.choices, widget=forms.RadioSelect, initial=CheckOutcome.OK
            )
            self.fields[f"note_{item.pk}"] = forms.CharField(
                label=_("What was found"),
                max_length=400,
                required=False,
                widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
            )
            self.fields[f"photo_{item.pk}"] = MultipleFileField(label=_("Photo"), capture=True)
        style_widgets(self)  # the outcome radios are form-check-input, laid out by the template as form-check rows

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "item": item,
                "outcome": self[f"outcome_{item.pk}"],
                "note": self[f"note_{item.pk}"],
                "photo": self[f"photo_{item.pk}"],
            }
            for item in self.items
        ]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        for item in self.items:
            outcome = data.get(f"outcome_{item.pk}")
            if outcome in (CheckOutcome.HAZARD, CheckOutcome.FIXED) and not data.get(f"note_{item.pk}"):
                self.add_error(f"note_{item.pk}", _("Describe what was found."))
        return data


class StatGenerateForm(StyledForm):
    period = forms.ChoiceField(label=_("Period"), choices=[])

    def __init__(self, *args: Any, periods: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "period").choices = periods


class CardReportForm(StyledForm):
    """A worker reports a hazard at a posted risk card, on a phone, without logging in."""

    description = forms.CharField(
        label=_("What is wrong here?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Describe the hazard: what you saw and where."),
    )
    photo = forms.FileField(label=_("Photo"), required=False)
    reporter_name = forms.CharField(label=_("Your name"), max_length=30, required=False)
    reporter_phone = forms.RegexField(
        label=_("Your phone"),
        regex=r"^\+?[0-9][0-9 \-]{4,19}$",
        max_length=20,
        required=False,
        error_messages={"invalid": _("Enter a phone number (digits only).")},
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["photo"].widget.attrs.update({"accept": "image/*", "capture": "environment"})
        self.fields["reporter_phone"].help_text = _(
            "Name and phone are optional: leave them empty to report anonymously. If given, only the inspectors "
            "see them, to ask you about the hazard; your employer does not."
        )

    def clean_photo(self) -> Any:
        photo = self.cleaned_data.get("photo")
        if photo:
            validate_upload(photo, kinds=(IMAGE,))
        return photo
