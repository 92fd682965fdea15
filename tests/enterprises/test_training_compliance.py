"""Train-before-posting compliance (SAWS Order 3): every rule, with its edge cases."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation

from enterprises.models import Employee
from enterprises.training.selectors import person_compliance, training_compliance, with_training_totals
from enterprises.training.services import (
    compliance_fact_refresh,
    employee_change_post,
    employee_create,
    employee_leave,
    employee_return,
    employee_set_away,
    training_compliance_record_facts,
    training_record_add,
)
from safety_platform.models import Fact
from safety_platform.rules import rule_number, rules_cached
from tests.enterprises.topic_factories import EmployeeFactory, OperationCertificateFactory, TrainingFactory
from tests.factories import EnterpriseFactory, UserFactory

pytestmark = pytest.mark.django_db

ON = dt.date(2025, 6, 30)
POSTED = dt.date(2025, 3, 1)  # less than a year before ON: no refresher due yet
OLD_POSTED = dt.date(2023, 3, 1)  # more than a year before ON


@pytest.fixture
def trade(org: Any) -> Any:
    """An ordinary (not high-risk) enterprise: 24 h / 32 h / 12 h rules."""
    return EnterpriseFactory(
        name="龙岩市凤城造纸厂", jurisdiction=org.jurisdiction("永定区/凤城街道"), industry=org.industry("C2221")
    )


def three_levels(employee: Any, hours: tuple[str, str, str], on: dt.date) -> None:
    for category, h in zip(("company", "workshop", "team"), hours, strict=True):
        TrainingFactory(employee=employee, category=category, hours=Decimal(h), completed_on=on)


def result_for(employee: Any) -> Any:
    """The person's compliance with the reasons; checks on the way that the SQL form of the rules (which
    the head counts use) says the same, and that the enterprise's list names the person exactly when
    not compliant."""
    with translation.override("en"):  # the reasons are read in English below
        result = person_compliance(employee, on=ON)
        summary = training_compliance(employee.enterprise, on=ON)
    flagged = with_training_totals(Employee.objects.filter(pk=employee.pk), ON, select=False).values_list(
        "noncompliant", flat=True
    )
    assert flagged.get() is (not result.compliant), result.reason_codes
    listed = [p for p in summary.noncompliant if p.employee.pk == employee.pk]
    assert bool(listed) is (not result.compliant)
    if listed:
        assert listed[0].reason_codes == result.reason_codes
    return result


# New staff ----------------------------------------------------------------------------------------


def test_exactly_24_hours_of_three_level_training_before_posting_is_compliant(trade: Any) -> None:
    person = EmployeeFactory(enterprise=trade, posted_on=POSTED)
    three_levels(person, ("8", "8", "8"), POSTED)  # on the day of posting counts
    assert result_for(person).compliant


def test_half_an_hour_short_of_24_is_noncompliant_with_the_hours_named(trade: Any) -> None:
    person = EmployeeFactory(enterprise=trade, posted_on=POSTED)
    three_levels(person, ("8", "8", "7.5"), POSTED - dt.timedelta(days=1))
    result = result_for(person)
    assert result.reason_codes == ["prejob_hours"]
    assert "23.5" in result.reasons[0].message and "24" in result.reasons[0].message


def test_a_missing_level_is_noncompliant_even_with_enough_hours(trade: Any) -> None:
    person = EmployeeFactory(enterprise=trade, posted_on=POSTED)
    TrainingFactory(employee=person, category="company", hours=Decimal("16"), completed_on=POSTED)
    TrainingFactory(employee=person, category="workshop", hours=Decimal("8"), completed_on=POSTED)
    result = result_for(person)
    assert result.reason_codes == ["three_level_missing"]
    assert "Team level" in result.reasons[0].message


def test_training_finished_after_starting_work_does_not_count(trade: Any) -> None:
    person = EmployeeFactory(enterprise=trade, posted_on=POSTED)
    three_levels(person, ("8", "8", "8"), POSTED + dt.timedelta(days=1))
    result = result_for(person)
    assert not result.compliant
    assert "prejob_hours" in result.reason_codes
    assert any("only after starting work" in r.message for r in result.reasons)


def test_a_failed_assessment_does_not_count(trade: Any) -> None:
    person = EmployeeFactory(enterprise=trade, posted_on=POSTED)
    three_levels(person, ("8", "8", "8"), POSTED)
    TrainingFactory(employee=person, category="team", hours=Decimal("8"), completed_on=POSTED)
    person.trainings.filter(category="team").update(passed=False)
    assert "three_level_missing" in result_for(person).reason_codes


def test_high_risk_industry_needs_72_hours(xinluo_chem: Any) -> None:
    assert xinluo_chem.risk_category == "hazardous_chemicals"
    short = EmployeeFactory(enterprise=xinluo_chem, posted_on=POSTED)
    three_levels(short, ("24", "24", "23"), POSTED)
    enough = EmployeeFactory(enterprise=xinluo_chem, posted_on=POSTED)
    three_levels(enough, ("24", "24", "24"), POSTED)
    assert result_for(short).reason_codes == ["prejob_hours"]
    assert "72" in result_for(short).reasons[0].message
    assert result_for(enough).compliant


@pytest.mark.parametrize("category", ["mining", "fireworks", "metallurgy"])
def test_every_high_risk_category_needs_72_hours(org: Any, category: str) -> None:
    enterprise = EnterpriseFactory(
        jurisdiction=org.jurisdiction("永定区/坎市镇"), industry=org.industry("B0810"), risk_category=category
    )
    person = EmployeeFactory(enterprise=enterprise, posted_on=POSTED)
    three_levels(person, ("8", "8", "8"), POSTED)
    assert result_for(person).reason_codes == ["prejob_hours"]


def test_high_risk_staff_need_20_hours_of_refresher_in_the_last_twelve_months(xinluo_chem: Any) -> None:
    person = EmployeeFactory(enterprise=xinluo_chem, posted_on=OLD_POSTED)
    three_levels(person, ("24", "24", "24"), OLD_POSTED)
    # 12 months before ON exactly is outside the window (the window is the twelve months ending on ON).
    TrainingFactory(employee=person, category="annual", hours=Decimal("8"), completed_on=dt.date(2024, 6, 30))
    TrainingFactory(employee=person, category="annual", hours=Decimal("19.5"), completed_on=dt.date(2024, 7, 1))
    result = result_for(person)
    assert result.reason_codes == ["annual_hours"]
    assert "19.5" in result.reasons[0].message
    TrainingFactory(employee=person, category="annual", hours=Decimal("0.5"), completed_on=ON)
    assert result_for(person).compliant  # exactly 20 h


def test_refresher_is_not_due_in_the_first_year_or_outside_high_risk_industries(xinluo_chem: Any, trade: Any) -> None:
    newcomer = EmployeeFactory(enterprise=xinluo_chem, posted_on=POSTED)
    three_levels(newcomer, ("24", "24", "24"), POSTED)
    veteran_elsewhere = EmployeeFactory(enterprise=trade, posted_on=OLD_POSTED)
    three_levels(veteran_elsewhere, ("8", "8", "8"), OLD_POSTED)
    assert result_for(newcomer).compliant
    assert result_for(veteran_elsewhere).compliant


# Principals and safety managers --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "hours", "compliant"),
    [("principal", "32", True), ("principal", "31.5", False), ("safety_manager", "32", True)],
)
def test_principals_and_safety_managers_need_32_hours_initially(
    trade: Any, role: str, hours: str, compliant: bool
) -> None:
    person = EmployeeFactory(enterprise=trade, posted_on=POSTED, role=role, post="总经理")
    TrainingFactory(employee=person, category="mgmt_initial", hours=Decimal(hours), completed_on=POSTED)
    result = result_for(person)
    assert result.compliant is compliant
    assert result.reason_codes == ([] if compliant else ["management_initial_hours"])


def test_principals_in_high_risk_industries_need_48_then_16_hours(xinluo_chem: Any) -> None:
    person = EmployeeFactory(enterprise=xinluo_chem, posted_on=OLD_POSTED, role="principal", post="总经理")
    TrainingFactory(employee=person, category="mgmt_initial", hours=Decimal("32"), completed_on=OLD_POSTED)
    TrainingFactory(employee=person, category="mgmt_annual", hours=Decimal("12"), completed_on=dt.date(2025, 1, 5))
    assert result_for(person).reason_codes == ["management_initial_hours", "management_annual_hours"]
    TrainingFactory(employee=person, category="mgmt_initial", hours=Decimal("16"), completed_on=OLD_POSTED)
    TrainingFactory(employee=person, category="mgmt_annual", hours=Decimal("4"), completed_on=dt.date(2025, 2, 5))
    assert result_for(person).compliant


def test_principal_annual_hours_in_ordinary_industry_are_12(trade: Any) -> None:
    person = EmployeeFactory(enterprise=trade, posted_on=OLD_POSTED, role="safety_manager", post="安全员")
    TrainingFactory(employee=person, category="mgmt_initial", hours=Decimal("32"), completed_on=OLD_POSTED)
    TrainingFactory(employee=person, category="mgmt_annual", hours=Decimal("11"), completed_on=dt.date(2025, 1, 5))
    assert result_for(person).reason_codes == ["management_annual_hours"]
    TrainingFactory(employee=person, category="mgmt_annual", hours=Decimal("1"), completed_on=dt.date(2025, 1, 6))
    assert result_for(person).compliant


# Post changes and returns --------------------------------------------------------------------------


@pytest.fixture
def keeper(trade: Any) -> Any:
    return UserFactory(username="trade_keeper", role="enterprise", enterprise=trade)


@pytest.fixture
def trained(trade: Any, keeper: Any) -> Any:
    """Somebody correctly trained for the first post on 2024-03-01."""
    person = employee_create(actor=keeper, enterprise=trade, name="李四", post="打浆工", posted_on=dt.date(2024, 3, 1))
    three_levels(person, ("8", "8", "8"), dt.date(2024, 2, 28))
    return person


def test_a_post_change_without_repeated_workshop_and_team_training_is_noncompliant(trained: Any, keeper: Any) -> None:
    assert result_for(trained).compliant
    moved = employee_change_post(actor=keeper, employee=trained, post="锅炉工", on=dt.date(2025, 5, 1))
    result = result_for(moved)
    assert result.reason_codes == ["repeat_missing"]
    assert "2025-05-01" in result.reasons[0].message


def test_workshop_and_team_training_by_the_day_of_the_move_satisfies_the_repeat(trained: Any, keeper: Any) -> None:
    moved = employee_change_post(actor=keeper, employee=trained, post="锅炉工", on=dt.date(2025, 5, 1))
    training_record_add(actor=keeper, employee=moved, category="workshop", hours="4", completed_on=dt.date(2025, 4, 28))
    assert result_for(moved).reason_codes == ["repeat_missing"]  # team level still missing
    training_record_add(actor=keeper, employee=moved, category="team", hours="4", completed_on=dt.date(2025, 5, 1))
    assert result_for(moved).compliant


def test_repeat_training_after_the_move_is_too_late(trained: Any, keeper: Any) -> None:
    moved = employee_change_post(actor=keeper, employee=trained, post="锅炉工", on=dt.date(2025, 5, 1))
    for category in ("workshop", "team"):
        training_record_add(
            actor=keeper, employee=moved, category=category, hours="4", completed_on=dt.date(2025, 5, 2)
        )
    assert result_for(moved).reason_codes == ["repeat_missing"]


def test_initial_training_does_not_count_as_the_repeat(trained: Any, keeper: Any) -> None:
    """The levels done for the first post (before it started) are not a repeat for the second."""
    moved = employee_change_post(actor=keeper, employee=trained, post="锅炉工", on=dt.date(2025, 5, 1))
    assert moved.repeat_after == dt.date(2024, 3, 1)
    assert result_for(moved).reason_codes == ["repeat_missing"]


def test_return_after_exactly_one_year_away_repeats_the_training(trained: Any, keeper: Any) -> None:
    away = employee_set_away(actor=keeper, employee=trained, on=dt.date(2024, 5, 10))
    back = employee_return(actor=keeper, employee=away, on=dt.date(2025, 5, 10))
    assert back.repeat_due_on == dt.date(2025, 5, 10)
    assert result_for(back).reason_codes == ["repeat_missing"]


def test_return_one_day_short_of_a_year_does_not_repeat_the_training(trained: Any, keeper: Any) -> None:
    away = employee_set_away(actor=keeper, employee=trained, on=dt.date(2024, 5, 10))
    back = employee_return(actor=keeper, employee=away, on=dt.date(2025, 5, 9))
    assert back.repeat_due_on is None
    assert result_for(back).compliant


def test_people_away_or_gone_are_not_counted(trained: Any, keeper: Any, trade: Any) -> None:
    untrained = employee_create(actor=keeper, enterprise=trade, name="王五", post="叉车工", posted_on=POSTED)
    assert training_compliance(trade, on=ON).noncompliant_count == 1
    employee_set_away(actor=keeper, employee=untrained, on=dt.date(2025, 6, 1))
    summary = training_compliance(trade, on=ON)
    assert (summary.people_count, summary.noncompliant_count) == (1, 0)
    employee_leave(actor=keeper, employee=trained, on=dt.date(2025, 6, 2))
    assert training_compliance(trade, on=ON).people_count == 0


# Special operations ------------------------------------------------------------------------------


def test_a_special_operation_post_needs_a_valid_certificate(trade: Any) -> None:
    person = EmployeeFactory(enterprise=trade, posted_on=POSTED, post="电工", special_operation="electrical")
    three_levels(person, ("8", "8", "8"), POSTED)
    assert result_for(person).reason_codes == ["special_certificate"]
    OperationCertificateFactory(employee=person, operation="welding", expires_on=dt.date(2030, 1, 1))
    assert result_for(person).reason_codes == ["special_certificate"]  # a certificate for another operation
    OperationCertificateFactory(employee=person, operation="electrical", expires_on=dt.date(2025, 6, 29))
    assert result_for(person).reason_codes == ["special_certificate"]  # expired the day before
    OperationCertificateFactory(employee=person, operation="electrical", expires_on=ON)
    assert result_for(person).compliant  # valid through its expiry day


# Per enterprise ----------------------------------------------------------------------------------


def test_enterprise_compliance_counts_and_lists_every_noncompliant_person_in_two_queries(
    trade: Any, django_assert_num_queries: Any
) -> None:
    for index in range(6):
        person = EmployeeFactory(enterprise=trade, posted_on=POSTED, name=f"工人{index}")
        three_levels(person, ("8", "8", "8" if index % 2 else "4"), POSTED)
        TrainingFactory(employee=person, category="annual", hours=Decimal("2"), completed_on=ON)
    with rules_cached():
        rule_number("training.new_staff_hours")  # the rule book: read once per request in real use
        with django_assert_num_queries(2):  # the counts, the non-compliant people
            summary = training_compliance(trade, on=ON)
            names = sorted(p.employee.name for p in summary.noncompliant)
    assert (summary.people_count, summary.noncompliant_count) == (6, 3)
    assert names == ["工人0", "工人2", "工人4"]


def test_daily_facts_record_compliance_once_per_enterprise_and_day(trade: Any, xinluo_chem: Any) -> None:
    ok = EmployeeFactory(enterprise=trade, posted_on=POSTED)
    three_levels(ok, ("8", "8", "8"), POSTED)
    EmployeeFactory(enterprise=xinluo_chem, posted_on=POSTED)
    EmployeeFactory(enterprise=xinluo_chem, posted_on=POSTED)
    assert training_compliance_record_facts(on=ON) == 2
    assert training_compliance_record_facts(on=ON) == 0  # re-run: nothing new
    trade_fact = Fact.objects.get(dedup_key=f"training:{trade.pk}:2025-06-30")
    chem_fact = Fact.objects.get(dedup_key=f"training:{xinluo_chem.pk}:2025-06-30")
    assert trade_fact.kind == "training_compliant"
    assert trade_fact.payload == {"noncompliant_people": 0, "people": 1}
    assert chem_fact.kind == "training_noncompliant"
    assert chem_fact.payload == {"noncompliant_people": 2, "people": 2}


def test_a_standing_status_is_recorded_once_not_every_day(
    trade: Any, xinluo_chem: Any, users: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """Each fact becomes a credit record replacing the one before (a non-compliant one a proposal, with notices to
    the enterprise and its department): recorded daily, every enterprise's credit history grew by a record a day
    and an undecided proposal came back every morning with new notices."""
    from credit.models import CreditRecord
    from safety_platform.models import Notification

    ok = EmployeeFactory(enterprise=trade, posted_on=POSTED)
    three_levels(ok, ("8", "8", "8"), POSTED)
    EmployeeFactory(enterprise=xinluo_chem, posted_on=POSTED)
    with django_capture_on_commit_callbacks(execute=True):
        assert training_compliance_record_facts(on=ON) == 2
    records = CreditRecord.objects.filter(enterprise__in=[trade, xinluo_chem])
    assert sorted(records.values_list("rule_code", "status")) == [
        ("RESP-TRAINING-FAIL", "proposed"),
        ("RESP-TRAINING-OK", "active"),
    ]
    notices = Notification.objects.count()
    assert notices > 0  # the proposal was announced
    for days in (1, 2, 30, 149):
        with django_capture_on_commit_callbacks(execute=True):
            assert training_compliance_record_facts(on=ON + dt.timedelta(days=days)) == 0
    assert records.count() == 2
    assert Notification.objects.count() == notices


def test_a_change_of_status_is_recorded_the_day_it_is_seen(trade: Any, django_capture_on_commit_callbacks: Any) -> None:
    from credit.models import CreditRecord

    ok = EmployeeFactory(enterprise=trade, posted_on=POSTED)
    three_levels(ok, ("8", "8", "8"), POSTED)
    with django_capture_on_commit_callbacks(execute=True):
        assert training_compliance_record_facts(on=ON) == 1
    next_day = ON + dt.timedelta(days=1)
    untrained = EmployeeFactory(enterprise=trade, posted_on=next_day)  # posted without any training
    with django_capture_on_commit_callbacks(execute=True):
        assert training_compliance_record_facts(on=next_day) == 1
    # The proposal waits for the department; the compliant record counts until it is confirmed.
    assert sorted(CreditRecord.objects.filter(enterprise=trade).values_list("rule_code", "status")) == [
        ("RESP-TRAINING-FAIL", "proposed"),
        ("RESP-TRAINING-OK", "active"),
    ]
    Employee.objects.filter(pk=untrained.pk).update(status="left")  # compliant again, as on the first day
    third_day = next_day + dt.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert training_compliance_record_facts(on=third_day) == 1
    facts = Fact.objects.filter(enterprise=trade).order_by("occurred_at")
    assert [(f.kind, f.occurred_at.date(), f.payload) for f in facts] == [
        ("training_compliant", ON, {"noncompliant_people": 0, "people": 1}),
        ("training_noncompliant", next_day, {"noncompliant_people": 1, "people": 2}),
        ("training_compliant", third_day, {"noncompliant_people": 0, "people": 1}),
    ]
    # The undecided proposal gave way to the newer compliant record.
    assert sorted(CreditRecord.objects.filter(enterprise=trade).values_list("rule_code", "status")) == [
        ("RESP-TRAINING-FAIL", "rejected"),
        ("RESP-TRAINING-OK", "active"),
        ("RESP-TRAINING-OK", "revoked"),
    ]


def test_a_standing_status_is_recorded_again_before_its_credit_record_lapses(trade: Any) -> None:
    ok = EmployeeFactory(enterprise=trade, posted_on=POSTED)
    three_levels(ok, ("8", "8", "8"), POSTED)
    assert training_compliance_record_facts(on=ON) == 1
    again = ON + compliance_fact_refresh(trade.pk)
    assert dt.timedelta(days=150) <= again - ON < dt.timedelta(days=180)  # well within its record's 12 months
    assert training_compliance_record_facts(on=again - dt.timedelta(days=1)) == 0
    assert training_compliance_record_facts(on=again) == 1
    assert Fact.objects.filter(enterprise=trade, kind="training_compliant").count() == 2


def test_the_enterprises_first_recorded_together_are_recorded_again_over_a_month() -> None:
    assert {compliance_fact_refresh(pk).days for pk in range(1, 1001)} == set(range(150, 180))


# Overview: counted in SQL ------------------------------------------------------------------------


@pytest.fixture
def population(trade: Any, xinluo_chem: Any, org: Any) -> dict[str, Any]:
    """Hand-counted: 造纸厂 (24 h rules) 3 on post, 2 not compliant; 化工 (72 h rules) 2 on post, 1 not
    compliant, plus one away (not counted); a third enterprise keeps no records (not listed)."""
    ok = EmployeeFactory(enterprise=trade, posted_on=POSTED)
    three_levels(ok, ("8", "8", "8"), POSTED)  # exactly 24 h
    short = EmployeeFactory(enterprise=trade, posted_on=POSTED)
    three_levels(short, ("8", "8", "7.5"), POSTED)  # 23.5 h
    EmployeeFactory(enterprise=trade, posted_on=POSTED, role="principal", post="厂长")  # no training at all
    chem_short = EmployeeFactory(enterprise=xinluo_chem, posted_on=POSTED)
    three_levels(chem_short, ("8", "8", "8"), POSTED)  # 24 h is not enough in hazardous chemicals
    chem_ok = EmployeeFactory(enterprise=xinluo_chem, posted_on=POSTED)
    three_levels(chem_ok, ("24", "24", "24"), POSTED)
    EmployeeFactory(enterprise=xinluo_chem, posted_on=POSTED, status="away")
    EnterpriseFactory(
        name="无员工记录企业", jurisdiction=org.jurisdiction("新罗区/东城街道"), industry=org.industry("C2221")
    )
    return {"trade": trade, "chem": xinluo_chem}


def test_overview_totals_and_rows_equal_the_hand_counts(client: Any, users: Any, population: Any) -> None:
    from django.urls import reverse

    trade, chem = population["trade"], population["chem"]
    client.force_login(users["committee"])
    response = client.get(reverse("enterprises:training_overview"), {"on": ON.isoformat()})
    assert (response.context["people"], response.context["noncompliant"]) == (5, 3)
    rows = [(s.enterprise.pk, s.people_count, s.noncompliant_count) for s in response.context["page_obj"]]
    assert rows == [(trade.pk, 3, 2), (chem.pk, 2, 1)]  # most non-compliant first, no empty enterprise
    # The inspector of 新罗区 sees the chemical works only, and the totals follow the scope.
    client.force_login(users["inspector"])
    response = client.get(reverse("enterprises:training_overview"), {"on": ON.isoformat()})
    assert (response.context["people"], response.context["noncompliant"]) == (2, 1)
    assert [s.enterprise.pk for s in response.context["page_obj"]] == [chem.pk]


def test_compliance_api_list_and_detail_equal_the_hand_counts(api_client: Any, users: Any, population: Any) -> None:
    trade, chem = population["trade"], population["chem"]
    api_client.force_authenticate(users["committee"])
    body = api_client.get("/api/v1/training-compliance/", {"on": ON.isoformat()}).json()
    rows = {r["enterprise"]: (r["people"], r["noncompliant_people"], r["high_risk"]) for r in body}
    assert rows == {trade.pk: (3, 2, False), chem.pk: (2, 1, True)}
    detail = api_client.get("/api/v1/training-compliance/", {"on": ON.isoformat(), "enterprise": trade.pk}).json()
    assert (detail["people"], detail["noncompliant_people"]) == (3, 2)
    assert sorted(p["role"] for p in detail["noncompliant"]) == ["principal", "staff"]
    api_client.force_authenticate(users["enterprise"])  # the enterprise user belongs to the chemical works
    assert api_client.get("/api/v1/training-compliance/", {"enterprise": trade.pk}).status_code == 404
    mine = api_client.get("/api/v1/training-compliance/", {"on": ON.isoformat(), "enterprise": chem.pk}).json()
    assert (mine["people"], mine["noncompliant_people"]) == (2, 1)


def test_daily_facts_carry_the_hand_counts(population: Any) -> None:
    assert training_compliance_record_facts(on=ON) == 2
    trade, chem = population["trade"], population["chem"]
    assert Fact.objects.get(dedup_key=f"training:{trade.pk}:{ON}").payload == {"noncompliant_people": 2, "people": 3}
    assert Fact.objects.get(dedup_key=f"training:{chem.pk}:{ON}").payload == {"noncompliant_people": 1, "people": 2}


def _staffed(org: Any, prefix: str, enterprises: int, people: int) -> Any:
    """Enterprises in 新罗区 whose people all miss the 24 h (20 h of three-level training each)."""
    last = None
    for index in range(enterprises):
        last = EnterpriseFactory(
            name=f"{prefix}{index}", jurisdiction=org.jurisdiction("新罗区/东城街道"), industry=org.industry("C2221")
        )
        for _person in range(people):
            three_levels(EmployeeFactory(enterprise=last, posted_on=POSTED), ("8", "8", "4"), POSTED)
    return last


def test_overview_and_api_cost_the_same_queries_for_two_enterprises_or_twelve(
    client: Any, api_client: Any, users: Any, org: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    client.force_login(users["inspector"])
    api_client.force_authenticate(users["inspector"])
    big = _staffed(org, "批量企业", enterprises=2, people=2)
    on = {"on": ON.isoformat()}
    calls = {
        "overview": lambda: client.get(reverse("enterprises:training_overview"), on),
        "api list": lambda: api_client.get("/api/v1/training-compliance/", on),
        "enterprise page": lambda: client.get(reverse("enterprises:training_enterprise", args=[big.pk]), on),
        "api detail": lambda: api_client.get("/api/v1/training-compliance/", {**on, "enterprise": big.pk}),
    }

    def cost() -> dict[str, int]:
        client.get(reverse("enterprises:training_overview"))  # warm the session, menus and translations
        api_client.get("/api/v1/training-compliance/")
        counts = {}
        for name, call in calls.items():
            with CaptureQueriesContext(connection) as ctx:
                assert call().status_code == 200, name
            counts[name] = len(ctx.captured_queries)
        return counts

    small = cost()
    _staffed(org, "更多企业", enterprises=10, people=3)
    for _person in range(8):
        three_levels(EmployeeFactory(enterprise=big, posted_on=POSTED), ("8", "8", "4"), POSTED)
    assert cost() == small
    overview = client.get(reverse("enterprises:training_overview"), on)
    assert (overview.context["people"], overview.context["noncompliant"]) == (2 * 2 + 10 * 3 + 8, 2 * 2 + 10 * 3 + 8)
    page = client.get(reverse("enterprises:training_enterprise", args=[big.pk]), on)
    assert page.content.decode().count('data-testid="noncompliant"') == 10
