"""OpenAPI description of the platform's API (drf-spectacular): the API-key scheme and the error answers.

`PlatformAutoSchema` (REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]) documents, once for every operation, the
error answers the shared machinery can give, all with the platform's error body (`Error`, written by
`safety_platform.api.exceptions.exception_handler`):

- 400 where the operation takes input (a body, query or header parameters) or writes (a service can
  refuse a value: a `DomainError` with code "invalid");
- 401 and 403 unless the view lets anyone in (no or bad credentials; wrong role, scope or object);
- 404 where the path names an object (outside the caller's scope is not found either);
- 409 where the operation writes through the platform's services, which refuse a step the object's
  state does not allow (a `DomainError`); a view says otherwise with `state_conflicts = True/False`;
- and what a view adds in `schema_errors` (e.g. a 404 for an object named in a query parameter);
- 503 on every operation, with a `Retry-After` header: the database cannot be reached or took too long
  and PostgreSQL cancelled the statement (`safety_platform.errors`, code `service_unavailable` or
  `timeout`). Any request can meet it, so clients should be generated to retry after that many seconds.

Actions a view lists in `versioned_actions` take part in optimistic concurrency
(`safety_platform.concurrency`): their 200 answers carry an `ETag`, and their writes take `If-Match` and
may answer 412 (`Stale`).

An operation's own `@extend_schema(responses=...)` for one of these codes wins.
"""

from __future__ import annotations

import re
from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import permissions, serializers

# The platform's error body (a field named `errors` cannot be declared on a Serializer class).
ErrorSerializer = inline_serializer(
    name="Error",
    fields={
        "detail": serializers.CharField(help_text="What went wrong, in the user's language."),
        "code": serializers.CharField(
            help_text=(
                "Machine-readable kind: invalid, not_authenticated, permission_denied, forbidden, not_found, "
                "conflict, service_unavailable, timeout…, or the code of the rule that refused (docs/api.md)"
            )
        ),
        "errors": serializers.DictField(
            child=serializers.ListField(child=serializers.CharField()),
            required=False,
            help_text="Bad input only: the messages per field (`field`, `field.sub`, `lines[0].quantity`).",
        ),
    },
)

ERROR_DESCRIPTIONS = {
    "400": "Bad input: `errors` names each field and what is wrong with it.",
    "401": "No credentials, or an unknown, revoked or expired API key or token.",
    "403": "The caller's role, API key scope or relation to the object does not allow this.",
    "404": "No such object, or it is outside the caller's scope.",
    "409": "The object's state does not allow this step (or a concurrent change won); nothing was changed.",
    "503": (
        "The service is briefly unavailable: the database cannot be reached (`code`: `service_unavailable`) or "
        "took too long to answer and the statement was cancelled (`code`: `timeout`). Try again after the "
        "seconds in `Retry-After`."
    ),
}
RETRY_AFTER_DESCRIPTION = "Seconds to wait before trying again."
# A stale If-Match (safety_platform.concurrency.StaleEdit.api_body).
StaleSerializer = inline_serializer(
    name="Stale",
    fields={
        "detail": serializers.CharField(help_text="What changed meanwhile, in the user's language."),
        "code": serializers.CharField(help_text="Always `stale`."),
        "changed": serializers.DictField(
            child=serializers.JSONField(allow_null=True),
            help_text="Each field changed since your version, with its current value (as in a GET).",
        ),
    },
)
ETAG_DESCRIPTION = (
    "Version of the fields you may change. Send it back in `If-Match` to refuse your write if someone changed "
    "one of them meanwhile."
)
IF_MATCH_DESCRIPTION = (
    "Optional: the `ETag` of the record as you last read it. If a field you may change was changed meanwhile "
    "the write is refused with 412 and nothing is saved. Without `If-Match` the write proceeds as before "
    "(the last write wins)."
)
STALE_DESCRIPTION = (
    "Precondition failed: the record changed since the version in `If-Match`; nothing was saved. `changed` "
    "names each changed field with its current value; the current `ETag` is in the header."
)
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _lets_anyone_in(view: Any) -> bool:
    classes = getattr(view, "permission_classes", None) or ()
    return all(issubclass(cls, permissions.AllowAny) for cls in classes)


def error_codes(operation: dict[str, Any], method: str, view: Any) -> list[str]:
    """The error statuses the shared machinery can answer for this operation."""
    parameters = operation.get("parameters", [])
    writes = method in UNSAFE_METHODS
    codes = []
    if writes or "requestBody" in operation or any(p["in"] in ("query", "header") for p in parameters):
        codes.append("400")
    if not _lets_anyone_in(view):
        codes += ["401", "403"]
    if any(p["in"] == "path" for p in parameters):
        codes.append("404")
    conflicts = getattr(view, "state_conflicts", None)
    if conflicts is None:
        conflicts = writes and not _lets_anyone_in(view)  # signing in (the token endpoint) conflicts with nothing
    if conflicts:
        codes.append("409")
    codes.append("503")  # any request may meet the database down or a statement cancelled (errors.py)
    return sorted({*codes, *getattr(view, "schema_errors", ())})


