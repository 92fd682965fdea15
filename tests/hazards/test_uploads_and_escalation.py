"""Uploads are checked by content and served only to those who may see the hazard; overdue escalation."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from hazards.models import Hazard, HazardAttachment
from hazards.services import attachments_make_thumbnails, hazard_progress
from hazards.services.loop import thumbnail_name
from safety_platform.models import Fact, Notification, StatutoryDeadline
from safety_platform.services import DomainError, deadlines_escalate
from tests.clock import shanghai
from tests.hazards.factories import fake_image_upload, image_upload, make_hazard

pytestmark = [pytest.mark.django_db, pytest.mark.clock(shanghai(2026, 12, 4, 10))]


def test_renamed_non_image_is_refused_in_the_web_form(client: Any, users: dict[str, Any], xinluo_chem: Any) -> None:
    client.force_login(users["inspector"])
    response = client.post(
        reverse("hazards:create"),
        {"enterprise": xinluo_chem.pk, "title": "配电箱破损", "photos": [fake_image_upload("配电箱.jpg")]},
    )
    assert response.status_code == 200
    assert "配电箱.jpg" in response.content.decode()  # the error names the file
    assert not Hazard.objects.exists() and not HazardAttachment.objects.exists()


def test_renamed_non_image_is_refused_by_the_service(users: dict[str, Any], xinluo_chem: Any) -> None:
    hazard = make_hazard(xinluo_chem, state="rectifying", inspector=users["inspector"])
    steps = hazard.transitions.count()
    with pytest.raises(DomainError) as exc:
        hazard_progress(hazard_id=hazard.pk, actor=users["enterprise"], note="x", photos=[fake_image_upload()])
    assert exc.value.code == "invalid" and exc.value.field == "files"
    assert hazard.transitions.count() == steps  # nothing recorded


def test_oversized_photo_is_refused(client: Any, users: dict[str, Any], xinluo_chem: Any, settings: Any) -> None:
    settings.UPLOAD_MAX_BYTES = 100
    client.force_login(users["inspector"])
    response = client.post(
        reverse("hazards:create"), {"enterprise": xinluo_chem.pk, "title": "x", "photos": [image_upload()]}
    )
    assert response.status_code == 200 and not Hazard.objects.exists()


def test_attachment_is_stored_under_a_random_name_and_served_only_in_scope(
    client: Any, users: dict[str, Any], xinluo_chem: Any
) -> None:
    client.force_login(users["inspector"])
    response = client.post(
        reverse("hazards:create"),
        {"enterprise": xinluo_chem.pk, "title": "消防通道堵塞", "photos": [image_upload("现场照片.jpg")]},
    )
    assert response.status_code == 302
    attachment = HazardAttachment.objects.get()
    assert attachment.original_name == "现场照片.jpg"
    assert "现场照片" not in attachment.file.name and attachment.file.name.startswith("hazards/")
    url = reverse("hazards:attachment", args=[attachment.pk])
    served = client.get(url)
    assert served.status_code == 200 and served["X-Content-Type-Options"] == "nosniff"
    assert b"".join(served.streaming_content).startswith(b"\xff\xd8\xff")
    client.force_login(users["department_zjj"])
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


def test_thumbnails_are_made_after_commit_and_served(
    client: Any, users: dict[str, Any], xinluo_chem: Any, django_capture_on_commit_callbacks: Any
) -> None:
    hazard = make_hazard(xinluo_chem, state="rectifying", inspector=users["inspector"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        hazard_progress(hazard_id=hazard.pk, actor=users["enterprise"], photos=[image_upload()])
    attachment = HazardAttachment.objects.get()
    # Nothing is enqueued before the commit; then the (eager) task makes the preview.
    assert not attachment.file.storage.exists(thumbnail_name(attachment))
    for callback in callbacks:
        callback()
    assert attachment.file.storage.exists(thumbnail_name(attachment))
    assert attachments_make_thumbnails(attachment_ids=[attachment.pk]) == 0  # idempotent
    client.force_login(users["enterprise"])
    response = client.get(reverse("hazards:attachment", args=[attachment.pk]) + "?thumb=1")
    assert response.status_code == 200


def _overdue_hazard(xinluo_chem: Any, users: dict[str, Any], grade: str) -> Any:
    hazard = make_hazard(xinluo_chem, state="rectifying", grade=grade, inspector=users["inspector"])
    clock = StatutoryDeadline.objects.get(kind="hazard_rectification", source_id=hazard.pk)
    return hazard, clock


def test_overdue_major_hazard_escalates_step_by_step_and_notifies_once(users: dict[str, Any], xinluo_chem: Any) -> None:
    hazard, clock = _overdue_hazard(xinluo_chem, users, "major")
    now = clock.due_at + dt.timedelta(hours=1)
    assert deadlines_escalate(now=now) == 1
    assert deadlines_escalate(now=now) == 0  # the same run again: nothing new
    deadline_notes = Notification.objects.filter(category="deadline")
    assert list(deadline_notes.values_list("recipient__username", flat=True)) == ["inspector"]
    fact = Fact.objects.get(kind="major_hazard_overdue")
    assert fact.dedup_key == f"hazard:{hazard.pk}:major_overdue"
    assert fact.payload == {"hazard_id": hazard.pk, "code": hazard.code, "due_at": clock.due_at.isoformat()}
    # Days later: county office, then committee office, each once; still one fact.
    deadlines_escalate(now=clock.due_at + dt.timedelta(days=3, hours=1))
    deadlines_escalate(now=clock.due_at + dt.timedelta(days=8))
    deadlines_escalate(now=clock.due_at + dt.timedelta(days=8))
    assert Notification.objects.filter(category="deadline", recipient=users["committee"]).count() == 1
    # The responsible inspector is also one of the county's inspectors: told once, not again at level 2.
    assert Notification.objects.filter(category="deadline", recipient=users["inspector"]).count() == 1
    assert Fact.objects.filter(kind="major_hazard_overdue").count() == 1


def test_overdue_general_hazard_records_hazard_overdue(users: dict[str, Any], xinluo_chem: Any) -> None:
    hazard, clock = _overdue_hazard(xinluo_chem, users, "general")
    deadlines_escalate(now=clock.due_at + dt.timedelta(hours=1))
    deadlines_escalate(now=clock.due_at + dt.timedelta(hours=2))
    assert list(Fact.objects.exclude(kind="inspection_conducted").values_list("kind", "dedup_key")) == [
        ("hazard_overdue", f"hazard:{hazard.pk}:overdue")
    ]


def test_hazard_fixed_in_time_is_never_escalated(users: dict[str, Any], xinluo_chem: Any) -> None:
    hazard = make_hazard(xinluo_chem, state="remediated", inspector=users["inspector"])
    later = timezone.now() + dt.timedelta(days=60)
    rect = StatutoryDeadline.objects.get(kind="hazard_rectification", source_id=hazard.pk)
    assert not rect.is_open
    deadlines_escalate(now=later)
    assert not Fact.objects.filter(kind__in=["hazard_overdue", "major_hazard_overdue"]).exists()


def test_overdue_filter_and_badge(client: Any, users: dict[str, Any], xinluo_chem: Any) -> None:
    late = make_hazard(xinluo_chem, state="rectifying", inspector=users["inspector"], title="已逾期隐患")
    make_hazard(xinluo_chem, state="rectifying", inspector=users["inspector"], title="未逾期隐患")
    Hazard.objects.filter(pk=late.pk).update(deadline=timezone.localdate() - dt.timedelta(days=1))
    client.force_login(users["inspector"])
    body = client.get(reverse("hazards:list") + "?overdue=true").content.decode()
    assert "已逾期隐患" in body and "未逾期隐患" not in body
    detail = client.get(reverse("hazards:detail", args=[late.pk])).content.decode()
    assert 'data-testid="overdue"' in detail
