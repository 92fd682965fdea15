"""On PostgreSQL: two users acting at once cannot both win; the history cannot be edited or deleted."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from hazards.models import Hazard, HazardAttachment, HazardTransition
from hazards.services import hazard_close, hazard_register, hazard_reject
from safety_platform.services import DomainError
from tests.clock import shanghai
from tests.hazards.factories import make_hazard

pytestmark = [pytest.mark.postgres, pytest.mark.clock(shanghai(2026, 12, 4, 10))]


def _race(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls in threads released together; each thread uses (and closes) its own connection."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except Exception as exc:  # the loser's DomainError is the point of the test
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.mark.django_db(transaction=True)
def test_two_inspectors_closing_and_rejecting_at_once_only_one_wins(users: dict[str, Any], xinluo_chem: Any) -> None:
    hazard = make_hazard(xinluo_chem, state="remediated", inspector=users["inspector"])
    results = _race(
        lambda: hazard_close(hazard_id=hazard.pk, actor=users["inspector"], note="核查通过"),
        lambda: hazard_reject(hazard_id=hazard.pk, actor=users["inspector_town"], note="不合格"),
    )
    winners = [r for r in results if isinstance(r, Hazard)]
    losers = [r for r in results if isinstance(r, DomainError)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert losers[0].code == "conflict"
    hazard.refresh_from_db()
    assert hazard.state == winners[0].state
    # Exactly one of the two steps was recorded.
    assert HazardTransition.objects.filter(hazard=hazard, action__in=["close", "reject"]).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_api_closes_at_once_give_one_200_and_one_409(users: dict[str, Any], xinluo_chem: Any) -> None:
    from rest_framework.test import APIClient

    hazard = make_hazard(xinluo_chem, state="remediated", inspector=users["inspector"])

    def close(user: Any) -> int:
        client = APIClient()
        client.force_authenticate(user)
        return client.post(f"/api/v1/hazards/{hazard.pk}/close/", {"note": "ok"}, format="json").status_code

    results = _race(lambda: close(users["inspector"]), lambda: close(users["inspector_town"]))
    assert sorted(results) == [200, 409], results
    assert HazardTransition.objects.filter(hazard=hazard, action="close").count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_with_one_external_key_create_one_hazard(xinluo_chem: Any) -> None:
    def register() -> Any:
        return hazard_register(
            enterprise=xinluo_chem, title="淘汰设备", description="", source="equipment_match", external_key="eq:1"
        )

    results = _race(register, register, register)
    assert all(isinstance(r, tuple) for r in results), results
    assert sum(1 for _hazard, created in results if created) == 1
    assert Hazard.objects.count() == 1 and len({h.pk for h, _ in results}) == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_get_distinct_codes(xinluo_chem: Any) -> None:
    def register(n: int) -> Callable[[], Any]:
        return lambda: hazard_register(enterprise=xinluo_chem, title=f"隐患{n}", description="", source="inspection")

    _race(*[register(n) for n in range(4)])
    codes = list(Hazard.objects.values_list("code", flat=True))
    assert len(codes) == 4 and len(set(codes)) == 4


@pytest.mark.django_db
def test_history_cannot_be_edited_or_deleted(users: dict[str, Any], xinluo_chem: Any) -> None:
    hazard = make_hazard(xinluo_chem, state="remediated", inspector=users["inspector"])
    step = HazardTransition.objects.filter(hazard=hazard).first()
    statements = [
        ("UPDATE hazards_hazardtransition SET note = 'rewritten' WHERE id = %s", step.pk),
        ("DELETE FROM hazards_hazardtransition WHERE id = %s", step.pk),
        ("UPDATE hazards_hazardattachment SET original_name = 'x' WHERE hazard_id = %s", hazard.pk),
        ("DELETE FROM hazards_hazardattachment WHERE hazard_id = %s", hazard.pk),
    ]
    # Raw SQL: not even a console session or a bug bypassing the ORM can rewrite the loop's history.
    for sql, pk in statements:
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [pk])
    assert HazardTransition.objects.get(pk=step.pk).note == step.note
    assert HazardAttachment.objects.filter(hazard=hazard).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_enterprise_and_an_inspector_grading_one_self_report_at_once_only_one_wins(
    users: dict[str, Any], xinluo_chem: Any
) -> None:
    import datetime as dt

    from django.utils import timezone

    from hazards.services import hazard_assess

    hazard = make_hazard(xinluo_chem, source="self_check", inspector=None)
    later = timezone.localdate() + dt.timedelta(days=10)

    def grade(user: Any, level: str) -> Any:
        return lambda: hazard_assess(
            hazard_id=hazard.pk, actor=user, grade=level, deadline=later, responsible_person="赖"
        )

    results = _race(grade(users["enterprise"], "general"), grade(users["inspector_town"], "major"))
    winners = [r for r in results if isinstance(r, Hazard)]
    losers = [r for r in results if isinstance(r, DomainError)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert losers[0].code == "conflict"
    hazard.refresh_from_db()
    # The grade on record is the winner's, and exactly one assessment was recorded.
    assert hazard.grade == winners[0].grade
    assert HazardTransition.objects.filter(hazard=hazard, action="assess").count() == 1


@pytest.mark.django_db(transaction=True)
def test_workers_reporting_at_one_card_at_once_each_get_a_hazard(users: dict[str, Any], xinluo_chem: Any) -> None:
    from hazards.services import hazard_report_from_card, risk_source_save

    source = risk_source_save(
        actor=users["enterprise"],
        enterprise=xinluo_chem,
        data={
            "name": "装卸岗",
            "method": "lec",
            "lec_l": "3",
            "lec_e": "6",
            "lec_c": "7",
            "control_measures": "巡检",
            "responsible_person": "张三",
        },
    )

    def report(n: int) -> Callable[[], Any]:
        return lambda: hazard_report_from_card(risk_source=source, description=f"漏气{n}")

    results = _race(*[report(n) for n in range(4)])
    assert all(isinstance(r, Hazard) for r in results), results
    hazards = Hazard.objects.filter(risk_source=source, source="worker_report")
    assert hazards.count() == 4 and len(set(hazards.values_list("code", flat=True))) == 4
