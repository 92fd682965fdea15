"""Who hears of a dispatch order: the committee office when a county asks for supplies, the keepers of the
designated warehouses and the requester when the city approves it; each once, with a link to the order."""

from __future__ import annotations

from typing import Any

import pytest

from emergency.services import dispatch_approve, dispatch_request
from safety_platform.models import Notification
from tests.clock import shanghai

pytestmark = [pytest.mark.django_db, pytest.mark.clock(shanghai(2026, 12, 4, 10))]


def test_a_request_and_its_approval_reach_the_right_people_once(
    users: dict[str, Any], org: Any, xinluo_store: Any, tent: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        order = dispatch_request(
            actor=users["inspector"],
            title="暴雨安置",
            requesting_jurisdiction=org.jurisdiction("新罗区"),
            destination="西陂小学",
            lines=[(tent, 5)],
        )
    requested = Notification.objects.filter(dedup_key=f"dispatch:{order.pk}:requested")
    assert {n.recipient.username for n in requested} == {"committee"}
    assert {(n.title, n.url, n.category) for n in requested} == {
        ("物资调拨申请：暴雨安置", order.get_absolute_url(), "emergency.dispatch")
    }
    with django_capture_on_commit_callbacks(execute=True):
        dispatch_approve(actor=users["committee"], order=order, source_warehouses=[xinluo_store])
    approved = Notification.objects.filter(dedup_key=f"dispatch:{order.pk}:approved")
    # The county store's keepers (新罗区's inspector and county office); the inspector, who also asked for the
    # supplies, gets one notice.
    assert sorted(n.recipient.username for n in approved) == ["county_office", "inspector"]
    assert {(n.title, n.url, n.category) for n in approved} == {
        ("调拨已批准：暴雨安置", order.get_absolute_url(), "emergency.dispatch")
    }
