"""One path for refusals: how a `DomainError` is answered, on a page and in the API.

A service refuses with `DomainError(message, code=..., field=...)`. Nobody else catches it
(`tests/platform/test_refusals.py` fails on a new `except DomainError` outside this module and the few places
it lists); a caller uses one of:

- a page with a form: ``with refusal_into(form) as refused:`` around the service call; the message goes on
  the named field when the form has it (`field_map` renames a service's field to the form's), else on the form
  as a non-field error — or, given `request`, into the messages framework for a view that then redirects.
  After the block, ``if not refused:`` is the success path. A stale edit (`StaleEdit`, the "stale" refusal of
  safety_platform/concurrency.py) on a form with `refuse_stale` shows what changed meanwhile.
- a page without a form, and the admin: ``with refusal_message(request) as refused:``; the message goes into
  the messages framework and the view redirects as before.
- the API: nothing. The refusal propagates to `safety_platform.api.exceptions.exception_handler`, which
  answers `api_body(exc)` with `status_for(exc.code)`.

The kinds set the answer everywhere: "forbidden" is a 403 (the 403 page on the web), "not_found" without a
field a 404 (the 404 page; with a field it is bad input on that field), "invalid" a 400; every other code names
a rule and is a 409 in the API (docs/api.md, "Refusal codes").
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest

from .concurrency import StaleEdit
from .services import DomainError

KIND_STATUS = {"invalid": 400, "forbidden": 403, "not_found": 404}
RULE_STATUS = 409


def status_for(code: str) -> int:
    """The HTTP status of a refusal: its kind's, else 409 (a rule refused)."""
    return KIND_STATUS.get(code, RULE_STATUS)


def api_body(exc: DomainError) -> dict[str, Any]:
    """The API's error body of a refusal: {"detail", "code"} and, naming a field, {"errors": {field: [..]}}."""
    body: dict[str, Any] = {"detail": exc.message, "code": exc.code}
    if exc.field:
        body["errors"] = {exc.field: [exc.message]}
    return body


class Refusal:
    """What a `with refusal_into(...)` / `with refusal_message(...)` block was refused with: falsy when the
    block ran through. `on_form` says whether the message went on the form (else into the messages)."""

    def __init__(self) -> None:
        self.error: DomainError | None = None
        self.on_form = False

    def __bool__(self) -> bool:
        return self.error is not None

    @property
    def code(self) -> str:
        return self.error.code if self.error is not None else ""

    @property
    def status(self) -> int:
        """The status the API would answer (a page answering JSON uses it too)."""
        return status_for(self.code) if self.error is not None else 200


def _raise_kind(exc: DomainError) -> None:
    """The kinds that are not a message on the page: the 403 and 404 pages."""
    if exc.code == "forbidden":
        raise PermissionDenied(exc.message) from exc
    if exc.code == "not_found" and not exc.field:
        raise Http404(exc.message) from exc


def add_refusal(
    form: Any,
    exc: DomainError,
    *,
    request: HttpRequest | None = None,
    field_map: Mapping[str, str] | None = None,
) -> bool:
    """Show a refusal on `form`: on its field when the form has it, else as a non-field error (with `request`:
    as a message instead). The error keeps the refusal's code (`form.errors.get_json_data()`). A stale edit
    (`StaleEdit`) on a form that edits with a version shows what changed meanwhile (`refuse_stale`). Returns
    whether it went on the form."""
    if isinstance(exc, StaleEdit) and hasattr(form, "refuse_stale"):
        form.refuse_stale(exc)
        return True
    field = (field_map or {}).get(exc.field or "", exc.field)
    error = ValidationError(exc.message, code=exc.code)
    if form is not None and field and field in form.fields:
        form.add_error(field, error)
        return True
    if form is not None and request is None:
        form.add_error(None, error)
        return True
    if request is not None:
        messages.error(request, exc.message)
    return False


@contextmanager
def refusal_into(
    form: Any,
    *,
    request: HttpRequest | None = None,
    field_map: Mapping[str, str] | None = None,
    pages: bool = True,
) -> Iterator[Refusal]:
    """Run the block; a refusal goes on the form (see `add_refusal`) and the block's `Refusal` holds it.

    "forbidden" raises PermissionDenied and a field-less "not_found" Http404 (Django's 403/404 pages);
    `pages=False` keeps them on the form too, for a view answering a script with JSON (`Refusal.status`)."""
    refused = Refusal()
    try:
        yield refused
    except DomainError as exc:
        if pages:
            _raise_kind(exc)
        refused.error = exc
        refused.on_form = add_refusal(form, exc, request=request, field_map=field_map)


@contextmanager
def refusal_message(request: HttpRequest) -> Iterator[Refusal]:
    """Run the block; a refusal becomes an error message (messages framework, which the admin uses too).
    "forbidden" raises PermissionDenied and a field-less "not_found" Http404."""
    refused = Refusal()
    try:
        yield refused
    except DomainError as exc:
        _raise_kind(exc)
        refused.error = exc
        messages.error(request, exc.message)
