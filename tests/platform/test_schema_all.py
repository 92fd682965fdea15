"""Every operation of the published OpenAPI schema answers what the schema says, to every role (schemathesis).

Department systems generate clients from `/api/schema/`: an answer the schema does not list, or a body it
does not describe, breaks them. For each operation schemathesis generates valid requests from the schema,
derandomized so a run is repeatable, sent on the demo data (`seed_demo`):

- `MAX_EXAMPLES` with the session of a demo role that may use the operation and the ids of objects that
  role sees, and once naming an id that does not exist (the documented 404);
- `OTHER_EXAMPLES` with each of the other credentials in `CREDENTIALS` (committee, county and township
  inspectors, department staff, the enterprise, the administrator, a department API key, an enterprise's
  push key and no credentials at all), naming objects that credential sees, and one more naming the first
  object of the role above, which it may not see.

Every answer must be documented: no 5xx, a status code the operation lists, a body that matches that
status's schema (a refusal is a 401/403/404 with the `Error` body). Without credentials an operation that
declares security answers 401 every time, whatever the input. A user naming an object outside what the
view's queryset shows them (`visible_to`) never gets a success (2xx/3xx), whatever the method.

The role of the first bullet is the first of `ROLES` whose plain request is not refused (401/403) and that
sees an object for the route; the check that at least one of its answers was neither a refusal nor a 404
keeps that choice honest. Cost: about 170 s of CPU for the module on PostgreSQL, test database and demo data
included (one role per operation cost about 70 s); CI's two workers share it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import TestCase, override_settings
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from tests.platform.schema_check import response_errors

MAX_EXAMPLES = 5
# Each other credential: two generated requests per operation keep the module inside CI's time budget
# (10 credentials x ~200 operations); a refusal is decided before the input matters.
OTHER_EXAMPLES = 2
ROLES = ["inspector", "dept_yjj", "committee", "enterprise", "dept_zjj", "admin", "county_office"]
# Where the first role the plain request lets in is refused by the service once the input is valid.
ROLE_FOR = {
    "/api/v1/standardization-certificates/{id}/revoke/": "committee",
    "/api/v1/emergency/dispatch-orders/{id}/reject/": "committee",  # city-level staff
    "/api/v1/exit-proposals/{id}/decide/": "committee",  # the committee office
    "/api/v1/employees/{id}/post-change/": "enterprise",  # the enterprise keeps its people's records
}
MISSING_ID = 987654321
PUSH_PATH = "/api/v1/hazards/push/"  # an enterprise system's API key, not a user's session
DEPARTMENT_KEY = "department API key"
PUSH_KEY = "enterprise API key"
ANONYMOUS = "no credentials"
# Every way in: each demo role (inspector: a county's; inspector_town: a township's), both kinds of API key
# and none.
CREDENTIALS = [
    "committee",
    "county_office",
    "inspector",
    "inspector_town",
    "dept_yjj",
    "dept_zjj",
    "enterprise",
    "admin",
    DEPARTMENT_KEY,
    PUSH_KEY,
    ANONYMOUS,
]
USERNAMES = sorted({*ROLES, *CREDENTIALS} - {DEPARTMENT_KEY, PUSH_KEY, ANONYMOUS})


def _raw_schema() -> dict[str, Any]:
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    # As /api/schema/ serves it (decimals as numbers).
    return json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))


RAW_SCHEMA = _raw_schema()
OPERATIONS = [(path, method) for path, ops in RAW_SCHEMA["paths"].items() for method in ops]


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any) -> Iterator[dict[str, Any]]:
    """The demo data, loaded once for the module inside a transaction that is rolled back at its end
    (each test runs in a savepoint inside it)."""
    from safety_platform.choices import ApiScope
    from safety_platform.management.commands.seed_demo import seed_demo
    from safety_platform.models import User
    from safety_platform.services import api_key_create

    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("media"))):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            # What waits for a commit (credit's rules that propose blacklist entries) runs as after a commit.
            with TestCase.captureOnCommitCallbacks(execute=True):
                seed_demo()
            users = {user.username: user for user in User.objects.filter(username__in=USERNAMES)}
            _evaluate_an_accident(users["committee"])
            _key, push_key = api_key_create(
                name="schema test push",
                enterprise=users["enterprise"].enterprise,
                scopes=[ApiScope.HAZARDS_PUSH, ApiScope.HAZARDS_READ],
            )
            _key, department_key = api_key_create(
                name="schema test department",
                department=users["dept_yjj"].department,
                scopes=[scope for scope in ApiScope.values if scope != ApiScope.HAZARDS_PUSH],
            )
            yield {"users": users, "push_key": push_key, "department_key": department_key, "ids": {}}
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _evaluate_an_accident(actor: Any) -> None:
    """The demo has no accident evaluation nor corrective measure: give the routes that need one an object."""
    import datetime as dt

    from django.utils import timezone

    from emergency import services as em
    from emergency.models import Accident

    accident = Accident.objects.visible_to(actor).order_by("pk").first()
    assert accident is not None, "the demo data has no accident"
    evaluation = em.evaluation_save(actor=actor, accident=accident, causes="违章动火", lessons="加强动火审批")
    em.measure_add(
        actor=actor,
        evaluation=evaluation,
        description="动火作业票制度",
        responsible="安全科",
        due_on=timezone.localdate() + dt.timedelta(days=30),
    )


# Requests ---------------------------------------------------------------------------------------


def _query_value(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return [_query_value(v) for v in value]
    return "" if value is None else str(value)


def _form_value(value: Any) -> Any:
    if isinstance(value, bytes | bytearray):
        return SimpleUploadedFile("upload.bin", bytes(value))
    if isinstance(value, dict | list):
        return json.dumps(value)  # a form field holds text
    return _query_value(value)


def send(client: APIClient, method: str, path: str, *, query: Any = None, body: Any = None, **kwargs: Any) -> Any:
    media_type = kwargs.pop("media_type", None)
    headers = {f"HTTP_{k.upper().replace('-', '_')}": str(v) for k, v in (kwargs.pop("headers", None) or {}).items()}
    if query:
        from urllib.parse import urlencode

        path = f"{path}?{urlencode({k: _query_value(v) for k, v in query.items()}, doseq=True)}"
    if method == "get" or body is None:
        return client.generic(method.upper(), path, **headers)
    if media_type == "multipart/form-data":
        data = {key: _form_value(value) for key, value in (body or {}).items() if value is not None}
        return getattr(client, method)(path, data=data, format="multipart", **headers)
    if media_type == "application/x-www-form-urlencoded":
        from urllib.parse import urlencode

        encoded = urlencode({k: _query_value(v) for k, v in body.items()}, doseq=True)
        return client.generic(method.upper(), path, encoded, content_type=media_type, **headers)
    return client.generic(method.upper(), path, json.dumps(body), content_type="application/json", **headers)


def problems_of(path: str, method: str, response: Any, label: str) -> list[str]:
    """What the answer does not have in common with the schema (nothing when it conforms)."""
    status = response.status_code
    where = f"{method.upper()} {path} [{label}] → {status}"
    if status >= 500:
        return [f"{where}: server error {response.content[:300]!r}"]
    documented = RAW_SCHEMA["paths"][path][method]["responses"]
    if str(status) not in documented:
        return [f"{where}: status not documented (documented: {sorted(documented)}) {response.content[:200]!r}"]
    content = documented[str(status)].get("content")
    if status in (204, 304) or not content:
        return (
            [] if not response.content else [f"{where}: documented without a body, answered {response.content[:100]!r}"]
        )
    media_type = response.get("Content-Type", "").split(";")[0].strip()
    if media_type not in content:
        return [f"{where}: content type {media_type} not documented ({sorted(content)})"]
    if media_type != "application/json":
        return []
    errors = response_errors(path, method, status, response.json())
    return [f"{where}: {error}" for error in errors[:5]]


# Objects to name in paths ------------------------------------------------------------------------

LOOKUP = re.compile(r"\{(\w+)\}")


def _ids_from(client: APIClient, url: str, field: str) -> list[Any]:
    response = client.get(url, {"page_size": 30}, HTTP_ACCEPT="application/json")
    if response.status_code != 200:
        return []
    body = response.json()
    rows = body.get("results", []) if isinstance(body, dict) else body
    return [row[field] for row in rows if isinstance(row, dict) and row.get(field) is not None]


def object_ids(client: APIClient, user: Any, path: str) -> list[Any]:
    """Values for the path's one `{param}`: the rows the client sees in the list the route hangs off."""
    match = LOOKUP.search(path)
    if match is None:
        return [None]
    field = "code" if match.group(1) == "code" else "id"
    parent = path[: match.start()]
    if user is None:  # an API key: what its lists show
        return _ids_from(client, parent, field) if "get" in RAW_SCHEMA["paths"].get(parent, {}) else []
    if path == "/api/v1/hazards/{id}/plan/":  # the few hazards that have a remediation plan
        from hazards.models import RemediationPlan

        return list(RemediationPlan.objects.visible_to(user).values_list("hazard_id", flat=True)[:30])
    if path == "/api/v1/assessment/objections/{id}/answer/":  # objections are listed inside their result
        from assessment.models import AssessmentResult, Objection

        visible = AssessmentResult.objects.visible_to(user)
        return list(Objection.objects.filter(result__in=visible).order_by("-pk").values_list("pk", flat=True)[:30])
    if ("get" in RAW_SCHEMA["paths"].get(parent, {})) and parent != "/api/v1/":
        return _ids_from(client, parent, field)
    if parent == "/api/v1/siting-reviews/":  # no list of its own: the reviews of each project
        ids: list[Any] = []
        for project in _ids_from(client, "/api/v1/high-risk-projects/", "id"):
            ids += _ids_from(client, f"/api/v1/high-risk-projects/{project}/reviews/", "id")
        return ids
    return []


