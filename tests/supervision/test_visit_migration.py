"""Credit's bare visit rows move into inspections (supervision 0003, credit 0010): every visit, nothing lost."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from safety_platform.models import Fact
from supervision.models import Inspection
from tests.factories import EnterpriseFactory, UserFactory

BEFORE = [("supervision", "0002_plans"), ("credit", "0009_rule_numbers")]


def _latest() -> list[tuple[str, str]]:
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_every_visit_becomes_an_inspection_with_its_day_inspector_note_event_and_time(org: Any) -> None:
    enterprise = EnterpriseFactory(
        name="迁移测试化工", jurisdiction=org.jurisdiction("新罗区/东城街道"), industry=org.industry("C2614")
    )
    other = EnterpriseFactory(
        name="迁移测试矿山", jurisdiction=org.jurisdiction("永定区"), industry=org.industry("B0610")
    )
    inspector = UserFactory(username="old_inspector", role="inspector")
    fact = Fact.objects.create(
        kind="inspection_conducted",
        dedup_key="inspection:old:1",
        occurred_at=dt.datetime(2025, 9, 9, 2, tzinfo=dt.UTC),  # the visit's day, whatever day the suite runs
        enterprise=enterprise,
        payload={"inspector_id": inspector.pk},
    )
    latest = _latest()
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        old = executor.loader.project_state(BEFORE).apps
        Visit = old.get_model("credit", "SupervisionVisit")
        created = dt.datetime(2025, 3, 1, 9, 30, tzinfo=dt.UTC)
        rows = [
            Visit.objects.create(
                enterprise_id=enterprise.pk, visited_on=dt.date(2025, 3, 1), inspector_id=inspector.pk, note="年度检查"
            ),
            Visit.objects.create(enterprise_id=enterprise.pk, visited_on=dt.date(2025, 9, 9), fact_id=fact.pk),
            Visit.objects.create(enterprise_id=other.pk, visited_on=dt.date(2024, 12, 31), note="x" * 300),
        ]
        Visit.objects.filter(pk=rows[0].pk).update(created_at=created)
        expected = sorted(
            (v.enterprise_id, v.visited_on, v.inspector_id, v.note, v.fact_id)
            for v in Visit.objects.all()  # as stored
        )
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(latest)

    moved = sorted(
        (i.enterprise_id, i.inspected_on, i.inspector_id, i.note, i.fact_id) for i in Inspection.objects.all()
    )
    assert moved == expected
    first = Inspection.objects.get(enterprise=enterprise, inspected_on=dt.date(2025, 3, 1))
    assert first.created_at == created
    assert first.reason == "planned" and first.created_by is None
    assert Inspection.objects.get(fact=fact).inspected_on == dt.date(2025, 9, 9)
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    assert "credit_supervisionvisit" not in tables
