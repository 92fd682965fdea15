"""Factories and helpers for hazards tests: images, hazards walked to a given state."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from hazards.choices import HazardGrade, HazardSource
from hazards.services import (
    hazard_assess,
    hazard_register,
    hazard_report,
    hazard_start,
    hazard_submit,
    remediation_plan_save,
)


def image_upload(name: str = "photo.jpg", color: str = "red", fmt: str = "JPEG") -> SimpleUploadedFile:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), color).save(buffer, fmt)
    content_type = "image/png" if fmt == "PNG" else "image/jpeg"
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=content_type)


def fake_image_upload(name: str = "evil.jpg") -> SimpleUploadedFile:
    """A script renamed to look like a photo."""
    return SimpleUploadedFile(name, b"#!/bin/sh\nrm -rf /\n" * 4, content_type="image/jpeg")


COMPLETE_PLAN = {
    "goal": "消除储罐区泄漏隐患",
    "measures": "更换法兰垫片，加装可燃气体报警仪",
    "funds_and_materials": "资金5万元，垫片、报警仪",
    "funds_amount": "50000",
    "responsible_people": "生产副总 李四；设备科",
    "deadline": None,  # filled in by make_hazard
    "safety_measures": "停用储罐，设置警戒区，配备应急器材",
}


def make_hazard(
    enterprise: Any,
    *,
    state: str = "registered",
    grade: str = HazardGrade.GENERAL,
    inspector: Any = None,
    enterprise_user: Any = None,
    title: str = "储罐区法兰泄漏",
    source: str = HazardSource.INSPECTION,
    found_at: dt.datetime | None = None,
    deadline: dt.date | None = None,
    external_key: str | None = None,
) -> Any:
    """Register a hazard and walk it through the loop up to `state` with the given actors."""
    hazard, _ = hazard_register(
        enterprise=enterprise,
        title=title,
        description="储罐区1号罐出口法兰处有明显泄漏痕迹，未设置可燃气体报警装置。",
        source=source,
        reported_by=inspector,
        location="储罐区",
        found_at=found_at,
        external_key=external_key,
    )
    order = ["registered", "assessed", "reported", "rectifying", "remediated"]
    if state == "registered":
        return hazard
    deadline = deadline or timezone.localdate() + dt.timedelta(days=30)
    hazard = hazard_assess(
        hazard_id=hazard.pk, actor=inspector, grade=grade, deadline=deadline, responsible_person="王五"
    )
    if state == "assessed":
        return hazard
    if grade == HazardGrade.MAJOR:
        remediation_plan_save(hazard_id=hazard.pk, actor=inspector, data={**COMPLETE_PLAN, "deadline": deadline})
        hazard = hazard_report(hazard_id=hazard.pk, actor=inspector)
        if state == "reported":
            return hazard
    hazard = hazard_start(hazard_id=hazard.pk, actor=enterprise_user or inspector)
    if state == "rectifying":
        return hazard
    hazard = hazard_submit(hazard_id=hazard.pk, actor=enterprise_user or inspector, after=[image_upload()])
    assert order.index(state) <= order.index("remediated")
    return hazard
