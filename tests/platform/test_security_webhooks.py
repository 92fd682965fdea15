"""Webhook targets: only approved hosts on public addresses, checked at registration and at each call."""

from __future__ import annotations

import http.server
import socket
import threading
import urllib.error
from typing import Any

import pytest
from django.urls import reverse

from credit.models import WebhookSubscription
from credit.services import push

pytestmark = pytest.mark.django_db


def resolving_to(address: str) -> Any:
    return lambda *a, **k: [(socket.AF_INET, 1, 6, "", (address, 443))]


@pytest.mark.parametrize(
    ("url", "address", "message"),
    [
        ("https://hooks.fgw.example/in", "36.110.0.5", None),
        ("https://evil.example/in", "36.110.0.5", "未获批准"),
        ("https://hooks.fgw.example/in", "127.0.0.1", "内部地址"),
        ("https://hooks.fgw.example/in", "10.1.2.3", "内部地址"),
        ("https://hooks.fgw.example/in", "169.254.169.254", "内部地址"),
        ("http://127.0.0.1:8000/admin/", "127.0.0.1", "未获批准"),
        ("ftp://hooks.fgw.example/in", "36.110.0.5", None),
    ],
)
def test_a_webhook_is_registered_only_to_an_approved_host_on_a_public_address(
    client: Any, users: dict[str, Any], settings: Any, monkeypatch: Any, url: str, address: str, message: str | None
) -> None:
    settings.OUTBOUND_ALLOWED_HOSTS = [".fgw.example"]
    monkeypatch.setattr(socket, "getaddrinfo", resolving_to(address))
    client.force_login(users["department"])
    response = client.post(reverse("credit:webhooks"), {"name": "系统", "url": url, "blacklist": "on"})
    if message is None and url.startswith("https"):
        assert response.status_code == 302
        assert WebhookSubscription.objects.count() == 1
        return
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-field="url"' in body
    if message:
        assert message in body
    assert WebhookSubscription.objects.count() == 0


def test_a_call_is_refused_when_the_name_now_points_inside_and_redirects_are_not_followed(
    settings: Any, monkeypatch: Any
) -> None:
    settings.OUTBOUND_ALLOWED_HOSTS = ["hooks.fgw.example", "127.0.0.1"]
    monkeypatch.setattr(socket, "getaddrinfo", resolving_to("10.0.0.8"))
    with pytest.raises(urllib.error.URLError):
        push._post("https://hooks.fgw.example/in", b"{}", {})
    monkeypatch.undo()  # real name resolution again, for the local server below

    hits: list[str] = []

    class Redirecting(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            hits.append(self.path)
            self.send_response(302)
            self.send_header("Location", "/internal")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Redirecting)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        # The address check is bypassed here (loopback) to see the redirect itself refused.
        monkeypatch.setattr("safety_platform.net.outbound_url_problem", lambda url: None)
        with pytest.raises(urllib.error.HTTPError) as caught:
            push._post(f"http://127.0.0.1:{server.server_port}/hook", b"{}", {})
        assert caught.value.code == 302
        assert hits == ["/hook"]  # /internal was never requested
    finally:
        server.shutdown()
