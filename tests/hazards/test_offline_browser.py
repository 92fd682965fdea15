"""A phone on a weak mountain signal (DESIGN §3b): the hazard form opens offline once it has been
opened, keeps what was submitted (text and photos) in the phone's outbox, shows what is waiting, and
sends it exactly once when the connection returns — also after a reload or a lost answer."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from hazards.models import Hazard, HazardAttachment
from tests.browser.conftest import CHROMIUM_ARGS, PHONE, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WAITING = "[data-testid=waiting-item]"
# Screenshots are artifacts of the run, not committed.
SHOTS = Path(os.environ.get("BROWSER_SCREENSHOTS", "var/screenshots"))


def on_a_phone(live_server: Any, username: str, steps: Callable[[Any], dict[str, Any]]) -> dict[str, Any]:
    """Sign in on a phone-sized Chromium and run `steps(page)`; returns what the steps observed.

    The browser runs in a thread of its own (like tests/hazards/test_browser.py): a sync Playwright
    cannot start in a thread where another one runs, and the test's ORM stays in the main thread.
    """
    from playwright.sync_api import sync_playwright

    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS
                )
                context = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
                page = context.new_page()
                page.set_default_timeout(20000)
                errors: list[str] = []
                console: list[str] = []
                page.on("pageerror", lambda exc: errors.append(str(exc)))
                page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
                login(page, live_server, username)
                try:
                    outcome.update(steps(page))
                except Exception as exc:
                    # What the page said and showed when a step gave up: a failure on a loaded CI machine
                    # must say which part of the phone's work did not happen.
                    raise AssertionError(f"{exc}\n{_what_the_page_shows(page, errors, console)}") from exc
                outcome["page_errors"] = errors
                browser.close()
        except BaseException as exc:  # re-raised in the test's thread
            outcome["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=240)
    if "error" in outcome:
        raise outcome["error"]
    assert outcome, "the browser did not finish in time"
    return outcome


def _what_the_page_shows(page: Any, errors: list[str], console: list[str]) -> str:
    """The page's address, status line, outbox panel and the reports its IndexedDB outbox holds, with the page's
    errors and last console lines."""
    try:
        shown = page.evaluate(
            "() => ({url: location.href, online: navigator.onLine,"
            " status: (document.querySelector('#draft-status') || {}).textContent || null,"
            " outbox: (document.querySelector('#outbox') || {}).outerHTML || null})"
        )
        kept = page.evaluate(
            "new Promise(r => { const q = indexedDB.open('sp-hazard-outbox'); q.onerror = () => r('unopened');"
            " q.onsuccess = () => { try { const t = q.result.transaction('reports').objectStore('reports').getAll();"
            " t.onsuccess = () => r(t.result.map(x => ({title: x.title, state: x.state, tries: x.tries})));"
            " } catch (e) { r(String(e)); } }; })"
        )
    except Exception as exc:  # the page itself is gone
        shown, kept = f"(page not readable: {exc})", None
    return f"page: {shown}\noutbox store: {kept}\npage errors: {errors}\nconsole: {console[-20:]}"


def open_form_and_keep_it(page: Any, url: str) -> None:
    """Open the form online and wait until the service worker has kept it for offline use."""
    page.goto(url)
    page.wait_for_function("navigator.serviceWorker && navigator.serviceWorker.ready.then(() => true)", polling=200)
    page.wait_for_function(
        "caches.open('sp-pages-v1').then(c => c.keys()).then(k => k.length > 0)", polling=200, timeout=20000
    )


def photo(tmp_path: Path, name: str = "leak.png", colour: str = "orange") -> str:
    from PIL import Image

    path = tmp_path / name
    Image.new("RGB", (40, 30), colour).save(path)
    return str(path)


def shoot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name), full_page=True)


def test_offline_report_with_a_photo_waits_survives_a_reload_and_is_sent_once(
    live_server: Any, users: dict[str, Any], xinluo_chem: Any, tmp_path: Path
) -> None:
    form_url = f"{live_server.url}/hazards/new/?enterprise={xinluo_chem.pk}"
    picture = photo(tmp_path)

    def steps(page: Any) -> dict[str, Any]:
        open_form_and_keep_it(page, form_url)
        # The signal drops in the mountains; the inspector fills the form and taps "register".
        page.context.set_offline(True)
        page.fill("#id_title", "配电室门未上锁")
        page.fill("#id_description", "配电室无人值守且门未上锁，存在触电风险。")
        page.fill("#id_location", "1号配电室")
        page.set_input_files("#id_photos", picture)
        page.click("#hazard-form button[type=submit]")
        page.locator(WAITING).first.wait_for()
        seen: dict[str, Any] = {
            "heading": page.inner_text("#outbox-heading"),
            "items": page.locator(WAITING).all_inner_texts(),
            "state": page.get_attribute(WAITING, "data-state"),
            "title_after_submit": page.input_value("#id_title"),
            "status": page.inner_text("#draft-status"),
            "fits": page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"),
        }
        shoot(page, "offline-waiting-list.png")
        # Still offline, the phone reloads the page: the kept form opens and the report still waits.
        page.reload()
        page.locator(WAITING).first.wait_for()
        seen["after_reload"] = {
            "form": page.locator("#hazard-form").is_visible(),
            "items": page.locator(WAITING).count(),
            "heading": page.inner_text("#outbox-heading"),
        }
        # The connection returns: the report is sent by itself, once, and leaves the list.
        page.context.set_offline(False)
        page.locator("[data-testid=sent-item]").wait_for(timeout=30000)
        page.locator("#outbox").wait_for(state="hidden")
        seen["sent"] = page.inner_text("[data-testid=sent-item]")
        seen["left"] = page.evaluate(
            "new Promise(r => { const q = indexedDB.open('sp-hazard-outbox'); q.onsuccess = () => {"
            " const t = q.result.transaction('reports').objectStore('reports').count();"
            " t.onsuccess = () => r(t.result); }; })"
        )
        shoot(page, "offline-sent.png")
        return seen

    seen = on_a_phone(live_server, "inspector", steps)
    assert seen["heading"] == "待发送（1）"
    assert "配电室门未上锁" in seen["items"][0] and "等待网络" in seen["items"][0] and "1 张照片" in seen["items"][0]
    assert seen["state"] == "waiting"
    assert seen["title_after_submit"] == "", "the form is emptied for the next hazard"
    assert "网络恢复后" in seen["status"]
    assert seen["fits"], "the page is no wider than the phone"
    assert seen["after_reload"] == {"form": True, "items": 1, "heading": "待发送（1）"}
    hazard = Hazard.objects.get()
    assert hazard.title == "配电室门未上锁" and hazard.location == "1号配电室"
    assert hazard.enterprise == xinluo_chem and hazard.source == "inspection"
    assert HazardAttachment.objects.filter(hazard=hazard).count() == 1
    assert hazard.code in seen["sent"] and "已发送" in seen["sent"]
    assert seen["left"] == 0
    assert seen["page_errors"] == []


def test_a_report_whose_answer_was_lost_is_sent_again_from_another_tab_and_stays_one_hazard(
    live_server: Any, users: dict[str, Any], xinluo_chem: Any, tmp_path: Path
) -> None:
    picture = photo(tmp_path)

    def steps(page: Any) -> dict[str, Any]:
        open_form_and_keep_it(page, f"{live_server.url}/hazards/new/?enterprise={xinluo_chem.pk}")
        posts: list[str] = []

        def answer_lost_once(route: Any) -> None:
            if route.request.method != "POST":
                route.fallback()
                return
            posts.append(route.request.headers.get("x-requested-with", ""))
            if len(posts) == 1:
                route.fetch()  # the server registers the hazard…
                route.abort("connectionreset")  # …and its answer is lost on the way back
            else:
                route.fallback()

        page.context.route("**/hazards/new/**", answer_lost_once)
        page.fill("#id_title", "氨压缩机房报警器失效")
        page.set_input_files("#id_photos", picture)
        page.click("#hazard-form button[type=submit]")
        page.locator(f"{WAITING}[data-state=waiting]").wait_for()
        seen: dict[str, Any] = {"waiting": page.locator(WAITING).all_inner_texts()}
        # A second tab on the same phone opens the form: it finds the report waiting and sends it again.
        second = page.context.new_page()
        second.goto(f"{live_server.url}/hazards/new/")
        second.locator("[data-testid=sent-item]").wait_for(timeout=40000)
        page.locator("#outbox").wait_for(state="hidden")
        seen["first_tab_sent"] = page.locator("[data-testid=sent-item]").count()
        seen["posts"] = posts
        return seen

    seen = on_a_phone(live_server, "inspector", steps)
    assert "氨压缩机房报警器失效" in seen["waiting"][0] and "自动重试" in seen["waiting"][0]
    assert seen["posts"] == ["fetch", "fetch"], "sent twice: once answer lost, once again from the second tab"
    hazard = Hazard.objects.get()
    assert hazard.title == "氨压缩机房报警器失效"
    assert HazardAttachment.objects.filter(hazard=hazard).count() == 1
    assert seen["first_tab_sent"] == 1, "the first tab learns that its report was sent"


def test_a_form_opened_before_opens_offline_and_a_page_never_opened_says_why(
    live_server: Any, users: dict[str, Any], xinluo_chem: Any
) -> None:
    def steps(page: Any) -> dict[str, Any]:
        open_form_and_keep_it(page, f"{live_server.url}/hazards/new/")
        page.goto(f"{live_server.url}/")
        page.context.set_offline(True)
        page.goto(f"{live_server.url}/hazards/new/")
        seen = {
            "title": page.title(),
            "form": page.locator("#hazard-form #id_title").is_visible(),
            "icons_font": page.evaluate("document.fonts.check('16px bootstrap-icons')"),
        }
        # With a preselected enterprise the same kept form opens.
        page.goto(f"{live_server.url}/hazards/new/?enterprise={xinluo_chem.pk}")
        seen["variant_form"] = page.locator("#hazard-form").is_visible()
        page.goto(f"{live_server.url}/credit/")
        seen["never_opened"] = page.inner_text("[data-testid=offline-page]")
        seen["link"] = page.get_attribute("a.btn", "href")
        shoot(page, "offline-never-opened.png")
        return seen

    seen = on_a_phone(live_server, "enterprise", steps)
    assert seen["form"] and "隐患" in seen["title"]
    assert seen["variant_form"]
    assert seen["never_opened"] == "没有网络"
    assert seen["link"] == "/hazards/new/"


def test_chosen_photos_survive_a_reload_and_an_expired_login_keeps_the_report_until_the_next_login(
    live_server: Any, users: dict[str, Any], xinluo_chem: Any, tmp_path: Path
) -> None:
    form_url = f"{live_server.url}/hazards/new/?enterprise={xinluo_chem.pk}"
    picture = photo(tmp_path, "valve.png", "purple")

    def steps(page: Any) -> dict[str, Any]:
        open_form_and_keep_it(page, form_url)
        page.fill("#id_title", "储罐区阀门泄漏")
        page.set_input_files("#id_photos", picture)
        page.wait_for_timeout(500)  # the photo is written to IndexedDB on change
        page.reload()
        page.wait_for_function("() => document.querySelector('#id_photos').files.length === 1")
        seen: dict[str, Any] = {
            "title": page.input_value("#id_title"),
            "photo": page.evaluate("document.querySelector('#id_photos').files[0].name"),
        }
        page.context.set_offline(True)
        page.click("#hazard-form button[type=submit]")
        page.locator(WAITING).first.wait_for()
        # While the phone is offline the login expires (here: its cookies are gone).
        page.context.clear_cookies()
        page.context.set_offline(False)
        page.locator(f"{WAITING}[data-state=login]").wait_for(timeout=30000)
        seen["item"] = page.inner_text(WAITING)
        seen["status"] = page.inner_text("#draft-status")
        shoot(page, "offline-login-expired.png")
        # Logging in again from the report's button returns to the form, which sends the report.
        page.click(f"{WAITING} a")
        page.fill("#id_username", "inspector")
        page.fill("#id_password", "pass-Word-1")
        page.click("main button[type=submit]")
        page.wait_for_url("**/hazards/new/**")
        page.locator("[data-testid=sent-item]").wait_for(timeout=30000)
        seen["waiting_after_login"] = page.locator(WAITING).count()
        return seen

    seen = on_a_phone(live_server, "inspector", steps)
    assert seen["title"] == "储罐区阀门泄漏" and seen["photo"] == "valve.png"
    assert "储罐区阀门泄漏" in seen["item"] and "需重新登录后发送" in seen["item"] and "重新登录" in seen["item"]
    assert "登录已过期" in seen["status"]
    assert seen["waiting_after_login"] == 0
    hazard = Hazard.objects.get()
    assert hazard.title == "储罐区阀门泄漏" and hazard.reported_by == users["inspector"]
    assert HazardAttachment.objects.filter(hazard=hazard).count() == 1
    assert seen["page_errors"] == []


def test_on_a_weak_signal_the_form_is_freed_and_the_report_goes_on_in_the_background(
    live_server: Any, users: dict[str, Any], xinluo_chem: Any
) -> None:
    def steps(page: Any) -> dict[str, Any]:
        open_form_and_keep_it(page, f"{live_server.url}/hazards/new/?enterprise={xinluo_chem.pk}")
        held: list[Any] = []

        def hold_posts(route: Any) -> None:
            if route.request.method == "POST":
                held.append(route)  # the upload crawls: no answer for now
            else:
                route.fallback()

        page.context.route("**/hazards/new/**", hold_posts)
        page.fill("#id_title", "脚手架连墙件缺失")
        page.click("#hazard-form button[type=submit]")
        page.wait_for_function("() => document.querySelector('#id_title').value === ''", timeout=20000)
        seen: dict[str, Any] = {
            "status": page.inner_text("#draft-status"),
            "state": page.get_attribute(WAITING, "data-state"),
            "url": page.url,
        }
        # The inspector starts typing the next hazard; then the first one gets through.
        page.fill("#id_title", "下一条隐患")
        held[0].fallback()
        page.locator("[data-testid=sent-item]").wait_for(timeout=30000)
        seen["url_after"] = page.url
        seen["typing"] = page.input_value("#id_title")
        return seen

    seen = on_a_phone(live_server, "inspector", steps)
    assert "信号较弱" in seen["status"]
    assert seen["state"] == "sending"
    assert seen["url_after"] == seen["url"], "no jump away from the form being typed"
    assert seen["typing"] == "下一条隐患"
    assert Hazard.objects.get().title == "脚手架连墙件缺失"


def test_a_report_the_server_refuses_online_comes_back_with_the_error_next_to_the_field(
    live_server: Any, users: dict[str, Any], xinluo_chem: Any
) -> None:
    def steps(page: Any) -> dict[str, Any]:
        open_form_and_keep_it(page, f"{live_server.url}/hazards/new/?enterprise={xinluo_chem.pk}")
        page.fill("#id_location", "2号仓库")
        with page.expect_navigation():
            page.click("#hazard-form button[type=submit]")
        page.locator("[data-field=title]").wait_for()
        return {
            "title_error": page.inner_text("[data-field=title]"),
            "location": page.input_value("#id_location"),
            "waiting": page.locator(WAITING).count(),
        }

    seen = on_a_phone(live_server, "inspector", steps)
    assert seen["title_error"] and seen["location"] == "2号仓库"
    assert seen["waiting"] == 0, "a refused report does not stay in the outbox"
    assert Hazard.objects.count() == 0


def test_a_waiting_report_refused_later_is_kept_with_the_reason_and_comes_back_to_be_corrected(
    live_server: Any, users: dict[str, Any], xinluo_chem: Any, tmp_path: Path
) -> None:
    picture = photo(tmp_path, "ladder.png", "green")

    def steps(page: Any) -> dict[str, Any]:
        open_form_and_keep_it(page, f"{live_server.url}/hazards/new/?enterprise={xinluo_chem.pk}")
        page.context.set_offline(True)
        page.fill("#id_location", "3号车间")  # the hazard itself was left empty
        page.set_input_files("#id_photos", picture)
        page.click("#hazard-form button[type=submit]")
        page.locator(WAITING).first.wait_for()
        page.context.set_offline(False)
        page.locator(f"{WAITING}[data-state=refused]").wait_for(timeout=30000)
        seen: dict[str, Any] = {"item": page.inner_text(WAITING), "status": page.inner_text("#draft-status")}
        shoot(page, "offline-refused.png")
        page.click(f"{WAITING} button")
        page.locator("#outbox").wait_for(state="hidden")
        seen["location"] = page.input_value("#id_location")
        seen["photos"] = page.evaluate("document.querySelector('#id_photos').files.length")
        page.fill("#id_title", "梯子横档断裂")
        with page.expect_navigation():
            page.click("#hazard-form button[type=submit]")
        return seen

    seen = on_a_phone(live_server, "inspector", steps)
    assert "被退回" in seen["item"] and "隐患：" in seen["item"], "the error names the field"
    assert "被退回" in seen["status"]
    assert seen["location"] == "3号车间" and seen["photos"] == 1
    hazard = Hazard.objects.get()
    assert hazard.title == "梯子横档断裂" and hazard.location == "3号车间"
    assert HazardAttachment.objects.filter(hazard=hazard).count() == 1


def test_a_report_queued_in_a_tab_closed_since_is_sent_from_any_other_page(
    live_server: Any, users: dict[str, Any], xinluo_chem: Any
) -> None:
    """The form's tab is closed while the report waits; the next page opened online sends it, once, and
    says so (before, it waited until the hazard form itself was opened again)."""
    form_url = f"{live_server.url}/hazards/new/?enterprise={xinluo_chem.pk}"

    def steps(page: Any) -> dict[str, Any]:
        open_form_and_keep_it(page, form_url)
        context = page.context
        context.set_offline(True)
        page.fill("#id_title", "仓库消防通道堆放杂物")
        page.click("#hazard-form button[type=submit]")
        page.locator(WAITING).first.wait_for()
        page.close()  # the inspector closes the tab; the report stays in the phone's outbox
        seen: dict[str, Any] = {}
        # Back online, another page of the platform (the notifications) is opened.
        context.set_offline(False)
        other = context.new_page()
        other.goto(f"{live_server.url}/notifications/")
        banner = other.get_by_test_id("outbox-sender")
        banner.wait_for(state="visible", timeout=30000)
        other.wait_for_function(
            "() => document.getElementById('outbox-sender').getAttribute('data-waiting-count') === '0'", timeout=30000
        )
        seen["banner"] = banner.inner_text()
        shoot(other, "outbox-sent-from-another-page.png")
        # Another page later: nothing is left to send, so nothing is shown and nothing is sent again.
        other.goto(f"{live_server.url}/")
        other.wait_for_timeout(1500)
        seen["banner_later"] = other.get_by_test_id("outbox-sender").is_visible()
        return seen

    seen = on_a_phone(live_server, "inspector", steps)
    assert "刚刚已发送 1 条" in seen["banner"], seen["banner"]
    assert not seen["banner_later"]
    assert Hazard.objects.filter(title="仓库消防通道堆放杂物").count() == 1
