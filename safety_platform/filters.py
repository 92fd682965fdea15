"""Filter helpers shared by every app's filtersets."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters.constants import EMPTY_VALUES
from django_filters.fields import IsoDateTimeField

from .dates import day_start
from .forms import MAX_ID as MAX_ID
from .forms import style_widgets

TRUE_VALUES = {"true", "1", "yes", "on"}
FALSE_VALUES = {"false", "0", "no", "off"}


def style_filter_form(form: forms.BaseForm) -> None:
    """Bootstrap's small controls on a filter form, unless a widget names its own class."""
    style_widgets(form, small=True)


class StyledFilterSet(django_filters.FilterSet):
    """A filter set shown as a form above a list: its widgets are Bootstrap's small controls."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_filter_form(self.form)


class StrictBooleanFilter(django_filters.ChoiceFilter):
    """A yes/no filter that refuses anything else with a 400 (django-filter's default silently ignores it)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("choices", [("true", _("Yes")), ("false", _("No"))])
        super().__init__(*args, **kwargs)

    def filter(self, qs: QuerySet[Any], value: Any) -> QuerySet[Any]:
        if value in (None, ""):
            return qs
        return qs.filter(**{self.field_name: str(value).lower() in TRUE_VALUES})


class _RawNullBooleanSelect(forms.NullBooleanSelect):
    """Hands the raw value to the field (Django's widget turns anything unknown into "no filter").

    In a filter the empty choice means "any": it reads 全部 (All), not Django's 未知 (Unknown).
    """

    def __init__(self, attrs: Any = None) -> None:
        super().__init__(attrs)
        self.choices = [("unknown", _("All")), ("true", _("Yes")), ("false", _("No"))]

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return data.get(name)


class _StrictNullBooleanField(forms.NullBooleanField):
    widget = _RawNullBooleanSelect

    # NullBooleanField.to_python returns bool | None; the stubs check it against BooleanField's bool too.
    def to_python(self, value: Any) -> bool | None:  # type: ignore[override]
        if value in (None, "", "unknown") or isinstance(value, bool):
            return value if isinstance(value, bool) else None
        text = str(value).strip().lower()
        if text in TRUE_VALUES or text == "2":  # "2"/"3": the values of Django's yes/no select
            return True
        if text in FALSE_VALUES or text == "3":
            return False
        raise forms.ValidationError(_("Enter true or false."), code="invalid")

    def validate(self, value: Any) -> None:
        return None


class BoolFilter(django_filters.BooleanFilter):
    """django-filter's BooleanFilter (methods still get True/False), except that a value other than
    true/false/1/0/yes/no is a 400 naming the parameter instead of being silently ignored."""

    field_class = _StrictNullBooleanField


class IdFilter(django_filters.Filter):
    """A filter on a row id (`enterprise=12`). Anything but a whole number in the id range is a 400 naming
    the parameter; django-filter's NumberFilter would take 1.5 or 4e43 and fail in the database."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class SinceField(IsoDateTimeField):
    """An ISO 8601 date-time the database can compare with: 0001-01-01T00:00 in UTC+8, or
    9999-12-31T23:59-14:00, falls outside the representable range once moved to UTC (was a 500)."""

    def to_python(self, value: Any) -> dt.datetime | None:
        result = super().to_python(value)
        if result is not None:
            try:
                # In UTC: PostgreSQL also refuses offsets beyond ±15:59 (e.g. +23:16 was a 500).
                result = result.astimezone(dt.UTC)
            except OverflowError as exc:
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from exc
        return result


class SinceFilter(django_filters.IsoDateTimeFilter):
    """`updated_since=`: rows created or changed at or after an ISO 8601 date-time (the feeds' incremental sync)."""

    field_class = SinceField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("field_name", "updated_at")
        kwargs.setdefault("lookup_expr", "gte")
        kwargs.setdefault("label", _("Updated since"))
        super().__init__(*args, **kwargs)


class LocalDayFilter(django_filters.DateFilter):
    """A day (local time) bounding a moment column: `until=False` keeps moments from that day's start,
    `until=True` those up to its end. The filter is a range on the column itself (`>=` / `<` the next day's
    start), which the column's index serves; `lookup_expr="date__gte"` converted every row's moment to a local
    date first (a county's hazards found in a quarter: 0.35 s at 1,000,000 hazards)."""

    def __init__(self, *args: Any, until: bool = False, **kwargs: Any) -> None:
        self.until = until
        kwargs["lookup_expr"] = "lt" if until else "gte"
        super().__init__(*args, **kwargs)

    def filter(self, qs: QuerySet[Any], value: Any) -> QuerySet[Any]:
        if value in EMPTY_VALUES:
            return qs
        return super().filter(qs, day_start(value + dt.timedelta(days=1) if self.until else value))
