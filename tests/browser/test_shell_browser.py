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
    assert phone.evaluate("typeof bootstrap") == "object" and phone.evaluate("typeof htmx") == "object"


def test_enterprise_user_lands_on_own_enterprise_and_switches_to_english(
    live_server: Any, phone: Any, users: dict[str, Any], xinluo_chem: Any
) -> None:
    login(phone, live_server, "enterprise")
    phone.goto(f"{live_server.url}/enterprises/")
    assert phone.url.endswith(f"/enterprises/{xinluo_chem.pk}/")
    assert xinluo_chem.credit_code in phone.content()
    phone.click(".navbar-toggler")
    phone.click("button[name=language][value=en]")
    phone.wait_for_load_state()
    assert phone.locator("html").get_attribute("lang") == "en"
    assert "Status history" in phone.content()
