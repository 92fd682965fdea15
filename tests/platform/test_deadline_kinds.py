"""Statutory deadlines read by their kind's name: the admin showed "credit_proposal" in the change form, the list and
its filter. Each app names its clocks where it defines them (`register_deadline_kind`)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from safety_platform.deadline_kinds import deadline_kind_label, registered_kinds
from safety_platform.services import deadline_open
from tests.clock import shanghai

pytestmark = pytest.mark.clock(shanghai(2026, 12, 4, 10))

ROOT = Path(__file__).resolve().parents[2]
APPS = ("safety_platform", "enterprises", "hazards", "credit", "emergency", "assessment", "supervision")


def _sources() -> dict[Path, str]:
    return {
        p: p.read_text(encoding="utf-8")
        for app in APPS
        for p in (ROOT / app).rglob("*.py")
        if "migrations" not in p.parts
    }


def test_every_clock_the_apps_open_is_named() -> None:
    sources = _sources()
    named = {m for text in sources.values() for m in re.findall(r"^(\w+) = register_deadline_kind\(", text, re.M)}
    unnamed = []
    for path, text in sources.items():
        for call in re.finditer(r"deadline_(?:open|met|cancel)\((.{0,600}?)\)\n", text, re.S):
            for kind in re.findall(r"\bkind=([A-Za-z_]+)", call.group(1)):
                if kind not in named and kind != "kind":
                    unnamed.append(f"{path.relative_to(ROOT)}: {kind}")
    assert named and not unnamed, unnamed


def test_every_name_reads_in_chinese() -> None:
    with translation.override("zh-hans"):
        english = {kind: str(label) for kind, label in registered_kinds().items() if str(label).isascii()}
        forwarded = deadline_kind_label("emergency.accident.forward.city")
    assert len(registered_kinds()) >= 18 and not english, english
    assert forwarded == "事故逐级上报"
    assert deadline_kind_label("test_duty") == "test_duty"  # a kind no app named keeps its key


@pytest.mark.django_db
def test_the_admin_names_the_kind_in_its_list_filter_and_form(
    client: Any, users: dict[str, Any], xinluo_chem: Any
) -> None:
    from credit.services.proposals import PROPOSAL_DEADLINE_KIND

    deadline = deadline_open(
        source=xinluo_chem,
        kind=PROPOSAL_DEADLINE_KIND,
        title="确认拟记入的信用记录",
        due_at=timezone.now() + dt.timedelta(days=5),
        enterprise=xinluo_chem,
    )
    client.force_login(users["admin"])
    changelist = client.get(
        reverse("admin:safety_platform_statutorydeadline_changelist"), HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert changelist.count("拟记入信用记录的确认") >= 2  # the row and the filter
    assert "credit_proposal</td>" not in changelist
    filtered = client.get(
        reverse("admin:safety_platform_statutorydeadline_changelist"), {"kind": PROPOSAL_DEADLINE_KIND}
    )
    assert list(filtered.context["cl"].result_list) == [deadline]
    url = reverse("admin:safety_platform_statutorydeadline_change", args=[deadline.pk])
    form = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert re.search(r'<option value="credit_proposal" selected>拟记入信用记录的确认</option>', form)


@pytest.mark.django_db
def test_the_admin_names_a_facts_kind_in_its_list_filter_and_page(
    client: Any, users: dict[str, Any], xinluo_chem: Any
) -> None:
    """Facts (what one app records for credit and the assessment to read) read by their kind's name too."""
    from safety_platform.choices import FactKind
    from safety_platform.services import fact_record

    fact, _created = fact_record(
        kind=FactKind.HAZARD_OVERDUE, dedup_key="test:overdue", enterprise=xinluo_chem, occurred_at=timezone.now()
    )
    client.force_login(users["admin"])
    changelist_url = reverse("admin:safety_platform_fact_changelist")
    changelist = client.get(changelist_url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert changelist.count("隐患逾期未整改") >= 2  # the row and the filter
    assert "hazard_overdue</td>" not in changelist and ">hazard_overdue<" not in changelist
    assert list(client.get(changelist_url, {"kind": "hazard_overdue"}).context["cl"].result_list) == [fact]
    assert list(client.get(changelist_url, {"kind": "accident"}).context["cl"].result_list) == []
    page = client.get(
        reverse("admin:safety_platform_fact_change", args=[fact.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert "隐患逾期未整改" in page and "hazard_overdue" not in page