def model_ids(user: Any, path: str) -> list[Any]:
    """The objects of the view's own queryset the user sees (a list may show only some of them)."""
    from django.urls import resolve

    view_class = getattr(resolve(_path_with(path, 1)).func, "cls", None)
    queryset = getattr(view_class, "queryset", None)
    if queryset is None:
        return []
    queryset = queryset.all()
    if hasattr(queryset, "visible_to"):
        queryset = queryset.visible_to(user)
    return list(queryset.order_by("-pk").values_list("pk", flat=True)[:30])


def sees(user: Any, path: str, value: Any) -> bool | None:
    """Whether `user` sees the object `value` names in the path, by the view's own queryset and `visible_to`
    (None: the route names something else, or the view has no scoped queryset)."""
    from django.urls import resolve

    if user is None or value is None or LOOKUP.search(path).group(1) != "id":  # type: ignore[union-attr]
        return None
    view_class = getattr(resolve(_path_with(path, value)).func, "cls", None)
    queryset = getattr(view_class, "queryset", None)
    if queryset is None or not hasattr(queryset.all(), "visible_to"):
        return None
    return queryset.all().visible_to(user).filter(pk=value).exists()


def _path_with(path: str, value: Any) -> str:
    return LOOKUP.sub(str(value), path, count=1)


