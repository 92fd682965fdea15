"""The rules page reads as text for a clerk: no rule codes, no `key=value` event details."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.urls import reverse

from credit.models import Rule, RuleSet

pytestmark = pytest.mark.django_db


def _page(client: Any, user: Any, **params: str) -> str:
    client.force_login(user)
    response = client.get(reverse("credit:rules"), params, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    return response.content.decode()


def test_rules_page_numbers_rules_without_their_codes(client: Any, users: dict[str, Any], rule_set: RuleSet) -> None:
    html = _page(client, users["inspector"])
    codes = list(rule_set.rules.values_list("code", flat=True))
    assert "ACC-GENERAL" in codes
    shown = [code for code in codes if re.search(rf"\b{re.escape(code)}\b", html)]
    assert not shown, shown
    assert "序号" in html  # the numbering column is still there, with plain numbers
    assert "一般事故" in html  # the accident grade a rule matches, in words


def test_unknown_event_detail_reads_as_a_sentence(client: Any, users: dict[str, Any], rule_set: RuleSet) -> None:
    draft = RuleSet.objects.create(
        version="LY-TEST.9", name="测试版", effective_from=dt.date(2030, 1, 1), based_on=rule_set
    )
    Rule.objects.create(
        rule_set=draft,
        code="HZ-CUSTOM",
        criterion=rule_set.rules.first().criterion,
        behaviour="bad",
        title="自定义事件规则",
        points=-3,
        validity_months=12,
        fact_kind="accident",
        fact_match={"source_system": "fire_dept", "grade": "general"},
    )
    html = _page(client, users["committee"], version="LY-TEST.9")
    assert "自定义事件规则" in html
    assert "source_system" not in html and "fire_dept" not in html
    assert "一般事故" in html and "另有事件细节条件" in html
