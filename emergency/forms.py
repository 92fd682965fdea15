"""Web forms of the emergency app. They check shape; the services check the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from enterprises.common.forms import jurisdiction_choices
from enterprises.models import Enterprise
from enterprises.registry.fields import EnterpriseChoiceField
from safety_platform.concurrency import VersionedFormMixin
from safety_platform.forms import (
    DateInput,
    DateTimeInput,
    IdsChoiceField,
    StyledFormMixin,
    choice_field,
    model_choice_field,
    set_choice_labels,
    style_widgets,
)
from safety_platform.models import Department, Industry, Jurisdiction
from safety_platform.permissions import is_enterprise_person
from safety_platform.validators import normalize_mainland_mobile

from .choices import (
    AccidentCategory,
    DrillKind,
    MeasureStatus,
    MovementKind,
    PartyKind,
    PlanKind,
    PlanStatus,
    Readiness,
    ReportLevel,
    ResponseKind,
    ResponsibilityKind,
    TeamKind,
    WarehouseLevel,
    WarningKind,
    WarningLevel,
)
from .models import (
    Accident,
    DispatchAllocation,
    DispatchOrder,
    EmergencyPlan,
    RescueTeam,
    Skill,
    StockBatch,
    SupplyItem,
    TeamEquipment,
    Warehouse,
    WarningContact,
)
from .models.accidents import COUNT_MAX, MONEY_MAX
from .selectors.teams import deployable_teams
from .services.supplies import WAREHOUSE_FIELDS
from .services.teams import TEAM_FIELDS

_STYLE = {"numbers": True}  # Bootstrap classes; a phone shows its number pad for a count or an amount


def style(form: forms.BaseForm) -> None:
    """Bootstrap classes, phone-friendly inputs (for a form that changed its fields after `__init__`)."""
    style_widgets(form, **_STYLE)


def _owner_fields(form: Any, user: Any, *, chosen_once: tuple[str, ...], staff_only: tuple[str, ...]) -> None:
    """Whose a team or a store is: its jurisdiction among the user's (optional: an enterprise's follows its
    enterprise) and its enterprise among those the user sees. `chosen_once` (its kind, its enterprise) are chosen
    by staff when it is registered; an enterprise's own users do not see `staff_only` either."""
    jurisdiction_choices(form, "jurisdiction", user)
    form.fields["jurisdiction"].required = False
    model_choice_field(form, "enterprise").queryset = Enterprise.objects.visible_to(user)
    if is_enterprise_person(user) or form.instance.pk:
        for name in chosen_once:
            form.fields.pop(name)
    if is_enterprise_person(user):
        for name in staff_only:
            form.fields.pop(name)


class StyledForm(StyledFormMixin, forms.Form):
    widget_style = _STYLE


class StyledModelForm(StyledFormMixin, forms.ModelForm):
    widget_style = _STYLE


# Teams --------------------------------------------------------------------------------------


class TeamForm(VersionedFormMixin, StyledModelForm):
    specialties = IdsChoiceField(
        queryset=Skill.objects.all(), required=False, widget=forms.CheckboxSelectMultiple, label=_("Specialties")
    )

    class Meta:
        model = RescueTeam
        fields = TEAM_FIELDS
        field_classes = {"enterprise": EnterpriseChoiceField}

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _owner_fields(self, user, chosen_once=("kind", "enterprise"), staff_only=("jurisdiction", "department"))

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("kind") == TeamKind.ENTERPRISE and not data.get("enterprise"):
            self.add_error("enterprise", _("An enterprise team belongs to an enterprise."))
        if (
            data.get("kind") not in (None, TeamKind.ENTERPRISE)
            and not data.get("jurisdiction")
            and "jurisdiction" in self.fields
        ):
            self.add_error("jurisdiction", _("Choose the jurisdiction the team serves."))
        return data


