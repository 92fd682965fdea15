"""Filters shared by the emergency web pages and the API."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safety_platform.filters import BoolFilter, IdFilter, LocalDayFilter, SinceFilter
from safety_platform.filters import StyledFilterSet as CoreStyledFilterSet
from safety_platform.forms import model_choice_field
from safety_platform.geo import bounding_box, distance_km_expression
from safety_platform.jurisdiction_filter import jurisdiction_filter
from safety_platform.models import Jurisdiction
from safety_platform.scoping import in_own_areas
from safety_platform.search_filter import search_filter

from .choices import (
    AccidentCategory,
    AccidentGrade,
    AccidentStatus,
    ContactKind,
    DispatchStatus,
    MeasureStatus,
    MovementKind,
    PlanKind,
    PlanStatus,
    Readiness,
    TeamKind,
    WarehouseLevel,
    WarningKind,
    WarningLevel,
    WarningStatus,
)
from .models import (
    Accident,
    CorrectiveMeasure,
    DispatchOrder,
    Drill,
    EmergencyPlan,
    EmergencyWarning,
    RescueTeam,
    Skill,
    StockBatch,
    StockMovement,
    SupplyItem,
    Warehouse,
    WarningContact,
)


class StyledFilterSet(CoreStyledFilterSet):
    """The core's filter set (Bootstrap's small controls) offering only what the user may see: the warehouses, plans
    and accidents visible to the user, and to inspectors their own jurisdictions."""

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = user if user is not None else getattr(self.request, "user", None)
        self.user = user
        if user is None:
            return
        # A choice list must not leak other counties' names (and what it does not offer does not validate).
        for name, model in (("warehouse", Warehouse), ("plan", EmergencyPlan), ("accident", Accident)):
            if name in self.form.fields:
                model_choice_field(self.form, name).queryset = model.objects.visible_to(user)  # type: ignore[attr-defined]
        if "jurisdiction" in self.form.fields and getattr(user, "scopes_by_jurisdiction", False):
            model_choice_field(self.form, "jurisdiction").queryset = Jurisdiction.objects.filter(
                in_own_areas(user, "path")
            )


def _yes_no(label: Any, yes: Callable[[], Q], no: Callable[[], Q] | None = None) -> BoolFilter:
    """A yes/no filter: yes keeps the records meeting `yes()`, no those meeting `no()` (when given, else the others);
    no answer keeps all. The conditions are built when the filter runs (one may read the clock)."""

    def method(queryset: QuerySet[Any], name: str, value: bool | None) -> QuerySet[Any]:
        if value is None:
            return queryset
        if value:
            return queryset.filter(yes())
        return queryset.filter(no()) if no is not None else queryset.exclude(yes())

    return BoolFilter(method=method, label=label)


def _above_zero(label: Any, field: str) -> BoolFilter:
    """Yes: `field` is above zero; no: it is zero."""
    return _yes_no(label, lambda: Q(**{f"{field}__gt": 0}), lambda: Q(**{field: 0}))


class TeamFilterSet(StyledFilterSet):
    """Rescue teams by skill, jurisdiction, kind, readiness, and distance from a point (lat, lon, radius)."""

    q = search_filter("name__icontains", "base_address__icontains")
    skill = django_filters.ModelChoiceFilter(queryset=Skill.objects.all(), method="filter_skill", label=_("Skill"))
    jurisdiction = jurisdiction_filter()
    kind = django_filters.ChoiceFilter(choices=TeamKind.choices, label=_("Kind"))
    readiness = django_filters.ChoiceFilter(choices=Readiness.choices, label=_("Readiness"))
    lat = django_filters.NumberFilter(method="filter_noop", label=_("Latitude"))
    lon = django_filters.NumberFilter(method="filter_noop", label=_("Longitude"))
    radius_km = django_filters.NumberFilter(method="filter_noop", label=_("Within (km)"))

    class Meta:
        model = RescueTeam
        fields: list[str] = []

    def filter_skill(self, queryset: QuerySet[Any], name: str, value: Skill | None) -> QuerySet[Any]:
        return queryset.with_skill(value) if value else queryset  # type: ignore[attr-defined]

    def filter_noop(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        return queryset  # applied together in filter_queryset

    def is_valid(self) -> bool:
        valid = super().is_valid()
        data = getattr(self.form, "cleaned_data", {})
        lat, lon, radius = data.get("lat"), data.get("lon"), data.get("radius_km")
        if lat is not None and not Decimal(-90) <= lat <= Decimal(90):
            self.form.add_error("lat", _("Latitude is between -90 and 90."))
        if lon is not None and not Decimal(-180) <= lon <= Decimal(180):
            self.form.add_error("lon", _("Longitude is between -180 and 180."))
        if (lat is None) != (lon is None):
            self.form.add_error("lon" if lon is None else "lat", _("Give both latitude and longitude."))
        if radius is not None:
            if lat is None:
                self.form.add_error("radius_km", _("A radius needs a point (latitude and longitude)."))
            elif not Decimal(0) < radius <= Decimal(2000):
                self.form.add_error("radius_km", _("The radius is between 0 and 2000 km."))
        return valid and not self.form.errors

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        lat, lon, radius = data.get("lat"), data.get("lon"), data.get("radius_km")
        if lat is None or lon is None:
            return queryset
        lat_f, lon_f = float(lat), float(lon)
        queryset = queryset.filter(latitude__isnull=False, longitude__isnull=False)
        if radius is not None:
            # The box is an indexable range the database checks first; the exact distance follows.
            queryset = queryset.filter(bounding_box(lat_f, lon_f, float(radius)).q())
        queryset = queryset.annotate(distance_km=distance_km_expression(lat_f, lon_f))
        if radius is not None:
            queryset = queryset.filter(distance_km__lte=float(radius))
        return queryset.order_by("distance_km", "name", "id")


class WarehouseFilterSet(StyledFilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("Search"))
    level = django_filters.ChoiceFilter(choices=WarehouseLevel.choices, label=pgettext_lazy("emergency", "Level"))
    jurisdiction = jurisdiction_filter()
    has_alerts = _above_zero(_("Flagged"), "open_alerts")

    class Meta:
        model = Warehouse
        fields: list[str] = []


class _StockFilterSet(StyledFilterSet):
    """Stock rows (batches, ledger entries) by warehouse (among those the user sees) and item."""

    warehouse = django_filters.ModelChoiceFilter(queryset=Warehouse.objects.all(), label=_("Warehouse"))
    item = django_filters.ModelChoiceFilter(queryset=SupplyItem.objects.all(), label=pgettext_lazy("emergency", "Item"))


class BatchFilterSet(_StockFilterSet):
    expires_before = django_filters.DateFilter(field_name="expires_on", lookup_expr="lte", label=_("Expires by"))
    in_stock = _above_zero(_("In stock"), "quantity")

    class Meta:
        model = StockBatch
        fields: list[str] = []


class LedgerFilterSet(_StockFilterSet):
    kind = django_filters.ChoiceFilter(choices=MovementKind.choices, label=_("Movement"))
    since = django_filters.IsoDateTimeFilter(field_name="occurred_at", lookup_expr="gte", label=_("Since"))

    class Meta:
        model = StockMovement
        fields: list[str] = []


_CLOSED = [DispatchStatus.CLOSED, DispatchStatus.REJECTED, DispatchStatus.CANCELLED]


class DispatchFilterSet(StyledFilterSet):
    status = django_filters.ChoiceFilter(choices=DispatchStatus.choices, label=pgettext_lazy("emergency", "Status"))
    jurisdiction = jurisdiction_filter("requesting_jurisdiction", _("Requesting jurisdiction"))
    accident = django_filters.ModelChoiceFilter(queryset=Accident.objects.all(), label=_("Incident"))
    open = _yes_no(_("Still open"), lambda: ~Q(status__in=_CLOSED), lambda: Q(status__in=_CLOSED))

    class Meta:
        model = DispatchOrder
        fields: list[str] = []


# An HTML date input understands only ISO dates, whatever the page's language.
_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AccidentFilterSet(StyledFilterSet):
    q = search_filter("title__icontains", "location__icontains", "enterprise__name__icontains")
    grade = django_filters.ChoiceFilter(choices=AccidentGrade.choices, label=_("Grade"))
    status = django_filters.ChoiceFilter(choices=AccidentStatus.choices, label=pgettext_lazy("emergency", "Status"))
    category = django_filters.ChoiceFilter(choices=AccidentCategory.choices, label=_("Category"))
    jurisdiction = jurisdiction_filter()
    enterprise = IdFilter(field_name="enterprise_id", label=_("Enterprise id"))
    occurred_from = LocalDayFilter(field_name="occurred_at", label=_("From"), widget=_DATE)
    occurred_to = LocalDayFilter(field_name="occurred_at", until=True, label=_("To"), widget=_DATE)
    updated_since = SinceFilter(field_name="updated_at", lookup_expr="gte", label=_("Updated since"))
    overdue = BoolFilter(field_name="has_overdue_clock", label=_("Deadline overdue"))
    # The dashboards' deaths figure opens the list through these two.
    production_safety = BoolFilter(field_name="is_production_safety", label=_("Production-safety accident"))
    with_deaths = _above_zero(_("With deaths"), "deaths")

    class Meta:
        model = Accident
        fields: list[str] = []


def _in_force() -> Q:
    return Q(status=WarningStatus.ISSUED) & (Q(valid_until__isnull=True) | Q(valid_until__gt=timezone.now()))


class WarningFilterSet(StyledFilterSet):
    level = django_filters.ChoiceFilter(choices=WarningLevel.choices, label=pgettext_lazy("emergency", "Level"))
    kind = django_filters.ChoiceFilter(choices=WarningKind.choices, label=_("Kind"))
    status = django_filters.ChoiceFilter(choices=WarningStatus.choices, label=pgettext_lazy("emergency", "Status"))
    in_force = _yes_no(_("In force"), _in_force)

    class Meta:
        model = EmergencyWarning
        fields: list[str] = []


class PlanFilterSet(StyledFilterSet):
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label=_("Search"))
    kind = django_filters.ChoiceFilter(choices=PlanKind.choices, label=_("Kind"))
    status = django_filters.ChoiceFilter(choices=PlanStatus.choices, label=pgettext_lazy("emergency", "Status"))
    owner = django_filters.ChoiceFilter(
        choices=[("enterprise", _("Enterprise plans")), ("department", _("Department plans"))],
        method="filter_owner",
        label=_("Owner"),
    )
    enterprise = IdFilter(field_name="enterprise_id", label=_("Enterprise id"))
    drill_overdue = BoolFilter(field_name="drill_overdue", label=_("Drill overdue"))

    class Meta:
        model = EmergencyPlan
        fields: list[str] = []

    def filter_owner(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        if value == "enterprise":
            return queryset.filter(enterprise__isnull=False)
        if value == "department":
            return queryset.filter(department__isnull=False)
        return queryset


class DrillFilterSet(StyledFilterSet):
    plan = django_filters.ModelChoiceFilter(queryset=EmergencyPlan.objects.all(), label=_("Plan"))
    held_from = django_filters.DateFilter(field_name="held_on", lookup_expr="gte", label=_("From"))
    held_to = django_filters.DateFilter(field_name="held_on", lookup_expr="lte", label=_("To"))

    class Meta:
        model = Drill
        fields: list[str] = []


class MeasureFilterSet(StyledFilterSet):
    """Corrective measures by status, and those past their deadline and not yet done."""

    status = django_filters.ChoiceFilter(choices=MeasureStatus.choices, label=pgettext_lazy("emergency", "Status"))
    # The rule lives in MeasureQuerySet.overdue (the SQL twin of CorrectiveMeasure.is_overdue).
    overdue = _yes_no(_("Deadline overdue"), lambda: Q(pk__in=CorrectiveMeasure.objects.overdue().values("pk")))

    class Meta:
        model = CorrectiveMeasure
        fields: list[str] = []


class WarningContactFilterSet(StyledFilterSet):
    """Warning contacts by name or number, area (and below), kind and whether they are active."""

    q = search_filter("name__icontains", "mobile__contains")
    jurisdiction = jurisdiction_filter()
    kind = django_filters.ChoiceFilter(choices=ContactKind.choices, label=_("Kind"))
    is_active = BoolFilter(label=_("Active"))

    class Meta:
        model = WarningContact
        fields: list[str] = []
