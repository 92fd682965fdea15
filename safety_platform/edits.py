"""The first step of a service that edits a stored row from a dict of changed fields (a form's cleaned data, a
PATCH body): lock the row, refuse a stale edit, set the fields the editor may change.

One place for what the edit services of several apps did each in the same four lines; what follows (derived
fields, scope checks, `full_clean`, `save`, follow-up work) stays in the service.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any, TypeVar, cast

from django.db import models

from .concurrency import Opened, check_opened

Row = TypeVar("Row", bound=models.Model)


def lock_for_edit(row: Row, data: Mapping[str, Any], *, fields: Collection[str], opened: Opened | None) -> Row:
    """Call inside the saving transaction: lock `row` as stored (`select_for_update`), refuse a field someone else
    changed since the editor opened it (`check_opened`: `StaleEdit`, nothing is set), then set on the locked row
    each value of `data` whose key is one of `fields` (other keys are ignored). Returns the locked row, not yet
    validated or saved."""
    locked = cast(Row, type(row)._default_manager.select_for_update().get(pk=row.pk))
    check_opened(opened, locked)
    for key, value in data.items():
        if key in fields:
            setattr(locked, key, value)
    return locked
