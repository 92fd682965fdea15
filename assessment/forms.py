"""Forms of the assessment: the county's yearly targets and base figures (staff input)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import PeriodKind
from .indicators import registry
from .models import CountyInput, SchemeIndicator


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


class SchemeIndicatorForm(forms.ModelForm):
    """The indicator is chosen from the registry (an unknown name cannot even be typed)."""

    indicator = forms.ChoiceField(label=_("indicator"), choices=())

    class Meta:
        model = SchemeIndicator
        fields = [
            "order",
            "indicator",
            "label",
            "part",
            "weight",
            "direction",
            "normalization",
            "scoring",
            "full_at",
            "zero_at",
            "deduct_per_unit",
            "target_input",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = [("", "—"), *registry.choices()]


class RunStartForm(forms.Form):
    """Start a run for a month, a quarter or a year (a period in the future is refused under its field)."""

    kind = forms.ChoiceField(label=_("period"), choices=PeriodKind.choices)
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    number = forms.IntegerField(
        label=_("month or quarter"), min_value=0, max_value=12, required=False, help_text=_("Empty for a year.")
    )


class ObjectionForm(forms.Form):
    text = forms.CharField(label=_("objection"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
    evidence = forms.FileField(label=_("evidence"), required=False)


class ObjectionAnswerForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("decision"), choices=[("accept", _("Accept and assess again")), ("reject", _("Reject"))]
    )
    answer = forms.CharField(label=_("answer"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000)
