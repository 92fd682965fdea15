"""Reading a model's field metadata with the types the type checker needs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def verbose_name_of(model: type[models.Model] | models.Model, name: str) -> StrOrPromise:
    """The verbose name of the model's own field `name` (lazy: it follows the active language)."""
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field), f"{name} is a reverse relation, which has no verbose name"
    return field.verbose_name
