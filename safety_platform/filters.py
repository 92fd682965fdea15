"""Filter helpers shared by every app's filtersets."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

TRUE_VALUES = {"true", "1", "yes", "on"}
FALSE_VALUES = {"false", "0", "no", "off"}


class StrictBooleanFilter(django_filters.ChoiceFilter):
    """A yes/no filter that refuses anything else with a 400 (django-filter's default silently ignores it)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("choices", [("true", _("Yes")), ("false", _("No"))])
        super().__init__(*args, **kwargs)

    def filter(self, qs: QuerySet[Any], value: Any) -> QuerySet[Any]:
        if value in (None, ""):
            return qs
        return qs.filter(**{self.field_name: str(value).lower() in TRUE_VALUES})


# The largest id a BigAutoField holds: a bigger number is not an id (SQLite cannot even bind it).
MAX_ID = 2**63 - 1


class IdFilter(django_filters.Filter):
    """A filter on a row id (`enterprise=12`). Anything but a whole number in the id range is a 400 naming
    the parameter; django-filter's NumberFilter would take 1.5 or 4e43 and fail in the database."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)
