"""Running the demo seed again keeps the data and the demo API key: an integration set up with the key
printed by the first run (`scripts/run.sh`) keeps working after the second, and the key is shown again."""

from __future__ import annotations

import re
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from enterprises.models import Enterprise
from safety_platform.models import ApiKey, User
from tests.clock import shanghai

pytestmark = [pytest.mark.django_db, pytest.mark.clock(shanghai(2026, 12, 4, 10))]

KEY = re.compile(r"Authorization: Api-Key (\S+)")


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def blacklist_status(client: Any, key: str) -> int:
    return client.get("/api/v1/credit/blacklist/", HTTP_AUTHORIZATION=f"Api-Key {key}").status_code


def test_a_second_seed_keeps_the_demo_api_key_and_shows_it_again(client: Any, settings: Any) -> None:
    first = seed()
    key = KEY.search(first).group(1)  # type: ignore[union-attr]
    assert blacklist_status(client, key) == 200
    counts = (Enterprise.objects.count(), User.objects.count(), ApiKey.objects.count())
    hashed = ApiKey.objects.values_list("prefix", "hashed_secret").get()
    second = seed()
    assert (Enterprise.objects.count(), User.objects.count(), ApiKey.objects.count()) == counts
    assert ApiKey.objects.values_list("prefix", "hashed_secret").get() == hashed
    assert KEY.search(second).group(1) == key  # type: ignore[union-attr]
    assert "unchanged" in second
    assert blacklist_status(client, key) == 200
    stored = settings.VAR_DIR / "demo-api-key.txt"
    assert stored.read_text().strip() == key and stored.stat().st_mode & 0o077 == 0


def test_without_the_stored_secret_a_seed_keeps_the_key_and_prints_no_other(client: Any, settings: Any) -> None:
    key = KEY.search(seed()).group(1)  # type: ignore[union-attr]
    (settings.VAR_DIR / "demo-api-key.txt").unlink()
    again = seed()
    assert KEY.search(again) is None and "apikey create" in again
    assert ApiKey.objects.count() == 1 and blacklist_status(client, key) == 200


def test_a_stored_key_that_no_longer_works_is_not_shown(client: Any, settings: Any) -> None:
    seed()
    (settings.VAR_DIR / "demo-api-key.txt").write_text("deadbeef.not-the-secret\n")
    assert KEY.search(seed()) is None
