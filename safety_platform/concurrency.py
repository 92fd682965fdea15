"""Optimistic concurrency: a save made on a stale copy of a record is refused, nothing is overwritten.

One mechanism for every edit form and every PATCH/PUT:

- A **version** of a row is a digest of each field the editor may change (8 hex digits per field, in the
  order of the sorted field names). It is derived from the stored values only, so the same row gives the same
  version in the web form and in the API.
- An edit form (`VersionedFormMixin`) carries the version of the row as it was when the form was opened in a
  hidden field; the API sends it as the ``ETag`` of the detail and reads it back from ``If-Match``.
- The service locks the row (``select_for_update``) inside its transaction and calls `Opened.check`: when a
  field the editor may change differs from what the editor opened, it raises `StaleEdit` — nothing is saved.
  Fields outside the editor's set (status, grades, bookkeeping) never block a save.
- The web form shows the refusal naming each changed field and its current value (`VersionedFormMixin.
  refuse_stale`), takes over the other person's values for fields this editor left as they were, and
  carries the new version, so that a second save after review goes through. The API answers 412 with
  ``{"detail", "code": "stale", "changed": {field: current value}}`` and the current ``ETag``.

Without a version (a form posted without the hidden field, a PATCH without ``If-Match``) a save proceeds as
before: the check is what an editor asks for by sending what they saw.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable, Iterator, MutableMapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django import forms
from django.db import models
from django.utils import formats, timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .services import DomainError

DIGEST_HEX = 8
VERSION_FIELD = "opened_version"
_VERSION = re.compile(rf"^(?:[0-9a-f]{{{DIGEST_HEX}}})+$")


# Values and versions -------------------------------------------------------------------------------


def _normalize(value: Any) -> Any:
    """A JSON value that compares equal for equal stored values, whichever side (row or form) it came from."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, models.QuerySet | list | tuple | set | frozenset):
        return sorted((_normalize(v) for v in value), key=lambda v: (v is None, str(v)))
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = value.astimezone(dt.UTC)
        return value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, str):
        value = value.replace("\r\n", "\n")
        return value or None
    return value


def _stored(row: models.Model, name: str) -> Any:
    model_field = row._meta.get_field(name)
    if model_field.many_to_many:
        if row.pk is None:
            return []
        return list(getattr(row, name).values_list("pk", flat=True))
    return getattr(row, model_field.attname)  # type: ignore[union-attr]


