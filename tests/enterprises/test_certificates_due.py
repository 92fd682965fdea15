"""Special-operation certificates due for renewal (expired, or expiring within the rule book's warning period)
of people still at the enterprise: the enterprise's training page, its panel on the enterprise page, the home
widget and the daily reminders count the same certificates."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from enterprises.training.services import special_certificates_sweep
from safety_platform.models import Notification
from safety_platform.navigation import enterprise_panels_for, home_widgets_for
from tests.clock import shanghai
from tests.enterprises.topic_factories import EmployeeFactory, OperationCertificateFactory

pytestmark = [pytest.mark.django_db, pytest.mark.clock(shanghai(2026, 12, 4, 10))]

TODAY = dt.date(2026, 12, 4)


def test_every_count_of_due_certificates_leaves_out_people_who_left_and_certificates_not_due(
    client: Any, users: dict[str, Any], xinluo_chem: Any
) -> None:
    def certificate(status: str, days: int) -> Any:
        holder = EmployeeFactory(enterprise=xinluo_chem, status=status)
        return OperationCertificateFactory(employee=holder, expires_on=TODAY + dt.timedelta(days=days))

    soon = certificate("on_post", 30)  # within the 90 days' warning
    expired = certificate("away", -10)  # away from the post, still employed: counted
    certificate("left", 30)  # left the enterprise: nobody's concern any more
    certificate("on_post", 200)  # not due yet

    client.force_login(users["enterprise"])
    page = client.get(reverse("enterprises:training_enterprise", args=[xinluo_chem.pk]))
    assert [c.pk for c in page.context["expiring"]] == [expired.pk, soon.pk]

    request = type("R", (), {"user": users["enterprise"], "META": {}})()
    (panel,) = [p for p in enterprise_panels_for(users["enterprise"]) if p.key == "training"]
    assert panel.context(request, xinluo_chem)["expiring"] == 2
    (widget,) = [w for w in home_widgets_for(users["enterprise"]) if w.key == "enterprise-topics"]
    assert widget.context(request)["expiring"] == 2

    special_certificates_sweep(today=TODAY)
    reminded = Notification.objects.filter(recipient=users["enterprise"], dedup_key__startswith="opcert:")
    assert sorted(reminded.values_list("dedup_key", flat=True)) == sorted(
        f"opcert:{c.pk}:expiry:{c.expires_on.isoformat()}" for c in (soon, expired)
    )
