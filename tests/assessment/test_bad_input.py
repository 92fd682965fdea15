"""Bad input is refused with a message naming the field, and nothing is saved half-way."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from assessment.forms import CountyInputForm
from assessment.models import CountyInput, GradeThreshold, Scheme, SchemeIndicator
from assessment.services import assessment_period_get_or_create, county_input_save, scheme_create

from .helpers import at

pytestmark = pytest.mark.django_db

GRADES = [{"grade": "excellent", "min_score": 90}, {"grade": "fail", "min_score": 0}]


def indicators(*weights: int, name: str = "hazard_closure_rate") -> list[dict[str, Any]]:
    names = ["hazard_closure_rate", "self_check_coverage", "drills_on_schedule", "train_before_post"]
    return [
        {
            "indicator": name if i == 0 else names[i],
            "part": "process",
            "weight": Decimal(w),
            "direction": "higher",
            "normalization": "share",
            "scoring": "band",
            "full_at": Decimal(1),
            "zero_at": Decimal("0.5"),
        }
        for i, w in enumerate(weights)
    ]


def test_a_valid_scheme_is_created_with_its_parts() -> None:
    scheme = scheme_create(
        name="试行方案", version="t1", valid_from=dt.date(2026, 1, 1), indicators=indicators(60, 40), grades=GRADES
    )
    assert scheme.indicators.count() == 2 and scheme.grades.count() == 2


def test_weights_not_adding_up_to_100_are_refused_naming_the_weight_and_nothing_is_saved() -> None:
    before = (Scheme.objects.count(), SchemeIndicator.objects.count(), GradeThreshold.objects.count())
    with pytest.raises(ValidationError) as refused:
        scheme_create(
            name="试行方案", version="t2", valid_from=dt.date(2026, 1, 1), indicators=indicators(60, 35), grades=GRADES
        )
    assert "weight" in refused.value.message_dict
    assert "95" in refused.value.message_dict["weight"][0]
    assert (Scheme.objects.count(), SchemeIndicator.objects.count(), GradeThreshold.objects.count()) == before


def test_an_unknown_indicator_name_is_refused_naming_the_indicator() -> None:
    with pytest.raises(ValidationError) as refused:
        scheme_create(
            name="试行方案",
            version="t3",
            valid_from=dt.date(2026, 1, 1),
            indicators=indicators(60, 40, name="hazards_closed_by_magic"),
            grades=GRADES,
        )
    assert "indicators[0].indicator" in refused.value.message_dict
    assert "hazards_closed_by_magic" in refused.value.message_dict["indicators[0].indicator"][0]
    assert not Scheme.objects.filter(version="t3").exists()


def test_band_scoring_without_its_values_is_refused_naming_the_field() -> None:
    rows = indicators(100)
    rows[0]["zero_at"] = None
    with pytest.raises(ValidationError) as refused:
        scheme_create(name="试行方案", version="t4", valid_from=dt.date(2026, 1, 1), indicators=rows, grades=GRADES)
    assert "indicators[0].zero_at" in refused.value.message_dict


@pytest.mark.parametrize(
    ("kind", "year", "number", "field"),
    [("month", 2026, 12, "number"), ("quarter", 2027, 1, "number"), ("year", 2027, 0, "year")],
)
def test_a_period_in_the_future_is_refused_naming_the_field(kind: str, year: int, number: int, field: str) -> None:
    with time_machine.travel(at(2026, 11, 20), tick=False), pytest.raises(ValidationError) as refused:
        assessment_period_get_or_create(kind=kind, year=year, number=number)
    assert field in refused.value.message_dict


def test_the_running_month_may_be_assessed_preliminarily() -> None:
    with time_machine.travel(at(2026, 11, 20), tick=False):
        period = assessment_period_get_or_create(kind="month", year=2026, number=11)
    assert (period.start, period.end) == (dt.date(2026, 11, 1), dt.date(2026, 11, 30))


def test_a_month_13_is_refused_naming_the_number() -> None:
    with pytest.raises(ValidationError) as refused:
        assessment_period_get_or_create(kind="month", year=2025, number=13)
    assert "number" in refused.value.message_dict


def _form(org: Any, **values: Any) -> CountyInputForm:
    data = {"jurisdiction": org.jurisdiction("新罗区").pk, "year": 2026, **values}
    return CountyInputForm(data={k: v for k, v in data.items() if v is not None})


def test_a_negative_gdp_is_refused_in_the_form_naming_the_field(org: Any) -> None:
    form = _form(org, gdp_100m_yuan="-5")
    assert not form.is_valid()
    assert list(form.errors) == ["gdp_100m_yuan"]
    assert not CountyInput.objects.exists()


def test_a_zero_gdp_is_accepted_as_entered(org: Any) -> None:
    form = _form(org, gdp_100m_yuan="0", industrial_workers="0")
    assert form.is_valid(), form.errors
    assert form.save().gdp_100m_yuan == 0


def test_a_negative_gdp_is_refused_by_the_service_too(org: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        county_input_save(jurisdiction=org.jurisdiction("新罗区"), year=2026, gdp_100m_yuan=Decimal(-1))
    assert "gdp_100m_yuan" in refused.value.message_dict
    assert not CountyInput.objects.exists()


def test_inputs_belong_to_a_county_not_a_township(org: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        county_input_save(jurisdiction=org.jurisdiction("新罗区/东城街道"), year=2026, gdp_100m_yuan=Decimal(1))
    assert "jurisdiction" in refused.value.message_dict


def test_the_admin_refuses_indicator_weights_not_adding_up_to_100(client: Any, users: dict[str, Any]) -> None:
    scheme = Scheme.objects.get(version="2026.1")
    copy = Scheme.objects.create(name="草案", version="draft-x", valid_from=dt.date(2026, 1, 1))
    client.force_login(users["admin"])
    rows = list(scheme.indicators.all())
    data: dict[str, Any] = {
        "name": copy.name,
        "version": copy.version,
        "kind": "jurisdiction",
        "status": "draft",
        "valid_from": "2026-01-01",
        "notes": "",
        "indicators-TOTAL_FORMS": str(len(rows)),
        "indicators-INITIAL_FORMS": "0",
        "vetoes-TOTAL_FORMS": "0",
        "vetoes-INITIAL_FORMS": "0",
        "grades-TOTAL_FORMS": "0",
        "grades-INITIAL_FORMS": "0",
    }
    for i, row in enumerate(rows):
        for field in ("order", "indicator", "label", "part", "weight", "direction", "normalization", "scoring"):
            data[f"indicators-{i}-{field}"] = getattr(row, field)
        for field in ("full_at", "zero_at", "deduct_per_unit", "target_input"):
            value = getattr(row, field)
            data[f"indicators-{i}-{field}"] = "" if value is None else value
    data["indicators-0-weight"] = "14"  # 99 in all
    response = client.post(reverse("admin:assessment_scheme_change", args=[copy.pk]), data)
    assert response.status_code == 200  # the form again, with the error
    assert "99" in response.content.decode()
    assert not copy.indicators.exists()
    data["indicators-0-weight"] = "15"
    response = client.post(reverse("admin:assessment_scheme_change", args=[copy.pk]), data)
    assert response.status_code == 302
    assert copy.indicators.count() == len(rows)


def test_a_scheme_that_has_been_run_is_read_only_in_the_admin(client: Any, users: dict[str, Any]) -> None:
    from assessment.services import assessment_run_start

    scheme = Scheme.objects.get(version="2026.1")
    with time_machine.travel(at(2026, 11, 20), tick=False):
        period = assessment_period_get_or_create(kind="quarter", year=2026, number=3)
        assessment_run_start(period=period, scheme=scheme, enqueue=False)
    client.force_login(users["admin"])
    page = client.get(reverse("admin:assessment_scheme_change", args=[scheme.pk])).content.decode()
    assert 'name="indicators-0-weight"' not in page
