"""One enterprise, one responsible authority (DESIGN §3d): staff set or change who inspects an enterprise, with a
reason; every change is audited and the next plan follows it."""

from __future__ import annotations

from typing import Any

import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from safety_platform.services import DomainError
from supervision.models import ResponsibleAuthority
from supervision.services.authorities import current_authority, responsible_authority_set
from supervision.services.plans import responsible_enterprises
from tests.factories import EnterpriseFactory, UserFactory

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    return client


def _entries(row: ResponsibleAuthority) -> Any:
    return LogEntry.objects.get_for_object(row)


@pytest.fixture
def city(org: Any) -> Any:
    return org.jurisdiction("新罗区").parent


def test_the_committee_gives_an_enterprise_to_the_city_and_the_next_plan_follows(
    users: dict[str, Any], org: Any, city: Any, xinluo_chem: Any
) -> None:
    county = org.jurisdiction("新罗区")
    assert xinluo_chem in responsible_enterprises(county)
    assert current_authority(xinluo_chem).is_default and current_authority(xinluo_chem).authority == county
    row, changed = responsible_authority_set(
        actor=users["committee"], enterprise=xinluo_chem, authority=city, reason="市级直管重点企业"
    )
    assert changed and row is not None
    assert (row.authority, row.department, row.set_by, row.reason) == (
        city,
        None,
        users["committee"],
        "市级直管重点企业",
    )
    assert xinluo_chem not in responsible_enterprises(county)
    assert xinluo_chem in responsible_enterprises(city)
    assert _entries(row).count() == 1  # the change is in the audit trail
    # Given to one department of the city: the department's plan holds it, another department's does not.
    yjj, zjj = org.department("yjj"), org.department("zjj")
    responsible_authority_set(
        actor=users["committee"], enterprise=xinluo_chem, authority=city, department=zjj, reason="住建局牵头"
    )
    assert xinluo_chem in responsible_enterprises(city, zjj) and xinluo_chem not in responsible_enterprises(city, yjj)
    assert _entries(row).count() == 2


def test_a_change_needs_its_reason_and_saving_it_unchanged_changes_nothing(
    users: dict[str, Any], city: Any, org: Any, xinluo_chem: Any
) -> None:
    with pytest.raises(DomainError) as refused:
        responsible_authority_set(actor=users["committee"], enterprise=xinluo_chem, authority=city, reason="  ")
    assert (refused.value.code, refused.value.field) == ("invalid", "reason")
    assert not ResponsibleAuthority.objects.exists()
    # The enterprise's own county without a department is the default: nothing to store.
    assert responsible_authority_set(
        actor=users["committee"], enterprise=xinluo_chem, authority=org.jurisdiction("新罗区")
    ) == (None, False)
    row, _changed = responsible_authority_set(
        actor=users["committee"], enterprise=xinluo_chem, authority=city, reason="市级直管"
    )
    assert row is not None
    set_at = row.set_at
    again, changed = responsible_authority_set(actor=users["county_office"], enterprise=xinluo_chem, authority=city)
    assert not changed and again == row
    row.refresh_from_db()
    assert (row.set_at, row.set_by, _entries(row).count()) == (set_at, users["committee"], 1)


def test_a_township_is_no_inspecting_authority(users: dict[str, Any], org: Any, xinluo_chem: Any) -> None:
    with pytest.raises(DomainError) as refused:
        responsible_authority_set(
            actor=users["committee"],
            enterprise=xinluo_chem,
            authority=org.jurisdiction("新罗区/东城街道"),
            reason="试",
        )
    assert (refused.value.code, refused.value.field) == ("invalid", "authority")
    assert not ResponsibleAuthority.objects.exists()


def test_who_may_set_it(users: dict[str, Any], org: Any, city: Any, xinluo_chem: Any, shanghang_site: Any) -> None:
    # The county office of the enterprise's county may; an inspector, a department or another county's office not.
    row, changed = responsible_authority_set(
        actor=users["county_office"], enterprise=xinluo_chem, authority=city, reason="报市级直管"
    )
    assert changed and row is not None and row.set_by == users["county_office"]
    for actor in (users["inspector"], users["department"], users["enterprise"]):
        with pytest.raises(DomainError) as refused:
            responsible_authority_set(actor=actor, enterprise=shanghang_site, authority=city, reason="试")
        assert refused.value.code == "forbidden"
    with pytest.raises(DomainError) as refused:
        responsible_authority_set(actor=users["county_office"], enterprise=shanghang_site, authority=city, reason="试")
    assert refused.value.code == "forbidden"
    assert ResponsibleAuthority.objects.count() == 1


