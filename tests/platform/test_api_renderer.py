"""The API's JSON renderer (safety_platform.api.renderers): DRF's JSONRenderer's bytes, written by orjson."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils.translation import gettext_lazy
from rest_framework.renderers import JSONRenderer
from rest_framework.settings import api_settings

from safety_platform.api.renderers import PlatformJSONRenderer

SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclasses.dataclass
class _Point:
    x: int


VALUES: list[Any] = [
    {"next": None, "results": [{"reason": "中文\u2028原因\u2029", "n": 1, "ok": True, "x": None}]},
    {"results": [{"reason": "plain", "date": "2026-12-04"}]},
    [1, -2, 0, 2**63 - 1, -(2**63), 1.5, 0.1, 25.123456, 117.0298, 3.0, -0.0, True, False, None, ""],
    {"nested": {"deep": [[{"a": ["b", {"c": "龙岩市新罗区"}]}]]}, "emoji": "⚠️🚧", "quote": '"\\/\n\t\x00\x1f'},
    # What DRF's encoder writes its own way: datetimes (milliseconds, "Z"), dates, times, Decimals, UUIDs, lazy text
    {
        "utc": dt.datetime(2026, 12, 7, 3, 4, 5, 123456, tzinfo=dt.UTC),
        "local": dt.datetime(2026, 12, 7, 11, 4, 5, tzinfo=SHANGHAI),
        "naive": dt.datetime(2026, 12, 7, 11, 4, 5, 999),
        "date": dt.date(2026, 12, 7),
        "time": dt.time(8, 30, 0, 250000),
        "span": dt.timedelta(days=2, seconds=5),
        "decimal": Decimal("25.0612"),
        "uuid": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "lazy": gettext_lazy("Hazards"),
    },
    {1: "int key", 2.5: "float key", None: "none key", "s": "str key"},
    ("a", "tuple"),
    {"set": {7}, "frozen": frozenset({"x"})},
    "a string alone",
    12,
    {},
    [],
]


@pytest.mark.parametrize("media_type", [None, "application/json", "application/json; indent=4"])
@pytest.mark.parametrize("data", VALUES, ids=range(len(VALUES)))
def test_the_platform_renderer_writes_drfs_bytes(data: Any, media_type: str | None) -> None:
    assert PlatformJSONRenderer().render(data, media_type) == JSONRenderer().render(data, media_type)


def test_nothing_renders_as_no_body() -> None:
    assert PlatformJSONRenderer().render(None) == b""


def test_an_integer_beyond_64_bits_is_written_as_drf_writes_it() -> None:
    data = {"big": 2**70, "neg": -(2**64)}
    expected = b'{"big":1180591620717411303424,"neg":-18446744073709551616}'
    assert PlatformJSONRenderer().render(data) == JSONRenderer().render(data) == expected


def test_separators_are_escaped_as_drf_escapes_them() -> None:
    body = PlatformJSONRenderer().render({"reason": "暂扣\u2028整改\u2029"})
    assert body == '{"reason":"暂扣\\u2028整改\\u2029"}'.encode()


def test_a_value_neither_can_write_is_the_same_error() -> None:
    with pytest.raises(TypeError):
        JSONRenderer().render({"x": object()})
    with pytest.raises(TypeError):
        PlatformJSONRenderer().render({"x": object()})
    # orjson writes dataclasses itself; DRF does not, nor does the platform
    with pytest.raises(TypeError):
        JSONRenderer().render({"x": _Point(3)})
    with pytest.raises(TypeError):
        PlatformJSONRenderer().render({"x": _Point(3)})


def test_a_nan_is_written_as_null_where_drf_refuses_it() -> None:
    """The one deliberate difference (see the module): no error while the response is being written."""
    with pytest.raises(ValueError):
        JSONRenderer().render({"latitude": float("nan")})
    assert PlatformJSONRenderer().render({"latitude": float("nan"), "x": float("inf")}) == b'{"latitude":null,"x":null}'


def test_the_api_answers_with_the_platform_renderer(client: Any) -> None:
    assert api_settings.DEFAULT_RENDERER_CLASSES[0] is PlatformJSONRenderer
    response = client.get("/api/v1/hazards/")  # signed out: the API's error body, written by the same renderer
    assert response.status_code in (401, 403)
    assert response["Content-Type"] == "application/json"
    assert response.content == JSONRenderer().render(response.json())
