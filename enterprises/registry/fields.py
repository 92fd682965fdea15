"""Choosing one enterprise in a form or a filter without listing them all (issue 16).

A city holds tens of thousands of enterprises, a province hundreds of thousands: a <select> of every
enterprise in scope made the hazard list a 7 MB page. `EnterpriseChoiceField` (forms) and
`EnterpriseFilter` (filtersets) render a search box (`safety_platform.widgets.AutocompleteInput`) fed by
`enterprises:autocomplete`; the value sent is the chosen enterprise's id, or, typed without the script
(or offline), its credit code or exact name. Whatever is sent is looked up in the field's queryset only
(the caller's scope), so an enterprise out of scope gives the same "not found" as one that does not exist.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.urls import reverse_lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from safety_platform.filters import MAX_ID
from safety_platform.widgets import AutocompleteFieldMixin, AutocompleteInput

from .models import Enterprise

CREDIT_CODE_LENGTH = 18


def enterprise_lookup(queryset: QuerySet[Enterprise], text: str) -> list[Enterprise]:
    """The enterprises of `queryset` that `text` names: an id, a credit code or an exact name (at most two)."""
    text = text.strip()
    if not text or "\x00" in text:  # PostgreSQL refuses a NUL in a string (a 500, not "not found")
        return []
    if text.isdecimal() and len(text) < CREDIT_CODE_LENGTH:
        if int(text) > MAX_ID:
            return []
        return list(queryset.filter(pk=int(text))[:1])
    if len(text) == CREDIT_CODE_LENGTH and text.isascii() and text.isalnum():
        found = list(queryset.filter(credit_code=text.upper())[:1])
        if found:
            return found
    return list(queryset.filter(name=text)[:2])


class EnterprisePicker(AutocompleteInput):
    def __init__(self, attrs: dict[str, Any] | None = None, *, operating_only: bool = False) -> None:
        url = reverse_lazy("enterprises:autocomplete")
        super().__init__(
            url=format_lazy("{}?operating=1", url) if operating_only else url,
            attrs=attrs,
            placeholder=_("Name or credit code"),
            offline_note=_("No network: only the enterprises chosen recently on this device."),
        )


class EnterpriseChoiceField(AutocompleteFieldMixin, forms.ModelChoiceField):
    """One enterprise of `queryset`, chosen in a search box; sent as an id, a credit code or an exact name."""

    widget = EnterprisePicker
    default_error_messages = {
        "invalid_choice": _("No such enterprise among those you may choose. Choose one from the list."),
        "ambiguous": _("Several enterprises are named so: type the credit code, or choose one from the list."),
    }

    def __init__(self, queryset: QuerySet[Enterprise] | None = None, *, operating_only: bool = False, **kwargs: Any):
        kwargs.setdefault("widget", EnterprisePicker(operating_only=operating_only))
        kwargs.setdefault("label", _("Enterprise"))
        super().__init__(queryset=queryset if queryset is not None else Enterprise.objects.none(), **kwargs)

    def _set_queryset(self, queryset: Any) -> None:
        super()._set_queryset(queryset)  # type: ignore[misc]  # private Django method, not in the stubs
        self.bind_lookup()

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)  # type: ignore[attr-defined]  # as above

    def to_python(self, value: Any) -> Enterprise | None:
        if value in self.empty_values:
            return None
        if isinstance(value, Enterprise):
            value = str(value.pk)
        found = enterprise_lookup(self.queryset, str(value)[:200])
        if len(found) > 1:
            raise forms.ValidationError(self.error_messages["ambiguous"], code="ambiguous")
        if not found:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        # The page showing the form (or the filter applied) names it without asking the database again.
        self._label_cache = (str(value).strip(), (found[0].pk, found[0].name))
        return found[0]

    def prepare_value(self, value: Any) -> Any:
        return value.pk if isinstance(value, Enterprise) else value

    def label_for(self, value: Any) -> tuple[Any, str]:
        """(id, name) of the enterprise `value` names, for the search box; what was typed if none."""
        if isinstance(value, Enterprise):
            return value.pk, value.name
        text = str(value).strip()
        cached = getattr(self, "_label_cache", None)
        if cached and cached[0] == text:
            return cached[1]
        found = enterprise_lookup(self.queryset.only("pk", "name"), text[:200])
        if len(found) == 1:
            result: tuple[Any, str] = (found[0].pk, found[0].name)
        else:
            # Not found (or out of scope): an id is not shown; typed text stays for the user to correct.
            result = (None, "" if text.isdecimal() and len(text) < CREDIT_CODE_LENGTH else text)
        self._label_cache = (text, result)
        return result


def _visible_enterprises(request: Any) -> QuerySet[Enterprise]:
    return Enterprise.objects.visible_to(getattr(request, "user", None))


class EnterpriseFilter(django_filters.ModelChoiceFilter):
    """`?enterprise=` as a search box; the filterset sets its queryset to the enterprises in scope."""

    field_class = EnterpriseChoiceField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # By default the enterprises the request's user may see (a filterset may narrow it further).
        kwargs.setdefault("queryset", _visible_enterprises)
        kwargs.setdefault("label", _("Enterprise"))
        super().__init__(*args, **kwargs)
