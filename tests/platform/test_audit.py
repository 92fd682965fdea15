"""The audit trail: who changed what and when, shown on the record's page, append-only."""

from __future__ import annotations

from typing import Any

import pytest
from auditlog.models import LogEntry
from django.db import DatabaseError, transaction
from django.urls import reverse

from safety_platform.audit import audit_entries_for

pytestmark = pytest.mark.django_db


def test_web_edit_is_recorded_with_actor_and_field_diff(client: Any, users: dict[str, Any], xinluo_chem: Any) -> None:
    client.force_login(users["inspector"])
    form = client.get(reverse("enterprises:edit", args=[xinluo_chem.pk])).context["form"]
    data = {k: ("" if v is None else v) for k, v in form.initial.items() if k in form.fields}
    data.update(
        {
            "employees": 321,
            "is_key": "on",
            "jurisdiction": xinluo_chem.jurisdiction_id,
            "industry": xinluo_chem.industry_id,
        }
    )
    response = client.post(reverse("enterprises:edit", args=[xinluo_chem.pk]), data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    entry = audit_entries_for(xinluo_chem).first()
    assert entry.actor == users["inspector"]
    assert entry.action == LogEntry.Action.UPDATE
    assert entry.changes_dict["employees"][1] == "321"
    page = client.get(reverse("enterprises:detail", args=[xinluo_chem.pk])).content.decode()
    assert 'id="audit-history"' in page and "321" in page and str(users["inspector"]) in page
    history = page[page.index('id="audit-history"') :]
    assert "· 修改" in history and "· update" not in history  # auditlog's action names, in Chinese


def test_api_edit_is_recorded_with_token_user_as_actor(
    api_client: Any, users: dict[str, Any], xinluo_chem: Any
) -> None:
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=users["committee"])
    response = api_client.patch(
        f"/api/v1/enterprises/{xinluo_chem.pk}/",
        {"employees": 77},
        format="json",
        HTTP_AUTHORIZATION=f"Token {token.key}",
    )
    assert response.status_code == 200
    assert audit_entries_for(xinluo_chem).first().actor == users["committee"]


def test_user_role_and_jurisdiction_changes_are_audited(users: dict[str, Any], org: Any) -> None:
    inspector = users["inspector"]
    inspector.jurisdictions.add(org.jurisdiction("永定区"))
    entries = audit_entries_for(inspector)
    assert any("jurisdictions" in (e.changes_dict or {}) for e in entries)


@pytest.mark.postgres
def test_database_refuses_to_rewrite_or_delete_history(xinluo_chem: Any, users: dict[str, Any]) -> None:
    from enterprises.registry.services import enterprise_change_status

    enterprise_change_status(actor=users["committee"], enterprise=xinluo_chem, status="suspended", reason="停产整顿")
    xinluo_chem.employees = 5
    xinluo_chem.save()
    entry = audit_entries_for(xinluo_chem).first()
    with pytest.raises(DatabaseError), transaction.atomic():
        LogEntry.objects.filter(pk=entry.pk).update(changes_text="forged")
    with pytest.raises(DatabaseError), transaction.atomic():
        LogEntry.objects.filter(pk=entry.pk).delete()
    change = xinluo_chem.status_changes.first()
    with pytest.raises(DatabaseError), transaction.atomic():
        type(change).objects.filter(pk=change.pk).update(reason="forged")
    assert LogEntry.objects.filter(pk=entry.pk).exists()
