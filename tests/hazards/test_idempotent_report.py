"""The server's half of the phone's outbox: a report carries a key generated on the phone, and the
database holds one hazard per (user, key) — a repeated send is answered with the same hazard, a key
never reveals another user's hazard, and an expired login or token is answered so that the phone
keeps the report instead of dropping it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from hazards import services
from hazards.models import Hazard, HazardAttachment
from safety_platform.services import DomainError
from tests.hazards.factories import image_upload

pytestmark = pytest.mark.django_db

KEY = "0b8f3c2e-5a61-4d7e-9f0a-2c4b6d8e1f37"


def send(client: Any, data: dict[str, Any]) -> Any:
    """What the phone's outbox sends: a multipart POST marked as coming from fetch()."""
    return client.post(reverse("hazards:create"), data, HTTP_X_REQUESTED_WITH="fetch")


def report(enterprise: Any, **extra: Any) -> dict[str, Any]:
    return {
        "enterprise": enterprise.pk,
        "title": "配电室门未上锁",
        "location": "1号配电室",
        "photos": [image_upload()],
        "client_key": KEY,
        **extra,
    }


def test_the_same_report_sent_twice_is_one_hazard_with_one_photo_and_both_answers_name_it(
    client: Any, users: dict[str, Any], xinluo_chem: Any
) -> None:
    client.force_login(users["inspector"])
    first = send(client, report(xinluo_chem))
    # The answer was lost on the way back: the phone sends the same report (and photo) again.
    again = send(client, report(xinluo_chem))
    assert first.status_code == again.status_code == 200
    assert first.json()["ok"] and again.json()["ok"]
    hazard = Hazard.objects.get()
    assert again.json()["url"] == first.json()["url"] == hazard.get_absolute_url()
    assert again.json()["code"] == hazard.code
    assert HazardAttachment.objects.filter(hazard=hazard).count() == 1
    assert hazard.transitions.count() == 1, "registered once"


def test_a_repeat_sent_as_an_ordinary_form_lands_on_the_same_hazard(
    client: Any, users: dict[str, Any], xinluo_chem: Any
) -> None:
    client.force_login(users["inspector"])
    first = send(client, report(xinluo_chem))
    page = client.post(reverse("hazards:create"), report(xinluo_chem))
    assert page.status_code == 302 and page.url == first.json()["url"]
    assert Hazard.objects.count() == 1


def test_the_same_key_from_another_user_is_their_own_hazard_and_reveals_nothing(
    client: Any, users: dict[str, Any], xinluo_chem: Any
) -> None:
    client.force_login(users["inspector"])
    mine = send(client, report(xinluo_chem, title="液氯钢瓶间通风失效")).json()
    other = Client()
    other.force_login(users["inspector_town"])
    theirs = send(other, report(xinluo_chem, title="消防通道堵塞"))
    assert theirs.status_code == 200
    body = theirs.json()
    assert body["url"] != mine["url"] and body["code"] != mine["code"]
    assert "液氯钢瓶间通风失效" not in theirs.content.decode()
    assert Hazard.objects.count() == 2
    assert Hazard.objects.get(title="消防通道堵塞").reported_by == users["inspector_town"]
    # An enterprise user repeating the inspector's key gets their own self-report, not the inspection.
    enterprise = Client()
    enterprise.force_login(users["enterprise"])
    own = send(enterprise, {"title": "叉车无证驾驶", "client_key": KEY}).json()
    assert own["url"] not in (mine["url"], body["url"])
    assert Hazard.objects.get(title="叉车无证驾驶").source == "self_check"


def test_an_expired_login_is_answered_401_so_the_phone_keeps_the_report(
    client: Any, users: dict[str, Any], xinluo_chem: Any
) -> None:
    response = send(client, report(xinluo_chem))
    assert response.status_code == 401
    assert response.json()["ok"] is False
    assert response.json()["login_url"].startswith(reverse("login"))
    assert Hazard.objects.count() == 0
    # A page (not the outbox) still goes to the login page as before.
    page = client.get(reverse("hazards:create"))
    assert page.status_code == 302 and page.url.startswith(reverse("login"))


def test_an_expired_csrf_token_refuses_the_report_without_json_and_creates_nothing(
    users: dict[str, Any], xinluo_chem: Any
) -> None:
    # The phone treats a 403 that is not JSON as "log in again" and keeps the report.
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["inspector"])
    response = client.post(
        reverse("hazards:create"), report(xinluo_chem), HTTP_X_REQUESTED_WITH="fetch", HTTP_X_CSRFTOKEN="stale"
    )
    assert response.status_code == 403
    assert not response.headers["Content-Type"].startswith("application/json")
    assert Hazard.objects.count() == 0


def test_a_refusal_without_a_field_is_answered_in_json_and_leaves_no_message_behind(
    client: Any, users: dict[str, Any], xinluo_chem: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(**_kwargs: Any) -> Any:
        raise DomainError("隐患登记暂停", code="invalid")

    monkeypatch.setattr(services, "hazard_log", refuse)
    client.force_login(users["inspector"])
    response = send(client, report(xinluo_chem))
    assert response.status_code == 400
    assert response.json()["errors"]["__all__"][0]["message"] == "隐患登记暂停"
    # The refusal is shown next to the waiting report, not on whatever page opens next.
    later = client.get(reverse("hazards:list"))
    assert [str(m) for m in later.context["messages"]] == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_tabs_sending_the_same_report_at_the_same_moment_make_one_hazard(
    users: dict[str, Any], xinluo_chem: Any
) -> None:
    from tests.hazards.test_postgres import _race

    def send_from_a_tab() -> Any:
        tab = Client()
        tab.force_login(users["inspector"])
        response = send(tab, report(xinluo_chem))
        return response.status_code, response.json()

    results = _race(send_from_a_tab, send_from_a_tab, send_from_a_tab)
    assert [status for status, _ in results] == [200, 200, 200], results
    hazard = Hazard.objects.get()
    assert {body["url"] for _, body in results} == {hazard.get_absolute_url()}
    assert HazardAttachment.objects.filter(hazard=hazard).count() == 1