class ReadinessForm(StyledForm):
    readiness = forms.ChoiceField(label=_("Readiness"), choices=Readiness.choices)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class MemberForm(StyledForm):
    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=60)
    position = forms.CharField(label=_("Position"), max_length=60, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    is_leader = forms.BooleanField(label=_("Team leader"), required=False)
    skills = IdsChoiceField(
        label=_("Skills"), queryset=Skill.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    certificate = forms.CharField(label=_("Certificate"), max_length=100, required=False)
    certificate_number = forms.CharField(label=_("Certificate number"), max_length=60, required=False)
    certificate_expires_on = forms.DateField(label=_("Certificate expires on"), required=False, widget=DateInput())


class EquipmentForm(StyledModelForm):
    class Meta:
        model = TeamEquipment
        fields = ["name", "specification", "quantity", "status"]


class TeamSearchForm(StyledForm):
    """Only for rendering the search box (the filterset validates)."""


# Warehouses ---------------------------------------------------------------------------------


class WarehouseForm(VersionedFormMixin, StyledModelForm):
    class Meta:
        model = Warehouse
        fields = WAREHOUSE_FIELDS
        field_classes = {"enterprise": EnterpriseChoiceField}

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _owner_fields(self, user, chosen_once=("level", "enterprise"), staff_only=("jurisdiction",))

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        level = data.get("level")
        if level == WarehouseLevel.ENTERPRISE and not data.get("enterprise"):
            self.add_error("enterprise", _("An enterprise store belongs to an enterprise."))
        if level in (WarehouseLevel.CITY, WarehouseLevel.COUNTY) and not data.get("jurisdiction"):
            self.add_error("jurisdiction", _("Choose the jurisdiction of the reserve."))
        return data


class ReceiveForm(StyledForm):
    item = forms.ModelChoiceField(label=pgettext_lazy("emergency", "Item"), queryset=SupplyItem.objects.all())
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1)
    batch_no = forms.CharField(label=_("Batch"), max_length=60, required=False)
    expires_on = forms.DateField(label=_("Expires on"), required=False, widget=DateInput())
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class IssueForm(StyledForm):
    item = forms.ModelChoiceField(label=pgettext_lazy("emergency", "Item"), queryset=SupplyItem.objects.all())
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1)
    kind = forms.ChoiceField(
        label=_("Movement"),
        choices=[
            (MovementKind.CONSUME, MovementKind.CONSUME.label),
            (MovementKind.WRITE_OFF, MovementKind.WRITE_OFF.label),
        ],
    )
    batch = forms.ModelChoiceField(label=_("Batch"), queryset=StockBatch.objects.none(), required=False)
    note = forms.CharField(label=_("Note / reason"), max_length=300, required=False)

    def __init__(self, *args: Any, warehouse: Warehouse | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if warehouse is not None:
            model_choice_field(self, "batch").queryset = StockBatch.objects.filter(
                warehouse=warehouse, quantity__gt=0
            ).select_related("item")
            set_choice_labels(self, "batch", lambda b: f"{b.item.name} {b.batch_no or '—'} ({b.quantity})")


class TransferForm(StyledForm):
    item = forms.ModelChoiceField(label=pgettext_lazy("emergency", "Item"), queryset=SupplyItem.objects.all())
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1)
    destination = forms.ModelChoiceField(label=_("To warehouse"), queryset=Warehouse.objects.none())
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, user: Any = None, source: Warehouse | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        qs = Warehouse.objects.visible_to(user).active()
        if source is not None:
            qs = qs.exclude(pk=source.pk)
        model_choice_field(self, "destination").queryset = qs


class MinimumForm(StyledForm):
    item = forms.ModelChoiceField(label=pgettext_lazy("emergency", "Item"), queryset=SupplyItem.objects.all())
    min_quantity = forms.IntegerField(label=_("Minimum stock"), min_value=0)


# Dispatch -----------------------------------------------------------------------------------


