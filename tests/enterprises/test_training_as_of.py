"""The training compliance pages and API report "as of" the day `?on=YYYY-MM-DD` names, today without it
(safety_platform.dates.day_asked reads it for both). A day that is no date is refused each side's own way: the page
says so in a message and shows today; the API answers 400 naming the parameter."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from tests.clock import shanghai
from tests.enterprises.topic_factories import EmployeeFactory

TODAY = dt.date(2026, 11, 18)
pytestmark = [pytest.mark.django_db, pytest.mark.clock(shanghai(2026, 11, 18, 10))]


@pytest.mark.parametrize("name", ["enterprises:training_overview", "enterprises:training_enterprise"])
def test_the_page_reports_as_of_the_day_asked_and_says_when_it_is_no_date(
    name: str, client: Any, users: dict[str, Any], xinluo_chem: Any
) -> None:
    client.force_login(users["committee"])
    url = reverse(name, args=[xinluo_chem.pk] if name.endswith("enterprise") else [])
    assert client.get(url, {"on": "2025-06-30"}).context["on"] == dt.date(2025, 6, 30)
    assert client.get(url).context["on"] == TODAY
    response = client.get(url, {"on": "30.06.2025"})
    assert response.status_code == 200 and response.context["on"] == TODAY
    assert [str(m) for m in response.context["messages"]] == ["日期格式不正确（应为 YYYY-MM-DD）：“30.06.2025”。"]


def test_the_api_reports_as_of_the_day_asked_and_refuses_no_date_with_a_400_naming_on(
    api_client: Any, users: dict[str, Any], xinluo_chem: Any
) -> None:
    employee = EmployeeFactory(enterprise=xinluo_chem, posted_on=dt.date(2025, 1, 1))
    api_client.force_authenticate(users["committee"])
    for url in ("/api/v1/training-compliance/", f"/api/v1/employees/{employee.pk}/compliance/"):
        assert api_client.get(url, {"on": "2025-06-30"}).status_code == 200, url
        assert api_client.get(url).status_code == 200, url
        response = api_client.get(url, {"on": "30.06.2025"})
        assert response.status_code == 400, url
        assert response.json() == {
            "detail": "on: 请使用 YYYY-MM-DD 格式的日期。",
            "code": "invalid",
            "errors": {"on": ["请使用 YYYY-MM-DD 格式的日期。"]},
        }
