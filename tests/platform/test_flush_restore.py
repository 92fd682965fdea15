"""Guard for the suite itself: data created by migrations survives a transactional test's flush."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_runs_first(reference: Any) -> None:
    from safety_platform.models import Jurisdiction

    assert Jurisdiction.objects.exists()


@pytest.mark.django_db
def test_then_migration_data_is_still_there() -> None:
    from credit.models import RuleSet
    from emergency.models import GradingRuleSet
    from hazards.models import RiskBanding
    from safety_platform.models import Jurisdiction

    assert RuleSet.objects.exists() and GradingRuleSet.objects.exists() and RiskBanding.objects.exists()
    assert Jurisdiction.objects.filter(code="350800").exists()
