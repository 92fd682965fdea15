"""The posted risk card (岗位风险告知卡): printable card with a QR code, the public page it opens, worker reports."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.urls import reverse

from hazards.choices import HazardSource, HazardState, TransitionAction
from hazards.models import Hazard, HazardAttachment, RiskSource
from hazards.services import action_blocker, risk_card_qr_svg, risk_source_save
from hazards.services import card as card_services
from hazards.views import risk_card_public_url
from safety_platform.models import Notification
from tests.clock import shanghai
from tests.factories import UserFactory
from tests.hazards.conftest import EXPECTED
from tests.hazards.factories import fake_image_upload, image_upload, make_hazard

pytestmark = [pytest.mark.django_db, pytest.mark.clock(shanghai(2026, 12, 4, 10))]


@pytest.fixture(autouse=True)
def _fresh_throttle() -> Any:
    # The report counters live in the cache, which outlives a test's database transaction.
    cache.clear()
    yield
    cache.clear()


def card_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "name": "储罐区装卸岗",
        "description": "液氯泄漏可致中毒",
        "method": "lec",
        "lec_l": "3",
        "lec_e": "6",
        "lec_c": "7",  # D = 126: yellow
        "control_measures": "佩戴防毒面具，双人作业",
        "emergency_measures": "立即撤离至上风向，拨打厂内应急电话",
        "responsible_person": "张三",
        "responsible_phone": "13800000001",
    }
    return {**data, **overrides}


@pytest.fixture
def source(users: dict[str, Any], world: dict[str, Any]) -> RiskSource:
    return risk_source_save(actor=users["enterprise"], enterprise=world["xinluo_chem"], data=card_data())


def public_url(source: RiskSource) -> str:
    return reverse("hazards:card_public", args=[source.card_token])


def report(client: Any, source: RiskSource, extra: dict[str, Any] | None = None, **data: Any) -> Any:
    return client.post(public_url(source), {"description": "阀门漏气，地面有积液", **data}, **(extra or {}))


# The printable card --------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["admin", "committee", "inspector", "inspector_town", "department", "enterprise"])
def test_the_card_shows_what_is_posted_at_the_post_to_roles_that_see_the_risk_source(
    client: Any, users: dict[str, Any], source: RiskSource, role: str
) -> None:
    assert "xinluo_chem" in EXPECTED[role]
    client.force_login(users[role])
    response = client.get(reverse("hazards:risk_card", args=[source.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    for text in (
        "岗位风险告知卡",
        "储罐区装卸岗",
        "一般风险",
        "液氯泄漏可致中毒",
        "佩戴防毒面具",
        "立即撤离至上风向",
        "张三",
    ):
        assert text in body
    assert "risk-yellow" in body
    assert "<svg" in body and 'class="risk-card-qr"' in body
    # The card prints on one A4 sheet: its print rules live in a static stylesheet (no inline <style>).
    assert "hazards/risk-card.css" in body
    css = (Path(settings.BASE_DIR) / "hazards" / "static" / "hazards" / "risk-card.css").read_text()
    assert "@media print" in css


@pytest.mark.parametrize("role", ["department_zjj", "other_enterprise"])
def test_the_card_of_another_scope_is_not_found(
    client: Any, users: dict[str, Any], world: dict[str, Any], source: RiskSource, role: str
) -> None:
    user = users.get(role) or UserFactory(role="enterprise", enterprise=world["xinluo_site"])
    client.force_login(user)
    assert client.get(reverse("hazards:risk_card", args=[source.pk])).status_code == 404


def test_the_card_needs_a_login(client: Any, source: RiskSource) -> None:
    response = client.get(reverse("hazards:risk_card", args=[source.pk]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_qr_code_encodes_the_absolute_public_url_of_the_card(
    client: Any, users: dict[str, Any], source: RiskSource, settings: Any
) -> None:
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "safety.example.cn"]
    request = RequestFactory().get("/", HTTP_HOST="safety.example.cn", secure=True)
    assert risk_card_public_url(request, source) == f"https://safety.example.cn/hazards/card/{source.card_token}/"

    client.force_login(users["enterprise"])
    body = client.get(reverse("hazards:risk_card", args=[source.pk])).content.decode()
    expected = f"http://testserver/hazards/card/{source.card_token}/"
    assert expected in body
    # The SVG on the page is the QR code of exactly that URL (and a different URL gives a different code).
    assert risk_card_qr_svg(expected) in body
    assert risk_card_qr_svg(expected.replace("/card/", "/cards/")) not in body


def test_the_detail_page_links_to_the_card(client: Any, users: dict[str, Any], source: RiskSource) -> None:
    client.force_login(users["inspector"])
    body = client.get(source.get_absolute_url()).content.decode()
    assert reverse("hazards:risk_card", args=[source.pk]) in body
    assert "立即撤离至上风向" in body


def test_emergency_measures_are_saved_from_the_risk_form(
    client: Any, users: dict[str, Any], source: RiskSource
) -> None:
    client.force_login(users["enterprise"])
    data = {k: v for k, v in card_data(emergency_measures="关闭紧急切断阀").items() if k != "enterprise"}
    response = client.post(reverse("hazards:risk_edit", args=[source.pk]), data)
    assert response.status_code == 302
    source.refresh_from_db()
    assert source.emergency_measures == "关闭紧急切断阀"


# The public page -----------------------------------------------------------------------------


def test_the_public_page_needs_no_login_and_shows_only_the_card(
    client: Any, users: dict[str, Any], source: RiskSource
) -> None:
    hazard = make_hazard(source.enterprise, inspector=users["inspector"], title="机密：未整改的泄漏")
    Hazard.objects.filter(pk=hazard.pk).update(risk_source=source)
    response = client.get(public_url(source))
    assert response.status_code == 200
    body = response.content.decode()
    for text in ("龙岩市东城化工有限公司", "储罐区装卸岗", "当前风险等级", "一般风险", "佩戴防毒面具", "在此上报隐患"):
        assert text in body
    # Nothing beyond the card: no other hazards, no score, no links into the platform's records.
    assert "机密" not in body
    assert source.formula not in body and "D =" not in body
    assert source.get_absolute_url() not in body
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_the_public_page_shows_the_level_as_it_is_now(users: dict[str, Any], client: Any, source: RiskSource) -> None:
    body = client.get(public_url(source)).content.decode()
    assert 'data-level="yellow"' in body and "一般风险" in body
    # Re-assessed: D = 10 × 6 × 40 = 2400, red. The printed card is the same; the page follows.
    risk_source_save(
        actor=users["inspector"],
        enterprise=source.enterprise,
        risk_source=source,
        data=card_data(lec_l="10", lec_c="40"),
    )
    body = client.get(public_url(source)).content.decode()
    assert 'data-level="red"' in body and "重大风险" in body and 'data-level="yellow"' not in body


@pytest.mark.parametrize("path", ["/hazards/card/not-a-token/", "/hazards/card/12/"])
def test_a_malformed_token_is_not_found(client: Any, source: RiskSource, path: str) -> None:
    assert client.get(path).status_code == 404


def test_an_unknown_token_is_not_found(client: Any, source: RiskSource) -> None:
    url = reverse("hazards:card_public", args=["0b8d3c1e-4b1a-4f6e-9d7e-1f2a3b4c5d6e"])
    assert client.get(url).status_code == 404
    assert client.post(url, {"description": "x"}).status_code == 404
    assert Hazard.objects.count() == 0


def test_the_public_page_reads_in_a_bounded_number_of_queries(
    client: Any, source: RiskSource, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(2):
        assert client.get(public_url(source)).status_code == 200


# Worker reports ------------------------------------------------------------------------------


def test_an_anonymous_report_registers_one_hazard_for_the_cards_enterprise_and_notifies(
    client: Any, users: dict[str, Any], source: RiskSource
) -> None:
    response = report(client, source, reporter_name="李工", reporter_phone="13900001111", photo=image_upload())
    assert response.status_code == 302
    hazard = Hazard.objects.get()
    assert hazard.enterprise == source.enterprise
    assert hazard.source == HazardSource.WORKER_REPORT
    assert hazard.risk_source == source and hazard.location == "储罐区装卸岗"
    assert hazard.state == HazardState.REGISTERED and hazard.reported_by is None
    assert hazard.description == "阀门漏气，地面有积液"
    step = hazard.transitions.get()
    assert step.action == TransitionAction.REGISTER
    assert hazard.reporter_contact == "李工, 13900001111"
    assert HazardAttachment.objects.filter(hazard=hazard).count() == 1
    # The enterprise and the inspector of the enterprise's street hear of it.
    notified = set(
        Notification.objects.filter(url=hazard.get_absolute_url()).values_list("recipient__username", flat=True)
    )
    assert notified == {"enterprise", "inspector_town"}
    # The worker sees a thank-you, not the hazard's code or page.
    body = client.get(response["Location"]).content.decode()
    assert "已收到" in body and hazard.code not in body


@pytest.mark.parametrize(
    ("role", "sees_contact"),
    [("inspector_town", True), ("committee", True), ("department", True), ("admin", True), ("enterprise", False)],
)
def test_the_reporters_contact_is_kept_from_the_employer(
    client: Any, users: dict[str, Any], source: RiskSource, role: str, sees_contact: bool
) -> None:
    """安全生产法 art. 73: whoever reports is protected. Only the authorities see who reported, on the page
    and in the API; the enterprise's timeline and audit trail never carry it."""
    report(client, source, reporter_name="李工", reporter_phone="13900001111")
    hazard = Hazard.objects.get()
    client.force_login(users[role])
    page = client.get(hazard.get_absolute_url()).content.decode()
    api = client.get(f"/api/v1/hazards/{hazard.pk}/").json()
    assert ("13900001111" in page) is sees_contact
    assert ("李工" in page) is sees_contact
    assert api["reporter_contact"] == ("李工, 13900001111" if sees_contact else "")
    assert "13900001111" not in str(api["transitions"])


