"""Shared fixtures: Longyan reference data, one user per role, enterprises; service markers.

Tests marked `postgres`, `redis` or `browser` need real services. They are skipped where the
service is missing, except when REQUIRE_SERVICES=1 (CI), where a missing service fails the run.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings

from tests.factories import EnterpriseFactory, UserFactory

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
CHROMIUM = "/usr/bin/chromium"


def _service_missing(marker: str) -> str | None:
    if marker == "postgres":
        engine = settings.DATABASES["default"]["ENGINE"]
        return None if engine == "django.db.backends.postgresql" else "needs PostgreSQL (set DATABASE_URL)"
    if marker == "redis":
        return None if os.environ.get("REDIS_URL") else "needs Redis and a Celery worker (set REDIS_URL)"
    if marker == "browser":
        return None if shutil.which(CHROMIUM) or os.path.exists(CHROMIUM) else "needs /usr/bin/chromium"
    return None


SERVICE_MARKERS = ("postgres", "redis", "browser")
_skipped_service_tests: list[str] = []


def pytest_runtest_setup(item: Any) -> None:
    for marker in SERVICE_MARKERS:
        if item.get_closest_marker(marker) is None:
            continue
        reason = _service_missing(marker)
        if reason is None:
            continue
        if REQUIRE_SERVICES:
            pytest.fail(f"REQUIRE_SERVICES=1 but this test {reason}", pytrace=False)
        pytest.skip(reason)


def pytest_runtest_logreport(report: Any) -> None:
    # An expected failure (xfail) is reported as "skipped" too, but it ran on the service: not a skip.
    if report.skipped and not hasattr(report, "wasxfail") and any(m in report.keywords for m in SERVICE_MARKERS):
        _skipped_service_tests.append(report.nodeid)


def pytest_sessionfinish(session: Any, exitstatus: int) -> None:
    # CI must exercise every service test: a skip there (however it happened) fails the run.
    if REQUIRE_SERVICES and _skipped_service_tests:
        print(f"\nERROR: service tests skipped under REQUIRE_SERVICES=1: {_skipped_service_tests}")
        session.exitstatus = 1


# Rows that data migrations create (rule sets, risk bandings, the Decree 493 table). A transactional
# test (live_server, concurrency tests) ends with a flush that empties every table. pytest-django runs
# those tests after all the others, so what follows a flush is another transactional test: put the
# data back for it — with the reference data and schedules — as a fresh database would have it.
DATA_MIGRATIONS = [
    ("credit.migrations.0002_default_rule_set", "create_default_rule_set"),
    ("credit.migrations.0011_penalty_rules", "create_penalty_rule_set"),
    ("emergency.migrations.0002_rules_catalogs_append_only", "forwards"),
    ("hazards.migrations.0003_default_risk_bandings", "create"),
    ("assessment.migrations.0002_default_scheme", "create_default_scheme"),
    ("assessment.migrations.0005_default_department_scheme", "create_default_department_scheme"),
    ("safety_platform.migrations.0009_rule_numbers", "create_2026"),
    ("supervision.migrations.0002_plans", "seed_default_rules"),
    ("supervision.migrations.0004_enforcement", "create_default_rules"),
]


def _restore_migration_data() -> None:
    from importlib import import_module

    from django.apps import apps

    from safety_platform.management.commands.seed_reference import load_reference_data
    from safety_platform.schedules import ensure_schedules

    for module, function in DATA_MIGRATIONS:
        getattr(import_module(module), function)(apps, None)
    load_reference_data()
    ensure_schedules()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: Any, nextitem: Any) -> Any:
    yield  # every fixture, including the flush of a transactional test, has been torn down here
    marker = item.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server", "django_db_serialized_rollback"} & set(getattr(item, "fixturenames", ()))
    )
    if not transactional or nextitem is None:  # after the last test the test database is already gone
        return
    from pytest_django.plugin import blocking_manager_key

    with item.config.stash[blocking_manager_key].unblock():
        _restore_migration_data()


@pytest.fixture(autouse=True)
def _clock(request: Any) -> Iterator[None]:
    """`@pytest.mark.clock(moment)` (usually a module's `pytestmark`): the test, its fixtures and the
    factories it calls read `moment` from Python's clock, whatever day the suite runs on. The clock starts
    there and runs on (rows created one after another keep their order) unless `tick=False`; a test may
    still travel further with `frozen(...)` or the `time_machine` fixture. An autouse fixture is set up
    before the test's other function-scoped fixtures, so those see the moment too."""
    marker = request.node.get_closest_marker("clock")
    if marker is None or marker.args[0] is None:  # clock(None): a test with real workers keeps the real clock
        yield
        return
    import time_machine

    with time_machine.travel(marker.args[0], tick=marker.kwargs.get("tick", True)):
        yield


@pytest.fixture(autouse=True)
def _same_fake_data() -> None:
    """Faker's made-up values (the users' Chinese names) are the same in every run of a test: a name that
    happened to contain a searched character, or to sort before another, made the outcome a matter of chance."""
    import factory.random

    factory.random.reseed_random("safety-platform")


@pytest.fixture(autouse=True)
def _media_root(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.VAR_DIR = tmp_path / "var"  # seed_demo keeps the demo API key there: never the developer's var/


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Each test starts in the platform's default language (Chinese). A request sent in English leaves English
    active in the test's thread (LocaleMiddleware activates the request's language and never resets it), and
    pytest-django runs the tests without a database last: a test that renders a form's Chinese error then failed
    or passed by which tests its worker happened to run before it."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Each test starts with an empty (local-memory) cache: cached figures are keyed by data (the newest
    change's time) that a test run after a rolled-back one, on a frozen clock, can repeat."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    """Load Longyan's reference data once into the test database (each test rolls back on top of it)."""
    from safety_platform.management.commands.seed_reference import load_reference_data

    with django_db_blocker.unblock():
        load_reference_data()
    yield
    # A request thread of the live server (browser tests) can keep its own PostgreSQL session open,
    # and the test database then cannot be dropped at the end of the run: close those sessions first.
    from django.db import connection

    if connection.vendor == "postgresql":
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )


@pytest.fixture
def reference(db: Any) -> Any:
    """Longyan's jurisdictions, industries and departments (the real reference data).

    Normally already there from the session setup; a transactional test's flush removes it, and
    then it is reloaded (a few bulk INSERTs).
    """
    from safety_platform.management.commands.seed_reference import load_reference_data
    from safety_platform.models import Jurisdiction
    from safety_platform.reference_data import CITY

    city = Jurisdiction.objects.filter(code=CITY[1]).first()
    return city if city is not None else load_reference_data()


class Org:
    """Handy accessors for the reference data."""

    def jurisdiction(self, path: str) -> Any:
        from safety_platform.models import Jurisdiction

        node = None
        for name in path.split("/"):
            qs = Jurisdiction.objects.filter(name=name)
            node = (qs.filter(parent=node) if node else qs).get()
        return node

    def department(self, code: str) -> Any:
        from safety_platform.models import Department

        return Department.objects.get(code=code)

    def industry(self, code: str) -> Any:
        from safety_platform.models import Industry

        return Industry.objects.get(code=code)


@pytest.fixture
def org(reference: Any) -> Org:
    return Org()


@pytest.fixture
def xinluo_chem(org: Org) -> Any:
    """A hazardous-chemicals enterprise in 新罗区/东城街道 (supervised by 应急管理局)."""
    return EnterpriseFactory(
        name="龙岩市东城化工有限公司",
        jurisdiction=org.jurisdiction("新罗区/东城街道/东城第一网格"),
        industry=org.industry("C2614"),
        risk_category="hazardous_chemicals",
    )


@pytest.fixture
def shanghang_site(org: Org) -> Any:
    """A construction site in 上杭县 (supervised by 住建局)."""
    return EnterpriseFactory(
        name="上杭县临江建筑有限公司",
        jurisdiction=org.jurisdiction("上杭县/临江镇/临江第一网格"),
        industry=org.industry("E4710"),
        risk_category="construction",
    )


@pytest.fixture
def users(org: Org, xinluo_chem: Any) -> dict[str, Any]:
    """One user per role. The inspector covers 新罗区; the enterprise user belongs to xinluo_chem."""
    inspector = UserFactory(username="inspector", role="inspector")
    inspector.jurisdictions.add(org.jurisdiction("新罗区"))
    town_inspector = UserFactory(username="inspector_town", role="inspector")
    town_inspector.jurisdictions.add(org.jurisdiction("新罗区/东城街道"))
    county_office = UserFactory(username="county_office", role="county_office")
    county_office.jurisdictions.add(org.jurisdiction("新罗区"))
    return {
        "admin": UserFactory(username="admin", role="admin", is_staff=True, is_superuser=True),
        "committee": UserFactory(username="committee", role="committee"),
        "county_office": county_office,  # 新罗区安委办
        "inspector": inspector,
        "inspector_town": town_inspector,
        "department": UserFactory(username="dept_yjj", role="department", department=org.department("yjj")),
        "department_zjj": UserFactory(username="dept_zjj", role="department", department=org.department("zjj")),
        "enterprise": UserFactory(username="enterprise", role="enterprise", enterprise=xinluo_chem),
    }


@pytest.fixture
def api_client() -> Any:
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture
def drf_calls(monkeypatch: Any) -> list[str]:
    """The paths DRF dispatched (the fast path dispatches none)."""
    from rest_framework.views import APIView

    calls: list[str] = []
    dispatch = APIView.dispatch

    def spy(self: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(request.path)
        return dispatch(self, request, *args, **kwargs)

    monkeypatch.setattr(APIView, "dispatch", spy)
    return calls
