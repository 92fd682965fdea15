"""A real browser on a phone-sized screen: sign in, open the menu, see only the role's enterprises."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_inspector_signs_in_on_a_phone_and_sees_own_jurisdiction_only(
    live_server: Any, phone: Any, users: dict[str, Any], xinluo_chem: Any, shanghang_site: Any
) -> None:
    login(phone, live_server, "inspector")
    assert phone.locator("html").get_attribute("lang") == "zh-hans"
    # On a phone the menu is collapsed behind the toggler.
    assert not phone.locator("#mainnav").is_visible()
    phone.click(".navbar-toggler")
    phone.click("#mainnav [data-nav-group='enterprises:list']")
    phone.locator("#mainnav a.dropdown-item[href='/enterprises/']").click()
    phone.wait_for_url(f"{live_server.url}/enterprises/")
    table = phone.locator("table").inner_text()
    assert xinluo_chem.name in table and shanghang_site.name not in table
    # Static libraries are served by the platform (Bootstrap's JS opened the menu above).
    assert phone.evaluate("typeof bootstrap") == "object" and phone.evaluate("typeof htmx") == "undefined"


def test_enterprise_user_lands_on_own_enterprise_and_switches_to_english(
    live_server: Any, phone: Any, users: dict[str, Any], xinluo_chem: Any
) -> None:
    login(phone, live_server, "enterprise")
    phone.goto(f"{live_server.url}/enterprises/")
    assert phone.url.endswith(f"/enterprises/{xinluo_chem.pk}/")
    assert xinluo_chem.credit_code in phone.content()
    phone.click(".navbar-toggler")
    # The menu unfolds with an animation: a click while it still moves was lost on a loaded CI machine.
    phone.wait_for_function(
        "() => { const m = document.getElementById('mainnav');"
        " return m.classList.contains('show') && !m.classList.contains('collapsing'); }"
    )
    with phone.expect_navigation():  # wait for the page the switch reloads, not the one already loaded
        phone.click("button[name=language][value=en]")
    assert phone.locator("html").get_attribute("lang") == "en"
    assert "Status history" in phone.content()


def _horizontal_overflow(page: Any) -> list[str]:
    """Elements sticking out past the right edge of the screen (tables scroll inside their own box)."""
    return page.evaluate(
        """() => document.documentElement.scrollWidth <= document.documentElement.clientWidth ? [] :
        [...document.querySelectorAll('body *')]
          .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5
                       && !e.closest('.table-responsive'))
          .slice(0, 5).map(e => e.tagName + '.' + e.className)"""
    )


def test_registry_pages_fit_a_375px_phone_without_sideways_scrolling(
    live_server: Any, browser: Any, users: dict[str, Any], xinluo_chem: Any
) -> None:
    context = browser.new_context(
        viewport={"width": 375, "height": 812}, locale="zh-CN", is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(f"{live_server.url}/accounts/login/")
    assert _horizontal_overflow(page) == [], "login"
    login(page, live_server, "committee")
    for url in [
        "/",
        "/enterprises/",
        f"/enterprises/{xinluo_chem.pk}/",
        f"/enterprises/{xinluo_chem.pk}/edit/",
        "/enterprises/new/",
        "/enterprises/import/",
        "/notifications/",
    ]:
        assert page.goto(f"{live_server.url}{url}").status == 200, url
        assert page.evaluate("document.documentElement.clientWidth") == 375
        assert _horizontal_overflow(page) == [], url
    context.close()