def credential(demo: dict[str, Any], name: str) -> tuple[APIClient, Any]:
    """A client sending `name`'s credentials, and the user behind them (None for an API key or nobody)."""
    client = APIClient()
    if name == DEPARTMENT_KEY:
        client.credentials(HTTP_AUTHORIZATION=f"Api-Key {demo['department_key']}")
        return client, None
    if name == PUSH_KEY:
        client.credentials(HTTP_AUTHORIZATION=f"Api-Key {demo['push_key']}")
        return client, None
    if name == ANONYMOUS:
        return client, None
    client.force_authenticate(demo["users"][name])
    return client, demo["users"][name]


def ids_for(demo: dict[str, Any], name: str, path: str) -> list[Any]:
    """The objects `name` can name in the path (the demo state: every test rolls back, so kept per module)."""
    key = (name, path)
    if key not in demo["ids"]:
        client, user = credential(demo, name)
        if name == ANONYMOUS:
            ids: list[Any] = [] if LOOKUP.search(path) else [None]
        else:
            ids = object_ids(client, user, path)
            if not ids and user is not None and LOOKUP.search(path):
                ids = model_ids(user, path)
        demo["ids"][key] = ids
    return demo["ids"][key]


def client_for(demo: dict[str, Any], path: str, method: str) -> tuple[APIClient, str, list[Any]]:
    """A client of a role that may use the operation, its name, and the objects it can name in the path."""
    if path == PUSH_PATH:
        return credential(demo, PUSH_KEY)[0], PUSH_KEY, [None]
    fallback: tuple[APIClient, str, list[Any]] | None = None
    for role in [ROLE_FOR[path]] if path in ROLE_FOR else ROLES:
        ids = ids_for(demo, role, path)
        if not ids:
            continue
        client = credential(demo, role)[0]
        fallback = fallback or (client, role, ids)
        probe = send(
            client, method, _path_with(path, ids[0]), body=None if method in ("get", "delete") else {}, media_type=None
        )
        if probe.status_code not in (401, 403, 404):
            return client, role, ids
    assert fallback is not None, f"no demo role sees an object for {path}: add one to the demo data"
    return fallback


