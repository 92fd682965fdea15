"""One statutory clock: deadlines escalate inspector → county office → committee office, once per level."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone, translation

from safety_platform.models import Notification, StatutoryDeadline
from safety_platform.services import deadline_met, deadline_open, deadlines_escalate, fact_record, notify
from safety_platform.signals import deadline_escalated, fact_recorded
from tests.clock import shanghai
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.clock(shanghai(2026, 12, 4, 10))]


@pytest.fixture
def county_inspector(org: Any) -> Any:
    user = UserFactory(username="county_insp", role="inspector")
    user.jurisdictions.add(org.jurisdiction("新罗区"))
    return user


@pytest.fixture
def grid_inspector(org: Any) -> Any:
    user = UserFactory(username="grid_insp", role="inspector")
    user.jurisdictions.add(org.jurisdiction("新罗区/东城街道/东城第一网格"))
    return user


@pytest.fixture
def committee(org: Any) -> Any:
    return UserFactory(username="committee_staff", role="committee")


def _open(enterprise: Any, due_at: dt.datetime) -> StatutoryDeadline:
    # Any saved row can carry a clock; the enterprise itself is the simplest source here.
    return deadline_open(
        source=enterprise, kind="test_rectification", title="限期整改", due_at=due_at, enterprise=enterprise, url="/x/"
    )


def test_escalation_walks_up_one_level_per_step_and_notifies_once(
    xinluo_chem: Any, grid_inspector: Any, county_inspector: Any, committee: Any
) -> None:
    now = timezone.now()
    deadline = _open(xinluo_chem, now - dt.timedelta(hours=1))
    heard: list[int] = []

    def listener(sender: Any, deadline: Any, level: int, **kwargs: Any) -> None:
        heard.append(level)

    deadline_escalated.connect(listener)
    try:
        with translation.override("en"):
            assert deadlines_escalate(now=now) == 1
        assert deadlines_escalate(now=now) == 0  # running twice notifies once
        assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["grid_insp"]
        assert Notification.objects.get().title == "[逾期] 限期整改"  # stored in Chinese, whatever is active
        assert deadlines_escalate(now=now + dt.timedelta(days=3)) == 1
        assert Notification.objects.filter(recipient=county_inspector).count() == 1
        assert deadlines_escalate(now=now + dt.timedelta(days=7)) == 1
        assert deadlines_escalate(now=now + dt.timedelta(days=30)) == 0
        assert Notification.objects.filter(recipient=committee).count() == 1
        assert Notification.objects.count() == 3
    finally:
        deadline_escalated.disconnect(listener)
    assert heard == [1, 2, 3]
    deadline.refresh_from_db()
    assert deadline.escalation_level == 3


def test_a_long_overdue_deadline_notifies_every_level_it_skipped(
    xinluo_chem: Any, grid_inspector: Any, county_inspector: Any, committee: Any
) -> None:
    _open(xinluo_chem, timezone.now() - dt.timedelta(days=10))
    deadlines_escalate()
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {
        "grid_insp",
        "county_insp",
        "committee_staff",
    }


def test_met_and_future_deadlines_do_not_escalate(xinluo_chem: Any, shanghang_site: Any, grid_inspector: Any) -> None:
    _open(xinluo_chem, timezone.now() - dt.timedelta(days=1))
    deadline_met(source=xinluo_chem)
    _open(shanghang_site, timezone.now() + dt.timedelta(days=1))
    assert deadlines_escalate() == 0
    assert not Notification.objects.exists()


def test_moving_a_deadline_restarts_its_escalation(xinluo_chem: Any, grid_inspector: Any) -> None:
    _open(xinluo_chem, timezone.now() - dt.timedelta(days=1))
    deadlines_escalate()
    deadline = _open(xinluo_chem, timezone.now() + dt.timedelta(days=5))
    assert deadline.escalation_level == 0 and deadline.is_open and not deadline.is_overdue
    assert StatutoryDeadline.objects.count() == 1


def test_deadlines_are_scoped(xinluo_chem: Any, shanghang_site: Any, users: dict[str, Any]) -> None:
    _open(xinluo_chem, timezone.now())
    _open(shanghang_site, timezone.now())
    assert StatutoryDeadline.objects.visible_to(users["inspector"]).count() == 1
    assert StatutoryDeadline.objects.visible_to(users["committee"]).count() == 2
    assert StatutoryDeadline.objects.visible_to(users["enterprise"]).get().enterprise == xinluo_chem


def test_the_clocks_of_a_source_by_kind(xinluo_chem: Any, shanghang_site: Any, org: Any) -> None:
    """`StatutoryDeadline.objects.of(source, kind)`: one lookup of a source's clocks (an object, or a whole model)."""
    mine = _open(xinluo_chem, timezone.now())
    other_kind = deadline_open(source=xinluo_chem, kind="test_other", title="其他", due_at=timezone.now())
    theirs = _open(shanghang_site, timezone.now())
    of_another_model = deadline_open(
        source=org.jurisdiction("新罗区"), kind="test_rectification", title="辖区", due_at=timezone.now()
    )
    assert set(StatutoryDeadline.objects.of(xinluo_chem)) == {mine, other_kind}
    assert list(StatutoryDeadline.objects.of(xinluo_chem, "test_rectification")) == [mine]
    assert set(StatutoryDeadline.objects.of(type(xinluo_chem), "test_rectification")) == {mine, theirs}
    assert list(StatutoryDeadline.objects.of(org.jurisdiction("新罗区"))) == [of_another_model]
    deadline_met(source=xinluo_chem, kind="test_rectification")
    assert list(StatutoryDeadline.objects.of(xinluo_chem).open()) == [other_kind]


