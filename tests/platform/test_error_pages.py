"""The web's 400, 403 and 404 pages and the expired-form page are the platform's own, in the user's language, with its
menu and a way home (Django's fallbacks were one English line: "Not Found", "403 Forbidden", and a refusal's message
was dropped)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views.defaults import permission_denied

from tests.clock import shanghai

pytestmark = [pytest.mark.django_db, pytest.mark.clock(shanghai(2026, 12, 4, 10))]


def _error_page(response: Any, status: int) -> str:
    page = response.content.decode()
    assert response.status_code == status
    assert 'data-testid="error-page"' in page and 'href="/"' in page and '<html lang="zh-hans">' in page
    assert "Not Found" not in page and "Forbidden" not in page
    return page


def test_a_page_that_does_not_exist_or_is_out_of_scope_is_the_platforms_404(
    client: Any, users: dict[str, Any], shanghang_site: Any
) -> None:
    from tests.hazards.factories import make_hazard

    theirs = make_hazard(shanghang_site)  # 上杭县: not the 新罗区 inspector's
    client.force_login(users["inspector"])
    for url in ("/no-such-page/", reverse("hazards:detail", args=[theirs.pk])):
        page = _error_page(client.get(url), 404)
        assert "页面不存在" in page and "不在您可查看的范围内" in page, url
        assert "platform-navbar" in page and users["inspector"].full_name in page  # the menu, signed in


def test_a_refusal_shows_its_reason_on_the_403_page(users: dict[str, Any]) -> None:
    request = RequestFactory().get("/emergency/plans/new/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    request.user = users["inspector"]
    request.LANGUAGE_CODE = "zh-hans"
    page = _error_page(permission_denied(request, PermissionDenied("您无权管理该预案。")), 403)
    assert "无权操作" in page and "您无权管理该预案。" in page
    page = _error_page(permission_denied(request, PermissionDenied()), 403)
    assert "请联系平台管理员" in page


def test_a_form_sent_from_an_expired_page_says_so_in_chinese(users: dict[str, Any]) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["inspector"])
    response = client.post(reverse("notification_preferences"), {})  # no token: as after signing in again elsewhere
    page = _error_page(response, 403)
    assert "页面已过期" in page and "您提交的内容未保存" in page
    assert "platform-navbar" in page and users["inspector"].full_name in page  # the menu, still signed in


def test_an_unknown_host_gets_the_400_page(client: Any) -> None:
    page = _error_page(client.get("/", HTTP_HOST="evil.example.com"), 400)
    assert "请求无法处理" in page
