"""bench/_hazard_api.py's minimal app gives the hazard list API's answer, byte for byte, or the benchmark has no
reference: the hazard list benchmarks compare the two before timing them and stop where they differ, so a field added
to the API must be added to the reference too; this finds it without a city-sized database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection  # noqa: F401  (the skipif condition reads it)

from bench._hazard_api import call, reference_app, reference_connection, session_cookie
from hazards.models import Hazard
from tests.clock import shanghai
from tests.hazards.factories import make_hazard

pytestmark = [
    pytest.mark.clock(shanghai(2026, 12, 4, 10)),
    pytest.mark.skipif("connection.vendor != 'postgresql'"),  # the reference speaks psycopg2
]

OPEN = "AND h.state IN ('registered','assessed','reported','rectifying','remediated')"


@pytest.mark.django_db(transaction=True)  # the reference reads on a connection of its own: the rows must be committed
def test_the_reference_answers_as_the_platform_does(users: dict[str, Any], xinluo_chem: Any) -> None:
    from safety_platform.wsgi import application

    overdue = make_hazard(xinluo_chem, state="rectifying", inspector=users["inspector"])
    Hazard.objects.filter(pk=overdue.pk).update(
        deadline=dt.date(2026, 12, 1), latitude=Decimal("25.075100"), longitude=Decimal("117.017400")
    )
    make_hazard(xinluo_chem, state="remediated", inspector=users["inspector"], grade="major")
    make_hazard(xinluo_chem, inspector=users["inspector"])
    filters = {
        "": ("", []),
        "open=true": (OPEN, []),
        "state=rectifying": ("AND h.state = 'rectifying'", []),
        f"enterprise={xinluo_chem.pk}": ("AND h.enterprise_id = %s", [xinluo_chem.pk]),
    }
    plain = reference_connection()
    try:
        reference = reference_app(plain, filters)
        for user in (users["inspector"], users["committee"]):
            cookie = session_cookie(user)
            for query in filters:
                ours = call(application, query, cookie)
                assert ours == call(reference, query, cookie), (user.username, query)
        assert b'"is_overdue":true' in call(application, "", session_cookie(users["inspector"]))
    finally:
        plain.close()
