"""Re-deriving supervising departments after a department's industries change (DepartmentAdmin save)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from enterprises.models import Enterprise
from enterprises.registry.services import enterprises_rederive_departments
from safety_platform.models import DepartmentIndustry
from tests.clock import shanghai
from tests.factories import EnterpriseFactory

pytestmark = [pytest.mark.django_db, pytest.mark.clock(shanghai(2026, 12, 4, 10))]


def _chemical_plants(org: Any, n: int) -> list[Enterprise]:
    return [
        EnterpriseFactory(jurisdiction=org.jurisdiction("新罗区"), industry=org.industry("C2614")) for _ in range(n)
    ]


def test_rederivation_costs_the_same_few_queries_for_many_enterprises_of_an_industry(
    org: Any, django_assert_max_num_queries: Any
) -> None:
    plants = _chemical_plants(org, 8)
    EnterpriseFactory(jurisdiction=org.jurisdiction("上杭县"), industry=org.industry("E4710"))
    DepartmentIndustry.objects.create(department=org.department("scjgj"), industry=org.industry("C261"))
    # Two industries in use: the distinct industries, their rows, then per industry the derivation
    # lookup, the ids and one UPDATE; then the dashboards' summaries, recounted in a fixed number of
    # queries (enterprise figures of the moved enterprises: ~12 per 2,000; the hazard summary: ~6) —
    # never one query per enterprise.
    with django_assert_max_num_queries(30):
        assert enterprises_rederive_departments() == 8
    assert set(
        Enterprise.objects.filter(pk__in=[p.pk for p in plants]).values_list("supervising_department__code", flat=True)
    ) == {"scjgj"}


def test_rederived_enterprises_show_up_in_the_incremental_api_sync(
    org: Any, users: Any, api_client: Any, xinluo_chem: Any, shanghang_site: Any
) -> None:
    before = timezone.now()
    Enterprise.objects.update(updated_at=before - dt.timedelta(days=1))
    DepartmentIndustry.objects.create(department=org.department("scjgj"), industry=org.industry("C261"))
    enterprises_rederive_departments()
    api_client.force_authenticate(users["committee"])
    body = api_client.get("/api/v1/enterprises/", {"updated_since": before.isoformat()}).json()
    assert [row["id"] for row in body["results"]] == [xinluo_chem.pk]
    assert body["results"][0]["supervising_department"] == org.department("scjgj").pk
