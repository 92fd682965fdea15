"""Shared bits of the topic filtersets (responsibility, admission, standardization, training)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from safety_platform.filters import StyledFilterSet as CoreStyledFilterSet
from safety_platform.forms import model_choice_field


class StyledFilterSet(CoreStyledFilterSet):
    """The core's filter set (Bootstrap's small controls); the enterprise filter offers only enterprises the user can
    see."""

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if user is None and self.request is not None:  # the API's filter backend passes the request
            user = getattr(self.request, "user", None)
        self.user = user
        if "enterprise" in self.form.fields and user is not None:
            from ..registry.models import Enterprise

            # On the form's field: the core's __init__ has built the form by now.
            model_choice_field(self.form, "enterprise").queryset = Enterprise.objects.visible_to(user)


def search_filter(*fields: str) -> django_filters.CharFilter:
    """A list's search box: the rows where one of `fields` contains the words typed; blank searches nothing."""

    def method(queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(search_q(value, *fields)) if value.strip() else queryset

    return django_filters.CharFilter(method=method, label=_("Search"))


def search_q(value: str, *fields: str) -> Q:
    q = Q()
    for name in fields:
        q |= Q(**{f"{name}__icontains": value.strip()})
    return q
