"""The 通知设置 and 外发通知 pages: who sees them, what they save, what they refuse, their query counts."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse

from safety_platform.models import NotificationPreference, OutboundMessage
from safety_platform.services import notify_address

pytestmark = pytest.mark.django_db


def _all_groups(**overrides: str) -> dict[str, str]:
    return {"phone": "", "email": "", **overrides}


def test_preferences_page_shows_the_groups_and_channels_in_chinese(client: Any, users: dict[str, Any]) -> None:
    client.force_login(users["inspector"])
    page = client.get(reverse("notification_preferences")).content.decode()
    for text in ("通知设置", "手机号码", "应急预警", "重大隐患", "短信", "电子邮箱"):
        assert text in page


def test_preferences_save_mobile_email_and_channels(client: Any, users: dict[str, Any]) -> None:
    user = users["inspector"]
    client.force_login(user)
    response = client.post(
        reverse("notification_preferences"),
        {"phone": "+86 139-0000-0007", "email": "xunchayuan@example.cn", "warning_sms": "on", "hazard_email": "on"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.phone, user.email) == ("13900000007", "xunchayuan@example.cn")
    prefs = {p.group: (p.email, p.sms) for p in NotificationPreference.objects.filter(user=user)}
    assert prefs["warning"] == (False, True) and prefs["hazard"] == (True, False) and prefs["credit"] == (False, False)
    # The page shows what was saved.
    page = client.get(reverse("notification_preferences")).content.decode()
    assert 'value="13900000007"' in page


def test_a_phone_that_is_not_a_mainland_mobile_is_refused_naming_the_field(client: Any, users: dict[str, Any]) -> None:
    user = users["inspector"]
    client.force_login(user)
    response = client.post(reverse("notification_preferences"), {"phone": "0597-2345678", "warning_sms": "on"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-field="phone"' in page and "中国大陆手机号码" in page
    user.refresh_from_db()
    assert user.phone == "" and not NotificationPreference.objects.filter(user=user).exists()


def test_choosing_sms_without_a_mobile_asks_for_one(client: Any, users: dict[str, Any]) -> None:
    client.force_login(users["inspector"])
    response = client.post(reverse("notification_preferences"), {"warning_sms": "on"})
    assert response.status_code == 200 and 'data-field="phone"' in response.content.decode()


@pytest.mark.parametrize("role", ["inspector", "enterprise", "department"])
def test_outbound_page_is_for_admins_and_committee_staff_only(role: str, client: Any, users: dict[str, Any]) -> None:
    client.force_login(users[role])
    assert client.get(reverse("notification_outbound")).status_code == 403
    assert client.post(reverse("notification_outbound_retry", args=[1])).status_code == 403


def _messages(n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        notify_address(channel="sms", address=f"139{i:08d}", name=f"联系人{i}", title="暴雨预警", dedup_key=f"w:{i}")
    failing = OutboundMessage.objects.filter(address__endswith="1")
    failing.update(status="failed", last_error="gateway answered HTTP 500")


def test_outbound_list_filters_and_keeps_a_flat_query_count(
    client: Any, users: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    client.force_login(users["committee"])
    _messages(5)
    with django_assert_max_num_queries(8) as few:
        client.get(reverse("notification_outbound"))
    _messages(60, start=5)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("notification_outbound"))
    assert response.status_code == 200
    failed = client.get(reverse("notification_outbound"), {"status": "failed", "channel": "sms"}).content.decode()
    assert "13900000001" in failed and "13900000002" not in failed and "重发" in failed
    assert "gateway answered HTTP 500" in failed


def test_an_unknown_filter_value_is_named_not_a_server_error(client: Any, users: dict[str, Any]) -> None:
    client.force_login(users["admin"])
    response = client.get(reverse("notification_outbound"), {"status": "exploded"})
    assert response.status_code == 200 and 'data-field="status"' in response.content.decode()


def test_only_a_failed_message_can_be_sent_again(client: Any, users: dict[str, Any]) -> None:
    client.force_login(users["committee"])
    _messages(2)
    pending = OutboundMessage.objects.get(address="13900000000")
    response = client.post(reverse("notification_outbound_retry", args=[pending.pk]), follow=True)
    assert "只有发送失败的消息才能重发" in response.content.decode()
    failed = OutboundMessage.objects.get(address="13900000001")
    client.post(reverse("notification_outbound_retry", args=[failed.pk]))
    failed.refresh_from_db()
    assert failed.status == "pending" and failed.attempts == 0 and failed.last_error  # the last error stays in view
    assert client.post(reverse("notification_outbound_retry", args=[999999])).status_code == 404


def test_the_notifications_page_links_to_settings_and_for_committee_to_outbound(
    client: Any, users: dict[str, Any]
) -> None:
    client.force_login(users["committee"])
    page = client.get(reverse("notifications")).content.decode()
    assert reverse("notification_preferences") in page and reverse("notification_outbound") in page
    client.force_login(users["enterprise"])
    page = client.get(reverse("notifications")).content.decode()
    assert reverse("notification_preferences") in page and reverse("notification_outbound") not in page


def test_outbound_admin_lists_messages(client: Any, users: dict[str, Any]) -> None:
    _messages(2)
    client.force_login(users["admin"])
    assert client.get(reverse("admin:safety_platform_outboundmessage_changelist")).status_code == 200


def test_outbound_admin_is_read_only_and_sends_a_failed_message_again(client: Any, users: dict[str, Any]) -> None:
    """A message is what was sent: its admin page offers no 保存 (it used to, and answered the click with a 403);
    the list's action sends the failed ones again."""
    _messages(2)
    failed = OutboundMessage.objects.get(status="failed")
    client.force_login(users["admin"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    page = client.get(reverse("admin:safety_platform_outboundmessage_change", args=[failed.pk])).content.decode()
    assert failed.address in page and 'name="_save"' not in page
    changelist = reverse("admin:safety_platform_outboundmessage_changelist")
    assert "retry_now" in client.get(changelist).content.decode()
    response = client.post(changelist, {"action": "retry_now", "_selected_action": [failed.pk]}, follow=True)
    assert "1 条消息将重新发送。" in response.content.decode()
    failed.refresh_from_db()
    assert failed.status != "failed" and failed.attempts <= 1