def test_a_workers_photo_reaches_the_enterprise_without_its_metadata(
    client: Any, users: dict[str, Any], source: RiskSource
) -> None:
    """The EXIF of a phone photo names the device, often its owner, and where it was taken."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    exif = Image.Exif()
    exif[0x013B] = "Wang Xiaoming"  # Artist
    exif[0x0110] = "Xiaomi 14"  # Model
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "blue").save(buffer, "JPEG", exif=exif)
    photo = SimpleUploadedFile("IMG_wangxiaoming.jpg", buffer.getvalue(), content_type="image/jpeg")
    assert b"Wang Xiaoming" in buffer.getvalue()

    assert report(client, source, photo=photo).status_code == 302
    attachment = HazardAttachment.objects.get()
    assert "wangxiaoming" not in attachment.original_name
    client.force_login(users["enterprise"])
    served = b"".join(client.get(reverse("hazards:attachment", args=[attachment.pk])).streaming_content)
    assert b"Wang Xiaoming" not in served and b"Xiaomi" not in served
    with Image.open(io.BytesIO(served)) as image:
        assert image.size == (40, 30) and not image.getexif()


def test_a_worker_report_is_graded_by_an_inspector_not_by_the_employer(
    client: Any, users: dict[str, Any], source: RiskSource
) -> None:
    report(client, source)
    hazard = Hazard.objects.get()
    assert action_blocker(users["enterprise"], hazard, TransitionAction.ASSESS) is not None
    assert action_blocker(users["inspector"], hazard, TransitionAction.ASSESS) is None


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"description": "   "}, "description", "必填项"),
        ({"description": "漏" * 1001}, "description", "1000"),
        ({"reporter_phone": "call me <b>"}, "reporter_phone", "电话号码"),
        ({"reporter_name": "名" * 31}, "reporter_name", "30"),
        ({"photo": "not-a-file"}, None, None),
    ],
)
def test_bad_input_is_a_form_error_not_a_hazard(
    client: Any, source: RiskSource, data: dict[str, Any], field: str | None, message: str | None
) -> None:
    response = report(client, source, **data)
    if field is None:  # a text value where a file belongs is simply no photo
        assert response.status_code == 302
        return
    assert response.status_code == 400
    body = response.content.decode()
    assert f'data-field="{field}"' in body and message in body
    assert Hazard.objects.count() == 0


def test_a_fake_photo_is_refused(client: Any, source: RiskSource) -> None:
    response = report(client, source, photo=fake_image_upload())
    assert response.status_code == 400
    assert 'data-field="photo"' in response.content.decode()
    assert Hazard.objects.count() == 0


def test_a_report_without_the_csrf_token_is_refused(source: RiskSource) -> None:
    client = Client(enforce_csrf_checks=True)
    assert client.post(public_url(source), {"description": "漏气"}).status_code == 403
    assert Hazard.objects.count() == 0
    page = client.get(public_url(source))
    token = page.cookies["csrftoken"].value
    assert client.post(public_url(source), {"description": "漏气", "csrfmiddlewaretoken": token}).status_code == 302
    assert Hazard.objects.count() == 1


def test_reports_from_one_address_are_limited_with_a_clear_message(client: Any, source: RiskSource) -> None:
    limit = {scope: n for scope, n, _window in card_services.CARD_REPORT_LIMITS}["ip_card"]
    for _ in range(limit):
        assert report(client, source).status_code == 302
    response = report(client, source, description="第六次：仍在漏气")
    assert response.status_code == 429
    body = response.content.decode()
    assert "提交的报告过多" in body
    assert "第六次：仍在漏气" in body  # what was typed is kept for a later try
    assert Hazard.objects.count() == limit
    # Another address can still report at this card.
    assert report(client, source, extra={"REMOTE_ADDR": "10.0.0.9"}).status_code == 302


def test_behind_the_city_proxy_each_phone_is_limited_on_its_own(client: Any, source: RiskSource, settings: Any) -> None:
    """Every request arrives from the proxy's address; the client's own address is in X-Forwarded-For."""
    settings.TRUSTED_PROXY_COUNT = 1
    limit = {scope: n for scope, n, _window in card_services.CARD_REPORT_LIMITS}["ip_card"]
    proxy = {"REMOTE_ADDR": "10.1.1.1"}
    for _ in range(limit):
        assert report(client, source, extra={**proxy, "HTTP_X_FORWARDED_FOR": "1.2.3.4"}).status_code == 302
    assert report(client, source, extra={**proxy, "HTTP_X_FORWARDED_FOR": "1.2.3.4"}).status_code == 429
    # A forged left-hand entry does not make a new client; another phone still reports.
    forged = {**proxy, "HTTP_X_FORWARDED_FOR": "9.9.9.9, 1.2.3.4"}
    assert report(client, source, extra=forged).status_code == 429
    assert report(client, source, extra={**proxy, "HTTP_X_FORWARDED_FOR": "5.6.7.8"}).status_code == 302


def test_the_qr_code_uses_the_configured_public_address(
    client: Any, users: dict[str, Any], source: RiskSource, settings: Any
) -> None:
    settings.PUBLIC_BASE_URL = "https://aq.longyan.gov.cn"
    client.force_login(users["enterprise"])
    body = client.get(reverse("hazards:risk_card", args=[source.pk])).content.decode()
    expected = f"https://aq.longyan.gov.cn/hazards/card/{source.card_token}/"
    assert risk_card_qr_svg(expected) in body


def test_reports_from_one_address_over_many_cards_are_limited(
    client: Any, users: dict[str, Any], source: RiskSource, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(card_services, "CARD_REPORT_LIMITS", (("ip_card", 5, 3600), ("ip", 3, 3600)))
    other = risk_source_save(actor=users["enterprise"], enterprise=source.enterprise, data=card_data(name="卸车岗"))
    assert report(client, source).status_code == 302
    assert report(client, other).status_code == 302
    assert report(client, source).status_code == 302
    assert report(client, other).status_code == 429
    assert Hazard.objects.count() == 3


def test_reports_on_one_card_are_limited_across_addresses(
    client: Any, source: RiskSource, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(card_services, "CARD_REPORT_LIMITS", (("ip_card", 100, 3600), ("card", 3, 3600)))
    for n in range(3):
        assert client.post(public_url(source), {"description": "漏气"}, REMOTE_ADDR=f"10.0.1.{n}").status_code == 302
    response = client.post(public_url(source), {"description": "漏气"}, REMOTE_ADDR="10.0.1.99")
    assert response.status_code == 429
    assert Hazard.objects.count() == 3


# A new code ----------------------------------------------------------------------------------


def test_a_new_code_invalidates_the_old_cards(client: Any, users: dict[str, Any], source: RiskSource) -> None:
    old_url = public_url(source)
    client.force_login(users["enterprise"])
    response = client.post(reverse("hazards:risk_card_regenerate", args=[source.pk]))
    assert response.status_code == 302
    source.refresh_from_db()
    assert public_url(source) != old_url
    # Who invalidated the cards, and when, is in the risk source's audit trail.
    from safety_platform.audit import audit_entries_for

    entry = audit_entries_for(source).first()
    assert entry.actor == users["enterprise"] and "card_token" in entry.changes_dict
    client.logout()
    assert client.get(old_url).status_code == 404
    assert client.post(old_url, {"description": "漏气"}).status_code == 404
    assert client.get(public_url(source)).status_code == 200
    assert Hazard.objects.count() == 0


@pytest.mark.parametrize(("role", "status"), [("department", 403), ("committee", 403), ("other_enterprise", 404)])
def test_only_the_enterprise_and_inspectors_in_scope_issue_a_new_code(
    client: Any, users: dict[str, Any], world: dict[str, Any], source: RiskSource, role: str, status: int
) -> None:
    token = source.card_token
    user = users.get(role) or UserFactory(role="enterprise", enterprise=world["xinluo_site"])
    client.force_login(user)
    assert client.post(reverse("hazards:risk_card_regenerate", args=[source.pk])).status_code == status
    source.refresh_from_db()
    assert source.card_token == token


def test_an_inspector_in_scope_issues_a_new_code(client: Any, users: dict[str, Any], source: RiskSource) -> None:
    token = source.card_token
    client.force_login(users["inspector_town"])
    response = client.post(reverse("hazards:risk_card_regenerate", args=[source.pk]), follow=True)
    source.refresh_from_db()
    assert source.card_token != token
    assert str(source.card_token) in response.content.decode()
    assert client.get(reverse("hazards:risk_card_regenerate", args=[source.pk])).status_code == 405


def test_a_worker_report_walks_the_loop_in_the_web_ui(client: Any, users: dict[str, Any], source: RiskSource) -> None:
    import datetime as dt

    from django.utils import timezone

    def act(action: str, data: dict[str, Any]) -> Any:
        payload = {f"{action}-{k}": v for k, v in data.items()}
        return client.post(reverse("hazards:act", args=[hazard.pk, action]), payload)

    assert report(client, source, reporter_name="李工").status_code == 302
    hazard = Hazard.objects.get()
    # The enterprise sees the report at its risk source but may not grade it; the notified inspector does.
    client.force_login(users["enterprise"])
    assert hazard.title in client.get(source.get_absolute_url()).content.decode()
    deadline = (timezone.localdate() + dt.timedelta(days=7)).isoformat()
    assessment = {"grade": "general", "deadline": deadline, "responsible_person": "张三"}
    assert act("assess", assessment).status_code == 403
    client.force_login(users["inspector_town"])
    assert act("assess", assessment).status_code == 302
    client.force_login(users["enterprise"])
    assert act("start", {}).status_code == 302
    assert act("submit", {"after": [image_upload(color="green")]}).status_code == 302
    client.force_login(users["inspector_town"])
    assert act("close", {"note": "复核合格"}).status_code == 302
    hazard.refresh_from_db()
    assert hazard.state == HazardState.CLOSED
    page = client.get(hazard.get_absolute_url()).content.decode()
    for step in ("register", "assess", "start", "submit", "close"):
        assert f'data-testid="step-{step}"' in page, step
    assert "职工举报" in page and "李工" in page
