"""Playwright driving Debian's Chromium (its own browser download does not work on this network)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import Any

import pytest

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def browser() -> Iterator[Any]:
    # Playwright's sync API runs an event loop in this thread; the test itself still uses the ORM
    # synchronously between browser calls, which is safe here. Function scope on purpose: a
    # session-wide sync Playwright would block any other test from starting its own.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    """A page in a phone-sized context."""
    context = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def login(page: Any, live_server: Any, username: str, password: str = "pass-Word-1") -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


@pytest.fixture
def chinese_browser() -> Iterator[Any]:
    """Chromium whose own widgets speak Chinese too (file and date inputs: 选择文件, 年/月/日), as on a
    Chinese phone. Needs Debian's chromium-l10n (.ci/run installs it); without it they stay English."""
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    # LANGUAGE picks the language pack; the C.UTF-8 locale (always there) keeps non-ASCII file names
    # readable, where an uninstalled zh_CN locale would drop an upload named 检查记录.pdf.
    env = {**os.environ, "LANGUAGE": "zh_CN:zh", "LANG": "C.UTF-8"}
    env.pop("LC_ALL", None)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=[*CHROMIUM_ARGS, "--lang=zh-CN"], env=env
        )
        yield browser
        browser.close()


@pytest.fixture
def open_journey(chinese_browser: Any, live_server: Any) -> Iterator[Any]:
    """Start a journey (tests/browser/journeys.py): `open_journey("inspector", phone=True)`."""
    from tests.browser.journeys import Journey

    opened: list[Any] = []

    def start(name: str, *, phone: bool) -> Any:
        journey = Journey(chinese_browser, live_server, name, phone=phone)
        opened.append(journey)
        return journey

    yield start
    for journey in opened:
        with contextlib.suppress(Exception):  # already closed by finish()
            journey.context.close()


@pytest.fixture(autouse=True)
def _sessions_outlive_moved_clocks(request: Any, settings: Any) -> None:
    """The journeys move the server's clock by days (an objection period, a filing deadline) while the
    browser stays signed in; the office's idle and absolute session limits would sign it out. Those limits
    are tested on their own in tests/platform/test_security*.py."""
    if request.node.module.__name__.rsplit(".", 1)[-1].startswith("test_journey_"):
        settings.SESSION_IDLE_SECONDS = 10 * 365 * 24 * 3600
        settings.SESSION_COOKIE_AGE = 10 * 365 * 24 * 3600
