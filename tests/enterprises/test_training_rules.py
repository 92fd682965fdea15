"""Training hours, certificate validity and the re-review window come from the rule book: a changed number
changes the outcome from the day its version comes into force, and decisions keep the version they were
taken under."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from enterprises.standardization.models import add_months
from enterprises.standardization.services import stdcert_record
from enterprises.training.selectors import person_compliance, training_compliance
from enterprises.training.services import special_certificate_save
from tests.enterprises.topic_factories import EmployeeFactory, TrainingFactory
from tests.factories import EnterpriseFactory, UserFactory
from tests.platform.rule_book import new_version

pytestmark = pytest.mark.django_db

POSTED = dt.date(2026, 6, 1)


@pytest.fixture
def trade(org: Any) -> Any:
    """An ordinary (not high-risk) enterprise: 24 h before posting."""
    return EnterpriseFactory(
        name="龙岩市凤城造纸厂", jurisdiction=org.jurisdiction("新罗区/东城街道"), industry=org.industry("C2221")
    )


@pytest.fixture
def trainee(trade: Any) -> Any:
    person = EmployeeFactory(enterprise=trade, posted_on=POSTED)
    for category in ("company", "workshop", "team"):
        TrainingFactory(employee=person, category=category, hours=Decimal(8), completed_on=POSTED)
    return person


def test_24_hours_comply_until_a_version_asking_30_comes_into_force(trainee: Any) -> None:
    new_version("2027", dt.date(2027, 1, 1), training__new_staff_hours=30)
    assert person_compliance(trainee, on=dt.date(2026, 12, 31)).compliant
    with translation.override("en"):
        result = person_compliance(trainee, on=dt.date(2027, 1, 1))
    assert result.reason_codes == ["prejob_hours"]
    assert "30 h required" in result.reasons[0].message
    # The head counts (SQL) say the same, and the summary names the version applied.
    before = training_compliance(trainee.enterprise, on=dt.date(2026, 12, 31))
    after = training_compliance(trainee.enterprise, on=dt.date(2027, 1, 1))
    assert (before.noncompliant_count, before.rule_version) == (0, "2026")
    assert (after.noncompliant_count, after.rule_version) == (1, "2027")


def test_the_enterprises_training_page_names_the_rule_version(
    trainee: Any, users: dict[str, Any], client: Client, django_assert_max_num_queries: Any
) -> None:
    client.force_login(users["committee"])
    url = reverse("enterprises:training_enterprise", args=[trainee.enterprise.pk])
    client.get(url)
    with django_assert_max_num_queries(40) as counted:
        page = client.get(url).content.decode()
    assert "依据规则版本 2026" in page
    baseline = len(counted.captured_queries)
    for n in range(5):  # more people not compliant: the rule book is still read once
        EmployeeFactory(enterprise=trainee.enterprise, posted_on=POSTED)
        new_version(f"2026.{n + 2}", dt.date(2026, 1, 1 + n), training__new_staff_hours=24)
    with django_assert_max_num_queries(baseline):
        client.get(url)


def test_a_standardization_certificate_keeps_the_validity_and_version_it_was_issued_under(
    users: dict[str, Any], trade: Any, org: Any
) -> None:
    issued = dt.date(2026, 3, 1)
    first = stdcert_record(
        actor=users["committee"],
        enterprise=trade,
        level=3,
        industry=org.industry("C2221"),
        certificate_number="闽AQBQGIII-2026-001",
        issued_on=issued,
    )
    assert (first.expires_on, first.rule_version) == (add_months(issued, 36), "2026")
    new_version("2026.2", dt.date(2026, 6, 1), standardization__certificate_valid_years=4)
    later = stdcert_record(
        actor=users["committee"],
        enterprise=trade,
        level=3,
        industry=org.industry("C2221"),
        certificate_number="闽AQBQGIII-2026-002",
        issued_on=dt.date(2026, 6, 1),
    )
    assert (later.expires_on, later.rule_version) == (dt.date(2030, 6, 1), "2026.2")
    first.refresh_from_db()
    assert (first.expires_on, first.rule_version) == (add_months(issued, 36), "2026")


def test_a_certificate_with_its_own_expiry_records_no_version(users: dict[str, Any], trade: Any, org: Any) -> None:
    cert = stdcert_record(
        actor=users["committee"],
        enterprise=trade,
        level=3,
        industry=org.industry("C2221"),
        certificate_number="闽AQBQGIII-2026-003",
        issued_on=dt.date(2026, 3, 1),
        expires_on=dt.date(2028, 3, 1),
    )
    assert cert.rule_version == ""


def test_a_special_operation_certificate_defaults_to_the_rule_books_validity(trainee: Any) -> None:
    keeper = UserFactory(username="paper_mill", role="enterprise", enterprise=trainee.enterprise)
    cert = special_certificate_save(
        actor=keeper,
        employee=trainee,
        operation="electrical",
        certificate_number="T350800000001",
        issued_on=dt.date(2026, 1, 5),
    )
    assert (cert.expires_on, cert.rule_version) == (dt.date(2032, 1, 5), "2026")
