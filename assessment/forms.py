"""Forms of the assessment: the county's yearly targets and base figures (staff input), scheme versions
(the admin and the committee's pages share the indicator formset and its weight check), runs, objections."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet, inlineformset_factory
from django.utils.translation import gettext_lazy as _

from safety_platform.concurrency import VersionedFormMixin
from safety_platform.forms import DateInput, style_widgets

from .choices import SCHEME_INDICATOR_FIELDS, PeriodKind, SchemeKind
from .indicators import registry
from .models import CountyInput, GradeThreshold, Scheme, SchemeIndicator, VetoRule
from .services import weights_error


def styled(form: forms.BaseForm) -> None:
    """Bootstrap's small classes on the widgets, each box of a choice list too (the admin renders the same forms
    with its own styles)."""
    style_widgets(form, small=True, check_lists=True)


class CountyInputForm(forms.ModelForm):
    """Control targets, GDP and industrial workforce of a county for a year.

    A negative figure is refused under its field; a GDP or workforce of 0 is accepted (a county may
    truly have none) and the indicators that divide by it then say "not computable" instead of failing.
    """

    class Meta:
        model = CountyInput
        fields = [
            "jurisdiction",
            "year",
            "deaths_target",
            "larger_accidents_target",
            "deaths_per_100m_gdp_target",
            "deaths_per_100k_workers_target",
            "gdp_100m_yuan",
            "industrial_workers",
        ]

    def _not_negative(self, field: str) -> Any:
        value = self.cleaned_data.get(field)
        if value is not None and Decimal(value) < 0:
            raise forms.ValidationError(_("%(field)s cannot be negative.") % {"field": self.fields[field].label})
        return value

    def clean_gdp_100m_yuan(self) -> Any:
        return self._not_negative("gdp_100m_yuan")

    def clean_deaths_per_100m_gdp_target(self) -> Any:
        return self._not_negative("deaths_per_100m_gdp_target")

    def clean_deaths_per_100k_workers_target(self) -> Any:
        return self._not_negative("deaths_per_100k_workers_target")


class CountyFiguresForm(VersionedFormMixin, CountyInputForm):
    """The figures of one county and year, on the committee's page (the county and year are in the URL)."""

    class Meta(CountyInputForm.Meta):
        fields = [f for f in CountyInputForm.Meta.fields if f not in ("jurisdiction", "year")]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        styled(self)


class CountyInputImportForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))


class SchemeIndicatorForm(forms.ModelForm):
    """The indicator is chosen from the registry (an unknown name cannot even be typed)."""

    indicator = forms.ChoiceField(label=_("indicator"), choices=())

    class Meta:
        model = SchemeIndicator
        fields = SCHEME_INDICATOR_FIELDS

    def __init__(self, *args: Any, scheme_kind: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only the indicators of the scheme's kind of assessee (a county's or a department's), when known.
        indicator = cast(forms.ChoiceField, self.fields["indicator"])
        indicator.choices = [("", "—"), *registry.choices(scheme_kind)]


class SchemeIndicatorFormSet(BaseInlineFormSet):
    """The weights of the indicators kept must add up to 100 (`services.weights_error`); the error sits on
    the weight column and above the table."""

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        kwargs = super().get_form_kwargs(index)
        if self.instance is not None and self.instance.pk:
            kwargs["scheme_kind"] = self.instance.kind
        return kwargs

    def clean(self) -> None:
        super().clean()
        weights: list[Decimal] = []
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            weights.append(form.cleaned_data.get("weight") or Decimal(0))
        message = weights_error(weights)
        if message:
            for form in self.forms:
                if getattr(form, "cleaned_data", None) and not form.cleaned_data.get("DELETE"):
                    form.add_error("weight", message)
            raise ValidationError(message)


class _StyledFormSet(BaseInlineFormSet):
    def _construct_form(self, i: int, **kwargs: Any) -> Any:
        form = super()._construct_form(i, **kwargs)  # type: ignore[misc]
        styled(form)
        return form

    @property
    def empty_form(self) -> Any:
        form = super().empty_form
        styled(form)
        return form


class _StyledIndicatorFormSet(_StyledFormSet, SchemeIndicatorFormSet):
    pass


class GradesFormSet(_StyledFormSet):
    """At least one grade threshold, each grade once (the model's constraint, checked before saving)."""


# The committee's draft page: the scheme's own fields and its three parts, saved together or not at all.
IndicatorFormSet = inlineformset_factory(
    Scheme, SchemeIndicator, form=SchemeIndicatorForm, formset=_StyledIndicatorFormSet, extra=1, can_delete=True
)
VetoFormSet = inlineformset_factory(
    Scheme, VetoRule, fields=["kind", "threshold_percent"], formset=_StyledFormSet, extra=1, can_delete=True
)
GradeFormSet = inlineformset_factory(
    Scheme,
    GradeThreshold,
    fields=["grade", "min_score"],
    formset=GradesFormSet,
    extra=1,
    can_delete=True,
    min_num=1,
    validate_min=True,
)


class SchemeDraftForm(forms.ModelForm):
    """A draft version's name, start and notes (its version number is given when it is copied)."""

    class Meta:
        model = Scheme
        fields = ["name", "valid_from", "notes"]
        widgets = {"valid_from": DateInput(), "notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        styled(self)


class SchemeCopyForm(forms.Form):
    """A new draft version from an existing one: its version number and the day it is to apply from."""

    version = forms.CharField(label=_("version"), max_length=40)
    valid_from = forms.DateField(label=_("valid from"), widget=DateInput())

    def __init__(self, *args: Any, scheme: Scheme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scheme = scheme
        styled(self)

    def clean_version(self) -> str:
        version = self.cleaned_data["version"].strip()
        if Scheme.objects.filter(kind=self.scheme.kind, version=version).exists():
            raise forms.ValidationError(_("Version “%(version)s” exists already.") % {"version": version})
        return version


class RunStartForm(forms.Form):
    """Start a run for a month, a quarter or a year (a period in the future is refused under its field),
    of the counties' assessment or of the departments' duty check."""

    assessed = forms.ChoiceField(
        label=_("assessed"),
        choices=SchemeKind.choices,
        initial=SchemeKind.JURISDICTION,
        required=False,  # left out: the counties, as before the duty check existed
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    kind = forms.ChoiceField(
        label=_("period"), choices=PeriodKind.choices, widget=forms.Select(attrs={"class": "form-select"})
    )
    year = forms.IntegerField(
        label=_("year"), min_value=2000, max_value=2100, widget=forms.NumberInput(attrs={"class": "form-control"})
    )
    number = forms.IntegerField(
        label=_("month or quarter"),
        min_value=0,
        max_value=12,
        required=False,
        help_text=_("Empty for a year."),
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )


class ObjectionForm(forms.Form):
    text = forms.CharField(
        label=_("objection"), widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}), max_length=4000
    )
    evidence = forms.FileField(
        label=_("evidence"), required=False, widget=forms.ClearableFileInput(attrs={"class": "form-control"})
    )


class ObjectionAnswerForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("decision"),
        choices=[("accept", _("Accept and assess again")), ("reject", _("Reject"))],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    answer = forms.CharField(
        label=_("answer"), widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}), max_length=4000
    )
