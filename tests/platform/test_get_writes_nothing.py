"""A GET changes nothing anywhere: no page of any app writes to the database when it is opened.

Every demo login (a) walks the site from its home page the way `test_crawl` does (every link it is shown,
every search form as it stands) and (b) opens every pattern of the URL conf of the web apps: every
pattern without parameters, and every pattern of the hazards app with the parameters filled from the
demo data (POST-only actions must refuse a GET without writing either). Every query of every GET is
captured; an INSERT, UPDATE or DELETE fails the test with the page that sent it. The one write allowed is
the session row (Django saves a session it changed, e.g. to carry a flash message to the next page).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from tests.clock import shanghai
from tests.platform.test_crawl import DEMO_LOGINS, crawl

# The demo's dates (a report not yet filed for last quarter, deadlines due) stand on a chosen day.
pytestmark = pytest.mark.clock(shanghai(2026, 12, 4, 10))

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE|MERGE)\b", re.I)
ALLOWED_TABLES = ("django_session",)
WEB_NAMESPACES = ("enterprises", "hazards", "credit", "emergency", "assessment", "supervision")


class WriteWatchingClient(Client):
    """A test client that records every write query sent while answering a GET (or HEAD)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.writes: list[str] = []

    def get(self, path: str, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        with CaptureQueriesContext(connection) as queries:
            response = super().get(path, *args, **kwargs)
            if response.streaming:  # a download's queries run while it is read
                b"".join(response.streaming_content)
                response.streaming_content = iter(())
        for query in queries.captured_queries:
            sql = query["sql"]
            if WRITE.match(sql) and not any(table in sql for table in ALLOWED_TABLES):
                self.writes.append(f"GET {path}: {sql[:300]}")
        return response


def _patterns(resolver: URLResolver, namespace: str = "") -> list[tuple[str, URLPattern]]:
    out: list[tuple[str, URLPattern]] = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}".strip(":") if entry.namespace else namespace
            out.extend(_patterns(entry, inner))
        elif entry.name:
            out.append((namespace, entry))
    return out


def web_url_names() -> list[tuple[str, list[str]]]:
    """(namespaced name, parameter names) of every named pattern of the web UI apps and the shell."""
    names = []
    for namespace, pattern in _patterns(get_resolver()):
        if namespace and namespace.split(":")[0] not in WEB_NAMESPACES:
            continue
        params = list(pattern.pattern.regex.groupindex)
        names.append((f"{namespace}:{pattern.name}" if namespace else pattern.name, params))
    return names


def hazards_arguments() -> dict[str, dict[str, Any]]:
    """Parameters of the hazards app's patterns, taken from the demo data (a pattern whose object the demo
    lacks is left out and reported by the coverage check)."""
    from hazards.models import Campaign, Checklist, Hazard, HazardAttachment, HazardStatReport, RiskSource, SelfCheck

    def first(model: Any) -> Any:
        return model.objects.order_by("pk").first()

    hazard, attachment, risk = first(Hazard), first(HazardAttachment), first(RiskSource)
    campaign, checklist, check = first(Campaign), first(Checklist), first(SelfCheck)
    report = HazardStatReport.objects.filter(status="draft").order_by("pk").first() or first(HazardStatReport)
    candidates: dict[str, dict[str, Any] | None] = {
        "hazards:detail": hazard and {"pk": hazard.pk},
        "hazards:act": hazard and {"pk": hazard.pk, "action": "assess"},
        "hazards:plan": hazard and {"pk": Hazard.objects.filter(grade="major").order_by("pk").first().pk},
        "hazards:attachment": attachment and {"pk": attachment.pk},
        "hazards:risk_detail": risk and {"pk": risk.pk},
        "hazards:risk_edit": risk and {"pk": risk.pk},
        "hazards:risk_card": risk and {"pk": risk.pk},
        "hazards:risk_card_regenerate": risk and {"pk": risk.pk},
        "hazards:card_public": risk and {"token": risk.card_token},
        "hazards:campaign_detail": campaign and {"pk": campaign.pk},
        "hazards:campaign_edit": campaign and {"pk": campaign.pk},
        "hazards:selfcheck_create": checklist and {"checklist_id": checklist.pk},
        "hazards:selfcheck_detail": check and {"pk": check.pk},
        "hazards:stats_detail": report and {"pk": report.pk},
    }
    return {name: kwargs for name, kwargs in candidates.items() if kwargs}


@pytest.fixture
def demo(db: Any) -> Any:
    """The demo data, plus an all-compliant self-check of the demo enterprise (the demo has none)."""
    from hazards.models import Checklist
    from hazards.services import previous_period, stat_report_get_or_create
    from hazards.services.selfcheck import Answer, self_check_submit
    from safety_platform.management.commands.seed_demo import seed_demo
    from safety_platform.models import User

    seed_demo()
    company = User.objects.get(username="enterprise")
    checklist = Checklist.objects.for_industry(company.enterprise.industry).order_by("pk").first()
    answers = [Answer(item_id=item.pk, outcome="ok") for item in checklist.items.filter(is_active=True)]
    self_check_submit(actor=company, checklist=checklist, answers=answers)
    # A statistics report not yet filed: its page once refreshed the stored figures on every GET.
    year, quarter = previous_period(timezone.localdate(), "quarter")
    stat_report_get_or_create(enterprise=company.enterprise, kind="quarter", year=year, quarter=quarter)


def _client(username: str | None) -> WriteWatchingClient:
    from safety_platform.models import User

    client = WriteWatchingClient()
    if username:
        client.force_login(User.objects.get(username=username))
    return client


def test_the_watcher_sees_a_write_on_get(demo: Any) -> None:
    """The check can fail: a page that writes while answering a GET is caught, with the page named."""
    from django.core.signals import request_started

    from safety_platform.models import Notification

    def writes_during_the_request(**kwargs: Any) -> None:
        Notification.objects.filter(read_at__isnull=True).update(read_at=None)

    client = _client("inspector")
    request_started.connect(writes_during_the_request)
    try:
        client.get(reverse("notifications"))
    finally:
        request_started.disconnect(writes_during_the_request)
    assert client.writes and client.writes[0].startswith("GET /notifications/: UPDATE")
    client.writes.clear()
    client.get(reverse("notifications"))
    assert client.writes == []


@pytest.mark.parametrize("username", DEMO_LOGINS)
def test_no_get_of_any_page_writes_to_the_database(demo: Any, username: str) -> None:
    client = _client(username)
    result = crawl(client)
    assert result.pages >= 30, f"{username}: the walk reached only {result.pages} pages"
    hazards_args = hazards_arguments()
    for name, params in web_url_names():
        if params and name not in hazards_args:
            continue  # reached through the links of the walk, with real objects
        client.get(reverse(name, kwargs=hazards_args.get(name) or {}))
    assert not client.writes, f"{username}: {len(client.writes)} writes on GET:\n" + "\n".join(client.writes)


def test_every_hazards_page_is_walked(demo: Any) -> None:
    """The URL-conf walk reaches every pattern of the hazards app (so a new page cannot slip past)."""
    hazards_names = {name for name, _params in web_url_names() if name.startswith("hazards:")}
    assert hazards_names - {n for n, p in web_url_names() if not p} - set(hazards_arguments()) == set()
    anonymous = _client(None)
    anonymous.get(reverse("hazards:card_public", kwargs=hazards_arguments()["hazards:card_public"]))
    assert not anonymous.writes, anonymous.writes
