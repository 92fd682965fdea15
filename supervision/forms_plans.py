"""Forms of the inspection plan pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safety_platform.choices import JurisdictionLevel
from safety_platform.filters import MAX_ID
from safety_platform.forms import StyledFormMixin, style_widgets
from safety_platform.models import Department, Jurisdiction, User
from safety_platform.scoping import in_own_areas
from safety_platform.widgets import AutocompleteFieldMixin, AutocompleteInput

from .models import InspectionPlan, PlanEntryStatus

QUARTER_CHOICES = [
    ("", _("The whole year")),
    ("1", _("First quarter")),
    ("2", _("Second quarter")),
    ("3", _("Third quarter")),
    ("4", _("Fourth quarter")),
]


def user_label(user: User) -> str:
    return user.full_name or user.username


class AssigneeField(AutocompleteFieldMixin, forms.ModelChoiceField):
    """An inspector of the plan's area, chosen in a search box (never a <select> of every user)."""

    default_error_messages = {
        "invalid_choice": _("No such inspector in this county. Choose one from the list."),
    }

    def __init__(self, queryset: QuerySet[User], url: str, **kwargs: Any) -> None:
        widget = AutocompleteInput(url=url, placeholder=_("Name or user name"))
        super().__init__(queryset=queryset, widget=widget, **kwargs)
        self.bind_lookup()

    def _find(self, text: str) -> User | None:
        text = text.strip()[:150]
        if not text or "\x00" in text:
            return None
        queryset: Any = self.queryset
        if text.isdecimal():
            return None if int(text) > MAX_ID else queryset.filter(pk=int(text)).first()
        return queryset.filter(username=text).first()

    def to_python(self, value: Any) -> User | None:
        if value in self.empty_values:
            return None
        if isinstance(value, User):
            return value
        found = self._find(str(value))
        if found is None:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return found

    def prepare_value(self, value: Any) -> Any:
        return value.pk if isinstance(value, User) else value

    def label_for(self, value: Any) -> tuple[Any, str]:
        if isinstance(value, User):
            return value.pk, user_label(value)
        found = self._find(str(value))
        return (found.pk, user_label(found)) if found else (None, "")


class PlanGenerateForm(StyledFormMixin, forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(
        label=pgettext_lazy("inspection", "Period"),
        choices=QUARTER_CHOICES,
        required=False,
        coerce=int,
        empty_value=None,
    )
    jurisdiction = forms.ModelChoiceField(label=_("County / district / zone"), queryset=Jurisdiction.objects.none())
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.none(), required=False, empty_label=_("All departments")
    )

    def __init__(self, *args: Any, counties: QuerySet[Jurisdiction], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"year": timezone.localdate().year})
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].queryset = counties  # type: ignore[attr-defined]
        self.fields["department"].queryset = Department.objects.order_by(  # type: ignore[attr-defined]
            "jurisdiction__path", "name"
        )


def county_choices(user: Any) -> QuerySet[Jurisdiction]:
    """The counties (and the city) whose plans the user may generate: a short list, a <select> is fine."""
    levels = [JurisdictionLevel.COUNTY, JurisdictionLevel.CITY]
    queryset = Jurisdiction.objects.filter(level__in=levels).order_by("path")
    if user.is_superuser or user.role in ("admin", "committee"):
        return queryset
    return queryset.filter(in_own_areas(user, "path"))


class PlanEntryAdjustForm(StyledFormMixin, forms.Form):
    """The assignee's search box is added after the widgets are styled: it draws its own `form-control`."""

    required = forms.IntegerField(label=_("Inspections required"), min_value=0, max_value=100)
    assignee = forms.Field(label=_("Assigned to"), required=False)
    reason = forms.CharField(
        label=_("Reason for the adjustment"),
        max_length=300,
        required=False,  # asked by the service only when something changes: an unchanged save changes nothing
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required: it is kept with the plan (for example a complaint, an accident, a campaign)."),
    )

    def __init__(self, *args: Any, plan: InspectionPlan, assignees: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        url = reverse("supervision:plan_assignees", args=[plan.pk])
        self.fields["assignee"] = AssigneeField(
            assignees, url, label=_("Assigned to"), required=False, help_text=_("An inspector or grid member.")
        )
        self.fields["reason"].widget.attrs["aria-describedby"] = "id_reason_helptext"


class EntryFilterForm(forms.Form):
    STATUS_CHOICES = [
        ("", _("All")),
        (PlanEntryStatus.DUE.value, pgettext_lazy("inspection", "Due")),
        (PlanEntryStatus.DONE.value, pgettext_lazy("inspection", "Done")),
        (PlanEntryStatus.OVERDUE.value, _("Overdue")),
        (PlanEntryStatus.OVER_CAP.value, _("Over the cap")),
        (PlanEntryStatus.NOT_REQUIRED.value, _("None required")),
    ]
    status = forms.ChoiceField(label=pgettext_lazy("inspection", "Status"), choices=STATUS_CHOICES, required=False)
    township = forms.ModelChoiceField(
        label=_("Township"), queryset=Jurisdiction.objects.none(), required=False, empty_label=_("All")
    )
    assignee = forms.Field(label=_("Assigned to"), required=False)

    def __init__(self, *args: Any, plan: InspectionPlan, assignees: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = Jurisdiction.objects.filter(  # type: ignore[attr-defined]
            parent=plan.jurisdiction
        ).order_by("sort_order", "name")
        url = reverse("supervision:plan_assignees", args=[plan.pk])
        self.fields["assignee"] = AssigneeField(assignees, url, label=_("Assigned to"), required=False)
        style_widgets(self, small=True)  # a filter bar's small controls, the assignee's search box with them
