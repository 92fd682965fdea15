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
def open_journey(browser: Any, live_server: Any) -> Iterator[Any]:
    """Start a journey (tests/browser/journeys.py): `open_journey("inspector", phone=True)`."""
    from tests.browser.journeys import Journey

    opened: list[Any] = []

    def start(name: str, *, phone: bool) -> Any:
        journey = Journey(browser, live_server, name, phone=phone)
        opened.append(journey)
        return journey

    yield start
    for journey in opened:
        with contextlib.suppress(Exception):  # already closed by finish()
            journey.context.close()