def _media_type(operation: dict[str, Any]) -> str | None:
    content = operation.get("requestBody", {}).get("content", {})
    if not content:
        return None
    return "application/json" if "application/json" in content else next(iter(content))


@pytest.fixture(scope="module")
def st_schema() -> Any:
    import schemathesis

    return schemathesis.openapi.from_dict(RAW_SCHEMA)


# Known failures left open at the end of a session (see the closing note); non-strict so a fix shows up.
KNOWN_FAILING: dict[tuple[str, str], str] = {}


def _operation_param(path: str, method: str) -> Any:
    reason = KNOWN_FAILING.get((path, method))
    marks = [pytest.mark.xfail(reason=reason, strict=False)] if reason else []
    return pytest.param(path, method, marks=marks, id=f"{method.upper()} {path}")


def fuzz(
    path: str,
    method: str,
    strategy: Any,
    client: APIClient,
    label: str,
    ids: list[Any],
    max_examples: int,
    hidden: Any = None,
) -> tuple[list[str], list[int]]:
    """Send `max_examples` generated requests as `client`, each naming one of `ids`: the problems and statuses.
    Naming `hidden`, an object the client does not see, must not succeed."""
    media_type = _media_type(RAW_SCHEMA["paths"][path][method])
    problems: list[str] = []
    statuses: list[int] = []

    @settings(
        max_examples=max_examples,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy, pick=st.integers(min_value=0, max_value=len(ids) - 1))
    def check(case: Any, pick: int) -> None:
        url = _path_with(path, ids[pick]) if ids[pick] is not None else path
        headers = {k: v for k, v in (case.headers or {}).items() if k.lower() not in ("authorization", "cookie")}
        try:
            body = case.body
            body = None if type(body).__name__ == "NotSet" else body
        except AttributeError:
            body = None
        response = send(client, method, url, query=case.query, body=body, headers=headers, media_type=media_type)
        statuses.append(response.status_code)
        problems.extend(problems_of(path, method, response, f"{label}: {case.query or ''} {str(body)[:120]}"))
        if hidden is not None and ids[pick] == hidden and response.status_code < 400:
            problems.append(f"{method.upper()} {url} [{label}] → {response.status_code} on an object it does not see")

    check()
    return problems, statuses


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "method"), [_operation_param(p, m) for p, m in OPERATIONS])
def test_the_operation_answers_what_the_schema_says_to_every_role(
    demo: dict[str, Any], st_schema: Any, path: str, method: str
) -> None:
    operation = RAW_SCHEMA["paths"][path][method]
    media_type = _media_type(operation)
    strategy = st_schema[path][method.upper()].as_strategy(**({"media_type": media_type} if media_type else {}))
    problems: list[str] = []

    # Every credential's objects are looked up before any request can change the data.
    others = {name: ids_for(demo, name, path) for name in CREDENTIALS}
    client, role, ids = client_for(demo, path, method)
    if LOOKUP.search(path):
        missing = send(client, method, _path_with(path, MISSING_ID), body=None)
        problems += problems_of(path, method, missing, f"{role}, no such object")
    found, statuses = fuzz(path, method, strategy, client, role, ids, MAX_EXAMPLES)
    problems += found

    for name in CREDENTIALS:
        if name == role:
            continue
        # Its own objects (if it sees any), then once an object of the role above, which it may not see.
        client, user = credential(demo, name)
        hidden = ids[0] if LOOKUP.search(path) and sees(user, path, ids[0]) is False else None
        own = others[name][:3] or ids[:1]
        found, answered = fuzz(path, method, strategy, client, name, own, OTHER_EXAMPLES, hidden)
        problems += found
        if ids[0] not in own:
            found, more = fuzz(path, method, strategy, client, name, ids[:1], 1, hidden)
            problems += found
            answered += more
        if name == ANONYMOUS and "security" in operation:
            assert set(answered) == {401}, (path, name, answered)

    assert not problems, "\n".join(dict.fromkeys(problems))
    # The role was allowed in and named a real object at least once: the examples reached the view's work.
    assert set(statuses) - {401, 403, 404}, f"{role} was refused every time: {statuses}"