class PlatformAutoSchema(AutoSchema):
    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        responses = operation.setdefault("responses", {})
        if getattr(self.view, "action", None) in getattr(self.view, "versioned_actions", ()):
            self._document_versions(operation, responses)
        for code in error_codes(operation, self.method, self.view):
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS[code]),
                    code,
                    media_types=["application/json"],
                )
        if "503" in responses:
            retry_after = {"schema": {"type": "integer", "minimum": 1}, "description": RETRY_AFTER_DESCRIPTION}
            responses["503"].setdefault("headers", {}).setdefault("Retry-After", retry_after)
        return operation

    def _document_versions(self, operation: dict[str, Any], responses: dict[str, Any]) -> None:
        etag = {"schema": {"type": "string"}, "description": ETAG_DESCRIPTION}
        for code in ("200", "201"):
            if code in responses:
                responses[code].setdefault("headers", {})["ETag"] = etag
        if self.method not in UNSAFE_METHODS:
            return
        operation.setdefault("parameters", []).append(
            {
                "in": "header",
                "name": "If-Match",
                "required": False,
                "schema": {"type": "string"},
                "description": IF_MATCH_DESCRIPTION,
            }
        )
        stale = self._get_response_for_code(
            OpenApiResponse(StaleSerializer, description=STALE_DESCRIPTION), "412", media_types=["application/json"]
        )
        stale.setdefault("headers", {})["ETag"] = etag
        responses["412"] = stale


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "safety_platform.api.authentication.ApiKeyAuthentication"
    name = "ApiKeyAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Department API key, sent as `Authorization: Api-Key <key>`.",
        }


# Links (OpenAPI 3 `links`): how the answer of one operation feeds the next ----------------------------

OBJECT_ROUTE = re.compile(r"^(?P<collection>.+/)\{(?P<param>\w+)\}/(?P<action>[\w-]+/)?$")
VERBS = {"get": "read", "put": "replace", "patch": "update", "delete": "delete", "post": ""}


def _body_properties(schema: dict[str, Any], response: dict[str, Any]) -> set[str]:
    body = response.get("content", {}).get("application/json", {}).get("schema", {})
    ref = body.get("$ref", "")
    if ref.startswith("#/components/schemas/"):
        body = schema["components"]["schemas"].get(ref.rsplit("/", 1)[1], {})
    return set(body.get("properties", {}))


def _link_name(method: str, action: str | None) -> str:
    """`read`, `update`, … for the object itself; `assess`, `plan_read`, `plan_replace` for its actions."""
    if not action:
        return VERBS[method]
    name = action.strip("/").replace("-", "_")
    return name if method == "post" else f"{name}_{VERBS[method]}"


def _is_versioned_write(operation: dict[str, Any]) -> bool:
    return any(p.get("name") == "If-Match" and p.get("in") == "header" for p in operation.get("parameters", []))


def add_links(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: OpenAPI links between the operations on one object.

    - The `201` of `POST /x/`, when its body has the field the object's routes name (`id`), links to every
      operation under `/x/{id}/` (read, replace, update, delete, each action) with that value;
    - the `200` of `GET /x/{id}/` links to every other operation on the same object;
    - the `200` of a write on the object (`PUT`/`PATCH /x/{id}/`, an action) links back to `GET /x/{id}/`;
    - a `200` that carries an `ETag` links to the versioned writes of the same route (`PUT`/`PATCH`) with
      `If-Match` set to that `ETag`.

    Client generators show integrators these chains; schemathesis follows them in the stateful test
    (tests/platform/test_schema_stateful.py), so reads and writes name objects that exist.
    """
    paths = result.get("paths", {})
    objects: dict[str, list[tuple[str, str, str, str | None]]] = {}  # collection -> (path, method, param, action)
    for path, operations in paths.items():
        match = OBJECT_ROUTE.match(path)
        if match is None:
            continue
        for method, operation in operations.items():
            if method in VERBS and "operationId" in operation:
                objects.setdefault(match["collection"], []).append((path, method, match["param"], match["action"]))

    def link(target: tuple[str, str, str, str | None], value: str, description: str) -> dict[str, Any]:
        path, method, param, _action = target
        return {
            "operationId": paths[path][method]["operationId"],
            "parameters": {param: value},
            "description": description,
        }

    def add(response: dict[str, Any] | None, links: dict[str, Any]) -> None:
        if response is not None and links:
            response.setdefault("links", {}).update(links)

    for collection, targets in objects.items():
        created = paths.get(collection, {}).get("post", {}).get("responses", {}).get("201")
        if created is not None:
            fields = _body_properties(result, created)
            add(
                created,
                {
                    _link_name(t[1], t[3]): link(t, f"$response.body#/{t[2]}", f"The created object's `{t[2]}`.")
                    for t in targets
                    if t[2] in fields
                },
            )
        read = next((t for t in targets if t[1] == "get" and t[3] is None), None)
        for target in targets:
            path, method, param, action = target
            answered = paths[path][method].get("responses", {}).get("200")
            if answered is None:
                continue
            same = f"$request.path.{param}"
            if target == read:
                add(answered, {_link_name(t[1], t[3]): link(t, same, "The same object.") for t in targets if t != read})
            elif read is not None and method != "get":
                add(answered, {"read": link(read, same, "The object as it is now.")})
            if "ETag" in answered.get("headers", {}):
                guarded = {}
                for other in ("put", "patch"):
                    if _is_versioned_write(paths[path].get(other, {})):
                        write = link((path, other, param, action), same, "")
                        write["parameters"]["header.If-Match"] = "$response.header.ETag"
                        write["description"] = "The same object, refused with 412 if it changed since this answer."
                        guarded[_link_name(other, action)] = write
                add(answered, guarded)
    return result
