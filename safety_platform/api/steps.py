"""One step on one record through the API: the `@action` every app's viewsets wrote by hand, once.

`record_step("lift", services.warning_lift, NoteSerializer, target="warning", responses=WarningSerializer)` is
the action POST /<records>/<pk>/lift/: the record as the caller may see it (`get_object()`: out of scope is a 404
before any input is read), the input validated by its serializer (whose related fields see the caller's
`visible_to`), the service called with the signed-in actor, the record and the input; a refusal takes the
exception handler's one path (safety_platform/refusals.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from ..security import signed_in_user


def valid(serializer_class: type[Any], request: Request) -> dict[str, Any]:
    """The request's input as `serializer_class` validates it (a 400 otherwise)."""
    serializer = serializer_class(data=request.data, context={"request": request})  # inputs see visible_to(user)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def record_step(
    name: str,
    service: Callable[..., Any],
    data: type[Any] | None = None,
    *,
    target: str,
    responses: Any = None,
    answer: type[Any] | None = None,
    status_code: int = status.HTTP_200_OK,
    rename: Mapping[str, str] | None = None,
    record: Callable[[Any, Any], Any] | None = None,
    url_path: str | None = None,
) -> Any:
    """The action `name` (the attribute it is assigned to) calling `service(actor=…, <target>=record, **input)`.

    - `data`: the input's serializer (None: the step takes no input); `rename` maps an input field to the
      service's argument when their names differ;
    - `record(viewset, obj)`: what the service works on when it is not the object itself (e.g. its evaluation);
    - the answer: `answer(result)` with `status_code` when given (a row the step made or changed), else the
      viewset's `_detail(obj)` (the record as it now is, with the figures its detail carries), and `responses`
      for the schema.
    """

    def step(self: Any, request: Request, pk: Any = None) -> Response:
        obj = self.get_object()  # out of scope → 404, before any input is read
        subject = record(self, obj) if record is not None else obj
        given = valid(data, request) if data is not None else {}
        for field, argument in (rename or {}).items():
            given[argument] = given.pop(field)
        result = service(actor=signed_in_user(request), **{target: subject}, **given)
        if answer is not None:
            return Response(answer(result).data, status=status_code)
        return self._detail(obj)

    step.__name__ = step.__qualname__ = name
    schema = {status_code: answer} if answer is not None and status_code != status.HTTP_200_OK else answer
    detail = extend_schema(request=data, responses=schema if answer is not None else responses)
    return detail(action(detail=True, methods=["post"], url_path=url_path)(step))
