"""Images are refused above a pixel limit, read from the header before anything decodes them."""

from __future__ import annotations

import struct
import time
import zlib
from typing import Any

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hazards.models import Hazard, RiskSource
from hazards.services import risk_source_save
from safety_platform.uploads import IMAGE, validate_upload
from tests.hazards.factories import image_upload

pytestmark = pytest.mark.django_db


def huge_png(width: int, height: int, name: str = "huge.png") -> SimpleUploadedFile:
    """A real, valid black-and-white PNG of width x height pixels that is only a few kilobytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    row = b"\x00" * (1 + (width + 7) // 8)
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1 bit per pixel, greyscale
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    return SimpleUploadedFile(name, png, content_type="image/png")


@pytest.fixture(autouse=True)
def _fresh_throttle() -> Any:
    cache.clear()
    yield
    cache.clear()


def test_a_20000_by_20000_png_sent_to_the_public_risk_card_is_a_form_error_not_a_500(
    client: Any, users: dict[str, Any], xinluo_chem: Any
) -> None:
    source: RiskSource = risk_source_save(
        actor=users["enterprise"],
        enterprise=xinluo_chem,
        data={
            "name": "储罐区装卸岗",
            "description": "液氯泄漏",
            "method": "lec",
            "lec_l": "3",
            "lec_e": "6",
            "lec_c": "7",
            "control_measures": "佩戴防毒面具",
            "emergency_measures": "撤离",
            "responsible_person": "张三",
            "responsible_phone": "13800000001",
        },
    )
    photo = huge_png(20_000, 20_000)
    assert photo.size < 200_000  # small on the wire
    started = time.monotonic()
    response = client.post(
        reverse("hazards:card_public", args=[source.card_token]), {"description": "漏气", "photo": photo}
    )
    assert time.monotonic() - started < 6
    assert response.status_code == 400
    body = response.content.decode()
    assert 'data-field="photo"' in body
    assert "图片像素过多：最多 40 百万像素" in body
    assert Hazard.objects.count() == 0


def test_a_12000_by_12000_image_is_refused_quickly_and_a_phone_photo_is_accepted(settings: Any) -> None:
    started = time.monotonic()
    with pytest.raises(ValidationError) as caught:
        validate_upload(huge_png(12_000, 12_000), kinds=(IMAGE,))
    assert caught.value.code == "too_many_pixels"
    assert time.monotonic() - started < 6
    # 48 MP phone photos are common: the limit is a setting.
    settings.UPLOAD_MAX_IMAGE_PIXELS = 150_000_000
    assert validate_upload(huge_png(12_000, 12_000), kinds=(IMAGE,)) == "png"
    settings.UPLOAD_MAX_IMAGE_PIXELS = 40_000_000
    assert validate_upload(image_upload(), kinds=(IMAGE,)) == "jpg"
    assert validate_upload(huge_png(6_000, 6_000), kinds=(IMAGE,)) == "png"
