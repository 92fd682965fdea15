"""The client's address behind trusted reverse proxies (login throttling and report limits use it)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import RequestFactory

from safety_platform.net import client_ip


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "1.2.3.4", "10.0.0.1"),  # served directly: the header is the client's own claim
        (1, "", "10.0.0.1"),  # bypassed the proxy
        (1, "1.2.3.4", "1.2.3.4"),
        (1, "6.6.6.6, 1.2.3.4", "1.2.3.4"),  # a forged entry on the left is ignored
        (2, "6.6.6.6, 1.2.3.4, 172.16.0.2", "1.2.3.4"),
        (2, "1.2.3.4", "10.0.0.1"),  # fewer entries than proxies: not through the chain
    ],
)
def test_client_ip_trusts_exactly_the_configured_proxies(
    settings: Any, proxies: int, forwarded: str, expected: str
) -> None:
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected
