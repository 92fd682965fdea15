"""Filing hazard statistics: one filing, one credit outcome; the form says it is late before it is sent;
opening a report writes nothing."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from credit.models import CreditRecord
from credit.services import credit_facts_ingest_pending
from hazards.models import HazardStatReport
from hazards.services import hazard_register, stat_report_get_or_create
from safety_platform.models import Fact
from safety_platform.services import deadlines_escalate

pytestmark = pytest.mark.django_db

TZ = dt.timezone(dt.timedelta(hours=8))
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.I)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=TZ)


def statistics_outcomes(enterprise: Any) -> list[tuple[str, str]]:
    """(kind, period) of every statistics fact of an enterprise."""
    facts = Fact.objects.filter(enterprise=enterprise, kind__in=["self_report_filed", "self_report_late"])
    return sorted((f.kind, f.payload.get("period", "")) for f in facts)


@pytest.fixture
def q3_report(xinluo_chem: Any) -> HazardStatReport:
    with time_machine.travel(at(dt.date(2025, 10, 2)), tick=False):
        found = at(dt.date(2025, 8, 1))
        hazard_register(enterprise=xinluo_chem, title="报警仪失效", description="", source="inspection", found_at=found)
        return stat_report_get_or_create(enterprise=xinluo_chem, kind="quarter", year=2025, quarter=3)


def test_opening_a_draft_report_writes_nothing_and_shows_the_figures_as_they_stand(
    client: Any, users: dict[str, Any], q3_report: HazardStatReport
) -> None:
    client.force_login(users["enterprise"])
    with time_machine.travel(at(dt.date(2025, 10, 10)), tick=False), CaptureQueriesContext(connection) as queries:
        response = client.get(q3_report.get_absolute_url())
    assert response.status_code == 200
    writes = [q["sql"] for q in queries.captured_queries if WRITE.match(q["sql"])]
    assert writes == []
    assert response.context["figures"][0][1] == 1  # hazards found: computed from the records, for display only
    q3_report.refresh_from_db()
    assert q3_report.found_total == 0 and q3_report.status == "draft"


def test_the_form_says_before_sending_whether_the_filing_is_on_time_or_late(
    client: Any, users: dict[str, Any], q3_report: HazardStatReport
) -> None:
    client.force_login(users["enterprise"])
    with time_machine.travel(at(dt.date(2025, 10, 15), 22), tick=False):
        page = client.get(q3_report.get_absolute_url()).content.decode()
    assert 'data-testid="due-notice"' in page and 'data-testid="late-notice"' not in page
    assert "2025-10-15" in page and "按时报送" in page
    with time_machine.travel(at(dt.date(2025, 10, 16), 9), tick=False):
        page = client.get(q3_report.get_absolute_url()).content.decode()
    assert 'data-testid="late-notice"' in page and 'data-testid="due-notice"' not in page
    notice = re.search(r'data-testid="late-notice".*?</div>', page, re.S)
    assert notice is not None
    text = re.sub(r"<[^>]+>|\s+", "", notice.group(0))
    assert "已逾期" in text and "2025-10-15" in text and "逾期报送" in text and "信用" in text


def test_a_late_filing_gives_only_the_late_outcome_once(
    client: Any, users: dict[str, Any], q3_report: HazardStatReport, xinluo_chem: Any
) -> None:
    client.force_login(users["enterprise"])
    with time_machine.travel(at(dt.date(2025, 10, 20)), tick=False):
        deadlines_escalate()  # the clock has passed: the report is flagged late before it is filed
        response = client.post(q3_report.get_absolute_url(), {"note": "补报"}, follow=True)
        assert "逾期" in response.content.decode()
        again = client.post(q3_report.get_absolute_url(), {"note": "再次报送"})
        assert again.status_code == 200  # refused with a message, nothing filed twice
        deadlines_escalate()
    q3_report.refresh_from_db()
    assert q3_report.is_submitted and q3_report.was_late
    assert statistics_outcomes(xinluo_chem) == [("self_report_late", "2025Q3")]
    credit_facts_ingest_pending()
    codes = list(CreditRecord.objects.filter(enterprise=xinluo_chem).values_list("rule_code", flat=True))
    assert sorted(c for c in codes if c.startswith("HAZ-REPORT")) == ["HAZ-REPORT-LATE"]


def test_an_on_time_filing_gives_only_the_good_outcome(
    client: Any, users: dict[str, Any], q3_report: HazardStatReport, xinluo_chem: Any
) -> None:
    client.force_login(users["enterprise"])
    with time_machine.travel(at(dt.date(2025, 10, 14)), tick=False):
        client.post(q3_report.get_absolute_url(), {"note": ""})
    with time_machine.travel(at(dt.date(2025, 10, 30)), tick=False):
        deadlines_escalate()  # its clock stopped when it was filed: no late outcome afterwards
    assert statistics_outcomes(xinluo_chem) == [("self_report_filed", "2025Q3")]
    credit_facts_ingest_pending()
    codes = list(CreditRecord.objects.filter(enterprise=xinluo_chem).values_list("rule_code", flat=True))
    assert sorted(c for c in codes if c.startswith("HAZ-REPORT")) == ["HAZ-REPORT-ONTIME"]


def test_demo_enterprise_filing_the_last_quarter_late_has_one_outcome_per_quarter(client: Any) -> None:
    """The demo once recorded an on-time filing for the quarter that the demo enterprise still had to file,
    so filing it (late) gave that quarter both a good record and a penalty."""
    from safety_platform.management.commands.seed_demo import seed_demo
    from safety_platform.models import User

    with time_machine.travel(at(dt.date(2026, 12, 3)), tick=True):
        seed_demo()
        company = User.objects.get(username="enterprise")
        client.force_login(company)
        client.post(reverse("hazards:stats_generate"), {"period": "quarter:2026:3"})
        report = HazardStatReport.objects.get(enterprise=company.enterprise, year=2026, quarter=3)
        page = client.get(report.get_absolute_url()).content.decode()
        assert 'data-testid="late-notice"' in page
        client.post(report.get_absolute_url(), {"note": ""})
    assert statistics_outcomes(company.enterprise) == [
        ("self_report_filed", "2026Q2"),  # the demo's own filing, on time
        ("self_report_late", "2026Q3"),
    ]
    credit_facts_ingest_pending()
    codes = CreditRecord.objects.filter(enterprise=company.enterprise, rule_code__startswith="HAZ-REPORT")
    assert sorted(codes.values_list("rule_code", flat=True)) == ["HAZ-REPORT-LATE", "HAZ-REPORT-ONTIME"]


def test_the_list_marks_a_draft_past_its_due_date_and_shows_no_figures_before_filing(
    client: Any, users: dict[str, Any], q3_report: HazardStatReport
) -> None:
    client.force_login(users["enterprise"])
    for day, late in ((dt.date(2025, 10, 15), False), (dt.date(2025, 10, 16), True)):
        with time_machine.travel(at(day), tick=False):
            page = client.get(reverse("hazards:stats_list")).content.decode()
        row = re.search(r'data-testid="stats-row">.*?</tr>', page, re.S)
        assert row is not None
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(0), re.S)
        assert cells[1:3] == ["—", "—"]  # the figures are computed when it is filed, not stored before
        assert ("逾期" in cells[-1]) is late, cells[-1]
