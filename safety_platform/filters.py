"""Filter helpers shared by every app's filtersets."""

from __future__ import annotations

from typing import Any

import django_filters
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
