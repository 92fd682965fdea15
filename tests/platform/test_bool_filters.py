"""Yes/no filters: true/false (1/0, yes/no) filter; anything else is a 400 naming the parameter.

django-filter's BooleanFilter silently ignores `?overdue=maybe` and answers the unfiltered list, which
a department's integration would take for the filtered one.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from safety_platform.filters import BoolFilter

pytestmark = pytest.mark.django_db


def _list_endpoints_with_yes_no_filters() -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []

    def walk(patterns: list[Any], prefix: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
                continue
            assert isinstance(pattern, URLPattern)
            view_class = getattr(pattern.callback, "cls", None)
            filterset = getattr(view_class, "filterset_class", None)
            route = prefix + str(pattern.pattern)
            actions = getattr(pattern.callback, "actions", {}) or {}
            if filterset is None or actions.get("get") != "list" or "format" in route:
                continue
            path = "/" + re.sub(r"[\^$]", "", route)
            for name, flt in filterset.base_filters.items():
                if isinstance(flt, BoolFilter):
                    found.append((path, name))

    walk(get_resolver().url_patterns, "")
    return sorted(set(found))


ENDPOINTS = _list_endpoints_with_yes_no_filters()


def test_every_yes_no_filter_of_the_api_is_strict() -> None:
    assert len(ENDPOINTS) >= 10  # the walk found the API's lists (guards against a broken walk)


@pytest.mark.parametrize(("path", "name"), ENDPOINTS)
def test_a_yes_no_filter_refuses_other_values(api_client: Any, users: dict[str, Any], path: str, name: str) -> None:
    api_client.force_authenticate(users["admin"])
    assert api_client.get(path, {name: "false"}).status_code == 200
    assert api_client.get(path, {name: "1"}).status_code == 200
    response = api_client.get(path, {name: "maybe"})
    assert response.status_code == 400, response.content
    assert response.json()["errors"][name] == ["请填写 true 或 false。"]


def test_the_filter_still_filters(api_client: Any, users: dict[str, Any], org: Any) -> None:
    from enterprises.models import DensePlace

    jurisdiction = org.jurisdiction("新罗区/东城街道")
    for name, active in (("龙岩一中", True), ("旧市场", False)):
        DensePlace.objects.create(
            name=name, kind="school", jurisdiction=jurisdiction, longitude=117.03, latitude=25.09, is_active=active
        )
    api_client.force_authenticate(users["admin"])
    for value, expected in (("true", {"龙岩一中"}), ("no", {"旧市场"}), ("", {"龙岩一中", "旧市场"})):
        body = api_client.get("/api/v1/dense-places/", {"is_active": value}).json()
        rows = body["results"] if isinstance(body, dict) else body
        assert {row["name"] for row in rows} == expected, value


def test_a_yes_no_filter_on_a_page_offers_all_yes_no_in_chinese_not_unknown(client: Any, users: dict[str, Any]) -> None:
    """The empty choice of a yes/no filter means "any": 全部, not Django's 未知 (which reads "unknown")."""
    client.force_login(users["committee"])
    page = client.get("/emergency/warning-contacts/", {"is_active": "true"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    select = re.search(r'<select name="is_active"[^>]*>(.*?)</select>', page.content.decode(), re.S)
    assert select is not None
    options = re.findall(r'<option value="(\w+)"( selected)?>([^<]*)</option>', select.group(1))
    assert [(value, label) for value, _sel, label in options] == [("unknown", "全部"), ("true", "是"), ("false", "否")]
    assert [value for value, sel, _label in options if sel] == ["true"]
    assert "未知" not in select.group(1)
