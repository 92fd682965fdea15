"""The hazard summary (`HazardMonthSummary`, what the dashboards read) equals a count of the hazards themselves
after every kind of change: registration, each step of the loop, voiding, deletion, an enterprise moved to
another area or department, and after the nightly rebuild (also after a change that bypassed the model)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from assessment.dashboards import build, parse_period
from enterprises.registry.services import enterprises_rederive_departments
from hazards.choices import HazardState, VoidKind
from hazards.models import Hazard, HazardMonthSummary
from hazards.services import (
    hazard_close,
    hazard_list_supervision,
    hazard_void,
)
from hazards.services.summary import hazard_summary_rebuild
from hazards.tasks import hazard_summary_rebuild_task
from tests.assessment.helpers import at, hazard
from tests.clock import shanghai
from tests.factories import EnterpriseFactory
from tests.hazards.factories import make_hazard

pytestmark = [pytest.mark.django_db, pytest.mark.clock(shanghai(2026, 12, 4, 10))]

OPEN = {"registered", "assessed", "reported", "rectifying", "remediated"}
RECTIFYING = {"assessed", "reported", "rectifying"}


def _month(moment: dt.datetime | dt.date) -> dt.date:
    day = timezone.localtime(moment).date() if isinstance(moment, dt.datetime) else moment
    return day.replace(day=1)


def counted_by_hand() -> dict[tuple, dict[str, int]]:
    """The summary's rows counted one hazard at a time in Python (not the rebuild's SQL)."""
    rows: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for h in Hazard.objects.select_related("enterprise"):
        if h.state == HazardState.VOIDED:
            continue
        e = h.enterprise
        place = (e.jurisdiction_id, e.industry_id, e.supervising_department_id or 0)
        rows[(*place, _month(h.found_at))]["found"] += 1
        if h.closed_at:
            rows[(*place, _month(h.closed_at))]["closed"] += 1
        if h.state in OPEN:
            rows[(*place, _month(h.found_at))]["open"] += 1
            if h.grade == "major":
                rows[(*place, _month(h.found_at))]["major_open"] += 1
            if h.grade == "major" and h.is_listed:
                rows[(*place, _month(h.found_at))]["major_listed"] += 1
        if h.state in RECTIFYING and h.deadline:
            rows[(*place, _month(h.deadline))]["due"] += 1
    return {key: {k: v for k, v in values.items() if v} for key, values in rows.items() if any(values.values())}


def summary() -> dict[tuple, dict[str, int]]:
    out = {}
    for row in HazardMonthSummary.objects.all():
        values = {
            figure: getattr(row, figure)
            for figure in ("found", "closed", "open", "major_open", "major_listed", "due")
            if getattr(row, figure)
        }
        if values:  # rows whose counts went back to 0 may stay
            out[(row.jurisdiction_id, row.industry_id, row.department_ref, row.month)] = values
    return out


def test_summary_follows_the_loop_from_registration_to_close(users: Any, xinluo_chem: Any) -> None:
    inspector = users["inspector"]
    steps = ["registered", "assessed", "reported", "rectifying", "remediated"]
    hazards = [make_hazard(xinluo_chem, state=state, grade="major", inspector=inspector) for state in steps]
    assert summary() == counted_by_hand()
    assert sum(v.get("open", 0) for v in summary().values()) == 5
    assert sum(v.get("major_open", 0) for v in summary().values()) == 4  # registered: not graded yet
    assert sum(v.get("due", 0) for v in summary().values()) == 3  # assessed, reported, rectifying

    hazard_list_supervision(hazard_id=hazards[2].pk, actor=users["committee"])  # reported
    assert summary() == counted_by_hand()
    assert sum(v.get("major_listed", 0) for v in summary().values()) == 1

    hazard_close(hazard_id=hazards[4].pk, actor=inspector)
    assert summary() == counted_by_hand()
    assert sum(v.get("closed", 0) for v in summary().values()) == 1
    assert sum(v.get("open", 0) for v in summary().values()) == 4


def test_voided_and_deleted_hazards_leave_the_summary(users: Any, xinluo_chem: Any) -> None:
    report = make_hazard(xinluo_chem, state="registered", source="worker_report")
    kept = hazard(xinluo_chem, found_at=at(2026, 3, 5), deadline=dt.date(2026, 4, 1))
    gone = hazard(xinluo_chem, found_at=at(2026, 3, 31, 23, 30), closed_at=at(2026, 4, 1, 0, 10))
    assert summary() == counted_by_hand()

    hazard_void(hazard_id=report.pk, actor=users["inspector"], kind=VoidKind.values[0], reason="重复举报")
    assert summary() == counted_by_hand()
    gone.delete()
    assert summary() == counted_by_hand()
    march = HazardMonthSummary.objects.get(month=dt.date(2026, 3, 1))
    assert (march.found, march.open) == (1, 1)  # `kept` only
    assert not HazardMonthSummary.objects.filter(month=dt.date(2026, 4, 1), closed__gt=0).exists()
    assert Hazard.objects.filter(pk=kept.pk).exists()


def test_an_enterprise_moved_takes_its_hazards_counts_along(org: Any, users: Any, xinluo_chem: Any) -> None:
    hazard(xinluo_chem, found_at=at(2026, 5, 5), deadline=dt.date(2026, 6, 1))
    hazard(xinluo_chem, found_at=at(2026, 5, 6), closed_at=at(2026, 6, 2))
    assert summary() == counted_by_hand()

    xinluo_chem.jurisdiction = org.jurisdiction("上杭县/临江镇/临江第一网格")
    xinluo_chem.save()
    assert summary() == counted_by_hand()
    assert {key[0] for key in summary()} == {xinluo_chem.jurisdiction_id}

    xinluo_chem.supervising_department = org.department("zjj")
    xinluo_chem.save(update_fields=["supervising_department"])
    assert summary() == counted_by_hand()


def test_departments_rederived_in_bulk_move_the_counts(org: Any, xinluo_chem: Any) -> None:
    hazard(xinluo_chem, found_at=at(2026, 5, 5), deadline=dt.date(2026, 6, 1))
    # A bulk UPDATE (no model signal) as the re-derivation does it: the rebuild it triggers recounts.
    type(xinluo_chem).objects.filter(pk=xinluo_chem.pk).update(
        supervising_department=org.department("zjj"), department_set_manually=False
    )
    enterprises_rederive_departments()
    assert summary() == counted_by_hand()


def test_rebuild_repairs_a_change_that_bypassed_the_model_and_is_idempotent(xinluo_chem: Any) -> None:
    other = EnterpriseFactory(jurisdiction=xinluo_chem.jurisdiction, industry=xinluo_chem.industry)
    for day in (3, 17):
        hazard(xinluo_chem, found_at=at(2026, 7, day), deadline=dt.date(2026, 8, day))
        hazard(other, found_at=at(2026, 7, day), closed_at=at(2026, 9, day))
    Hazard.objects.filter(enterprise=other).update(closed_at=at(2026, 10, 1))  # no signal: the summary lags
    assert summary() != counted_by_hand()

    assert hazard_summary_rebuild_task.delay().get() > 0
    assert summary() == counted_by_hand()
    first = list(HazardMonthSummary.objects.order_by("jurisdiction", "industry", "month").values())
    hazard_summary_rebuild()
    again = list(HazardMonthSummary.objects.order_by("jurisdiction", "industry", "month").values())
    assert [{k: v for k, v in row.items() if k != "id"} for row in first] == [
        {k: v for k, v in row.items() if k != "id"} for row in again
    ]


def test_overdue_counts_the_days_of_this_month_before_today(users: Any, xinluo_chem: Any) -> None:
    with time_machine.travel(at(2026, 11, 20), tick=False):
        hazard(xinluo_chem, found_at=at(2026, 10, 1), deadline=dt.date(2026, 10, 31))  # last month
        hazard(xinluo_chem, found_at=at(2026, 10, 2), deadline=dt.date(2026, 11, 19))  # this month, yesterday
        hazard(xinluo_chem, found_at=at(2026, 10, 3), deadline=dt.date(2026, 11, 20))  # today: not yet
        hazard(xinluo_chem, found_at=at(2026, 10, 4), deadline=dt.date(2026, 12, 1))
        hazard(xinluo_chem, found_at=at(2026, 10, 5), deadline=dt.date(2026, 11, 1), state="remediated")
        board = build(users["committee"], xinluo_chem.jurisdiction.parent.parent.parent, parse_period("2026Q4"))
        overdue = board.table("by_area").total["overdue"].value
        assert overdue == Hazard.objects.overdue().count() == 2


def test_a_stale_instance_saved_with_update_fields_counts_the_row_as_stored(users: Any, xinluo_chem: Any) -> None:
    """The demo's pattern: a hazard read earlier, moved on by a service, then one field saved from the old
    instance. Only that field changes in the row; the summary must follow the row, not the stale instance."""
    from hazards.services import hazard_assess

    stale = make_hazard(xinluo_chem, state="registered", inspector=users["inspector"])
    hazard_assess(
        hazard_id=stale.pk,
        actor=users["inspector"],
        grade="general",
        deadline=timezone.localdate() + dt.timedelta(days=40),
        responsible_person="机电科",
    )
    assert stale.state == "registered"  # the instance in memory did not see the assessment
    stale.deadline = timezone.localdate() - dt.timedelta(days=40)
    stale.save(update_fields=["deadline"])
    assert summary() == counted_by_hand()
    assert sum(v.get("due", 0) for v in summary().values()) == 1


def test_an_enterprise_save_reads_its_stored_row_once_for_every_listener(org: Any, xinluo_chem: Any) -> None:
    """The hazard summary (place) and the training summary (risk category) both compare the row as stored before
    the save: one read serves both; a save of other fields reads nothing and moves nothing."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    hazard(xinluo_chem, found_at=at(2026, 5, 5), deadline=dt.date(2026, 6, 1))
    xinluo_chem.jurisdiction = org.jurisdiction("上杭县/临江镇/临江第一网格")
    xinluo_chem.risk_category = "hazardous_chemicals"
    with CaptureQueriesContext(connection) as queries:
        xinluo_chem.save()
    reads = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith("SELECT")
        and 'FROM "enterprises_enterprise" WHERE "enterprises_enterprise"."id" =' in q["sql"]
    ]
    # The audit trail reads the whole row for its diff; the listeners' columns are one read of their own.
    whole_row = [sql for sql in reads if '"enterprises_enterprise"."credit_code"' in sql]
    assert len(whole_row) <= 1 and len(reads) - len(whole_row) == 1, reads
    assert summary() == counted_by_hand()
    assert {key[0] for key in summary()} == {xinluo_chem.jurisdiction_id}

    # Changed on the instance but not saved (update_fields names another column): the counts stay.
    xinluo_chem.jurisdiction = org.jurisdiction("新罗区/东城街道/东城第一网格")
    with CaptureQueriesContext(connection) as queries:
        xinluo_chem.save(update_fields=["name"])
    selects = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]
    assert all('"enterprises_enterprise"."credit_code"' in sql for sql in selects), selects  # the audit's only
    xinluo_chem.refresh_from_db()
    assert summary() == counted_by_hand()