def test_notify_with_dedup_key_is_idempotent(users: dict[str, Any]) -> None:
    assert notify(recipients=[users["committee"], users["inspector"]], title="t", dedup_key="k") == 2
    assert notify(recipients=[users["committee"], users["inspector"]], title="t", dedup_key="k") == 0
    assert Notification.objects.count() == 2


def test_fact_is_recorded_once_and_announced_after_commit(
    xinluo_chem: Any, django_capture_on_commit_callbacks: Any
) -> None:
    heard: list[Any] = []

    def listener(sender: Any, fact: Any, **kwargs: Any) -> None:
        heard.append(fact)

    fact_recorded.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            fact, created = fact_record(
                kind="accident",
                dedup_key="accident:1:1",
                occurred_at=timezone.now(),
                enterprise=xinluo_chem,
                payload={"grade": "general"},
            )
            again, created_again = fact_record(
                kind="accident", dedup_key="accident:1:1", occurred_at=timezone.now(), enterprise=xinluo_chem
            )
    finally:
        fact_recorded.disconnect(listener)
    assert created and not created_again and again.pk == fact.pk
    assert heard == [fact]
    assert fact.jurisdiction == xinluo_chem.jurisdiction


def test_notification_page_lists_own_notifications_and_marks_them_read(client: Any, users: dict[str, Any]) -> None:
    notify(recipients=[users["inspector"]], title="重大隐患上报")
    notify(recipients=[users["committee"]], title="别人的通知")
    client.force_login(users["inspector"])
    page = client.get("/notifications/").content.decode()
    assert "重大隐患上报" in page and "别人的通知" not in page
    home = client.get("/").content.decode()
    assert 'data-testid="unread-count">1<' in home
    client.post("/notifications/read/")
    assert not Notification.objects.filter(recipient=users["inspector"], read_at__isnull=True).exists()


def test_home_counts_of_open_clocks_are_read_from_the_open_clocks_index(
    xinluo_chem: Any, committee: Any, county_inspector: Any
) -> None:
    """Among millions of met clocks the open ones are few: their counts must come from the partial index of open
    clocks alone (an index-only scan), not from rows spread over the whole table."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from safety_platform.selectors import deadline_counts_for
    from tests.plans import plan_without_seqscan

    now = timezone.now()
    _open(xinluo_chem, now - dt.timedelta(days=1))
    assert deadline_counts_for(committee) == {"open": 1, "overdue": 1}
    assert deadline_counts_for(county_inspector) == {"open": 1, "overdue": 1}
    if connection.vendor != "postgresql":
        return
    with CaptureQueriesContext(connection) as queries:
        deadline_counts_for(committee)
    plan = plan_without_seqscan(queries.captured_queries[-1]["sql"])
    assert '"Node Type": "Index Only Scan"' in plan and "deadline_open_idx" in plan, plan


def test_home_counts_of_open_clocks_add_up_the_scope_part_by_part(
    xinluo_chem: Any, shanghang_site: Any, org: Any, users: dict[str, Any]
) -> None:
    """An inspector's or county office's clocks are those of the enterprises in their areas plus the county's own
    duties there (no enterprise): counted part by part (the OR of both in one query joins every open clock to its
    enterprise first), each clock once, the same numbers as the list."""
    from safety_platform.selectors import deadline_counts_for

    now = timezone.now()
    _open(xinluo_chem, now - dt.timedelta(days=1))  # 新罗区/东城街道/东城第一网格, overdue
    _open(shanghang_site, now + dt.timedelta(days=3))  # 上杭县
    for place, due in (("新罗区/东城街道", now - dt.timedelta(hours=1)), ("上杭县/临江镇", now + dt.timedelta(days=1))):
        town = org.jurisdiction(place)
        deadline_open(source=town, kind="test_duty", title="县级任务", due_at=due, jurisdiction=town)
    deadline_open(source=xinluo_chem, kind="test_report", title="报告", due_at=now - dt.timedelta(days=2))
    deadline_met(source=xinluo_chem, kind="test_report", at=now)  # met: counts nowhere
    assert deadline_counts_for(users["county_office"]) == {"open": 2, "overdue": 2}  # 新罗区: the works, the duty
    assert deadline_counts_for(users["inspector"]) == {"open": 2, "overdue": 2}
    assert deadline_counts_for(users["committee"]) == {"open": 4, "overdue": 2}
    assert deadline_counts_for(users["enterprise"]) == {"open": 1, "overdue": 1}
    assert deadline_counts_for(users["department_zjj"]) == {"open": 1, "overdue": 0}  # the construction site
    for user in users.values():
        visible = StatutoryDeadline.objects.open().visible_to(user)
        parts = [
            set(part.values_list("pk", flat=True)) for part in StatutoryDeadline.objects.open().visible_parts(user)
        ]
        assert sum(len(part) for part in parts) == len(set().union(*parts))  # no clock in two parts
        assert set().union(*parts) == set(visible.values_list("pk", flat=True)), user.username
        assert deadline_counts_for(user) == {"open": visible.count(), "overdue": visible.overdue(now).count()}
