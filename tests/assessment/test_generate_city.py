"""The city data generator (manage.py generate_city, assessment/datagen.py): valid, consistent, deterministic.

The PostgreSQL test builds a small city (200 enterprises, 2,000 hazards) with COPY and checks the
invariants the services keep — states against their timestamps and deadlines, every transition
allowed by the hazard's state machine, statutory clocks, credit records under their rules, stock
balances — then opens the inspector's and the committee's pages and API on it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from rest_framework.test import APIClient

from assessment.datagen import CityGenerator, RowSink

TODAY = dt.date(2026, 6, 15)


def _rows(seed: int) -> dict[str, list[tuple[Any, ...]]]:
    sink = RowSink()
    generator = CityGenerator(enterprises=60, hazards=600, years=2, seed=seed, today=TODAY, sink=sink)
    generator.run(ratings=False)
    return sink.tables


@pytest.mark.django_db
def test_same_seed_gives_the_same_data_and_another_seed_other_data(reference: Any) -> None:
    first, again, other = _rows(7), _rows(7), _rows(8)
    assert first == again
    assert first["hazards_hazard"] != other["hazards_hazard"]
    assert len(first["hazards_hazard"]) == 600
    # COPY's text format: the generator writes its own words only, never a tab, newline or backslash.
    for table, rows in first.items():
        for row in rows:
            for value in row:
                if isinstance(value, str):
                    assert not set(value) & {"\t", "\n", "\r", "\\"}, (table, value)


@pytest.mark.django_db
def test_large_city_is_refused_outside_postgresql(reference: Any) -> None:
    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL takes any size")
    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command("generate_city", enterprises=6000, hazards=10, today=TODAY)


@pytest.mark.django_db
def test_small_city_on_the_portable_path(reference: Any) -> None:
    """INSERTs on SQLite (COPY on PostgreSQL): a few enterprises end up in the registry and their hazards listed."""
    from enterprises.models import Enterprise
    from hazards.models import Hazard, HazardTransition

    call_command(
        "generate_city", enterprises=15, hazards=120, years=1, seed=3, today=TODAY, no_ratings=True, stdout=_Null()
    )
    assert Enterprise.objects.count() == 15
    assert Hazard.objects.count() == 120
    assert HazardTransition.objects.filter(action="register").count() == 120
    with pytest.raises(CommandError, match="already holds enterprises"):
        call_command("generate_city", enterprises=15, hazards=10, today=TODAY, stdout=_Null())


class _Null:
    def write(self, text: str) -> None:
        pass


@pytest.fixture
def city(reference: Any) -> CityGenerator:
    generator = CityGenerator(enterprises=200, hazards=2000, years=3, seed=11, today=TODAY)
    generator.run(ratings=True)
    return generator


@pytest.mark.postgres
@pytest.mark.django_db
def test_generated_city_keeps_every_invariant(city: CityGenerator) -> None:
    from credit.models import CreditFactIntake, CreditRating, CreditRecord
    from emergency.models import StockBatch, StockMovement
    from enterprises.models import Employee, Enterprise, TrainingRecord
    from enterprises.registry.validators import is_valid_credit_code
    from hazards.choices import RECTIFICATION_STATES
    from hazards.models import Hazard, HazardCodeCounter, HazardTransition, RemediationPlan
    from hazards.services.loop import RULES
    from safety_platform.models import StatutoryDeadline

    enterprises = list(
        Enterprise.objects.values_list("credit_code", "jurisdiction__level", "supervising_department_id")
    )
    assert len(enterprises) == 200
    assert all(is_valid_credit_code(code) for code, _level, _dept in enterprises)
    assert len({code for code, _l, _d in enterprises}) == 200
    assert {level for _c, level, _d in enterprises} == {"grid"}

    hazards = {h.pk: h for h in Hazard.objects.all()}
    assert len(hazards) == 2000
    states = Counter(h.state for h in hazards.values())
    assert set(states) == {"registered", "assessed", "reported", "rectifying", "remediated", "closed", "voided"}
    end = dt.datetime.combine(TODAY, dt.time.min, tzinfo=city.tz)
    for h in hazards.values():
        graded = h.state not in ("registered", "voided")
        assert bool(h.grade) == graded, h.code
        assert (h.deadline is not None) == graded, h.code  # never empty where the state needs one
        assert (h.closed_at is not None) == (h.state == "closed"), h.code
        assert (h.submitted_at is not None) == (h.state in ("remediated", "closed")), h.code
        assert h.found_at < end and (h.closed_at is None or h.closed_at < end)
        if h.grade == "major" and h.state in ("reported", "rectifying", "remediated", "closed"):
            assert h.reported_at is not None, h.code
    assert Hazard.objects.filter(deadline__lt=TODAY, state__in=RECTIFICATION_STATES).exists()  # an overdue backlog

    # Every history starts with the registration and follows the state machine to the hazard's state.
    history: dict[int, list[HazardTransition]] = defaultdict(list)
    for t in HazardTransition.objects.order_by("at", "id"):
        history[t.hazard_id].append(t)
    assert set(history) == set(hazards)
    for hazard_id, steps in history.items():
        first, *rest = steps
        assert (first.action, first.from_state, first.to_state) == ("register", "", "registered")
        state = "registered"
        for t in rest:
            rule = RULES[t.action]
            assert t.from_state == state and state in rule.sources, (hazards[hazard_id].code, t.action, state)
            assert t.to_state == (rule.target or state)
            state = t.to_state
        assert state == hazards[hazard_id].state

    plans = {p.hazard_id: p for p in RemediationPlan.objects.all()}
    for h in hazards.values():
        if h.grade == "major":
            assert plans[h.pk].is_complete, h.code

    clocks = defaultdict(dict)
    for d in StatutoryDeadline.objects.filter(kind__startswith="hazard_"):
        clocks[d.source_id][d.kind] = d
    for h in hazards.values():
        rect = clocks[h.pk].get("hazard_rectification")
        verify = clocks[h.pk].get("hazard_verification")
        if h.state in RECTIFICATION_STATES:
            assert rect is not None and rect.is_open and rect.due_at == h.due_at, h.code
        if h.state == "remediated":
            assert verify is not None and verify.is_open and rect.met_at == h.submitted_at, h.code
        if h.state == "closed":
            assert not rect.is_open and not verify.is_open, h.code
        if h.state in ("registered", "voided"):
            assert rect is None and verify is None, h.code

    # Credit: each record under a rule of its code and behaviour; events turned into records by their rule.
    records = list(CreditRecord.objects.select_related("rule", "fact"))
    assert {r.source for r in records} == {"manual", "fact"}
    for r in records:
        assert (r.rule.code, r.rule.behaviour) == (r.rule_code, r.behaviour)
        assert (r.rule.points >= 0) == (r.behaviour == "good")
        assert (r.status == "revoked") == (r.revoked_at is not None)
        if r.source == "fact":
            assert r.fact.kind == r.rule.fact_kind and r.fact.enterprise_id == r.enterprise_id
        else:
            assert r.rule.manual_allowed
    assert CreditFactIntake.objects.filter(outcome="recorded", record__isnull=True).count() == 0
    overdue_codes = {r.fact.payload["code"] for r in records if r.rule_code in ("HAZ-OVERDUE", "HAZ-MAJOR-OVERDUE")}
    assert overdue_codes
    assert all(hazards[int(r.fact.source_id)].deadline for r in records if r.rule_code == "HAZ-OVERDUE")
    assert CreditRating.objects.count() >= 150

    # Stock: balances follow the ledger and never go negative.
    for batch in StockBatch.objects.all():
        moves = list(StockMovement.objects.filter(batch=batch).order_by("occurred_at", "id"))
        balance = 0
        for m in moves:
            balance += m.quantity
            assert balance == m.balance_after >= 0
        assert balance == batch.quantity

    # Trained before posting.
    assert TrainingRecord.objects.count() == 3 * Employee.objects.count()
    assert not TrainingRecord.objects.filter(completed_on__gt=Employee.objects.get(pk=1).posted_on, employee_id=1)

    # A hazard registered now takes the next serial of its region and year.
    counters = {(c.region, c.year): c.last for c in HazardCodeCounter.objects.all()}
    for h in hazards.values():
        region, year, serial = h.code.split("-")[1:]
        assert counters[(region, int(year))] >= int(serial)


@pytest.mark.postgres
@pytest.mark.django_db
def test_inspector_and_committee_pages_open_on_the_generated_city(city: CityGenerator) -> None:
    from django.db.models import Sum

    from hazards.choices import HazardState
    from hazards.models import Hazard, HazardMonthSummary
    from safety_platform.models import User

    # COPY bypasses the models: the generator recounts the dashboards' summaries at the end.
    found = HazardMonthSummary.objects.aggregate(n=Sum("found"))["n"]
    assert found == Hazard.objects.exclude(state=HazardState.VOIDED).count() > 0

    county = city.counties[0]
    inspector = User.objects.get(pk=city.inspector_of[county.pk])
    committee = User.objects.get(pk=city.committee_id)
    hazard = Hazard.objects.filter(enterprise__jurisdiction__path__startswith=county.path).order_by("-id").first()
    enterprise_id = hazard.enterprise_id
    pages = {
        inspector: [
            "/hazards/",
            "/hazards/?state=rectifying",
            f"/hazards/{hazard.pk}/",
            "/hazards/risk-map/",
            "/enterprises/",
            f"/enterprises/{enterprise_id}/",
            "/credit/",
            f"/credit/enterprises/{enterprise_id}/",
        ],
        committee: [
            "/assessment/dashboard/",
            "/hazards/",
            "/hazards/risk-map/",
            "/credit/",
            "/credit/records/",
            "/enterprises/",
            "/emergency/ledger/",
            "/emergency/accidents/",
        ],
    }
    for user, urls in pages.items():
        client = Client()
        client.force_login(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (user.username, url, response.status_code)
        api = APIClient()
        api.force_authenticate(user)
        for url in ["/api/v1/hazards/", "/api/v1/enterprises/", "/api/v1/credit/ratings/"]:
            response = api.get(url)
            assert response.status_code == 200, (user.username, url, response.status_code)
            assert response.json()["results"], (user.username, url)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_bulk_load_on_its_own_connection_gives_back_every_index_and_foreign_key(reference: Any) -> None:
    """The path of a city or a province: loaded without secondary indexes and keys, which come back at the end."""
    from assessment.datagen import BulkSink
    from hazards.models import Hazard, HazardTransition

    def schema() -> set[tuple[str, str]]:
        with connection.cursor() as cursor:
            cursor.execute(
                # Names, not definitions: PostgreSQL prints a rebuilt partial index's IN list another way.
                "SELECT indrelid::regclass::text, indexrelid::regclass::text FROM pg_index "
                "WHERE indrelid::regclass::text IN ('hazards_hazard', 'hazards_hazardtransition', "
                "'safety_platform_statutorydeadline', 'credit_creditrecord') "
                "UNION ALL SELECT conrelid::regclass::text, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE contype = 'f' AND conrelid::regclass::text IN ('hazards_hazard', 'hazards_hazardtransition', "
                "'safety_platform_statutorydeadline', 'credit_creditrecord')"
            )
            return set(cursor.fetchall())

    before = schema()
    generator = CityGenerator(enterprises=30, hazards=300, years=1, seed=5, today=TODAY, bulk=True)
    assert isinstance(generator.sink, BulkSink)
    generator.run(ratings=False)
    assert schema() == before
    assert Hazard.objects.count() == 300
    assert HazardTransition.objects.filter(action="register").count() == 300