def _digest(value: Any) -> str:
    payload = json.dumps(_normalize(value), sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.blake2b(payload.encode(), digest_size=DIGEST_HEX // 2).hexdigest()


def _digests(row: models.Model, fields: Sequence[str]) -> dict[str, str]:
    return {name: _digest(_stored(row, name)) for name in sorted(fields)}


def version_of(row: models.Model, fields: Iterable[str]) -> str:
    """The version of `row` over `fields`: what an editor who opened it now would send back."""
    return "".join(_digests(row, sorted(fields)).values())


def etag_of(row: models.Model, fields: Iterable[str]) -> str:
    """The row's version as a strong HTTP entity tag."""
    return f'"{version_of(row, fields)}"'


def _split(version: str, count: int) -> list[str] | None:
    if len(version) != count * DIGEST_HEX or not _VERSION.match(version):
        return None
    return [version[i : i + DIGEST_HEX] for i in range(0, len(version), DIGEST_HEX)]


# Display of current values ---------------------------------------------------------------------------


def display_value(row: models.Model, name: str) -> str:
    """The field's current value as a clerk reads it: labels of choices and rows, local dates, never ids."""
    model_field: Any = row._meta.get_field(name)
    if model_field.many_to_many:
        items = [str(o) for o in getattr(row, name).all()] if row.pk is not None else []
        text = "、".join(items)
    else:
        value = getattr(row, model_field.attname)
        if value is None or value == "":
            return _("(empty)")
        if model_field.choices:
            text = str(getattr(row, f"get_{name}_display")())
        elif model_field.is_relation:
            text = str(getattr(row, name))
        elif isinstance(value, bool):
            text = _("Yes") if value else _("No")
        elif isinstance(value, dt.datetime):
            local = timezone.localtime(value) if timezone.is_aware(value) else value
            text = formats.date_format(local, "DATETIME_FORMAT")
        elif isinstance(value, dt.date):
            text = formats.date_format(value, "DATE_FORMAT")
        elif isinstance(value, Decimal | float | int):
            text = formats.number_format(value, use_l10n=False)
        else:
            text = " ".join(str(value).split())
    return Truncator(text).chars(80) if text else _("(empty)")


def field_label(row: models.Model, name: str) -> str:
    return str(row._meta.get_field(name).verbose_name)  # type: ignore[union-attr]


# The refusal -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    label: str  # the field's verbose name
    display: str  # its current value as a clerk reads it
    value: Any  # its current value as JSON (ids, ISO dates, decimals as text)


class StaleEdit(DomainError):
    """The editor's copy is out of date: a field they may change was changed by someone else meanwhile."""

    def __init__(self, *, current: models.Model, fields: Sequence[str], changed: dict[str, Change]):
        if changed:
            parts = pgettext("list separator", "; ").join(
                _("%(field)s is now %(value)s") % {"field": c.label, "value": c.display} for c in changed.values()
            )
            message = _("Someone else changed this record before you saved: %(changes)s. Check and save again.") % {
                "changes": parts
            }
        else:
            message = _("This record was changed after you opened it. Check it and save again.")
        super().__init__(message, code="stale")
        self.current = current
        self.fields = tuple(fields)
        self.changed = changed
        self.version = version_of(current, fields)
        self.api_changed: dict[str, Any] | None = None  # set by the API view: the serializer's representation

    @property
    def etag(self) -> str:
        return f'"{self.version}"'

    def api_body(self) -> dict[str, Any]:
        changed = self.api_changed
        if changed is None:
            changed = {name: c.value for name, c in self.changed.items()}
        return {"detail": self.message, "code": self.code, "changed": changed}


@dataclass(frozen=True)
class Opened:
    """What an editor saw: the version(s) of the row over the fields they may change."""

    fields: tuple[str, ...]
    versions: tuple[str, ...] = field(default=())

    def check(self, current: models.Model) -> None:
        """Raise `StaleEdit` unless `current` (the locked row) still has the values the editor opened.

        Call it inside the saving transaction, on a row read with ``select_for_update``.
        """
        now = _digests(current, self.fields)
        if "".join(now.values()) in self.versions:
            return
        opened = next((split for v in self.versions if (split := _split(v, len(now))) is not None), None)
        if opened is None:
            changed_names: list[str] = []
        else:
            changed_names = [name for name, seen in zip(now, opened, strict=True) if now[name] != seen]
        changed = {
            name: Change(
                label=field_label(current, name),
                display=display_value(current, name),
                value=_normalize(_stored(current, name)),
            )
            for name in changed_names
        }
        raise StaleEdit(current=current, fields=self.fields, changed=changed)

    def opened_digest(self, name: str) -> str | None:
        """The digest of one field as the editor opened it (None when the version cannot be read)."""
        names = sorted(self.fields)
        split = next((s for v in self.versions if (s := _split(v, len(names))) is not None), None)
        return None if split is None else dict(zip(names, split, strict=True)).get(name)


def check_opened(opened: Opened | None, current: models.Model) -> None:
    """`Opened.check` when the editor sent a version; without one the save proceeds as before."""
    if opened is not None:
        opened.check(current)


def check_stored_opened(opened: Opened | None, row: models.Model) -> None:
    """For an instance about to be saved, inside the saving transaction: lock its stored row and `check_opened`
    against it. A new instance (not stored yet) has nothing to compare."""
    if row.pk is not None:
        check_opened(opened, type(row)._default_manager.select_for_update().get(pk=row.pk))


# Web forms -------------------------------------------------------------------------------------------


class VersionedFormMixin:
    """An edit form that carries the version of the row it was opened on, and shows a stale save's refusal.

    Put it before ``forms.ModelForm``; the versioned fields are the form's model fields (set
    ``versioned_fields`` to narrow them). Pass ``form.opened`` to the service, which calls
    `check_opened` on the locked row; on `StaleEdit` call ``form.refuse_stale(exc)`` and show the form again.
    """

    versioned_fields: Sequence[str] | None = None
    fields: dict[str, forms.Field]
    initial: MutableMapping[str, Any]
    data: Any
    is_bound: bool

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        self.fields[VERSION_FIELD] = forms.CharField(widget=forms.HiddenInput, required=False, max_length=2000)

    def get_initial_for_field(self, field: forms.Field, field_name: str) -> Any:
        # Computed when the form is shown, after the form's own __init__ has settled which fields it has.
        if field_name == VERSION_FIELD:
            return version_of(self.versioned_row(), self.version_fields())
        return super().get_initial_for_field(field, field_name)  # type: ignore[misc]

    def versioned_row(self) -> models.Model:
        return self.instance  # type: ignore[attr-defined,no-any-return]

    def version_fields(self) -> list[str]:
        if self.versioned_fields is not None:
            return sorted(self.versioned_fields)
        meta = self.versioned_row()._meta
        names = {f.name for f in meta.get_fields() if getattr(f, "concrete", False) or f.many_to_many}
        return sorted(name for name in self.fields if name in names)

    @property
    def opened(self) -> Opened | None:
        """What the editor opened, for the service; None when the form came without a version."""
        key = self.add_prefix(VERSION_FIELD)  # type: ignore[attr-defined]
        raw = str(self.data.get(key, "")).strip() if self.is_bound else ""
        return Opened(tuple(self.version_fields()), (raw,)) if raw else None

    def refuse_stale(self, exc: StaleEdit) -> None:
        """Show the refusal; take over the other person's values where this editor changed nothing; carry the
        new version, so that saving again after review goes through."""
        form: Any = self
        opened = self.opened
        cleaned = getattr(form, "cleaned_data", {})
        data = self.data.copy()
        for name, change in exc.changed.items():
            if name not in self.fields:
                continue
            untouched = opened is not None and name in cleaned and _digest(cleaned[name]) == opened.opened_digest(name)
            if untouched:
                _put(data, self.fields[name], form.add_prefix(name), _stored(exc.current, name))
            else:
                form.add_error(name, _("Now: %(value)s") % {"value": change.display})
        form.add_error(None, exc.message)
        data[form.add_prefix(VERSION_FIELD)] = exc.version
        self.data = data


def _put(data: Any, form_field: forms.Field, key: str, value: Any) -> None:
    """Write a stored value into bound form data, as the widget would have submitted it."""
    widget = form_field.widget
    if isinstance(widget, forms.CheckboxInput):
        if value:
            data[key] = "on"
        else:
            data.pop(key, None)
        return
    prepared = form_field.prepare_value(value)
    if isinstance(widget, forms.SelectMultiple | forms.MultipleHiddenInput):
        items = [str(v) for v in (prepared or [])]
        if hasattr(data, "setlist"):
            data.setlist(key, items)
        else:
            data[key] = items
        return
    shown = widget.format_value(prepared)
    if isinstance(shown, list):
        shown = shown[0] if shown else ""
    data[key] = "" if shown is None else str(shown)


# The API ---------------------------------------------------------------------------------------------


def opened_from_if_match(request: Any, fields: Iterable[str]) -> Opened | None:
    """The versions an API client sent in ``If-Match``; ``*`` or no header: no check."""
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        return None
    versions = []
    for tag in header.split(","):
        tag = tag.strip()
        if tag.startswith("W/"):
            tag = tag[2:]
        versions.append(tag.strip('"'))
    return Opened(tuple(sorted(fields)), tuple(versions))


def writable_model_fields(serializer: Any) -> list[str]:
    """The model fields a serializer writes: the fields the API's version covers."""
    model = serializer.Meta.model
    names = {f.name for f in model._meta.get_fields() if getattr(f, "concrete", False) or f.many_to_many}
    return sorted(
        name for name, fld in serializer.fields.items() if not fld.read_only and fld.source == name and name in names
    )


@contextmanager
def api_changes_shown_by(serializer_class: type, context: dict[str, Any] | None = None) -> Iterator[None]:
    """Let a 412's ``changed`` carry the current values as the serializer represents them (codes, ids)."""
    try:
        yield
    except StaleEdit as exc:
        data = serializer_class(exc.current, context=context or {}).data
        exc.api_changed = {name: data.get(name) for name in exc.changed}
        raise


class VersionedAPIMixin:
    """For a DRF model viewset: the detail answers with an ``ETag``; PUT/PATCH honour ``If-Match``.

    The view's ``perform_update`` passes ``self.opened()`` to the service, which checks it on the locked row.
    The schema (``safety_platform.api.schema``) documents the header, ``If-Match`` and the 412 answer.
    """

    versioned_actions = frozenset({"retrieve", "update", "partial_update"})
    request: Any

    def version_fields(self) -> list[str]:
        return writable_model_fields(self.get_serializer())  # type: ignore[attr-defined]

    def opened(self) -> Opened | None:
        return opened_from_if_match(self.request, self.version_fields())

    def retrieve(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        from rest_framework.response import Response

        instance = self.get_object()  # type: ignore[attr-defined]
        data = self.get_serializer(instance).data  # type: ignore[attr-defined]
        return Response(data, headers={"ETag": etag_of(instance, self.version_fields())})

    def update(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        from rest_framework.response import Response

        partial = kwargs.pop("partial", False)
        instance = self.get_object()  # type: ignore[attr-defined]
        serializer = self.get_serializer(instance, data=request.data, partial=partial)  # type: ignore[attr-defined]
        serializer.is_valid(raise_exception=True)
        with api_changes_shown_by(type(serializer), self.get_serializer_context()):  # type: ignore[attr-defined]
            self.perform_update(serializer)  # type: ignore[attr-defined]
        return Response(serializer.data, headers={"ETag": etag_of(serializer.instance, self.version_fields())})
