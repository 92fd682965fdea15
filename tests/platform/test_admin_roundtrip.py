"""Every change form of the admin, opened and saved unchanged, changes nothing.

The same browser model as the platform's own edit forms (`test_forms_roundtrip`): the rendered form is
parsed as a browser would send it (the admin's split date and time inputs included) and posted back with
its 保存 button, as the platform administrator, in Chinese and in English; the row is compared before and
after. A statutory deadline saved unchanged lost the seconds of its due time; any such loss fails here.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.db import models
from django.urls import reverse

from .test_forms_roundtrip import NOW, _client, _date_fields_filled, _demo_data, edit_form_on, post_data, snapshot

__all__ = ["_demo_data"]  # the demo data fixture of the platform's round trip, seeded once for this module too

pytestmark = pytest.mark.clock(NOW)


@pytest.fixture
def demo(_demo_data: None, db: Any) -> None:
    """The demo data, in this test's rolled-back savepoint."""


def _changeable_rows(model_admin: Any, request: Any) -> list[models.Model]:
    """Up to 5 rows the admin may change, those with the most dates filled in first."""
    qs = model_admin.get_queryset(request).order_by("pk")[:200]
    rows = sorted(qs, key=lambda o: (-_date_fields_filled(o), o.pk))
    return [row for row in rows if model_admin.has_change_permission(request, row)][:5]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_admin_change_form_saved_unchanged_changes_nothing(demo: Any, language: str) -> None:
    from django.test import RequestFactory

    client, user = _client("admin", language)
    request = RequestFactory().get("/admin/")
    request.user = user
    checked, failures = [], []
    for model, model_admin in sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label):
        opts = model._meta
        for row in _changeable_rows(model_admin, request)[:1]:
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[row.pk])
            page = client.get(url)
            if page.status_code != 200:
                failures.append(f"{opts.label} #{row.pk}: the change form answered {page.status_code}")
                continue
            before = snapshot(row)
            response = client.post(url, post_data(edit_form_on(page.content.decode(), url)))
            if response.status_code not in (301, 302, 303):
                failures.append(f"{opts.label} #{row.pk}: saving the form as rendered was refused")
                continue
            after = snapshot(row)
            changed = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
            if changed:
                failures.append(f"{opts.label} #{row.pk}: saving it unchanged changed {changed}")
            checked.append(opts.label)
    assert not failures, "\n".join(failures)
    # The demo data has rows for the admin's everyday models: they were all tried.
    everyday = {"safety_platform.StatutoryDeadline", "safety_platform.ApiKey", "safety_platform.User"}
    assert everyday | {"enterprises.Enterprise", "django_celery_beat.PeriodicTask"} <= set(checked), checked
    assert len(checked) >= 20, checked


def test_every_admin_form_with_a_date_time_keeps_it_when_unchanged() -> None:
    """An admin (or inline) that brings a form of its own derives it from PlatformAdminForm when the form edits
    a date-time or time: otherwise that admin loses seconds and microseconds again."""
    from django.test import RequestFactory

    from safety_platform.admin_forms import PlatformAdminForm
    from safety_platform.models import User

    request = RequestFactory().get("/admin/")
    request.user = User(is_superuser=True, is_staff=True, is_active=True)
    missing = []
    for model_admin in admin.site._registry.values():
        admins = [model_admin, *model_admin.get_inline_instances(request)]
        for each in admins:
            form = each.form
            timed = [
                f.name
                for f in each.model._meta.concrete_fields
                if isinstance(f, models.DateTimeField | models.TimeField)
                and f.editable
                and not f.auto_now
                and not getattr(f, "auto_now_add", False)
            ]
            if timed and not issubclass(form, PlatformAdminForm):
                missing.append(f"{type(each).__name__} ({each.model._meta.label}): {form.__name__} edits {timed}")
    assert not missing, "\n".join(missing)
    assert admin.ModelAdmin.form is PlatformAdminForm
