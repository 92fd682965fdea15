"""The inspection pages and the API: a phone's checklist form, bad input refused naming the field with nothing
saved, a failed item turned into a hazard from the record's page, lists whose queries do not grow, scopes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hazards.models import Checklist, Hazard
from safety_platform.choices import ApiScope
from safety_platform.services import api_key_create
from supervision.models import Inspection, InspectionAnswer, InspectionResult
from supervision.services.inspections import inspection_record
from tests.clock import frozen, shanghai
from tests.factories import EnterpriseFactory, UserFactory
from tests.supervision.test_inspections import TODAY, answers_for, jpeg, make_chem_checklist

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock() -> Any:
    with frozen(shanghai(2026, 6, 15, 10)) as moment:
        yield moment


@pytest.fixture
def chem_checklist(org: Any) -> Checklist:
    return make_chem_checklist(org)


def form_data(checklist: Checklist, **overrides: Any) -> dict[str, Any]:
    items = list(checklist.items.order_by("order"))
    data: dict[str, Any] = {
        "client_key": "k1",
        "checklist": checklist.pk,
        "inspected_on": TODAY.isoformat(),
        "reason": "planned",
        "reason_note": "",
        "note": "",
        f"item_{items[0].pk}": "pass",
        f"item_{items[1].pk}": "fail",
        f"item_{items[1].pk}_note": "报警器失效",
        f"item_{items[1].pk}_photo": jpeg(),
        f"item_{items[2].pk}": "na",
    }
    data.update(overrides)
    return data


def new_url(enterprise: Any) -> str:
    return f"{reverse('supervision:inspection_new')}?enterprise={enterprise.pk}"


def test_the_phone_form_shows_one_card_per_item_of_the_industry_checklist(
    clock: Any, client: Any, users: dict[str, Any], xinluo_chem: Any, chem_checklist: Checklist
) -> None:
    client.force_login(users["inspector"])
    page = client.get(new_url(xinluo_chem)).content.decode()
    assert page.count('data-testid="checklist-item"') == 3
    assert "可燃气体报警器有效" in page
    assert 'capture="environment"' in page and "data-use-position" in page
    assert "<script>" not in page  # the form's script is a static file (CSP)


def test_choosing_the_enterprise_first(client: Any, users: dict[str, Any], xinluo_chem: Any) -> None:
    client.force_login(users["inspector"])
    assert client.get(reverse("supervision:inspection_new")).status_code == 200
    assert client.get(reverse("supervision:inspection_new"), {"enterprise": "999999"}).status_code == 400


def test_recording_from_the_phone_form(
    clock: Any, client: Any, users: dict[str, Any], xinluo_chem: Any, chem_checklist: Checklist, org: Any
) -> None:
    client.force_login(users["inspector"])
    data = form_data(chem_checklist, departments=[org.department("yjj").pk, org.department("zjj").pk])
    response = client.post(new_url(xinluo_chem), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    inspection = Inspection.objects.get()
    assert response["Location"] == reverse("supervision:inspection_detail", args=[inspection.pk])
    assert inspection.answers.count() == 3
    assert inspection.departments.count() == 2
    # Sent again after a dropped connection: the same inspection.
    again = client.post(new_url(xinluo_chem), form_data(chem_checklist))
    assert again.status_code == 302 and Inspection.objects.count() == 1


def test_a_future_date_is_refused_naming_the_field_and_nothing_is_saved(
    clock: Any, client: Any, users: dict[str, Any], xinluo_chem: Any, chem_checklist: Checklist
) -> None:
    client.force_login(users["inspector"])
    tomorrow = (TODAY + dt.timedelta(days=1)).isoformat()
    response = client.post(new_url(xinluo_chem), form_data(chem_checklist, inspected_on=tomorrow))
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-field="inspected_on"' in page
    assert not Inspection.objects.exists() and not InspectionAnswer.objects.exists()


def test_a_failed_item_without_a_note_is_refused_at_its_card(
    clock: Any, client: Any, users: dict[str, Any], xinluo_chem: Any, chem_checklist: Checklist
) -> None:
    client.force_login(users["inspector"])
    failed_item = chem_checklist.items.get(order=2)
    response = client.post(new_url(xinluo_chem), form_data(chem_checklist, **{f"item_{failed_item.pk}_note": ""}))
    assert response.status_code == 400
    assert f'data-field="item_{failed_item.pk}_note"' in response.content.decode()
    assert not Inspection.objects.exists()


def test_an_enterprise_user_cannot_open_the_form(client: Any, users: dict[str, Any], xinluo_chem: Any) -> None:
    client.force_login(users["enterprise"])
    assert client.get(new_url(xinluo_chem)).status_code == 403


def test_the_record_page_turns_a_failed_item_into_a_hazard(
    clock: Any, client: Any, users: dict[str, Any], xinluo_chem: Any, chem_checklist: Checklist
) -> None:
    inspection = inspection_record(
        actor=users["inspector"],
        enterprise=xinluo_chem,
        inspected_on=TODAY,
        checklist=chem_checklist,
        answers=answers_for(chem_checklist, photo=jpeg()),
    )
    failed = inspection.answers.get(result=InspectionResult.FAIL)
    client.force_login(users["inspector"])
    page = client.get(reverse("supervision:inspection_detail", args=[inspection.pk])).content.decode()
    assert page.count('data-testid="answer"') == 3
    url = reverse("supervision:inspection_answer_hazard", args=[inspection.pk, failed.pk])
    assert url in page
    response = client.post(url)
    hazard = Hazard.objects.get()
    assert response.status_code == 302 and response["Location"] == hazard.get_absolute_url()
    assert client.post(url)["Location"] == hazard.get_absolute_url()
    assert Hazard.objects.count() == 1
    photo = client.get(reverse("supervision:inspection_answer_photo", args=[inspection.pk, failed.pk]))
    assert photo.status_code == 200
    # Someone who does not see the enterprise sees neither the record nor its photo.
    stranger = UserFactory(username="inspector_shanghang", role="inspector")
    client.force_login(stranger)
    assert client.get(reverse("supervision:inspection_detail", args=[inspection.pk])).status_code == 404
    photo_url = reverse("supervision:inspection_answer_photo", args=[inspection.pk, failed.pk])
    assert client.get(photo_url).status_code == 404
    assert client.post(url).status_code == 404


def _many(users: dict[str, Any], org: Any, checklist: Checklist, n: int) -> None:
    for index in range(n):
        enterprise = EnterpriseFactory(
            name=f"东城化工{index}",
            jurisdiction=org.jurisdiction("新罗区/东城街道"),
            industry=org.industry("C2614"),
        )
        inspection_record(
            actor=users["inspector"],
            enterprise=enterprise,
            inspected_on=TODAY,
            checklist=checklist,
            answers=answers_for(checklist),
            departments=[org.department("yjj"), org.department("zjj")],
        )


def _queries(client: Any, url: str, **params: Any) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_list_query_count_is_flat(
    clock: Any,
    client: Any,
    users: dict[str, Any],
    org: Any,
    chem_checklist: Checklist,
    django_assert_max_num_queries: Any,
) -> None:
    client.force_login(users["committee"])
    _many(users, org, chem_checklist, 1)
    one = _queries(client, reverse("supervision:inspections"))
    _many(users, org, chem_checklist, 6)
    assert _queries(client, reverse("supervision:inspections")) == one
    with django_assert_max_num_queries(14):
        page = client.get(reverse("supervision:inspections"), {"reason": "planned"}).content.decode()
    assert page.count("东城化工") == 7


def test_the_enterprise_page_shows_its_inspections(
    clock: Any, client: Any, users: dict[str, Any], xinluo_chem: Any, chem_checklist: Checklist
) -> None:
    inspection_record(
        actor=users["inspector"],
        enterprise=xinluo_chem,
        inspected_on=TODAY,
        checklist=chem_checklist,
        answers=answers_for(chem_checklist),
    )
    client.force_login(users["inspector"])
    page = client.get(reverse("enterprises:detail", args=[xinluo_chem.pk])).content.decode()
    assert 'id="inspections-panel"' in page
    assert f"{reverse('supervision:inspection_new')}?enterprise={xinluo_chem.pk}" in page


# API ---------------------------------------------------------------------------------------------

API = "/api/v1/supervision/inspections/"


def _key(org: Any, *scopes: str) -> dict[str, str]:
    _k, raw = api_key_create(name="住建局系统", department=org.department("zjj"), scopes=list(scopes))
    return {"HTTP_AUTHORIZATION": f"Api-Key {raw}"}


def test_the_api_needs_the_inspections_scope(clock: Any, api_client: Any, org: Any) -> None:
    assert api_client.get(API, **_key(org, ApiScope.HAZARDS_READ)).status_code == 403
    assert api_client.get(API, **_key(org, ApiScope.INSPECTIONS_READ)).status_code == 200
    assert api_client.get(API).status_code in (401, 403)


def test_the_api_lists_inspections_with_answers_and_pages_by_cursor(
    clock: Any, api_client: Any, org: Any, users: dict[str, Any], chem_checklist: Checklist
) -> None:
    _many(users, org, chem_checklist, 3)
    auth = _key(org, ApiScope.INSPECTIONS_READ)
    first = api_client.get(API, {"page_size": 2}, **auth).json()
    assert len(first["results"]) == 2 and first["next"]
    row = first["results"][0]
    assert row["departments"] == ["yjj", "zjj"] or sorted(row["departments"]) == ["yjj", "zjj"]
    assert [a["result"] for a in row["answers"]] == ["pass", "fail", "na"]
    assert row["inspected_on"] == TODAY.isoformat()
    rest = api_client.get(first["next"], **auth).json()
    assert len(rest["results"]) == 1 and rest["next"] is None and rest["sync_cursor"]
    bad = api_client.get(API, {"updated_since": "yesterday"}, **auth)
    assert bad.status_code == 400 and "updated_since" in bad.json()["errors"]


def test_the_api_query_count_is_flat(
    clock: Any, api_client: Any, org: Any, users: dict[str, Any], chem_checklist: Checklist
) -> None:
    auth = _key(org, ApiScope.INSPECTIONS_READ)
    _many(users, org, chem_checklist, 1)
    api_client.get(API, **auth)  # the key's first use is logged once
    with CaptureQueriesContext(connection) as one:
        assert api_client.get(API, **auth).status_code == 200
    _many(users, org, chem_checklist, 5)
    with CaptureQueriesContext(connection) as six:
        assert len(api_client.get(API, **auth).json()["results"]) == 6
    assert len(six.captured_queries) == len(one.captured_queries)


def test_staff_read_through_the_api_what_they_see(
    clock: Any, api_client: Any, org: Any, users: dict[str, Any], chem_checklist: Checklist
) -> None:
    _many(users, org, chem_checklist, 2)
    api_client.force_authenticate(users["department_zjj"])  # joined every one of them
    assert len(api_client.get(API).json()["results"]) == 2
    outsider = UserFactory(username="dept_fgw", role="department", department=org.department("fgw"))
    api_client.force_authenticate(outsider)
    assert api_client.get(API).json()["results"] == []
