"""The yearly cap of an enterprise's inspection class: an inspection beyond it needs a stated, non-planned reason."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from enterprises.models import StandardizationCertificate
from safety_platform.services import DomainError
from supervision.choices import InspectionReason
from supervision.models import Inspection
from supervision.services.caps import enterprise_class, inspection_cap_check
from supervision.services.plans import seed_default_rule_set
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _rules() -> None:
    seed_default_rule_set()


@pytest.fixture
def trade_level_one(org: Any) -> Any:
    """Another industry with a valid level 1 certificate: at most one inspection a year (DESIGN §3d)."""
    firm = EnterpriseFactory(jurisdiction=org.jurisdiction("新罗区/东城街道"), industry=org.industry("C2614"))
    StandardizationCertificate.objects.create(
        enterprise=firm,
        level=1,
        industry=org.industry("C2614"),
        certificate_number=f"AQBH-{firm.pk}",
        issuing_level="national",
        issued_on=dt.date(2025, 1, 1),
        expires_on=dt.date(2027, 12, 31),
        status="valid",
    )
    return firm


def _inspect(firm: Any, day: dt.date, **extra: Any) -> Inspection:
    return Inspection.objects.create(enterprise=firm, inspected_on=day, **extra)


def test_the_class_of_a_level_one_enterprise_of_another_industry(trade_level_one: Any) -> None:
    klass = enterprise_class(trade_level_one, dt.date(2026, 5, 1))
    assert (klass.min_per_year, klass.max_per_year) == (0, 1)
    assert klass.rule_set is not None and klass.rule_set.version == "LY-2025.1"


def test_the_first_inspection_under_the_cap_passes(trade_level_one: Any) -> None:
    inspection_cap_check(
        enterprise=trade_level_one, inspected_on=dt.date(2026, 5, 1), reason=InspectionReason.PLANNED, reason_note=""
    )


def test_a_planned_inspection_beyond_the_cap_is_refused_naming_the_stated_reason(trade_level_one: Any) -> None:
    _inspect(trade_level_one, dt.date(2026, 3, 1))
    with pytest.raises(DomainError) as refused:
        inspection_cap_check(
            enterprise=trade_level_one,
            inspected_on=dt.date(2026, 5, 1),
            reason=InspectionReason.PLANNED,
            reason_note="例行检查",
        )
    assert refused.value.code == "inspection_over_cap_needs_reason"
    assert refused.value.field == "reason_note"


def test_a_complaint_beyond_the_cap_needs_its_reason_stated(trade_level_one: Any) -> None:
    _inspect(trade_level_one, dt.date(2026, 3, 1))
    with pytest.raises(DomainError) as refused:
        inspection_cap_check(
            enterprise=trade_level_one,
            inspected_on=dt.date(2026, 5, 1),
            reason=InspectionReason.COMPLAINT,
            reason_note="   ",
        )
    assert refused.value.code == "inspection_over_cap_needs_reason"
    inspection_cap_check(
        enterprise=trade_level_one,
        inspected_on=dt.date(2026, 5, 1),
        reason=InspectionReason.COMPLAINT,
        reason_note="群众举报违规动火",
    )


def test_last_years_inspections_and_the_one_being_edited_do_not_count(trade_level_one: Any) -> None:
    _inspect(trade_level_one, dt.date(2025, 12, 31))
    inspection_cap_check(
        enterprise=trade_level_one, inspected_on=dt.date(2026, 1, 1), reason=InspectionReason.PLANNED, reason_note=""
    )
    edited = _inspect(trade_level_one, dt.date(2026, 1, 1))
    inspection_cap_check(
        enterprise=trade_level_one,
        inspected_on=dt.date(2026, 2, 1),
        reason=InspectionReason.PLANNED,
        reason_note="",
        exclude_id=edited.pk,
    )


def test_a_high_risk_enterprise_without_certificate_may_have_twelve_planned(org: Any) -> None:
    firm = EnterpriseFactory(
        jurisdiction=org.jurisdiction("新罗区/东城街道"), industry=org.industry("C2614"), risk_category="mining"
    )
    for month in range(1, 12):
        _inspect(firm, dt.date(2026, month, 1))
    inspection_cap_check(enterprise=firm, inspected_on=dt.date(2026, 12, 1), reason="planned", reason_note="")
    _inspect(firm, dt.date(2026, 12, 1))
    with pytest.raises(DomainError) as refused:
        inspection_cap_check(enterprise=firm, inspected_on=dt.date(2026, 12, 20), reason="planned", reason_note="")
    assert refused.value.code == "inspection_over_cap_needs_reason"
