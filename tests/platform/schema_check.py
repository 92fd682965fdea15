"""Check API responses against the OpenAPI schema the platform publishes (what client generators trust).

OpenAPI 3.0 is not quite JSON Schema: `nullable: true` becomes a "null" alternative here, then jsonschema
(a drf-spectacular dependency) validates the body against the operation's documented response.
"""

from __future__ import annotations

import copy
import functools
from typing import Any

import jsonschema


@functools.cache
def openapi() -> dict[str, Any]:
    from drf_spectacular.generators import SchemaGenerator

    return _nullable_to_json_schema(copy.deepcopy(SchemaGenerator().get_schema(request=None, public=True)))


def _nullable_to_json_schema(node: Any) -> Any:
    if isinstance(node, list):
        return [_nullable_to_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _nullable_to_json_schema(value) for key, value in node.items()}
    for bound, exclusive in (("maximum", "exclusiveMaximum"), ("minimum", "exclusiveMinimum")):
        if node.get(exclusive) is True:  # OpenAPI 3.0's boolean form
            node[exclusive] = node.pop(bound)
        elif node.get(exclusive) is False:
            del node[exclusive]
    if node.pop("nullable", False):
        return {"anyOf": [node, {"type": "null"}]}
    return node


def response_errors(path: str, method: str, status: int, body: Any) -> list[str]:
    """Every way `body` departs from the documented response of (path template, method, status)."""
    schema = openapi()
    operation = schema["paths"][path][method.lower()]
    documented = operation["responses"][str(status)]["content"]["application/json"]["schema"]
    validator = jsonschema.Draft202012Validator({**documented, "components": schema["components"]})
    return [
        f"{'/'.join(str(p) for p in error.absolute_path)}: {error.message}" for error in validator.iter_errors(body)
    ]