class DispatchRequestForm(StyledForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    requesting_jurisdiction = forms.ModelChoiceField(
        label=_("Requesting jurisdiction"), queryset=Jurisdiction.objects.none()
    )
    destination = forms.CharField(label=_("Deliver to"), max_length=200)
    accident = forms.ModelChoiceField(label=_("For incident"), queryset=Accident.objects.none(), required=False)
    contact_name = forms.CharField(label=_("Receiving contact"), max_length=60, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=30, required=False)
    needed_by = forms.DateTimeField(label=_("Needed by"), required=False, widget=DateTimeInput())
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    LINES = 5

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        jurisdiction_choices(self, "requesting_jurisdiction", user)
        model_choice_field(self, "accident").queryset = Accident.objects.visible_to(user).open()
        for n in range(self.LINES):
            self.fields[f"item_{n}"] = forms.ModelChoiceField(
                label=pgettext_lazy("emergency", "Item"), queryset=SupplyItem.objects.all(), required=False
            )
            self.fields[f"quantity_{n}"] = forms.IntegerField(label=_("Quantity"), min_value=1, required=False)
        style(self)

    def line_pairs(self) -> list[tuple[Any, Any]]:
        return [(self[f"item_{n}"], self[f"quantity_{n}"]) for n in range(self.LINES)]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        lines = []
        for n in range(self.LINES):
            item, quantity = data.get(f"item_{n}"), data.get(f"quantity_{n}")
            if item and not quantity:
                self.add_error(f"quantity_{n}", _("How many?"))
            elif quantity and not item:
                self.add_error(f"item_{n}", _("Which item?"))
            elif item and quantity:
                lines.append((item, quantity))
        if not lines and not self.errors:
            self.add_error("item_0", _("Ask for at least one item."))
        data["lines"] = lines
        return data


class ApproveForm(StyledForm):
    source_warehouses = IdsChoiceField(
        label=_("Dispatch from"), queryset=Warehouse.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(label=_("Note"), required=False)

    def __init__(self, *args: Any, user: Any = None, order: DispatchOrder | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "source_warehouses").queryset = (
            Warehouse.objects.visible_to(user).active().select_related("jurisdiction").order_by("level", "name")
        )
        set_choice_labels(self, "source_warehouses", lambda w: f"{w.name}（{w.jurisdiction.name}）")
        self.lines = list(order.lines.select_related("item")) if order is not None else []
        for line in self.lines:
            self.fields[f"line_{line.pk}"] = forms.IntegerField(
                label=f"{line.item.name} ({line.requested_quantity})",
                min_value=0,
                max_value=line.requested_quantity,
                initial=line.requested_quantity,
            )
        style(self)

    def approved(self) -> dict[int, int]:
        return {line.pk: self.cleaned_data[f"line_{line.pk}"] for line in self.lines}


class ShipForm(StyledForm):
    warehouse = forms.ModelChoiceField(label=_("From warehouse"), queryset=Warehouse.objects.none())
    note = forms.CharField(label=_("Note"), required=False)

    def __init__(self, *args: Any, order: DispatchOrder | None = None, warehouses: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if warehouses is not None:
            model_choice_field(self, "warehouse").queryset = warehouses
        self.lines = list(order.lines.select_related("item")) if order is not None else []
        for line in self.lines:
            self.fields[f"line_{line.pk}"] = forms.IntegerField(
                label=line.item.name, min_value=0, required=False, initial=0
            )
        style(self)

    def quantities(self) -> dict[int, int]:
        return {line.pk: self.cleaned_data.get(f"line_{line.pk}") or 0 for line in self.lines}


class SettleForm(StyledForm):
    allocation = forms.ModelChoiceField(label=_("Shipment"), queryset=DispatchAllocation.objects.none())
    returned = forms.IntegerField(label=_("Returned"), min_value=0, initial=0)
    consumed = forms.IntegerField(label=_("Consumed"), min_value=0, initial=0)
    note = forms.CharField(label=_("Note"), required=False)

    def __init__(self, *args: Any, order: DispatchOrder | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if order is not None:
            model_choice_field(self, "allocation").queryset = DispatchAllocation.objects.filter(
                line__order=order
            ).select_related("line__item", "warehouse")
            set_choice_labels(
                self,
                "allocation",
                lambda a: f"{a.line.item.name} · {a.warehouse.name} · {a.quantity} ({a.outstanding})",
            )


class NoteForm(StyledForm):
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class RequiredNoteForm(StyledForm):
    note = forms.CharField(label=_("Reason"), max_length=300)


# Accidents ----------------------------------------------------------------------------------


class AccidentForm(StyledForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    category = forms.ChoiceField(label=_("Category"), choices=AccidentCategory.choices)
    is_production_safety = forms.BooleanField(label=_("Production-safety accident"), required=False, initial=True)
    occurred_at = forms.DateTimeField(label=_("Occurred at"), widget=DateTimeInput())
    reported_at = forms.DateTimeField(
        label=_("Reported to the county at"),
        required=False,
        widget=DateTimeInput(),
        help_text=_("Empty: now."),
    )
    enterprise = EnterpriseChoiceField(required=False)
    jurisdiction = forms.ModelChoiceField(
        label=_("Jurisdiction"),
        queryset=Jurisdiction.objects.none(),
        required=False,
        help_text=_("Only when no enterprise is concerned (e.g. a road accident)."),
    )
    location = forms.CharField(label=_("Place"), max_length=200)
    description = forms.CharField(label=_("What happened"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    deaths = forms.IntegerField(label=_("Deaths"), min_value=0, max_value=COUNT_MAX, initial=0)
    serious_injuries = forms.IntegerField(label=_("Serious injuries"), min_value=0, max_value=COUNT_MAX, initial=0)
    minor_injuries = forms.IntegerField(label=_("Minor injuries"), min_value=0, max_value=COUNT_MAX, initial=0)
    missing = forms.IntegerField(label=_("Missing"), min_value=0, max_value=COUNT_MAX, initial=0)
    direct_loss_yuan = forms.DecimalField(
        label=_("Direct economic loss (yuan)"),
        min_value=0,
        max_value=MONEY_MAX,
        max_digits=16,
        decimal_places=2,
        initial=0,
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if is_enterprise_person(user):
            for name in ("enterprise", "jurisdiction", "reported_at"):
                self.fields.pop(name)
        else:
            model_choice_field(self, "enterprise").queryset = Enterprise.objects.visible_to(user).order_by("name")
            jurisdiction_choices(self, "jurisdiction", user)
        style(self)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if "enterprise" in self.fields and not data.get("enterprise") and not data.get("jurisdiction"):
            self.add_error("jurisdiction", _("Choose the enterprise or the jurisdiction."))
        return data


class SupplementForm(StyledForm):
    deaths = forms.IntegerField(label=_("Deaths"), min_value=0, max_value=COUNT_MAX)
    serious_injuries = forms.IntegerField(label=_("Serious injuries"), min_value=0, max_value=COUNT_MAX)
    minor_injuries = forms.IntegerField(label=_("Minor injuries"), min_value=0, max_value=COUNT_MAX)
    missing = forms.IntegerField(label=_("Missing"), min_value=0, max_value=COUNT_MAX)
    direct_loss_yuan = forms.DecimalField(
        label=_("Direct economic loss (yuan)"), min_value=0, max_value=MONEY_MAX, max_digits=16, decimal_places=2
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    final = forms.BooleanField(label=_("These figures are final (confirm)"), required=False)


class ForwardForm(StyledForm):
    level = forms.ChoiceField(label=_("Received by"), choices=[c for c in ReportLevel.choices if c[0] != "county"])
    received_at = forms.DateTimeField(
        label=_("Received at"), required=False, widget=DateTimeInput(), help_text=_("Empty: now.")
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


DISPATCH_ORDERS_AT_MOST = 50


class TeamsNearField(IdsChoiceField):
    """Teams to tick, each with its distance from the site where the queryset knows it."""

    def label_from_instance(self, obj: Any) -> str:
        distance = getattr(obj, "distance_km", None)
        if distance is None:
            return str(obj)
        return _("%(team)s (%(km).1f km away)") % {"team": obj, "km": distance}


class LogForm(StyledForm):
    at = forms.DateTimeField(label=_("Time"), required=False, widget=DateTimeInput(), help_text=_("Empty: now."))
    kind = forms.ChoiceField(label=_("Kind"), choices=ResponseKind.choices)
    actor_name = forms.CharField(label=_("Who"), max_length=100, required=False)
    action = forms.CharField(
        label=pgettext_lazy("emergency", "What was done"), widget=forms.Textarea(attrs={"rows": 2})
    )
    teams = TeamsNearField(
        label=_("Teams deployed"),
        queryset=RescueTeam.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "The active teams nearest the accident site (or those of its county), the enterprise's own teams and "
            "the teams already in this log."
        ),
    )
    dispatch_order = forms.ModelChoiceField(
        label=_("Supplies dispatched"), queryset=DispatchOrder.objects.none(), required=False
    )

    def __init__(self, *args: Any, user: Any = None, accident: Accident, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "teams").queryset = deployable_teams(user, accident)
        # The accident's orders and the latest unattached ones; by ids, so that a choice can be looked up (a
        # sliced queryset cannot be filtered: every order sent was refused as "not one of the choices").
        orders = DispatchOrder.objects.visible_to(user).filter(Q(accident=accident) | Q(accident__isnull=True))
        latest = list(orders.order_by("-created_at", "-id").values_list("pk", flat=True)[:DISPATCH_ORDERS_AT_MOST])
        model_choice_field(self, "dispatch_order").queryset = DispatchOrder.objects.filter(pk__in=latest).order_by(
            "-created_at", "-id"
        )


class ExtendForm(StyledForm):
    days = forms.IntegerField(label=_("Extend by (days)"), min_value=1, max_value=60)
    reason = forms.CharField(label=_("Reason"), max_length=300)


class InvestigationForm(StyledForm):
    summary = forms.CharField(label=_("Investigation conclusion"), widget=forms.Textarea(attrs={"rows": 3}))
    submitted_at = forms.DateTimeField(
        label=_("Submitted at"), required=False, widget=DateTimeInput(), help_text=_("Empty: now.")
    )


class EvaluationForm(StyledForm):
    causes = forms.CharField(label=_("Direct and indirect causes"), widget=forms.Textarea(attrs={"rows": 3}))
    response_assessment = forms.CharField(
        label=_("Assessment of the emergency response"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    lessons = forms.CharField(label=_("Lessons learned"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class FindingForm(StyledForm):
    party_kind = forms.ChoiceField(label=_("Party"), choices=PartyKind.choices)
    party_name = forms.CharField(label=_("Name"), max_length=120)
    responsibility = forms.ChoiceField(
        label=pgettext_lazy("emergency", "Responsibility"), choices=ResponsibilityKind.choices
    )
    finding = forms.CharField(label=_("Finding"), widget=forms.Textarea(attrs={"rows": 2}))
    sanction = forms.CharField(label=_("Handling"), max_length=300, required=False)
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.all(), required=False)


class MeasureForm(StyledForm):
    description = forms.CharField(label=_("Measure"), widget=forms.Textarea(attrs={"rows": 2}))
    responsible = forms.CharField(label=_("Responsible unit or person"), max_length=120)
    due_on = forms.DateField(label=_("Due on"), widget=DateInput())


class MeasureProgressForm(StyledForm):
    to_status = forms.ChoiceField(label=pgettext_lazy("emergency", "Status"), choices=MeasureStatus.choices)
    note = forms.CharField(label=pgettext_lazy("emergency", "Progress"), max_length=500)


# Warnings -----------------------------------------------------------------------------------


class WarningForm(StyledForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=WarningKind.choices)
    level = forms.ChoiceField(label=pgettext_lazy("emergency", "Level"), choices=WarningLevel.choices)
    content = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 3}))
    measures_required = forms.CharField(
        label=_("Measures required"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    jurisdictions = IdsChoiceField(
        label=_("Jurisdictions"),
        queryset=Jurisdiction.objects.none(),
        help_text=_("Down to the grid; a node covers everything below it."),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    industries = IdsChoiceField(
        label=_("Industries"),
        queryset=Industry.objects.order_by("code"),
        required=False,
        help_text=_("Empty: every industry."),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    valid_until = forms.DateTimeField(label=_("Valid until"), required=False, widget=DateTimeInput())

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        jurisdiction_choices(self, "jurisdictions", user)


class AcknowledgeForm(StyledForm):
    measures_taken = forms.CharField(
        label=_("Measures taken"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    enterprise = EnterpriseChoiceField(required=False)

    def __init__(self, *args: Any, user: Any = None, warning: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if is_enterprise_person(user) or warning is None:
            self.fields.pop("enterprise")
        else:
            model_choice_field(self, "enterprise").queryset = Enterprise.objects.visible_to(user).filter(
                warnings__warning=warning, warnings__acknowledged_at__isnull=True
            )
            self.fields["enterprise"].required = True


class WarningContactForm(VersionedFormMixin, StyledModelForm):
    """A contact without an account: the mobile number is checked (and stored as 11 digits) here and in the model."""

    class Meta:
        model = WarningContact
        fields = ["name", "kind", "jurisdiction", "industry", "enterprise", "mobile", "email", "note"]
        field_classes = {"enterprise": EnterpriseChoiceField}

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        jurisdiction_choices(self, "jurisdiction", user)
        model_choice_field(self, "industry").queryset = Industry.objects.order_by("code")
        model_choice_field(self, "enterprise").queryset = Enterprise.objects.visible_to(user)
        self.fields["enterprise"].required = False
        self.fields["mobile"].widget.attrs.update({"type": "tel", "inputmode": "tel", "autocomplete": "off"})

    def clean_mobile(self) -> str:
        return normalize_mainland_mobile(self.cleaned_data.get("mobile", ""))


# Plans --------------------------------------------------------------------------------------


class PlanForm(VersionedFormMixin, StyledModelForm):
    class Meta:
        model = EmergencyPlan
        fields = [
            "title",
            "kind",
            "enterprise",
            "department",
            "version",
            "filed_on",
            "filing_number",
            "status",
            "summary",
        ]
        widgets = {"filed_on": DateInput(), "summary": forms.Textarea(attrs={"rows": 3})}
        field_classes = {"enterprise": EnterpriseChoiceField}

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "kind").choices = PlanKind.choices
        choice_field(self, "status").choices = PlanStatus.choices
        model_choice_field(self, "enterprise").queryset = Enterprise.objects.visible_to(user)
        model_choice_field(self, "department").queryset = Department.objects.filter(is_active=True)
        if is_enterprise_person(user) or self.instance.pk:
            self.fields.pop("enterprise")
            self.fields.pop("department")
        elif getattr(user, "role", "") == "department":
            self.fields.pop("department")
            self.fields["enterprise"].required = False
            self.fields["enterprise"].help_text = _("Empty: a plan of your department.")


class DrillForm(StyledForm):
    held_on = forms.DateField(label=_("Held on"), widget=DateInput())
    kind = forms.ChoiceField(label=_("Kind"), choices=DrillKind.choices, initial=DrillKind.FUNCTIONAL)
    scenario = forms.CharField(label=_("Scenario"), max_length=200)
    location = forms.CharField(label=_("Place"), max_length=200, required=False)
    participants = forms.IntegerField(label=_("Participants"), min_value=0, initial=0)
    findings = forms.CharField(
        label=_("Problems found and improvements"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
