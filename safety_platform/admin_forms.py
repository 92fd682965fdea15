"""What every change form of the admin does with dates and times, set once for the whole admin.

Saving an admin form unchanged must change nothing. Two things broke that for date-times: the time input
showed hours and minutes only in Chinese (Django's first zh-Hans input format is `%H:%M`), so a statutory
deadline due at 23:59:59 came back due at 23:59; and no admin input shows microseconds, so every stamp
written by the platform (an API key's expiry, a review's time) lost its fraction of a second. Here:

- the admin's time inputs show seconds, in every language (`TimeToTheSecond`, `SplitDateTimeToTheSecond`);
- a date-time or time the form shows unchanged keeps the stored value, microseconds and all
  (`PlatformAdminForm`): Django's change detection already compares what the input can show.

`use_platform_admin_forms()` installs both before the admin registers its models (the platform's app is
listed before `django.contrib.admin`, whose `ready()` imports every `admin.py`). An admin with a form of its
own derives it from `PlatformAdminForm`; a test checks that every registered admin and inline does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django import forms
from django.contrib.admin import options, widgets
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models

from .forms import IdsChoiceField

TIME_SHOWN = "%H:%M:%S"


class TimeToTheSecond(widgets.AdminTimeWidget):
    def __init__(self, attrs: Any = None, format: str | None = None) -> None:
        super().__init__(attrs=attrs, format=format or TIME_SHOWN)


class SplitDateTimeToTheSecond(widgets.AdminSplitDateTime):
    def __init__(self, attrs: Any = None) -> None:
        super().__init__(attrs)
        self.widgets[1].format = TIME_SHOWN


class _HiddenDateTimeToTheSecond(forms.SplitHiddenDateTimeWidget):
    def __init__(self, attrs: Any = None) -> None:
        super().__init__(attrs, time_format=TIME_SHOWN)


class SplitDateTimeFieldToTheSecond(forms.SplitDateTimeField):
    """A date-time with a callable default (`default=timezone.now`) also renders its initial value in a hidden
    input, from which Django tells whether it changed: to the second as well, or every such value "changed"."""

    hidden_widget = _HiddenDateTimeToTheSecond


class PlatformAdminForm(forms.ModelForm):
    """An admin change form whose unchanged date-times keep their stored value."""

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        if cleaned is None or self.instance.pk is None:
            return cleaned
        changed = set(self.changed_data)
        for name, value in list(cleaned.items()):
            if name in changed or not isinstance(value, dt.datetime | dt.time):
                continue
            try:
                field = self.instance._meta.get_field(name)
            except FieldDoesNotExist:  # a form field of its own, not the model's
                continue
            if isinstance(field, models.DateTimeField | models.TimeField):
                cleaned[name] = field.value_from_object(self.instance)
        return cleaned


def _values_of_the_field(field: Any, values: Sequence[str]) -> list[str]:
    """The submitted values a foreign key's target column can hold (an id within the integer range)."""
    target = field.remote_field.model._meta.get_field(field.remote_field.field_name)
    kept = []
    for value in values:
        try:
            target.run_validators(target.to_python(value))
        except ValidationError:
            continue
        kept.append(value)
    return kept


class _AutocompleteShowsValidValuesOnly(widgets.AutocompleteMixin):
    """Django's autocomplete widget looks the submitted values up to show them again on a refused form; a value
    that is not an id ("abc", a 20-digit number) raised in that lookup: a 500 instead of the form's "select a
    valid choice" (found by fuzzing the admin's add forms). It now looks up only values the column can hold."""

    def optgroups(
        self, name: str, value: Sequence[str], attr: dict[str, Any] | None = None
    ) -> list[tuple[str | None, list[dict[str, Any]], int | None]]:
        return super().optgroups(name, _values_of_the_field(self.field, value), attr)


class PlatformAutocompleteSelect(_AutocompleteShowsValidValuesOnly, widgets.AutocompleteSelect):
    pass


class PlatformAutocompleteSelectMultiple(_AutocompleteShowsValidValuesOnly, widgets.AutocompleteSelectMultiple):
    pass


def use_platform_admin_forms() -> None:
    options.FORMFIELD_FOR_DBFIELD_DEFAULTS[models.DateTimeField] = {
        "form_class": SplitDateTimeFieldToTheSecond,
        "widget": SplitDateTimeToTheSecond,
    }
    options.FORMFIELD_FOR_DBFIELD_DEFAULTS[models.TimeField] = {"widget": TimeToTheSecond}
    # Several records chosen: an id past the integer range is "not one of the choices", not a 500 on SQLite.
    options.FORMFIELD_FOR_DBFIELD_DEFAULTS[models.ManyToManyField] = {"form_class": IdsChoiceField}
    # An admin made before this ran (auth's GroupAdmin, registered when safety_platform.admin imports auth's
    # UserAdmin) copied the defaults then: it gets this one too.
    from django.contrib.admin import site

    for model_admin in site._registry.values():
        overrides: Any = model_admin.formfield_overrides  # a dict per admin (ModelAdmin.__init__), typed Mapping
        overrides.setdefault(models.ManyToManyField, {"form_class": IdsChoiceField})
    # `autocomplete_fields`: the widgets ModelAdmin builds for them (by these names in its module).
    setattr(options, "AutocompleteSelect", PlatformAutocompleteSelect)  # noqa: B010 (not in the module's stubs)
    setattr(options, "AutocompleteSelectMultiple", PlatformAutocompleteSelectMultiple)  # noqa: B010
    # The class-wide default every admin's `form` falls back to (mypy: a generic class's attribute).
    options.ModelAdmin.form = PlatformAdminForm  # type: ignore[misc]
    options.InlineModelAdmin.form = PlatformAdminForm  # type: ignore[misc]
