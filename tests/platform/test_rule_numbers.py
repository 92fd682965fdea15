"""The rule book of legal numbers (DESIGN §3a): versions in force from a day, frozen once in force, read
cheaply, shown to staff with their legal basis and version."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from safety_platform.models.rules import RuleBookStatus, RuleBookVersion, RuleNumber
from safety_platform.rules import DEFAULT_VERSION, rule_number, rules_cached, rules_in_force
from safety_platform.services import DomainError
from tests.platform.rule_book import new_version

pytestmark = pytest.mark.django_db

KEY = "training.new_staff_hours"


def test_the_2026_version_is_in_force_after_migrating() -> None:
    value = rule_number(KEY, on=dt.date(2026, 12, 4))
    assert (value.value, value.version) == (Decimal(24), "2026")
    assert rule_number("hazards.verification_days").days == 10
    assert rule_number("emergency.drill_interval_months.on_site").months == 6


def test_without_any_version_the_registered_default_applies() -> None:
    RuleBookVersion.objects.all().delete()
    value = rule_number(KEY, on=dt.date(2026, 12, 4))
    assert (value.value, value.version) == (Decimal(24), DEFAULT_VERSION)


def test_a_new_version_applies_from_the_day_it_comes_into_force() -> None:
    new_version("2027", dt.date(2027, 1, 1), training__new_staff_hours=30)
    assert rule_number(KEY, on=dt.date(2026, 12, 31)) == rule_number(KEY, on=dt.date(2026, 1, 1))
    assert (rule_number(KEY, on=dt.date(2026, 12, 31)).value, rule_number(KEY, on=dt.date(2026, 12, 31)).version) == (
        Decimal(24),
        "2026",
    )
    on_the_day = rule_number(KEY, on=dt.date(2027, 1, 1))
    assert (on_the_day.value, on_the_day.version) == (Decimal(30), "2027")
    # A number the new version does not change is still read from the version that sets it.
    other = rule_number("training.management_initial_hours", on=dt.date(2027, 1, 1))
    assert (other.value, other.version) == (Decimal(32), "2026")


def test_a_draft_or_a_withdrawn_version_is_never_read() -> None:
    draft = RuleBookVersion.objects.create(label="2027草案", in_force_from=dt.date(2026, 1, 1))
    RuleNumber.objects.create(version=draft, key=KEY, value=Decimal(40), unit="hours")
    assert rule_number(KEY, on=dt.date(2026, 6, 1)).value == Decimal(24)
    active = new_version("2026.2", dt.date(2026, 3, 1), training__new_staff_hours=28)
    assert rule_number(KEY, on=dt.date(2026, 6, 1)).value == Decimal(28)
    active.status = RuleBookStatus.RETIRED
    active.save()
    assert rule_number(KEY, on=dt.date(2026, 6, 1)).version == "2026"


def test_a_version_in_force_cannot_be_edited() -> None:
    version = RuleBookVersion.objects.get(label="2026")
    number = version.numbers.get(key=KEY)
    number.value = Decimal(30)
    with pytest.raises(DomainError) as refused:
        number.save()
    assert refused.value.code == "rule_version_frozen"
    with pytest.raises(DomainError) as refused:
        number.delete()
    assert refused.value.code == "rule_version_frozen"
    with pytest.raises(DomainError) as refused:
        RuleNumber.objects.create(version=version, key="training.extra", value=Decimal(1))
    assert refused.value.code == "rule_version_frozen"
    version.in_force_from = dt.date(2027, 1, 1)
    with pytest.raises(DomainError) as refused:
        version.save()
    assert refused.value.code == "rule_version_frozen"
    assert refused.value.field == "in_force_from"
    version.refresh_from_db()
    version.status = RuleBookStatus.DRAFT
    with pytest.raises(DomainError) as refused:
        version.save()
    assert refused.value.code == "rule_version_frozen"
    assert rule_number(KEY).value == Decimal(24)


def test_the_rule_book_is_read_once_per_block(django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(1), rules_cached():
        for _ in range(50):
            rule_number(KEY)
            rule_number("hazards.verification_days")


def test_every_registered_number_is_listed_with_its_basis_and_version() -> None:
    rows = {row.spec.key: row for row in rules_in_force(dt.date(2026, 12, 4))}
    assert rows[KEY].version == "2026"
    assert "第3号" in rows[KEY].legal_basis
    assert {"hazards.verification_days", "emergency.drill_interval_months.comprehensive"} <= set(rows)


# The page -----------------------------------------------------------------------------------------------


def test_staff_see_the_numbers_their_basis_and_version(client: Client, users: dict[str, Any]) -> None:
    client.force_login(users["inspector"])
    response = client.get(reverse("legal_numbers"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "新员工" in text and "24" in text and "2026" in text and "第3号" in text
    assert reverse("credit:rules") in text
    # The credit rules page links back.
    assert reverse("legal_numbers") in client.get(reverse("credit:rules")).content.decode()


def test_the_page_shows_the_numbers_on_a_chosen_day(client: Client, users: dict[str, Any]) -> None:
    new_version("2027", dt.date(2027, 1, 1), training__new_staff_hours=30)
    client.force_login(users["committee"])
    before = client.get(reverse("legal_numbers"), {"on": "2026-12-31"}).content.decode()
    after = client.get(reverse("legal_numbers"), {"on": "2027-01-01"}).content.decode()
    assert "30 学时" not in before and "30 学时" in after


def test_a_bad_day_answers_400_naming_the_field(client: Client, users: dict[str, Any]) -> None:
    client.force_login(users["committee"])
    response = client.get(reverse("legal_numbers"), {"on": "2026-13-45"})
    assert response.status_code == 400
    assert "施行日期" in response.content.decode()


def test_an_enterprise_user_may_not_open_the_page(client: Client, users: dict[str, Any]) -> None:
    client.force_login(users["enterprise"])
    assert client.get(reverse("legal_numbers")).status_code == 403


def test_the_page_reads_the_rule_book_once_however_many_versions(
    client: Client, users: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    client.force_login(users["committee"])
    client.get(reverse("legal_numbers"))  # warm the session and caches
    with django_assert_max_num_queries(8) as few:
        client.get(reverse("legal_numbers"))
    baseline = len(few.captured_queries)
    for year in range(2027, 2037):
        new_version(str(year), dt.date(year, 1, 1), training__new_staff_hours=24 + year - 2026)
    with django_assert_max_num_queries(baseline):
        assert "34 学时" in client.get(reverse("legal_numbers"), {"on": "2036-06-01"}).content.decode()


def test_the_admin_copies_a_version_as_a_draft_and_puts_it_in_force(client: Client, users: dict[str, Any]) -> None:
    client.force_login(users["admin"])
    source = RuleBookVersion.objects.get(label="2026")
    url = reverse("admin:safety_platform_rulebookversion_changelist")
    client.post(url, {"action": "copy_as_draft", "_selected_action": [source.pk]})
    draft = RuleBookVersion.objects.get(label="2026-new")
    assert draft.status == RuleBookStatus.DRAFT
    assert draft.numbers.count() == source.numbers.count()
    RuleNumber.objects.filter(version=draft, key=KEY).update(value=Decimal(30))
    RuleBookVersion.objects.filter(pk=draft.pk).update(in_force_from=dt.date(2027, 1, 1))
    client.post(url, {"action": "put_in_force", "_selected_action": [draft.pk]})
    assert rule_number(KEY, on=dt.date(2027, 1, 1)).value == Decimal(30)
    # The frozen version's page in the admin has no editable numbers.
    page = client.get(reverse("admin:safety_platform_rulebookversion_change", args=[source.pk])).content.decode()
    assert 'name="numbers-0-value"' not in page
