"""Forms of source control: planning registers, siting decisions, the catalog, declared equipment, exits."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from safety_platform.concurrency import VersionedFormMixin
from safety_platform.forms import DateInput, model_choice_field
from safety_platform.permissions import is_enterprise_person

from ..common.forms import StyledFormMixin, enterprises_for, jurisdiction_choices, style
from ..registry.fields import EnterpriseChoiceField
from ..registry.forms import ImportForm
from ..registry.models import Enterprise
from .models import CatalogEntry, DeclaredEquipment, DensePlace, ExitProposal, HighRiskProject, ReviewDecision
from .services import EQUIPMENT_FIELDS


class HighRiskProjectForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = HighRiskProject
        fields = ["name", "category", "enterprise", "jurisdiction", "address", "longitude", "latitude", "description"]
        field_classes = {"enterprise": EnterpriseChoiceField}

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        jurisdiction_choices(self, "jurisdiction", user)
        # The project's enterprise stays a choice even when the editor does not supervise it (a 住建局 project
        # run by a company another department oversees): otherwise saving the form erased the link.
        keep = Q(pk__in=enterprises_for(user).values("pk")) | Q(pk=self.instance.enterprise_id)
        model_choice_field(self, "enterprise").queryset = Enterprise.objects.filter(keep).order_by("name", "id")
        self.fields["enterprise"].required = False
        style(self)


class DensePlaceForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = DensePlace
        fields = ["name", "kind", "jurisdiction", "address", "longitude", "latitude", "population", "is_active"]

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        jurisdiction_choices(self, "jurisdiction", user)
        style(self)


class DecisionForm(StyledFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[c for c in ReviewDecision.choices if c[0] != ReviewDecision.PENDING],
    )
    decision_note = forms.CharField(label=_("Conditions or reason"), required=False, widget=forms.Textarea())


class CatalogEntryForm(StyledFormMixin, VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = CatalogEntry
        fields = [
            "name",
            "kind",
            "status",
            "model_numbers",
            "reason",
            "scope",
            "replacement",
            "source_document",
            "batch",
            "published_on",
            "is_active",
        ]
        widgets = {"published_on": DateInput(), "reason": forms.Textarea(), "model_numbers": forms.Textarea()}


class CatalogImportForm(ImportForm):
    """The catalog's import: the registry's upload form, for files of at most 10 MB."""

    max_bytes = 10 * 1024 * 1024
    too_large = _("The file is larger than 10 MB.")


class EquipmentForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = DeclaredEquipment
        fields = ["enterprise", *EQUIPMENT_FIELDS]
        widgets = {"installed_on": DateInput()}
        field_classes = {"enterprise": EnterpriseChoiceField}

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "catalog_entry").queryset = CatalogEntry.objects.active().order_by("name")
        if self.instance.pk or is_enterprise_person(user):
            del self.fields["enterprise"]  # the item stays with its enterprise; the portal declares its own
        else:
            model_choice_field(self, "enterprise").queryset = enterprises_for(user)
        style(self)


class ExitProposalForm(forms.ModelForm):
    class Meta:
        model = ExitProposal
        fields = ["enterprise", "kind", "reasons", "exit_by"]
        widgets = {"exit_by": DateInput(), "reasons": forms.Textarea()}
        field_classes = {"enterprise": EnterpriseChoiceField}

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "enterprise").queryset = enterprises_for(user).operating()
        style(self)


class NoteForm(StyledFormMixin, forms.Form):
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
