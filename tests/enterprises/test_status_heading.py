"""The word "Status" on the enterprise domains' pages: an enterprise's operating status reads 经营状态, every other
record's status (an employee's, a project's) reads 状态 — before, all of them read 经营状态."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _page(client: Any, user: Any, url: str) -> str:
    client.force_login(user)
    return client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()


def test_operating_status_on_enterprises_and_status_on_employees(client: Any, users: dict[str, Any]) -> None:
    committee = users["committee"]
    enterprises = _page(client, committee, reverse("enterprises:list"))
    assert "<th>经营状态</th>" in enterprises
    employees = _page(client, committee, reverse("enterprises:employee_list"))
    assert "<th>状态</th>" in employees
    assert "经营状态" not in employees
