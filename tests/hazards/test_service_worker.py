"""The service worker script that keeps the hazard form for offline use (DESIGN §3b)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from hazards.offline import OFFLINE_ASSETS

pytestmark = pytest.mark.django_db


def test_the_worker_controls_the_site_lists_the_forms_files_and_reads_no_menu_or_notifications(
    client: Any, users: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    client.force_login(users["inspector"])
    # Browsers fetch it after navigations: only the middleware's session and user lookups.
    with django_assert_max_num_queries(2):
        response = client.get(reverse("hazards:service_worker"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    script = response.content.decode()
    for asset in OFFLINE_ASSETS:
        assert f'"/static/{asset}"' in script
    assert '"/hazards/new/"' in script
    assert "没有网络" in script, "the offline page speaks Chinese"
    assert "{%" not in script.split("*/", 1)[1] and "{{" not in script


def test_an_unchanged_worker_is_answered_304_so_update_checks_cost_no_download(client: Any) -> None:
    first = client.get(reverse("hazards:service_worker"))
    again = client.get(reverse("hazards:service_worker"), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
