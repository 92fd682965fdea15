"""PATCH /api/v1/risk-sources/{id}/ and the next review date (下次复评日期).

A partial update used to merge the stored row in its JSON form into the validated input, so the service
got the text '2027-01-15' for a review date it had not been sent and refused it: every PATCH of a risk
source that had a review date answered 400 naming review_date, with valid input.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from hazards.models import RiskSource

LEC = {
    "name": "储罐区",
    "method": "lec",
    "lec_l": "6",
    "lec_e": "6",
    "lec_c": "15",
    "control_measures": "可燃气体报警仪",
    "responsible_person": "赖",
}
MATRIX = {
    "name": "配电房",
    "method": "matrix",
    "likelihood": 2,
    "severity": 3,
    "control_measures": "定期巡检",
    "responsible_person": "林",
}


@pytest.fixture
def client_(api_client: Any, users: dict[str, Any], xinluo_chem: Any) -> Any:
    api_client.force_authenticate(users["enterprise"])
    return api_client


def _create(client: Any, body: dict[str, Any]) -> int:
    response = client.post("/api/v1/risk-sources/", body, format="json")
    assert response.status_code == 201, response.json()
    return response.json()["id"]


@pytest.mark.parametrize("fmt", ["json", "multipart"])
@pytest.mark.parametrize("body", [LEC, MATRIX], ids=["lec", "matrix"])
def test_patching_the_review_date_saves_it(client_: Any, body: dict[str, Any], fmt: str) -> None:
    pk = _create(client_, {**body, "review_date": "2027-01-15"})
    response = client_.patch(f"/api/v1/risk-sources/{pk}/", {"review_date": "2027-06-30", "name": "新名称"}, format=fmt)
    assert response.status_code == 200, response.json()
    assert response.json()["review_date"] == "2027-06-30"
    source = RiskSource.objects.get(pk=pk)
    assert source.review_date == dt.date(2027, 6, 30) and source.name == "新名称"
    assert source.method == body["method"] and source.responsible_person == body["responsible_person"]


@pytest.mark.parametrize("fmt", ["json", "multipart"])
def test_patching_another_field_keeps_the_review_date(client_: Any, fmt: str) -> None:
    pk = _create(client_, {**LEC, "review_date": "2027-01-15"})
    response = client_.patch(f"/api/v1/risk-sources/{pk}/", {"lec_l": "1"}, format=fmt)
    assert response.status_code == 200, response.json()
    source = RiskSource.objects.get(pk=pk)
    assert source.review_date == dt.date(2027, 1, 15) and source.level == "yellow"  # 1×6×15 = 90
    assert source.control_measures == LEC["control_measures"] and source.responsible_person == "赖"


def test_patching_the_review_date_to_null_clears_it(client_: Any) -> None:
    pk = _create(client_, {**LEC, "review_date": "2027-01-15"})
    response = client_.patch(f"/api/v1/risk-sources/{pk}/", {"review_date": None}, format="json")
    assert response.status_code == 200, response.json()
    assert RiskSource.objects.get(pk=pk).review_date is None


@pytest.mark.parametrize("bad", ["2027-02-30", "next week", "15.01.2027", 20270115])
def test_an_invalid_review_date_is_a_400_naming_it(client_: Any, bad: Any) -> None:
    pk = _create(client_, {**LEC, "review_date": "2027-01-15"})
    response = client_.patch(f"/api/v1/risk-sources/{pk}/", {"review_date": bad}, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["review_date"]
    assert RiskSource.objects.get(pk=pk).review_date == dt.date(2027, 1, 15)
