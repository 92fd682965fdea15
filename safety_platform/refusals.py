"""One path for refusals: how a `DomainError` is answered, on a page and in the API.

A service refuses with `DomainError(message, code=..., field=...)`. Nobody else catches it
(`tests/platform/test_refusals.py` fails on a new `except DomainError` outside this module and the few places
it lists); a caller uses one of:

- a page with a form: ``with refusal_into(form) as refused:`` around the service call; the message goes on
  the named field when the form has it (`field_map` renames a service's field to the form's), else on the form
  as a non-field error — or, given `request`, into the messages framework for a view that then redirects
  (`message_codes` names the refusals that do; `Refusal.on_form` tells the view which happened).
  After the block, ``if not refused:`` is the success path. A stale edit (`StaleEdit`, the "stale" refusal of
  safety_platform/concurrency.py) on a form with `refuse_stale` shows what changed meanwhile.
- a page without a form, and the admin: ``with refusal_message(request) as refused:``; the message goes into
  the messages framework and the view redirects as before.
- the API: nothing. The refusal propagates to `safety_platform.api.exceptions.exception_handler`, which
  answers `api_body(exc)` with `status_for(exc.code)` (``with refusal_fields({...}):`` renames a service's
  field to the request's; inside a serializer's validation ``with refusal_as_invalid():`` makes it an input
  error among the others).

The kinds set the answer everywhere: "forbidden" is a 403 (the 403 page on the web), "not_found" without a
field a 404 (the 404 page; with a field it is bad input on that field), "invalid" a 400; every other code names
a rule and is a 409 in the API (docs/api.md, "Refusal codes"). A model's `ValidationError` raised by a service
(`full_clean`) is bad input and takes the same path on a page, field by field.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
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
        self.error: DomainError | ValidationError | None = None
        self.on_form = False

    def __bool__(self) -> bool:
        return self.error is not None

    @property
    def code(self) -> str:
        """The refusal's code; a model's `ValidationError` is bad input ("invalid")."""
        if self.error is None:
            return ""
        return self.error.code if isinstance(self.error, DomainError) else "invalid"

    @property
    def status(self) -> int:
        """The status the API would answer (a page answering JSON uses it too)."""
        return status_for(self.code) if self.error is not None else 200


def _raise_kind(exc: DomainError | ValidationError) -> None:
    """The kinds that are not a message on the page: the 403 and 404 pages."""
    if not isinstance(exc, DomainError):
        return
    if exc.code == "forbidden":
        raise PermissionDenied(exc.message) from exc
    if exc.code == "not_found" and not exc.field:
        raise Http404(exc.message) from exc


def _errors_by_field(exc: DomainError | ValidationError) -> dict[str | None, ValidationError]:
    """The refusal as ValidationErrors keyed by the field they name (None: no field)."""
    if isinstance(exc, DomainError):
        return {exc.field: ValidationError(exc.message, code=exc.code)}
    if hasattr(exc, "error_dict"):
        return {None if f == NON_FIELD_ERRORS else f: ValidationError(e) for f, e in exc.error_dict.items()}
    return {None: exc}


def _message(exc: DomainError | ValidationError) -> str:
    return exc.message if isinstance(exc, DomainError) else " ".join(exc.messages)


def add_refusal(
    form: Any,
    exc: DomainError | ValidationError,
    *,
    request: HttpRequest | None = None,
    field_map: Mapping[str, str] | None = None,
    message_codes: Collection[str] | None = None,
) -> bool:
    """Show a refusal on `form`: on its field when the form has it, else as a non-field error. With `request`
    it is a message instead (for a view that then redirects) — only for the codes in `message_codes` when
    given. The error keeps the refusal's code (`form.errors.get_json_data()`). A stale edit (`StaleEdit`) on a
    form that edits with a version shows what changed meanwhile (`refuse_stale`). A model's `ValidationError`
    goes the same way, field by field. Returns whether it all went on the form."""
    if isinstance(exc, StaleEdit) and hasattr(form, "refuse_stale"):
        form.refuse_stale(exc)
        return True
    code = exc.code if isinstance(exc, DomainError) else "invalid"
    as_message = request is not None and (message_codes is None or code in message_codes)
    elsewhere: list[ValidationError] = []
    for named, error in _errors_by_field(exc).items():
        field = (field_map or {}).get(named or "", named)
        if form is not None and field and field in form.fields:
            form.add_error(field, error)
        elif form is not None and not as_message:
            form.add_error(None, error)
        else:
            elsewhere.append(error)
    if elsewhere and request is not None:
        messages.error(request, " ".join(m for e in elsewhere for m in e.messages))
    return not elsewhere


@contextmanager
def refusal_into(
    form: Any,
    *,
    request: HttpRequest | None = None,
    field_map: Mapping[str, str] | None = None,
    message_codes: Collection[str] | None = None,
    pages: bool = True,
) -> Iterator[Refusal]:
    """Run the block; a refusal goes on the form (see `add_refusal`) and the block's `Refusal` holds it.

    "forbidden" raises PermissionDenied and a field-less "not_found" Http404 (Django's 403/404 pages);
    `pages=False` keeps them on the form too, for a view answering a script with JSON (`Refusal.status`)."""
    refused = Refusal()
    try:
        yield refused
    except (DomainError, ValidationError) as exc:
        if pages:
            _raise_kind(exc)
        refused.error = exc
        refused.on_form = add_refusal(form, exc, request=request, field_map=field_map, message_codes=message_codes)


@contextmanager
def refusal_message(request: HttpRequest, *, prefix: str = "") -> Iterator[Refusal]:
    """Run the block; a refusal (or a model's `ValidationError`) becomes an error message (messages framework,
    which the admin uses too), after `prefix` (naming the object when one action runs over several).
    "forbidden" raises PermissionDenied and a field-less "not_found" Http404."""
    refused = Refusal()
    try:
        yield refused
    except (DomainError, ValidationError) as exc:
        _raise_kind(exc)
        refused.error = exc
        messages.error(request, f"{prefix}{_message(exc)}")


@contextmanager
def refusal_as_invalid(field: str | None = None) -> Iterator[None]:
    """Inside a serializer's validation: a refusal becomes a ValidationError on the field it names (else
    `field`), which DRF reports with the other input errors (400, `errors` by field)."""
    try:
        yield
    except DomainError as exc:
        name = exc.field or field
        error = ValidationError(exc.message, code=exc.code)
        raise (ValidationError({name: [error]}) if name else error) from exc


@contextmanager
def refusal_fields(field_map: Mapping[str, str]) -> Iterator[None]:
    """In the API, where a request names a thing differently from the service (an enterprise by its credit
    code): a refusal naming the service's field is raised on naming the request's field; the exception handler
    answers it."""
    try:
        yield
    except DomainError as exc:
        if exc.field is not None and exc.field in field_map:
            exc.field = field_map[exc.field]
        raise
