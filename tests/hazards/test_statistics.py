"""Quarterly and annual statistics: generated in SQL from the records, filed on a statutory clock."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from hazards.models import STAT_FIELDS, Hazard, HazardStatReport
from hazards.services import (
    hazard_register,
    stat_figures,
    stat_report_get_or_create,
    stat_report_submit,
    stat_reports_open_due,
)
from safety_platform.models import Fact, StatutoryDeadline
from safety_platform.services import DomainError, deadlines_escalate
from tests.clock import frozen, shanghai

pytestmark = [pytest.mark.django_db, pytest.mark.clock(shanghai(2026, 12, 4, 10))]

TZ = dt.timezone(dt.timedelta(hours=8))
Q3_START, Q3_END = dt.date(2025, 7, 1), dt.date(2025, 9, 30)


def at(day: dt.date, hour: int = 12) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=TZ)


# Which quarter is "the last one", whether a report is late and which period has not ended depend on
# today: every test here runs on a fixed day (after 2025's Q4 ended, before the annual report is due),
# and some again at the boundary where the real clock used to give another answer.
TODAY = shanghai(2026, 1, 20, 10)


@pytest.fixture(autouse=True)
def _today() -> Iterator[None]:
    with frozen(TODAY):
        yield


@pytest.fixture
def quarter_records(xinluo_chem: Any, shanghang_site: Any) -> list[Hazard]:
    """Forty hazards around 2025Q3 in every combination of grade, source, state and timing."""
    rng = random.Random(20250930)
    days = [
        Q3_START - dt.timedelta(days=20),
        Q3_START,
        Q3_START + dt.timedelta(days=40),
        Q3_END,
        Q3_END + dt.timedelta(days=1),
        Q3_END + dt.timedelta(days=30),
    ]
    for n in range(40):
        found = at(rng.choice(days[:4]), hour=rng.choice([0, 12, 23]))
        hazard, _ = hazard_register(
            enterprise=xinluo_chem,
            title=f"隐患{n}",
            description="",
            source=rng.choice(["inspection", "self_check", "joint_inspection", "api_push", "worker_report"]),
            found_at=found,
        )
        grade = rng.choice(["general", "major", ""])
        update: dict[str, Any] = {"grade": grade}
        if grade:
            update["state"] = "assessed"
            update["deadline"] = found.date() + dt.timedelta(days=rng.choice([5, 30, 90]))
            if rng.random() < 0.6:
                submitted = found + dt.timedelta(days=rng.choice([2, 20, 60, 100]))
                update.update(state="remediated", submitted_at=submitted)
                if rng.random() < 0.7:
                    update.update(state="closed", closed_at=submitted + dt.timedelta(days=rng.choice([1, 15])))
        # Test data written straight to the table: the figures must come from whatever the records say.
        Hazard.objects.filter(pk=hazard.pk).update(**update)
    # Another enterprise's hazards never count.
    hazard_register(enterprise=shanghang_site, title="别家", description="", source="inspection", found_at=at(Q3_END))
    return list(Hazard.objects.filter(enterprise=xinluo_chem))


def expected_figures(hazards: list[Hazard], start: dt.date, end: dt.date) -> dict[str, int]:
    """The same figures counted in Python, one hazard at a time, from the definitions."""
    begin = dt.datetime.combine(start, dt.time.min, tzinfo=TZ)
    stop = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=TZ)
    out = dict.fromkeys(STAT_FIELDS, 0)
    for h in hazards:
        found = begin <= h.found_at < stop
        closed = h.closed_at is not None and begin <= h.closed_at < stop
        open_at_end = h.found_at < stop and (h.closed_at is None or h.closed_at >= stop)
        out["found_total"] += found
        out["found_general"] += found and h.grade == "general"
        out["found_major"] += found and h.grade == "major"
        out["found_self"] += found and h.source in ("self_check", "api_push")
        out["closed_total"] += closed
        out["closed_major"] += closed and h.grade == "major"
        out["open_at_end"] += open_at_end
        out["major_open_at_end"] += open_at_end and h.grade == "major"
        out["overdue_at_end"] += (
            open_at_end
            and h.deadline is not None
            and h.deadline <= end
            and (h.submitted_at is None or h.submitted_at >= stop)
        )
    return out


def test_quarter_statistics_match_counts_computed_independently(
    quarter_records: list[Hazard], xinluo_chem: Any
) -> None:
    figures = stat_figures(enterprise_id=xinluo_chem.pk, start=Q3_START, end=Q3_END)
    assert figures == expected_figures(quarter_records, Q3_START, Q3_END)
    # The records hold every source, so "found by the enterprise itself" is a real subset of all finds.
    assert {h.source for h in quarter_records} >= {"inspection", "self_check", "api_push", "worker_report"}
    assert 0 < figures["found_self"] < figures["found_total"]
    assert figures["found_total"] > 0 and figures["closed_total"] > 0 and figures["open_at_end"] > 0
    year = stat_figures(enterprise_id=xinluo_chem.pk, start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31))
    assert year == expected_figures(quarter_records, dt.date(2025, 1, 1), dt.date(2025, 12, 31))


def test_submitting_freezes_the_figures_and_records_the_fact(
    quarter_records: list[Hazard], xinluo_chem: Any, users: dict[str, Any]
) -> None:
    report = stat_report_get_or_create(enterprise=xinluo_chem, kind="quarter", year=2025, quarter=3)
    assert (report.period_start, report.period_end, report.due_on) == (Q3_START, Q3_END, dt.date(2025, 10, 15))
    clock = StatutoryDeadline.objects.get(kind="hazard_statistics", source_id=report.pk)
    assert clock.due_at == at(dt.date(2025, 10, 15), 0).replace(hour=23, minute=59, second=59)
    report = stat_report_submit(report_id=report.pk, actor=users["enterprise"], note="本季度情况")
    assert report.is_submitted and report.was_late  # filed today, long after 15 October 2025
    frozen = {name: getattr(report, name) for name in STAT_FIELDS}
    assert frozen == expected_figures(quarter_records, Q3_START, Q3_END)
    Hazard.objects.filter(enterprise=xinluo_chem).update(found_at=at(Q3_START))  # records change afterwards
    report.refresh_from_db()
    assert {name: getattr(report, name) for name in STAT_FIELDS} == frozen
    fact = Fact.objects.get(dedup_key=f"hazstats:{xinluo_chem.pk}:2025Q3")
    assert fact.kind == "self_report_late" and fact.payload["found_total"] == frozen["found_total"]
    assert not StatutoryDeadline.objects.get(pk=clock.pk).is_open
    with pytest.raises(DomainError) as exc:
        stat_report_submit(report_id=report.pk, actor=users["enterprise"])
    assert exc.value.code == "stat_report_already_submitted"


@pytest.mark.parametrize("moment", [TODAY, shanghai(2026, 1, 31, 23, 30)], ids=["20jan", "due-day-2330"])
def test_report_filed_in_time_is_self_report_filed(
    moment: dt.datetime, xinluo_chem: Any, users: dict[str, Any]
) -> None:
    with frozen(moment):
        report = stat_report_get_or_create(enterprise=xinluo_chem, kind="year", year=2025)
        assert report.due_on == dt.date(2026, 1, 31) and report.quarter == 0
        report = stat_report_submit(report_id=report.pk, actor=users["enterprise"])
    assert not report.was_late
    assert Fact.objects.get(dedup_key=f"hazstats:{xinluo_chem.pk}:2025").kind == "self_report_filed"


@pytest.mark.parametrize("moment", [TODAY, shanghai(2026, 3, 31, 23, 30)], ids=["20jan", "quarter-last-day-2330"])
def test_only_the_enterprise_files_and_only_after_the_period(
    moment: dt.datetime, xinluo_chem: Any, users: dict[str, Any]
) -> None:
    report = stat_report_get_or_create(enterprise=xinluo_chem, kind="quarter", year=2025, quarter=3)
    with pytest.raises(DomainError) as exc:
        stat_report_submit(report_id=report.pk, actor=users["inspector"])
    assert exc.value.code == "forbidden"
    current = stat_report_get_or_create(enterprise=xinluo_chem, kind="quarter", year=2026, quarter=1)
    with frozen(moment), pytest.raises(DomainError) as exc:  # the last evening of 2026Q1 is still in it
        stat_report_submit(report_id=current.pk, actor=users["enterprise"])
    assert exc.value.code == "period_not_ended"


def test_unfiled_report_becomes_late_when_its_clock_escalates_once(xinluo_chem: Any, users: dict[str, Any]) -> None:
    report = stat_report_get_or_create(enterprise=xinluo_chem, kind="quarter", year=2025, quarter=3)
    deadlines_escalate()
    deadlines_escalate()
    facts = Fact.objects.filter(dedup_key=f"hazstats:{xinluo_chem.pk}:2025Q3")
    assert [f.kind for f in facts] == ["self_report_late"] and facts[0].payload["submitted"] is False
    stat_report_submit(report_id=report.pk, actor=users["enterprise"])  # filed later: still one fact
    assert facts.count() == 1


def test_daily_job_opens_last_quarters_reports_once(xinluo_chem: Any, shanghang_site: Any) -> None:
    today = dt.date(2026, 1, 3)
    assert stat_reports_open_due(today=today) == 4  # 2025Q4 and the 2025 annual report, for two enterprises
    assert stat_reports_open_due(today=today) == 0
    assert set(HazardStatReport.objects.values_list("kind", "year", "quarter")) == {
        ("quarter", 2025, 4),
        ("year", 2025, 0),
    }
    assert StatutoryDeadline.objects.filter(kind="hazard_statistics").count() == 4


@pytest.mark.parametrize("moment", [TODAY, shanghai(2026, 1, 1, 0, 30)], ids=["20jan", "new-year-0030"])
def test_enterprise_opens_and_submits_a_report_in_the_portal(
    moment: dt.datetime, client: Any, xinluo_chem: Any, users: dict[str, Any], time_machine: Any
) -> None:
    from hazards.services import previous_period

    # At 00:30 on 1 January in Shanghai (still 31 December in UTC) the last quarter is 2025Q4 already.
    time_machine.move_to(moment, tick=False)
    assert previous_period(timezone.localdate(), "quarter") == (2025, 4)
    client.force_login(users["enterprise"])
    response = client.post(reverse("hazards:stats_generate"), {"period": "quarter:2025:4"})
    report = HazardStatReport.objects.get()
    assert response.status_code == 302 and response["Location"] == report.get_absolute_url()
    page = client.get(report.get_absolute_url()).content.decode()
    assert 'data-testid="submit-stats"' in page
    response = client.post(report.get_absolute_url(), {"note": "无重大隐患"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.is_submitted and report.submitted_by == users["enterprise"]
    response = client.post(reverse("hazards:stats_generate"), {"period": "quarter:1999:9"})
    assert response.status_code == 302 and HazardStatReport.objects.count() == 1
