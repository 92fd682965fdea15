"""The Django admin index speaks Chinese: every app and model name a superuser sees, third-party apps included."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

ASCII_WORD = re.compile(r"[A-Za-z]{2,}")


def test_admin_index_names_every_app_and_model_in_chinese(client: Any, users: dict[str, Any]) -> None:
    client.force_login(users["admin"])
    response = client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    names = []
    for app in response.context["app_list"]:
        names.append(str(app["name"]))
        names.extend(str(model["name"]) for model in app["models"])
    assert len(names) > 10
    english = [name for name in names if ASCII_WORD.search(name)]
    assert not english, english
    # What the sidebar and the index page render, not only the context: no English app caption left.
    html = response.content.decode()
    for word in ("Audit log", "AUDIT LOG", "Axes", "Access attempts", "Access failures", "Access logs"):
        assert word not in html


def test_login_lockout_lists_have_chinese_column_headers(client: Any, users: dict[str, Any]) -> None:
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    client.force_login(users["admin"])
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        url = reverse(f"admin:axes_{model._meta.model_name}_changelist")
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert response.status_code == 200
        headers = re.findall(r'<th scope="col"[^>]*>.*?<a [^>]*>(.*?)</a>', response.content.decode(), re.S)
        assert headers, url
        english = [h for h in headers if ASCII_WORD.search(h.replace("IP", ""))]
        assert not english, (url, english)