# Pages ---------------------------------------------------------------------------------------------


def test_the_form_sets_the_authority_and_the_enterprise_page_shows_who_set_it(
    users: dict[str, Any], city: Any, xinluo_chem: Any
) -> None:
    client = _client(users["county_office"])
    url = reverse("supervision:authority_set")
    form = client.get(url + f"?enterprise={xinluo_chem.pk}").content.decode()
    assert "data-picker" in form and f'value="{xinluo_chem.name}"' in form  # the search picker, filled in
    assert form.count("<option") < 60  # counties, the city and departments; never a list of enterprises
    missing = client.post(url, {"enterprise": xinluo_chem.pk, "authority": city.pk, "department": "", "reason": ""})
    assert missing.status_code == 200 and 'data-field="reason"' in missing.content.decode()
    assert not ResponsibleAuthority.objects.exists()
    saved = client.post(
        url, {"enterprise": xinluo_chem.pk, "authority": city.pk, "department": "", "reason": "市级直管"}
    )
    assert saved.status_code == 302
    row = ResponsibleAuthority.objects.get(enterprise=xinluo_chem)
    assert (row.authority, row.set_by) == (city, users["county_office"])
    assert _entries(row).get().actor == users["county_office"]  # audited with who made the change
    listing = client.get(saved["Location"]).content.decode()
    assert xinluo_chem.name in listing and "市级直管" in listing
    page = _client(users["inspector"]).get(reverse("enterprises:detail", args=[xinluo_chem.pk])).content.decode()
    panel = page[page.index('data-testid="responsible-authority"') :][:1500]
    assert city.name in panel and str(users["county_office"]) in panel and "市级直管" in panel
    assert reverse("supervision:authority_set") not in panel  # the inspector may not change it


def test_posting_the_form_back_unchanged_changes_nothing(users: dict[str, Any], city: Any, xinluo_chem: Any) -> None:
    row, _changed = responsible_authority_set(
        actor=users["committee"], enterprise=xinluo_chem, authority=city, reason="市级直管"
    )
    assert row is not None
    before = (row.set_at, _entries(row).count())
    client = _client(users["committee"])
    response = client.post(
        reverse("supervision:authority_set"),
        {"enterprise": xinluo_chem.pk, "authority": city.pk, "department": "", "reason": ""},
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.set_at, _entries(row).count()) == before


def test_refusals_are_said_in_words(users: dict[str, Any], city: Any, shanghang_site: Any) -> None:
    refused = _client(users["inspector"]).get(reverse("supervision:authority_set"))
    assert refused.status_code == 403 and "县安委办" in refused.content.decode()
    enterprise_user = _client(users["enterprise"]).get(reverse("supervision:authorities"))
    assert enterprise_user.status_code == 403 and 'data-testid="refused"' in enterprise_user.content.decode()
    # Another county's enterprise is not among those the county office may choose.
    response = _client(users["county_office"]).post(
        reverse("supervision:authority_set"),
        {"enterprise": shanghang_site.pk, "authority": city.pk, "department": "", "reason": "试"},
    )
    assert response.status_code == 200 and 'data-field="enterprise"' in response.content.decode()
    assert not ResponsibleAuthority.objects.exists()


def test_the_list_reads_a_constant_number_of_queries(users: dict[str, Any], org: Any, city: Any) -> None:
    client = _client(users["committee"])
    url = reverse("supervision:authorities")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    def give(count: int) -> None:
        for _ in range(count):
            enterprise = EnterpriseFactory(
                jurisdiction=org.jurisdiction("新罗区/东城街道/东城第一网格"), industry=org.industry("C2614")
            )
            responsible_authority_set(
                actor=UserFactory(role="committee"),
                enterprise=enterprise,
                authority=city,
                department=org.department("yjj"),
                reason="市级直管",
            )

    give(2)
    few = queries()
    give(20)
    assert queries() == few


def test_a_county_office_lists_its_county_and_what_was_given_to_it(
    users: dict[str, Any], org: Any, city: Any, xinluo_chem: Any, shanghang_site: Any
) -> None:
    responsible_authority_set(actor=users["committee"], enterprise=xinluo_chem, authority=city, reason="市级直管")
    responsible_authority_set(
        actor=users["committee"],
        enterprise=shanghang_site,
        authority=org.jurisdiction("上杭县"),
        department=org.department("zjj"),
        reason="住建局",
    )
    page = _client(users["county_office"]).get(reverse("supervision:authorities")).content.decode()
    assert xinluo_chem.name in page and shanghang_site.name not in page
