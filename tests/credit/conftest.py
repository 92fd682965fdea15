from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from credit.models import RuleSet

# A fixed grading day keeps the validity-window cases exact.
AS_OF = dt.date(2026, 6, 30)


@pytest.fixture
def as_of() -> dt.date:
    return AS_OF


@pytest.fixture(autouse=True)
def _default_rule_set(db: Any) -> None:
    """The published rule set the data migration installs.

    Transactional tests (here and in other apps) flush every table, data migrations included, so
    the rule set is put back for each test when it is missing, by the migration's own function.
    """
    import importlib

    from django.apps import apps

    importlib.import_module("credit.migrations.0002_default_rule_set").create_default_rule_set(apps, None)
    importlib.import_module("credit.migrations.0011_penalty_rules").create_penalty_rule_set(apps, None)


@pytest.fixture
def rule_set(db: Any) -> RuleSet:
    """The rule set in force (LY-2021.1: migration 0011 copied LY-2016.1's rules and added the penalty rules)."""
    return RuleSet.objects.get(version="LY-2021.1")


@pytest.fixture(autouse=True)
def _no_settle_window(settings: Any) -> None:
    # Sync cursors may point at rows changed a moment ago (tests write and read within milliseconds).
    settings.CREDIT_SYNC_SETTLE_SECONDS = 0


@pytest.fixture(autouse=True)
def _english_messages() -> Any:
    """Service messages are asserted in English (the source language); pages still follow the request."""
    from django.utils import translation

    with translation.override("en"):
        yield
