"""The 10-day verification window (核销) and the statistics filing days come from the rule book, and each
decision keeps the version that set it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.utils import timezone

from hazards.choices import DEADLINE_VERIFICATION
from hazards.models import Hazard, HazardStatReport
from hazards.services.stats import stat_report_get_or_create as stat_report_open
from safety_platform.models import StatutoryDeadline
from tests.clock import frozen, shanghai
from tests.hazards.factories import make_hazard
from tests.platform.rule_book import new_version

pytestmark = pytest.mark.django_db


def verification_clock(hazard: Hazard) -> StatutoryDeadline:
    return StatutoryDeadline.objects.get(
        source_type=ContentType.objects.get_for_model(Hazard), source_id=hazard.pk, kind=DEADLINE_VERIFICATION
    )


def test_the_verification_clock_runs_the_rule_books_days_and_records_its_version(
    users: dict[str, Any], xinluo_chem: Any, client: Client
) -> None:
    with frozen(shanghai(2026, 12, 4, 10)):
        hazard = make_hazard(xinluo_chem, state="remediated", inspector=users["inspector"])
        hazard.refresh_from_db()
        assert hazard.verification_rule_version == "2026"
        assert verification_clock(hazard).due_at == timezone.now() + dt.timedelta(days=10)
    client.force_login(users["inspector"])
    page = client.get(hazard.get_absolute_url()).content.decode()
    assert "依据规则版本 2026" in page


def test_a_shorter_window_in_a_new_version_applies_to_later_requests_only(
    users: dict[str, Any], xinluo_chem: Any
) -> None:
    with frozen(shanghai(2026, 12, 4, 10)):
        before = make_hazard(xinluo_chem, state="remediated", inspector=users["inspector"])
    new_version("2027", dt.date(2027, 1, 1), hazards__verification_days=5)
    with frozen(shanghai(2027, 1, 1, 9)):
        after = make_hazard(xinluo_chem, state="remediated", inspector=users["inspector"], title="另一处泄漏")
        assert verification_clock(after).due_at == timezone.now() + dt.timedelta(days=5)
    before.refresh_from_db()
    after.refresh_from_db()
    assert (before.verification_rule_version, after.verification_rule_version) == ("2026", "2027")
    assert verification_clock(before).due_at == shanghai(2026, 12, 14, 10)


def test_the_statistics_filing_day_is_the_rule_books(users: dict[str, Any], xinluo_chem: Any) -> None:
    report = stat_report_open(enterprise=xinluo_chem, kind="quarter", year=2026, quarter=3)
    assert (report.due_on, report.rule_version) == (dt.date(2026, 10, 15), "2026")
    annual = stat_report_open(enterprise=xinluo_chem, kind="year", year=2026)
    assert annual.due_on == dt.date(2027, 1, 31)
    new_version("2027", dt.date(2027, 1, 1), hazards__statistics__quarter_filing_days=20)
    report = stat_report_open(enterprise=xinluo_chem, kind="quarter", year=2027, quarter=1)
    assert (report.due_on, report.rule_version) == (dt.date(2027, 4, 20), "2027")
    assert HazardStatReport.objects.get(year=2026, quarter=3).rule_version == "2026"
