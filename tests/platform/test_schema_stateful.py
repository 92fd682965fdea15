"""Chains of operations on one object answer what the schema says (schemathesis stateful testing on OpenAPI links).

`tests/platform/test_schema_all.py` sends each operation alone, naming objects the demo data holds. Here
schemathesis follows the links the schema publishes (`safety_platform.api.schema.add_links`) and the ones it
infers itself: it creates an object, then reads it, changes it with the `ETag` it was given in `If-Match`,
acts on it, reads it again — with the ids and versions real answers gave. Every answer must be documented
(no 5xx, a listed status, a body and headers matching that status's schema) and schemathesis's other checks
hold (a created object can be read; a successful request is refused without the token or with a wrong one).

Bounded and repeatable (derandomized): `MAX_SCENARIOS` scenarios of at most `MAX_STEPS` calls for each of
two roles, valid requests only — the enterprise on its own records (employees, their training, risk
sources, hazards it reports; in this run the employee chains get furthest: create → read → update/replace
→ post change, compliance) and the township inspector on hazards (register → read → assess → start…).
Requests go through the whole WSGI stack with the role's API token, in the test's transaction. About 50 s
for both roles at load average ~10 on a two-core machine.

What it found, fixed: a hazard "found" in year 156 was registered (its found_at answered with Asia/Shanghai's
local-mean-time offset, no valid date-time); an /api/ path no route matches answered Django's HTML 404.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.handlers.wsgi import WSGIHandler
from hypothesis import HealthCheck, Phase, settings

from tests.clock import shanghai
from tests.platform.test_schema_all import RAW_SCHEMA

pytestmark = [pytest.mark.django_db, pytest.mark.clock(shanghai(2026, 12, 4, 10))]

MAX_SCENARIOS = 40
MAX_STEPS = 6
UNKNOWABLE = ("risk_source", "campaign")
NAME_THE_ENTERPRISE = {"/api/v1/hazards/", "/api/v1/employees/", "/api/v1/risk-sources/"}
# The object routes each role's chains run on: collection, object, its actions.
CHAINS = {
    "enterprise": r"^/api/v1/(hazards|employees|training-records|risk-sources)/(\{id\}/([\w-]+/)?)?$",
    "inspector_town": r"^/api/v1/hazards/(\{id\}/((assess|start|extend|progress|plan)/)?)?$",
}


def machine_for(role: str, token: str, values: dict[str, Any], steps: list[dict[str, Any]]) -> Any:
    import schemathesis
    from schemathesis.generation import GenerationMode

    schema = (
        schemathesis.openapi.from_dict(copy.deepcopy(RAW_SCHEMA))
        .include(path_regex=CHAINS[role])
        .exclude(method="GET", path_regex=r"^/api/v1/[\w-]+/$")  # the lists: test_schema_all's
    )
    schema.app = WSGIHandler()

    # The role's credentials as schemathesis's own auth: its `ignored_auth` check then also sends a successful
    # request without them and with a wrong key, and expects a refusal.
    @schema.auth()
    class RoleToken:
        def get(self, case: Any, context: Any) -> str:
            return token

        def set(self, case: Any, data: str, context: Any) -> None:
            case.headers = {**(case.headers or {}), "Authorization": f"Token {data}"}

    # A schema-valid value the platform refuses with its documented 400 naming the field (an id outside the
    # caller's scope, a deadline in the past) is the platform's rule, not a schema violation.
    schema.config.checks.update(excluded_check_names=["positive_data_acceptance"])
    # Valid requests only (test_schema_all and the bad-input tests send the invalid ones): a chain goes on
    # only from an object that was created.
    schema.config.generation.modes = [GenerationMode.POSITIVE]
    base = schema.as_state_machine()

    class Machine(base):  # type: ignore[misc, valid-type]
        def before_call(self, case: Any) -> None:
            # Only the role's token: a generated session cookie (the schema's `cookieAuth`) would make
            # schemathesis take the request for one with made-up credentials that should be refused.
            if case.cookies:
                case.cookies.pop("sessionid", None)
            # Objects the generator cannot know: the role's own enterprise and one of its employees; no risk
            # source or campaign (optional; a made-up id is a 400).
            body = case.body
            if isinstance(body, dict):
                for field, value in values.items():
                    if field in body:
                        body[field] = value
                if case.method.upper() == "POST" and case.path in NAME_THE_ENTERPRISE:
                    body["enterprise"] = values["enterprise"]  # optional for the enterprise, required for staff
                for field in UNKNOWABLE:
                    body.pop(field, None)

        def step(self, input: Any) -> Any:
            output = super().step(input)
            transition = input.transition
            steps.append(
                {
                    "operation": f"{input.case.method.upper()} {input.case.path}",
                    "status": output.response.status_code,
                    "body": output.response.text[:160],  # for the assertion's message
                    "link": None if transition is None else transition.id,
                    "inferred": transition is not None and transition.is_inferred,
                    "applied": [name for _location, name in input.applied_parameters],
                }
            )
            return output

    return Machine


@pytest.fixture
def connection_kept() -> Iterator[None]:
    """The requests run in the test's transaction: a request's end must not close the connection (as the
    test client does, `close_old_connections` is disconnected while they run)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.mark.parametrize("role", sorted(CHAINS))
def test_chains_of_operations_on_one_object_answer_what_the_schema_says(
    role: str, users: dict[str, Any], xinluo_chem: Any, connection_kept: None
) -> None:
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from enterprises.models import Employee

    user = users[role]
    token = Token.objects.create(user=user).key
    employee = Employee.objects.create(
        enterprise=xinluo_chem,
        name="张三",
        post="操作工",
        posted_on=dt.date(2024, 1, 1),
        current_post_since=dt.date(2024, 1, 1),
    )
    # A deadline ahead (assessing, extending): one in the past is refused with a 400, and the chain ends there.
    deadline = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    values = {"enterprise": xinluo_chem.pk, "employee": employee.pk, "deadline": deadline}
    steps: list[dict[str, Any]] = []
    machine = machine_for(role, token, values, steps)
    machine.run(
        settings=settings(
            max_examples=MAX_SCENARIOS,
            stateful_step_count=MAX_STEPS,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
    )
    # The chains reached the objects: a create succeeded, and a step that took its id from a link answered 2xx.
    assert any(step["status"] == 201 for step in steps), steps[:20]
    linked = [step for step in steps if step["link"] and "id" in step["applied"] and 200 <= step["status"] < 300]
    assert linked, [(step["operation"], step["status"], step["body"]) for step in steps if step["link"]][:10]
