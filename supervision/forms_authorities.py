"""Forms of the responsible-authority pages: the list's search and setting one enterprise's authority."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from enterprises.registry.fields import EnterpriseChoiceField
from safety_platform.forms import StyledFormMixin
from safety_platform.models import Department, Jurisdiction

from .forms_common import EnterpriseForm
from .services.authorities import AUTHORITY_LEVELS


class AuthorityFilterForm(EnterpriseForm):
    """The list's filter: one enterprise (a search box, never a list of them all)."""

    enterprise = EnterpriseChoiceField(required=False)
    enterprise_class = "form-control form-control-sm"


class AuthoritySetForm(StyledFormMixin, EnterpriseForm):
    """Who inspects the enterprise: a county (district, zone) or the city, optionally one department."""

    authority = forms.ModelChoiceField(
        label=_("Inspecting authority"),
        queryset=Jurisdiction.objects.none(),
        empty_label=None,
        help_text=_("A county, district or zone, or the city."),
    )
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("The enterprise's supervising department"),
    )
    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        max_length=300,
        help_text=_("Asked when the authority or the department changes."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A handful of rows each (the city and its counties; the departments): a list is right here.
        authority = self.fields["authority"]
        assert isinstance(authority, forms.ModelChoiceField)
        authority.queryset = Jurisdiction.objects.filter(level__in=AUTHORITY_LEVELS).order_by("path")
        department = self.fields["department"]
        assert isinstance(department, forms.ModelChoiceField)
        department.queryset = Department.objects.filter(is_active=True).order_by("name")
