"""Found by fuzzing the API (schemathesis) and by review: bad input is a 400, never a 500; the notification
form does not redirect off the platform."""

from __future__ import annotations

from typing import Any

import pytest

from safety_platform.models import Notification
from safety_platform.services import notify

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("param", ["page", "page_size"])
@pytest.mark.parametrize("value", ["²", "①", "0", "-1", "x"])
def test_api_page_parameters_that_are_not_positive_numbers_are_a_400(
    api_client: Any, users: dict[str, Any], param: str, value: str
) -> None:
    # "²".isdigit() is True but int("²") fails: the check must accept only what int() reads.
    api_client.force_authenticate(users["committee"])
    response = api_client.get("/api/v1/jurisdictions/", {param: value})
    assert response.status_code == 400, response.content
    assert param in response.json()["errors"]


def test_api_page_numbers_in_other_scripts_still_work(api_client: Any, users: dict[str, Any]) -> None:
    api_client.force_authenticate(users["committee"])
    assert api_client.get("/api/v1/jurisdictions/", {"page": "١", "page_size": "٥"}).json()["results"]


def test_marking_a_notification_read_never_redirects_off_the_platform(client: Any, users: dict[str, Any]) -> None:
    user = users["inspector"]
    notify(recipients=[user], title="隐患逾期")
    client.force_login(user)
    response = client.post("/notifications/read/", {"id": "²", "next": "https://evil.example/phish"})
    assert response.status_code == 302 and response["Location"] == "/notifications/"
    response = client.post("/notifications/read/", {"next": "//evil.example/"})
    assert response["Location"] == "/notifications/"
    assert not Notification.objects.filter(recipient=user, read_at__isnull=True).exists()
    response = client.post("/notifications/read/", {"next": "/hazards/"})
    assert response["Location"] == "/hazards/"


def test_api_page_errors_are_in_simplified_chinese_by_default(api_client: Any, users: dict[str, Any]) -> None:
    api_client.force_authenticate(users["committee"])
    assert api_client.get("/api/v1/jurisdictions/", {"page": "x"}).json()["errors"]["page"] == ["页码须为正整数。"]


def test_a_model_wide_validation_error_is_reported_as_non_field_errors_not_all() -> None:
    from django.core.exceptions import ValidationError

    from safety_platform.api.exceptions import exception_handler

    response = exception_handler(ValidationError({"__all__": ["两个日期顺序颠倒。"], "name": ["必填。"]}), {})
    assert response is not None and response.status_code == 400
    assert response.data["errors"] == {"name": ["必填。"], "non_field_errors": ["两个日期顺序颠倒。"]}
    assert "__all__" not in response.data["detail"]
