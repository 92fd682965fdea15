"""The enterprise search box (issue 16): its endpoint answers in the caller's scope, and its field checks scope too."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from enterprises.models import Enterprise
from enterprises.registry.fields import EnterpriseChoiceField
from tests.factories import EnterpriseFactory

URL = reverse("enterprises:autocomplete")


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _names(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["label"] for row in response.json()["results"]]


@pytest.mark.django_db
def test_inspector_never_finds_another_countys_enterprise(users: dict[str, Any], xinluo_chem: Any, shanghang_site: Any):
    client = _client(users["inspector"])
    assert _names(client.get(URL, {"q": "有限公司"})) == ["龙岩市东城化工有限公司"]
    assert _names(client.get(URL, {"q": "上杭县临江"})) == []
    assert _names(client.get(URL, {"q": shanghang_site.credit_code})) == []
    # Committee staff see the whole city.
    assert sorted(_names(_client(users["committee"]).get(URL, {"q": "有限公司"}))) == [
        "上杭县临江建筑有限公司",
        "龙岩市东城化工有限公司",
    ]


@pytest.mark.django_db
def test_department_and_enterprise_users_find_only_their_own(
    users: dict[str, Any], xinluo_chem: Any, shanghang_site: Any
):
    # 应急管理局 supervises the chemicals company, 住建局 the construction site.
    assert _names(_client(users["department"]).get(URL, {"q": "有限公司"})) == ["龙岩市东城化工有限公司"]
    assert _names(_client(users["department_zjj"]).get(URL, {"q": "有限公司"})) == ["上杭县临江建筑有限公司"]
    assert _names(_client(users["enterprise"]).get(URL, {"q": "上杭"})) == []


@pytest.mark.django_db
def test_search_by_credit_code_prefix_and_by_part_of_the_name(users: dict[str, Any], xinluo_chem: Any):
    client = _client(users["committee"])
    body = client.get(URL, {"q": xinluo_chem.credit_code[:8].lower()}).json()
    assert [row["id"] for row in body["results"]] == [xinluo_chem.pk]
    assert xinluo_chem.credit_code in body["results"][0]["detail"]
    assert _names(client.get(URL, {"q": "东城化工"})) == ["龙岩市东城化工有限公司"]
    assert _names(client.get(URL, {"q": "  "})) == []


@pytest.mark.django_db
def test_at_most_twenty_answers_names_starting_with_the_text_first(org: Any, users: dict[str, Any]):
    jurisdiction = org.jurisdiction("新罗区/东城街道/东城第一网格")
    industry = org.industry("C2614")
    for n in range(30):
        EnterpriseFactory(name=f"龙岩市永安煤业{n:02d}有限公司", jurisdiction=jurisdiction, industry=industry)
    EnterpriseFactory(name="永安煤业（龙岩）有限公司", jurisdiction=jurisdiction, industry=industry)
    names = _names(_client(users["committee"]).get(URL, {"q": "永安煤业"}))
    assert len(names) == 20
    assert names[0] == "永安煤业（龙岩）有限公司"


@pytest.mark.django_db
def test_the_number_of_queries_does_not_grow_with_the_matches(
    org: Any, users: dict[str, Any], django_assert_max_num_queries: Any
):
    client = _client(users["inspector"])
    client.get(URL, {"q": "煤业"})  # the session and the user are loaded once per request either way
    jurisdiction = org.jurisdiction("新罗区/东城街道/东城第一网格")
    industry = org.industry("C2614")
    for n in range(40):
        EnterpriseFactory(name=f"龙岩市煤业{n:02d}有限公司", jurisdiction=jurisdiction, industry=industry)
    # Session, user, the inspector's jurisdictions, names that start with the text, names that contain it.
    with django_assert_max_num_queries(6):
        assert len(_names(client.get(URL, {"q": "煤业"}))) == 20
    with django_assert_max_num_queries(6):
        assert len(_names(client.get(URL, {"q": "龙岩市煤业"}))) == 20


@pytest.mark.django_db
def test_a_search_too_long_is_a_400_naming_the_field(users: dict[str, Any]):
    response = _client(users["committee"]).get(URL, {"q": "企" * 101})
    assert response.status_code == 400
    assert "q" in response.json()["errors"]


@pytest.mark.django_db
def test_anonymous_callers_get_nothing(xinluo_chem: Any):
    response = Client().get(URL, {"q": "东城"})
    assert response.status_code == 302
    assert xinluo_chem.name not in response.content.decode()


@pytest.mark.django_db
def test_the_field_refuses_an_enterprise_out_of_scope_as_if_it_did_not_exist(
    users: dict[str, Any], xinluo_chem: Any, shanghang_site: Any
):
    field = EnterpriseChoiceField(queryset=Enterprise.objects.visible_to(users["inspector"]))
    assert field.clean(str(xinluo_chem.pk)) == xinluo_chem
    assert field.clean(xinluo_chem.credit_code.lower()) == xinluo_chem  # typed without the script
    assert field.clean("龙岩市东城化工有限公司") == xinluo_chem
    messages = set()
    for value in (str(shanghang_site.pk), "999999999", shanghang_site.credit_code, "上杭县临江建筑有限公司", "9" * 30):
        with pytest.raises(Exception) as excinfo:
            field.clean(value)
        messages.add(str(excinfo.value.messages))
    assert len(messages) == 1  # one "not found", whether it exists elsewhere or not at all


@pytest.mark.django_db
def test_two_enterprises_of_one_name_ask_for_the_credit_code(org: Any, users: dict[str, Any]):
    jurisdiction = org.jurisdiction("新罗区/东城街道/东城第一网格")
    industry = org.industry("C2614")
    one = EnterpriseFactory(name="龙岩市同名有限公司", jurisdiction=jurisdiction, industry=industry)
    EnterpriseFactory(name="龙岩市同名有限公司", jurisdiction=jurisdiction, industry=industry)
    field = EnterpriseChoiceField(queryset=Enterprise.objects.visible_to(users["committee"]))
    with pytest.raises(Exception) as excinfo:
        field.clean("龙岩市同名有限公司")
    assert excinfo.value.code == "ambiguous"
    assert field.clean(one.credit_code) == one


@pytest.mark.django_db
def test_a_filter_applied_shows_the_enterprise_by_name_not_by_id(users: dict[str, Any], xinluo_chem: Any):
    response = _client(users["committee"]).get(reverse("hazards:list"), {"enterprise": xinluo_chem.pk})
    html = response.content.decode()
    assert response.status_code == 200
    assert f'data-id="{xinluo_chem.pk}"' in html
    assert 'value="龙岩市东城化工有限公司"' in html
    assert "<select" not in html.split("data-picker")[1].split("</div>")[0]


@pytest.mark.django_db
def test_the_hazard_form_refuses_an_out_of_scope_enterprise_with_the_not_found_error(
    users: dict[str, Any], xinluo_chem: Any, shanghang_site: Any
):
    client = _client(users["inspector"])
    errors = []
    for value in (shanghang_site.pk, 987654321):
        response = client.post(reverse("hazards:create"), {"enterprise": value, "title": "消防通道堵塞"})
        assert response.status_code == 200
        errors.append(response.context["form"].errors["enterprise"])
    assert errors[0] == errors[1]
    # A credit code typed into the box (no script, or offline) is accepted.
    response = client.post(reverse("hazards:create"), {"enterprise": xinluo_chem.credit_code, "title": "消防通道堵塞"})
    assert response.status_code == 302
    assert xinluo_chem.hazards.filter(title="消防通道堵塞").exists()


BAD_VALUES = ["0", "-1", "1.5", "x", "²", "１２", "9" * 17, "9" * 30, "A" * 18, "企" * 300, "a\x00b", " "]


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["hazards:list", "enterprises:employee_list", "hazards:risk_list"])
def test_a_bad_enterprise_in_a_filter_is_a_message_never_a_server_error(users: dict[str, Any], url: str):
    client = _client(users["committee"])
    for value in BAD_VALUES:
        response = client.get(reverse(url), {"enterprise": value})
        assert response.status_code in (200, 400), (value, response.status_code)


@pytest.mark.django_db
def test_a_bad_enterprise_in_the_api_is_a_400_naming_the_parameter(users: dict[str, Any]):
    client = _client(users["committee"])
    for value in BAD_VALUES:
        response = client.get("/api/v1/hazards/", {"enterprise": value}, HTTP_ACCEPT="application/json")
        assert response.status_code in (200, 400), (value, response.status_code)
        if response.status_code == 400:
            assert "enterprise" in response.json()["errors"] or "enterprise" in response.content.decode()
