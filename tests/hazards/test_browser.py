"""A phone in the field: the hazard form survives a dropped network and a reload (DESIGN §3b)."""

from __future__ import annotations

from typing import Any

import pytest

from hazards.models import Hazard
from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_offline_submission_is_kept_and_sent_once_when_back_online(
    live_server: Any,
    phone: Any,
    users: dict[str, Any],
    xinluo_chem: Any,
) -> None:
    login(phone, live_server, "inspector")
    phone.goto(f"{live_server.url}/hazards/new/?enterprise={xinluo_chem.pk}")
    phone.fill("#id_title", "配电室门未上锁")
    phone.fill("#id_description", "配电室无人值守且门未上锁，存在触电风险。")
    phone.fill("#id_location", "1号配电室")
    # The signal drops in the mountains; the inspector taps "register".
    phone.context.set_offline(True)
    phone.click("#hazard-form button[type=submit]")
    status = phone.locator("#draft-status")
    status.wait_for(state="visible")
    assert "alert-warning" in (status.get_attribute("class") or "")
    assert not Hazard.objects.exists()
    draft = phone.evaluate("Object.keys(localStorage).filter(k => k.startsWith('draft:'))")
    assert draft, "the draft is kept on the phone"
    assert "配电室门未上锁" in phone.evaluate(f"localStorage.getItem('{draft[0]}')")
    # Back online: the form is sent by itself and lands on the new hazard.
    phone.context.set_offline(False)
    phone.wait_for_url(f"{live_server.url}/hazards/*/", timeout=30000)
    phone.wait_for_load_state("networkidle")  # the server is done before the test reads the database
    hazard = Hazard.objects.get()
    assert hazard.title == "配电室门未上锁" and hazard.location == "1号配电室"
    assert hazard.source == "inspection" and hazard.enterprise == xinluo_chem
    assert phone.evaluate("Object.keys(localStorage).filter(k => k.startsWith('draft:')).length") == 0


def test_typed_text_survives_closing_the_page(
    live_server: Any,
    phone: Any,
    users: dict[str, Any],
    xinluo_chem: Any,
) -> None:
    login(phone, live_server, "enterprise")
    phone.goto(f"{live_server.url}/hazards/new/")
    phone.fill("#id_title", "叉车刹车失灵")
    phone.fill("#id_description", "3号叉车刹车距离过长")
    phone.goto(f"{live_server.url}/")
    phone.goto(f"{live_server.url}/hazards/new/")
    assert phone.input_value("#id_title") == "叉车刹车失灵"
    assert phone.input_value("#id_description") == "3号叉车刹车距离过长"
    assert phone.locator("#draft-status").is_visible()
    # Sending twice (a retry after a lost response) still makes one hazard: the draft's key is kept.
    key = phone.input_value("[name=client_key]")
    assert key
    phone.click("#hazard-form button[type=submit]")
    phone.wait_for_url(f"{live_server.url}/hazards/*/")
    phone.wait_for_load_state("networkidle")
    assert Hazard.objects.count() == 1 and Hazard.objects.get().external_key.endswith(key)
