"""Two people editing one record: a save made on a stale copy is refused, naming what changed; nothing is lost.

The enterprise registry form and the remediation plan form carry the version of the row as it was opened;
the API gives it as the detail's ETag and honours If-Match (safety_platform.concurrency).
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from enterprises.models import Enterprise
from hazards.choices import HazardGrade
from hazards.models import RemediationPlan
from safety_platform.concurrency import StaleEdit, check_opened, opened_from_if_match, version_of
from tests.clock import shanghai
from tests.hazards.factories import make_hazard
from tests.platform.test_forms_roundtrip import edit_form_on, post_data

pytestmark = [pytest.mark.django_db, pytest.mark.clock(shanghai(2026, 12, 4, 10))]


def _client(user: Any, language: str = "zh-hans") -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def _open(client: Client, url: str) -> dict[str, list[str]]:
    """What the browser would send back for the page's edit form, as rendered."""
    response = client.get(url)
    assert response.status_code == 200
    return post_data(edit_form_on(response.content.decode(), url))


def _alerts(page: str) -> str:
    found = re.findall(r'<div class="(?:invalid-feedback|alert alert-danger)[^"]*"[^>]*>(.*?)</div>', page, re.S)
    return " ".join(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", m)) for m in found)


# The enterprise registry form ------------------------------------------------------------------------------


@pytest.fixture
def two_editors(users: dict[str, Any], xinluo_chem: Any) -> tuple[Client, Client, str]:
    url = reverse("enterprises:edit", args=[xinluo_chem.pk])
    return _client(users["inspector"]), _client(users["inspector_town"]), url


def test_second_save_is_refused_naming_the_first_change_and_keeps_it(
    two_editors: tuple[Client, Client, str], xinluo_chem: Any
) -> None:
    first, second, url = two_editors
    address_before = xinluo_chem.address
    form_a, form_b = _open(first, url), _open(second, url)

    form_a["contact_phone"] = ["0597-2288001"]
    assert first.post(url, form_a).status_code == 302

    form_b["address"] = ["龙岩市新罗区东城路88号"]
    refused = second.post(url, form_b)
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "保存前，他人已修改此记录" in page and "联系电话 现为 0597-2288001" in page, _alerts(page)
    xinluo_chem.refresh_from_db()
    assert xinluo_chem.contact_phone == "0597-2288001"  # the first change is kept
    assert xinluo_chem.address == address_before  # nothing of the refused save was written

    # The refused form shows the first person's phone (the second did not touch it) and keeps the second's
    # address; saving it again after review writes both.
    again = post_data(edit_form_on(page, url))
    assert again["contact_phone"] == ["0597-2288001"] and again["address"] == ["龙岩市新罗区东城路88号"]
    assert second.post(url, again).status_code == 302
    xinluo_chem.refresh_from_db()
    assert (xinluo_chem.contact_phone, xinluo_chem.address) == ("0597-2288001", "龙岩市新罗区东城路88号")


def test_both_editing_the_same_field_the_second_is_refused_with_the_current_value(
    two_editors: tuple[Client, Client, str], xinluo_chem: Any, org: Any
) -> None:
    first, second, url = two_editors
    form_a, form_b = _open(first, url), _open(second, url)
    form_a["employees"] = ["321"]
    form_a["risk_category"] = ["metallurgy"]
    assert first.post(url, form_a).status_code == 302

    form_b["employees"] = ["150"]
    refused = second.post(url, form_b)
    page = refused.content.decode()
    alerts = _alerts(page)
    assert refused.status_code == 200
    assert "从业人员数 现为 321" in alerts or "现为 321" in alerts, alerts
    # A choice is named by its label, never by its stored value.
    assert "现为 冶金" in alerts and "metallurgy" not in alerts, alerts
    xinluo_chem.refresh_from_db()
    assert xinluo_chem.employees == 321
    # The second person's own value stays in the form for them to decide.
    assert post_data(edit_form_on(page, url))["employees"] == ["150"]


def test_a_change_outside_the_form_does_not_block_the_save(
    two_editors: tuple[Client, Client, str], xinluo_chem: Any, users: dict[str, Any]
) -> None:
    from enterprises.registry.services import enterprise_change_status

    first, _second, url = two_editors
    form = _open(first, url)
    enterprise_change_status(actor=users["committee"], enterprise=xinluo_chem, status="suspended", reason="停产整顿")
    form["legal_representative"] = ["赵六"]
    assert first.post(url, form).status_code == 302
    xinluo_chem.refresh_from_db()
    assert (xinluo_chem.legal_representative, xinluo_chem.status) == ("赵六", "suspended")


def test_opening_and_saving_unchanged_changes_nothing(
    two_editors: tuple[Client, Client, str], xinluo_chem: Any
) -> None:
    first, _second, url = two_editors
    before = Enterprise.objects.filter(pk=xinluo_chem.pk).values().get()
    assert first.post(url, _open(first, url)).status_code == 302
    after = Enterprise.objects.filter(pk=xinluo_chem.pk).values().get()
    assert {k: v for k, v in after.items() if k != "updated_at"} == {
        k: v for k, v in before.items() if k != "updated_at"
    }


def test_the_refusal_reads_in_english_too(users: dict[str, Any], xinluo_chem: Any) -> None:
    url = reverse("enterprises:edit", args=[xinluo_chem.pk])
    first, second = _client(users["inspector"], "en"), _client(users["inspector_town"], "en")
    form_a, form_b = _open(first, url), _open(second, url)
    form_a["contact_phone"] = ["0597-2288002"]
    assert first.post(url, form_a).status_code == 302
    alerts = _alerts(second.post(url, form_b).content.decode())
    assert "Someone else changed this record before you saved" in alerts and "0597-2288002" in alerts, alerts


# The remediation plan form ---------------------------------------------------------------------------------


@pytest.fixture
def major_hazard(users: dict[str, Any], xinluo_chem: Any) -> Any:
    return make_hazard(xinluo_chem, state="assessed", grade=HazardGrade.MAJOR, inspector=users["inspector"])


def test_plan_form_second_save_is_refused_and_first_kept(users: dict[str, Any], major_hazard: Any) -> None:
    url = reverse("hazards:plan", args=[major_hazard.pk])
    enterprise, inspector = _client(users["enterprise"]), _client(users["inspector"])
    form_e, form_i = _open(enterprise, url), _open(inspector, url)  # both open before a plan exists

    form_e["goal"] = ["消除储罐区泄漏隐患"]
    assert enterprise.post(url, form_e).status_code == 302

    form_i["measures"] = ["更换法兰垫片"]
    refused = inspector.post(url, form_i)
    alerts = _alerts(refused.content.decode())
    assert refused.status_code == 200
    assert "保存前，他人已修改此记录" in alerts and "现为 消除储罐区泄漏隐患" in alerts, alerts
    plan = RemediationPlan.objects.get(hazard=major_hazard)
    assert (plan.goal, plan.measures) == ("消除储罐区泄漏隐患", "")

    again = post_data(edit_form_on(refused.content.decode(), url))
    assert inspector.post(url, again).status_code == 302
    plan.refresh_from_db()
    assert (plan.goal, plan.measures) == ("消除储罐区泄漏隐患", "更换法兰垫片")


def test_plan_form_unchanged_save_changes_nothing(users: dict[str, Any], major_hazard: Any) -> None:
    url = reverse("hazards:plan", args=[major_hazard.pk])
    client = _client(users["inspector"])
    form = _open(client, url)
    form["goal"] = ["目标"]
    assert client.post(url, form).status_code == 302
    before = RemediationPlan.objects.filter(hazard=major_hazard).values().get()
    assert client.post(url, _open(client, url)).status_code == 302
    after = RemediationPlan.objects.filter(hazard=major_hazard).values().get()
    assert {k: v for k, v in after.items() if k != "updated_at"} == {
        k: v for k, v in before.items() if k != "updated_at"
    }


# Other edit forms: a rescue team (a many-to-many field), an employee --------------------------------------


def test_team_form_refusal_names_the_specialties_and_keeps_them(users: dict[str, Any], org: Any) -> None:
    from decimal import Decimal

    from emergency.models import RescueTeam, Skill
    from emergency.services import team_create
    from tests.factories import UserFactory

    team = team_create(
        actor=users["committee"],
        data={
            "name": "新罗区救援队",
            "kind": "professional",
            "jurisdiction": org.jurisdiction("新罗区"),
            "latitude": Decimal("25.1"),
            "longitude": Decimal("117.03"),
        },
        specialties=[],
    )
    url = reverse("emergency:team_edit", args=[team.pk])
    first, second = _client(users["committee"]), _client(UserFactory(username="committee2", role="committee"))
    form_a, form_b = _open(first, url), _open(second, url)
    hazmat = Skill.objects.get(code="hazmat")
    form_a["specialties"] = [str(hazmat.pk)]
    saved = first.post(url, form_a)
    assert saved.status_code == 302, _alerts(saved.content.decode())

    form_b["name"] = ["新罗区专业救援队"]
    refused = second.post(url, form_b)
    alerts = _alerts(refused.content.decode())
    assert refused.status_code == 200 and f"现为 {hazmat}" in alerts, alerts
    assert RescueTeam.objects.get(pk=team.pk).name == "新罗区救援队"

    again = post_data(edit_form_on(refused.content.decode(), url))
    assert again["specialties"] == [str(hazmat.pk)]  # the other person's choice is taken over, not undone
    assert second.post(url, again).status_code == 302
    team.refresh_from_db()
    assert team.name == "新罗区专业救援队" and list(team.specialties.all()) == [hazmat]


def test_employee_form_second_save_is_refused(users: dict[str, Any], xinluo_chem: Any) -> None:
    from enterprises.models import Employee
    from enterprises.training.services import employee_create
    from tests.factories import UserFactory

    employee = employee_create(
        actor=users["enterprise"], enterprise=xinluo_chem, name="陈七", post="操作工", posted_on=dt.date(2025, 3, 1)
    )
    url = reverse("enterprises:employee_edit", args=[employee.pk])
    clerk = UserFactory(username="enterprise2", role="enterprise", enterprise=xinluo_chem)
    first, second = _client(users["enterprise"]), _client(clerk)
    form_a, form_b = _open(first, url), _open(second, url)
    form_a["employee_number"] = ["DC-007"]
    assert first.post(url, form_a).status_code == 302
    form_b["name"] = ["陈七七"]
    refused = second.post(url, form_b)
    alerts = _alerts(refused.content.decode())
    assert refused.status_code == 200 and "现为 DC-007" in alerts, alerts
    assert Employee.objects.get(pk=employee.pk).name == "陈七"


def test_equipment_form_refusal_shows_a_date_as_a_clerk_reads_it(users: dict[str, Any], xinluo_chem: Any) -> None:
    from enterprises.admission.services import equipment_declare
    from enterprises.models import DeclaredEquipment
    from tests.factories import UserFactory

    item = equipment_declare(
        actor=users["enterprise"], enterprise=xinluo_chem, data={"name": "液氯钢瓶", "quantity": 4}
    )
    url = reverse("enterprises:equipment_edit", args=[item.pk])
    clerk = UserFactory(username="enterprise3", role="enterprise", enterprise=xinluo_chem)
    first, second = _client(users["enterprise"]), _client(clerk)
    form_a, form_b = _open(first, url), _open(second, url)
    form_a["installed_on"] = ["2024-05-01"]
    assert first.post(url, form_a).status_code == 302
    form_b["installed_on"] = ["2023-01-01"]
    refused = second.post(url, form_b)
    alerts = _alerts(refused.content.decode())
    assert refused.status_code == 200 and "现为 2024年5月1日" in alerts and "2024-05-01" not in alerts, alerts
    assert DeclaredEquipment.objects.get(pk=item.pk).installed_on == dt.date(2024, 5, 1)


# The API --------------------------------------------------------------------------------------------------


def _api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_api_patch_with_a_stale_if_match_is_412_and_saves_nothing(
    users: dict[str, Any], xinluo_chem: Any, django_assert_max_num_queries: Any
) -> None:
    url = f"/api/v1/enterprises/{xinluo_chem.pk}/"
    alice, bob = _api(users["inspector"]), _api(users["inspector_town"])
    with django_assert_max_num_queries(8):
        read = bob.get(url)
    assert read.status_code == 200 and read["ETag"].startswith('"')
    etag = read["ETag"]

    assert alice.patch(url, {"contact_phone": "0597-2288003"}, format="json").status_code == 200

    stale = bob.patch(url, {"name": "龙岩市东城化工股份有限公司"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412, stale.content
    body = stale.json()
    assert body["code"] == "stale" and body["changed"] == {"contact_phone": "0597-2288003"}
    assert "联系电话" in body["detail"] or "contact" in body["detail"].lower()
    xinluo_chem.refresh_from_db()
    assert xinluo_chem.name == "龙岩市东城化工有限公司" and xinluo_chem.contact_phone == "0597-2288003"

    fresh = bob.get(url)["ETag"]
    assert fresh != etag and stale["ETag"] == fresh
    saved = bob.patch(url, {"name": "龙岩市东城化工股份有限公司"}, format="json", HTTP_IF_MATCH=fresh)
    assert saved.status_code == 200 and saved.json()["name"] == "龙岩市东城化工股份有限公司"
    assert saved["ETag"] != fresh and saved["ETag"] == bob.get(url)["ETag"]


def test_api_patch_without_if_match_proceeds_as_before(users: dict[str, Any], xinluo_chem: Any) -> None:
    url = f"/api/v1/enterprises/{xinluo_chem.pk}/"
    client = _api(users["inspector"])
    assert client.patch(url, {"employees": 77}, format="json").status_code == 200
    assert client.patch(url, {"employees": 78}, format="json", HTTP_IF_MATCH="*").status_code == 200
    xinluo_chem.refresh_from_db()
    assert xinluo_chem.employees == 78


def test_api_garbage_if_match_is_412_not_500(users: dict[str, Any], xinluo_chem: Any) -> None:
    url = f"/api/v1/enterprises/{xinluo_chem.pk}/"
    response = _api(users["inspector"]).patch(url, {"employees": 5}, format="json", HTTP_IF_MATCH='"nonsense"')
    assert response.status_code == 412 and response.json()["changed"] == {}


def test_api_changed_values_are_as_the_api_writes_them(users: dict[str, Any], xinluo_chem: Any, org: Any) -> None:
    url = f"/api/v1/enterprises/{xinluo_chem.pk}/"
    client = _api(users["inspector"])
    etag = client.get(url)["ETag"]
    assert client.patch(url, {"industry": "E4710"}, format="json").status_code == 200
    stale = client.patch(url, {"employees": 5}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412 and stale.json()["changed"]["industry"] == "E4710"


def test_api_plan_put_with_stale_if_match_is_412(users: dict[str, Any], major_hazard: Any) -> None:
    url = f"/api/v1/hazards/{major_hazard.pk}/plan/"
    enterprise, inspector = _api(users["enterprise"]), _api(users["inspector"])
    assert enterprise.put(url, {"goal": "目标一"}, format="json").status_code == 200
    etag = inspector.get(url)["ETag"]
    assert enterprise.put(url, {"deadline": "2030-01-31"}, format="json", HTTP_IF_MATCH=etag).status_code == 200

    stale = inspector.put(url, {"measures": "措施"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert stale.json()["changed"] == {"deadline": "2030-01-31"}
    assert RemediationPlan.objects.get(hazard=major_hazard).measures == ""

    fresh = inspector.get(url)["ETag"]
    assert inspector.put(url, {"measures": "措施"}, format="json", HTTP_IF_MATCH=fresh).status_code == 200
    plan = RemediationPlan.objects.get(hazard=major_hazard)
    assert (plan.goal, plan.measures, plan.deadline) == ("目标一", "措施", dt.date(2030, 1, 31))


def test_api_team_patch_with_a_stale_if_match_is_412(users: dict[str, Any], org: Any) -> None:
    from decimal import Decimal

    from emergency.models import RescueTeam, Skill
    from emergency.services import team_create

    team = team_create(
        actor=users["committee"],
        data={
            "name": "新罗区救援队",
            "kind": "professional",
            "jurisdiction": org.jurisdiction("新罗区"),
            "latitude": Decimal("25.1"),
            "longitude": Decimal("117.03"),
        },
        specialties=[],
    )
    url = f"/api/v1/emergency/teams/{team.pk}/"
    client = _api(users["committee"])
    etag = client.get(url)["ETag"]
    hazmat = Skill.objects.get(code="hazmat")
    assert client.patch(url, {"specialties": [hazmat.code]}, format="json").status_code == 200
    stale = client.patch(url, {"name": "改名"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412 and list(stale.json()["changed"]) == ["specialties"], stale.content
    assert RescueTeam.objects.get(pk=team.pk).name == "新罗区救援队"
    assert client.patch(url, {"name": "改名"}, format="json", HTTP_IF_MATCH=stale["ETag"]).status_code == 200


def test_the_schema_documents_etag_if_match_and_412() -> None:
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, method in [("/api/v1/enterprises/{id}/", "patch"), ("/api/v1/hazards/{id}/plan/", "put")]:
        operation = schema["paths"][path][method]
        if_match = [p for p in operation["parameters"] if p["in"] == "header" and p["name"] == "If-Match"]
        assert if_match and not if_match[0]["required"] and "Without `If-Match`" in if_match[0]["description"]
        assert "412" in operation["responses"] and "changed" in str(schema["components"]["schemas"]["Stale"])
        assert "ETag" in operation["responses"]["200"]["headers"]
    for path in ("/api/v1/enterprises/{id}/", "/api/v1/hazards/{id}/plan/"):
        assert "ETag" in schema["paths"][path]["get"]["responses"]["200"]["headers"]


# PostgreSQL: two saves at the same moment ------------------------------------------------------------------


def _race(*calls: Callable[[], Any]) -> list[Any]:
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except Exception as exc:  # the loser's StaleEdit is the point of the test
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_saves_of_one_version_at_once_only_the_first_lands(users: dict[str, Any], xinluo_chem: Any) -> None:
    from enterprises.registry.services import EDITABLE_FIELDS, enterprise_update

    fields = sorted(EDITABLE_FIELDS)
    version = version_of(xinluo_chem, fields)

    def save(user: Any, data: dict[str, Any]) -> Any:
        opened = opened_from_if_match(_Headers(f'"{version}"'), fields)
        return enterprise_update(actor=user, enterprise=xinluo_chem, data=data, opened=opened)

    results = _race(
        lambda: save(users["inspector"], {"contact_phone": "0597-1111111"}),
        lambda: save(users["inspector_town"], {"contact_phone": "0597-2222222"}),
    )
    winners = [r for r in results if isinstance(r, Enterprise)]
    losers = [r for r in results if isinstance(r, StaleEdit)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert losers[0].code == "stale" and list(losers[0].changed) == ["contact_phone"]
    xinluo_chem.refresh_from_db()
    assert xinluo_chem.contact_phone == winners[0].contact_phone


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_api_patches_with_one_etag_at_once_give_200_and_412(users: dict[str, Any], xinluo_chem: Any) -> None:
    url = f"/api/v1/enterprises/{xinluo_chem.pk}/"
    etag = _api(users["inspector"]).get(url)["ETag"]

    def patch(user: Any, phone: str) -> int:
        return _api(user).patch(url, {"contact_phone": phone}, format="json", HTTP_IF_MATCH=etag).status_code

    results = _race(
        lambda: patch(users["inspector"], "0597-3333333"), lambda: patch(users["inspector_town"], "0597-4444444")
    )
    assert sorted(results) == [200, 412], results


class _Headers:
    def __init__(self, if_match: str) -> None:
        self.headers = {"If-Match": if_match}


def test_check_without_a_version_lets_the_save_through(xinluo_chem: Any) -> None:
    check_opened(None, xinluo_chem)  # no version sent: no check, as before


# Source control: a high-risk project, a dense place, a catalog entry ----------------------------------------


def _two_staff(users: dict[str, Any]) -> tuple[Client, Client]:
    return _client(users["committee"]), _client(users["department_zjj"])


def _refused_then_saved(first: Client, second: Client, url: str, mine: dict[str, str], theirs: dict[str, str]) -> str:
    """First saves `theirs`, second (who opened the same copy) saves `mine`: refused; returns the alerts."""
    form_a, form_b = _open(first, url), _open(second, url)
    form_a.update({k: [v] for k, v in theirs.items()})
    saved = first.post(url, form_a)
    assert saved.status_code == 302, _alerts(saved.content.decode())
    form_b.update({k: [v] for k, v in mine.items()})
    refused = second.post(url, form_b)
    assert refused.status_code == 200
    page = refused.content.decode()
    again = post_data(edit_form_on(page, url))
    for key, value in {**theirs, **mine}.items():
        assert again[key] == [value], (key, again[key])  # their untouched value taken over, mine kept
    assert second.post(url, again).status_code == 302  # saving again after review goes through
    return _alerts(page)


def test_project_form_second_save_is_refused_and_first_kept(users: dict[str, Any], org: Any) -> None:
    from enterprises.models import HighRiskProject
    from tests.enterprises.topic_factories import ProjectFactory

    project = ProjectFactory(name="新罗区危化品仓库", jurisdiction=org.jurisdiction("新罗区"), address="旧地址")
    url = reverse("enterprises:project_edit", args=[project.pk])
    first, second = _two_staff(users)
    form_a, form_b = _open(first, url), _open(second, url)
    form_a["address"] = ["龙岩市新罗区西陂街道1号"]
    assert first.post(url, form_a).status_code == 302
    form_b["description"] = ["甲类仓库两座"]
    refused = second.post(url, form_b)
    alerts = _alerts(refused.content.decode())
    assert refused.status_code == 200 and "保存前，他人已修改此记录" in alerts, alerts
    assert "现为 龙岩市新罗区西陂街道1号" in alerts, alerts
    project.refresh_from_db()
    assert (project.address, project.description) == ("龙岩市新罗区西陂街道1号", "")
    assert HighRiskProject.objects.count() == 1


def test_place_form_second_save_is_refused_and_saved_after_review(users: dict[str, Any], org: Any) -> None:
    from tests.enterprises.topic_factories import PlaceFactory

    place = PlaceFactory(name="西陂小学", jurisdiction=org.jurisdiction("新罗区"), population=800)
    url = reverse("enterprises:place_edit", args=[place.pk])
    first, second = _two_staff(users)
    alerts = _refused_then_saved(first, second, url, mine={"name": "西陂中心小学"}, theirs={"population": "1200"})
    assert "现为 1200" in alerts, alerts
    place.refresh_from_db()
    assert (place.name, place.population) == ("西陂中心小学", 1200)


def test_catalog_form_second_save_is_refused_naming_a_choice_by_its_label(users: dict[str, Any]) -> None:
    from enterprises.models import CatalogEntry
    from tests.enterprises.topic_factories import CatalogEntryFactory

    entry = CatalogEntryFactory(name="敞开式离心机")
    url = reverse("enterprises:catalog_edit", args=[entry.pk])
    first, second = _client(users["committee"]), _client(users["department"])
    form_a, form_b = _open(first, url), _open(second, url)
    form_a["status"] = ["restricted"]
    assert first.post(url, form_a).status_code == 302
    form_b["status"] = ["banned"]
    form_b["scope"] = ["化工企业"]
    refused = second.post(url, form_b)
    alerts = _alerts(refused.content.decode())
    with translation.override("zh-hans"):
        restricted = str(CatalogEntry(status="restricted").get_status_display())
    assert refused.status_code == 200 and "保存前，他人已修改此记录" in alerts, alerts
    assert f"现为 {restricted}" in alerts and "restricted" not in alerts, alerts
    entry.refresh_from_db()
    assert (entry.status, entry.scope) == ("restricted", "")


@pytest.mark.parametrize(
    ("path", "factory", "theirs", "mine"),
    [
        ("high-risk-projects", "ProjectFactory", {"address": "新地址"}, {"description": "说明"}),
        ("dense-places", "PlaceFactory", {"population": 900}, {"name": "改名"}),
        ("banned-equipment-catalog", "CatalogEntryFactory", {"scope": "全部"}, {"reason": "能耗高"}),
    ],
)
def test_api_source_control_patch_with_a_stale_if_match_is_412(
    users: dict[str, Any], org: Any, path: str, factory: str, theirs: dict[str, Any], mine: dict[str, Any]
) -> None:
    from tests.enterprises import topic_factories

    make = getattr(topic_factories, factory)
    row = make() if path == "banned-equipment-catalog" else make(jurisdiction=org.jurisdiction("新罗区"))
    url = f"/api/v1/{path}/{row.pk}/"
    alice, bob = _api(users["committee"]), _api(users["department"])
    etag = bob.get(url)["ETag"]
    assert etag.startswith('"')
    assert alice.patch(url, theirs, format="json").status_code == 200
    stale = bob.patch(url, mine, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412, stale.content
    assert stale.json()["changed"] == theirs
    row.refresh_from_db()
    key = next(iter(mine))
    assert getattr(row, key) != mine[key]  # nothing of the refused write
    saved = bob.patch(url, mine, format="json", HTTP_IF_MATCH=stale["ETag"])
    assert saved.status_code == 200 and saved["ETag"] == bob.get(url)["ETag"]


# A department's responsibility list: a revision is a new row --------------------------------------------------


def test_duty_revised_meanwhile_the_second_revision_is_refused_not_lost(
    users: dict[str, Any], org: Any, django_assert_max_num_queries: Any
) -> None:
    from enterprises.models import ResponsibilityItem
    from enterprises.responsibility.services import responsibility_item_create

    item = responsibility_item_create(
        actor=users["committee"],
        department=org.department("yjj"),
        duty="监督危险化学品企业",
        legal_basis="《安全生产法》",
    )
    url = reverse("enterprises:responsibility_item_edit", args=[item.pk])
    first, second = _client(users["committee"]), _client(users["department"])
    form_a, form_b = _open(first, url), _open(second, url)
    form_a["duty"] = ["监督危险化学品生产、储存企业"]
    assert first.post(url, form_a).status_code == 302
    successor = ResponsibilityItem.objects.current().get(department=item.department)

    form_b["legal_basis"] = ["《安全生产法》第十条"]
    refused = second.post(url, form_b)  # the old wording's page: not a 404, a refusal naming the change
    assert refused.status_code == 200
    page = refused.content.decode()
    alerts = _alerts(page)
    assert "保存前，他人已修改此记录" in alerts and "现为 监督危险化学品生产、储存企业" in alerts, alerts
    assert list(ResponsibilityItem.objects.current().filter(department=item.department)) == [successor]
    assert successor.legal_basis == "《安全生产法》"

    again = post_data(edit_form_on(page, url))
    assert again["duty"] == ["监督危险化学品生产、储存企业"] and again["legal_basis"] == ["《安全生产法》第十条"]
    assert second.post(url, again).status_code == 302
    latest = ResponsibilityItem.objects.current().get(department=item.department)
    assert (latest.duty, latest.legal_basis) == ("监督危险化学品生产、储存企业", "《安全生产法》第十条")
    assert ResponsibilityItem.objects.filter(department=item.department).count() == 3  # the history is kept

    # The old wording's edit page leads to the wording in force.
    with django_assert_max_num_queries(12):
        moved = first.get(url)
    assert moved.status_code == 302 and moved["Location"] == reverse(
        "enterprises:responsibility_item_edit", args=[latest.pk]
    )


# A special-operation certificate ------------------------------------------------------------------------------


def test_certificate_form_second_save_is_refused_and_first_kept(users: dict[str, Any], xinluo_chem: Any) -> None:
    from enterprises.models import SpecialOperationCertificate
    from tests.enterprises.topic_factories import EmployeeFactory, OperationCertificateFactory
    from tests.factories import UserFactory

    employee = EmployeeFactory(enterprise=xinluo_chem, name="陈七")
    cert = OperationCertificateFactory(employee=employee, certificate_number="T350800000001")
    url = reverse("enterprises:opcert_edit", args=[cert.pk])
    clerk = UserFactory(username="enterprise4", role="enterprise", enterprise=xinluo_chem)
    first, second = _client(users["enterprise"]), _client(clerk)
    form_a, form_b = _open(first, url), _open(second, url)
    form_a["expires_on"] = ["2030-06-30"]
    assert first.post(url, form_a).status_code == 302
    form_b["issuing_authority"] = ["龙岩市应急管理局"]
    refused = second.post(url, form_b)
    page = refused.content.decode()
    alerts = _alerts(page)
    assert refused.status_code == 200 and "保存前，他人已修改此记录" in alerts, alerts
    assert "现为 2030年6月30日" in alerts, alerts
    cert.refresh_from_db()
    assert (cert.expires_on, cert.issuing_authority) == (dt.date(2030, 6, 30), "")

    again = post_data(edit_form_on(page, url))
    assert again["expires_on"] == ["2030-06-30"]  # the other person's date taken over, not undone
    assert second.post(url, again).status_code == 302
    cert = SpecialOperationCertificate.objects.get(pk=cert.pk)
    assert (cert.expires_on, cert.issuing_authority) == (dt.date(2030, 6, 30), "龙岩市应急管理局")


def test_certificate_can_still_be_added_from_the_employee_page(users: dict[str, Any], xinluo_chem: Any) -> None:
    from tests.enterprises.topic_factories import EmployeeFactory

    employee = EmployeeFactory(enterprise=xinluo_chem, name="陈八")
    response = _client(users["enterprise"]).post(
        reverse("enterprises:opcert_add", args=[employee.pk]),
        {"operation": "electrical", "certificate_number": "T350800000002", "issued_on": "2024-01-01"},
    )
    assert response.status_code == 302 and employee.certificates.get().certificate_number == "T350800000002"


def test_api_certificate_patch_with_a_stale_if_match_is_412(users: dict[str, Any], xinluo_chem: Any) -> None:
    from tests.enterprises.topic_factories import EmployeeFactory, OperationCertificateFactory

    cert = OperationCertificateFactory(employee=EmployeeFactory(enterprise=xinluo_chem))
    url = f"/api/v1/special-operation-certificates/{cert.pk}/"
    client = _api(users["enterprise"])
    etag = client.get(url)["ETag"]
    assert client.patch(url, {"expires_on": "2031-01-01"}, format="json").status_code == 200
    stale = client.patch(url, {"issuing_authority": "某局"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412 and stale.json()["changed"] == {"expires_on": "2031-01-01"}, stale.content
    cert.refresh_from_db()
    assert cert.issuing_authority == ""
    saved = client.patch(url, {"issuing_authority": "某局"}, format="json", HTTP_IF_MATCH=stale["ETag"])
    assert saved.status_code == 200


# A risk source (a plain form: the risk source it edits gives the version) -----------------------------------


@pytest.fixture
def risk_source(users: dict[str, Any], xinluo_chem: Any) -> Any:
    from hazards.services import risk_source_save

    return risk_source_save(
        actor=users["enterprise"],
        enterprise=xinluo_chem,
        data={
            "name": "储罐区装卸岗",
            "method": "lec",
            "lec_l": "3",
            "lec_e": "6",
            "lec_c": "7",
            "control_measures": "佩戴防毒面具",
            "responsible_person": "张三",
        },
    )


def test_risk_source_form_second_save_is_refused_and_a_factor_taken_over(
    users: dict[str, Any], risk_source: Any
) -> None:
    from decimal import Decimal

    from hazards.models import RiskSource

    url = reverse("hazards:risk_edit", args=[risk_source.pk])
    first, second = _client(users["enterprise"]), _client(users["inspector"])
    form_a, form_b = _open(first, url), _open(second, url)
    form_a["lec_l"] = ["6"]
    assert first.post(url, form_a).status_code == 302
    form_b["responsible_person"] = ["李四"]
    refused = second.post(url, form_b)
    page = refused.content.decode()
    alerts = _alerts(page)
    assert refused.status_code == 200 and "保存前，他人已修改此记录" in alerts and "现为 6" in alerts, alerts
    source = RiskSource.objects.get(pk=risk_source.pk)
    assert (source.lec_l, source.responsible_person) == (Decimal("6"), "张三")

    again = post_data(edit_form_on(page, url))
    assert again["lec_l"] == ["6"] and again["responsible_person"] == ["李四"]  # taken over as a valid choice
    saved = second.post(url, again)
    assert saved.status_code == 302, _alerts(saved.content.decode())
    source.refresh_from_db()
    assert (source.lec_l, source.responsible_person) == (Decimal("6"), "李四")


def test_api_risk_source_patch_with_a_stale_if_match_is_412(users: dict[str, Any], risk_source: Any) -> None:
    url = f"/api/v1/risk-sources/{risk_source.pk}/"
    enterprise, inspector = _api(users["enterprise"]), _api(users["inspector"])
    etag = inspector.get(url)["ETag"]
    assert enterprise.patch(url, {"control_measures": "双人作业"}, format="json").status_code == 200
    stale = inspector.patch(url, {"responsible_phone": "13800000009"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412 and stale.json()["changed"] == {"control_measures": "双人作业"}, stale.content
    risk_source.refresh_from_db()
    assert risk_source.responsible_phone == ""
    saved = inspector.patch(url, {"responsible_phone": "13800000009"}, format="json", HTTP_IF_MATCH=stale["ETag"])
    assert saved.status_code == 200 and saved["ETag"] == inspector.get(url)["ETag"]


# A campaign (a plain form with two many-to-many fields) -------------------------------------------------------


def test_campaign_form_second_save_is_refused_and_the_areas_taken_over(users: dict[str, Any], org: Any) -> None:
    from hazards.models import Campaign
    from hazards.services import campaign_save
    from tests.factories import UserFactory

    campaign = campaign_save(
        actor=users["committee"],
        data={
            "name": "危化品专项整治",
            "starts_on": dt.date(2026, 11, 1),
            "ends_on": dt.date(2026, 12, 31),
            "industries": [org.industry("C26")],
            "jurisdictions": [org.jurisdiction("新罗区")],
        },
    )
    url = reverse("hazards:campaign_edit", args=[campaign.pk])
    first, second = _client(users["committee"]), _client(UserFactory(username="committee2", role="committee"))
    form_a, form_b = _open(first, url), _open(second, url)
    both = [str(org.jurisdiction("新罗区").pk), str(org.jurisdiction("新罗区/东城街道").pk)]
    form_a["jurisdictions"] = both
    assert first.post(url, form_a).status_code == 302
    form_b["ends_on"] = ["2027-01-15"]
    refused = second.post(url, form_b)
    page = refused.content.decode()
    alerts = _alerts(page)
    assert refused.status_code == 200 and "保存前，他人已修改此记录" in alerts, alerts
    assert Campaign.objects.get(pk=campaign.pk).ends_on == dt.date(2026, 12, 31)

    again = post_data(edit_form_on(page, url))
    assert sorted(again["jurisdictions"]) == sorted(both) and again["ends_on"] == ["2027-01-15"]
    assert second.post(url, again).status_code == 302
    campaign.refresh_from_db()
    assert campaign.ends_on == dt.date(2027, 1, 15) and campaign.jurisdictions.count() == 2


# A county's figures for a year (the record may not exist yet when both open the form) --------------------------


def test_county_figures_entered_meanwhile_refuse_the_second_save(users: dict[str, Any], org: Any) -> None:
    from assessment.models import CountyInput
    from tests.factories import UserFactory

    county = org.jurisdiction("新罗区")
    url = reverse("assessment:county_input_edit", kwargs={"jurisdiction": county.pk, "year": 2026})
    first, second = _client(users["committee"]), _client(UserFactory(username="committee2", role="committee"))
    form_a, form_b = _open(first, url), _open(second, url)  # nothing entered yet
    form_a["deaths_target"] = ["12"]
    assert first.post(url, form_a).status_code == 302
    form_b["industrial_workers"] = ["186000"]
    refused = second.post(url, form_b)
    page = refused.content.decode()
    alerts = _alerts(page)
    assert refused.status_code == 400 and "保存前，他人已修改此记录" in alerts and "现为 12" in alerts, alerts
    record = CountyInput.objects.get(jurisdiction=county, year=2026)
    assert (record.deaths_target, record.industrial_workers) == (12, None)

    again = post_data(edit_form_on(page, url))
    assert again["deaths_target"] == ["12"] and again["industrial_workers"] == ["186000"]
    assert second.post(url, again).status_code == 302
    record.refresh_from_db()
    assert (record.deaths_target, record.industrial_workers) == (12, 186000)


def test_the_schema_documents_if_match_on_the_newly_versioned_endpoints() -> None:
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    for collection in (
        "high-risk-projects",
        "dense-places",
        "banned-equipment-catalog",
        "special-operation-certificates",
        "risk-sources",
    ):
        path = f"/api/v1/{collection}/{{id}}/"
        assert "ETag" in schema["paths"][path]["get"]["responses"]["200"]["headers"], path
        for method in ("put", "patch"):
            operation = schema["paths"][path][method]
            assert any(p["in"] == "header" and p["name"] == "If-Match" for p in operation["parameters"]), path
            assert "412" in operation["responses"], (path, method)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_campaign_saves_of_one_version_at_once_only_the_first_lands(users: dict[str, Any], org: Any) -> None:
    from hazards.models import Campaign
    from hazards.services import campaign_save

    data = {"name": "危化品专项整治", "starts_on": dt.date(2026, 11, 1), "ends_on": dt.date(2026, 12, 31)}
    campaign = campaign_save(actor=users["committee"], data=data)
    fields = ("description", "ends_on", "industries", "jurisdictions", "name", "starts_on")
    version = version_of(campaign, fields)

    def save(description: str) -> Any:
        opened = opened_from_if_match(_Headers(f'"{version}"'), fields)
        return campaign_save(
            actor=users["committee"], data={**data, "description": description}, campaign=campaign, opened=opened
        )

    results = _race(lambda: save("第一"), lambda: save("第二"))
    winners = [r for r in results if isinstance(r, Campaign)]
    losers = [r for r in results if isinstance(r, StaleEdit)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert list(losers[0].changed) == ["description"]
    campaign.refresh_from_db()
    assert campaign.description == winners[0].description


def test_api_employee_and_equipment_patch_with_a_stale_if_match_is_412(users: dict[str, Any], xinluo_chem: Any) -> None:
    from enterprises.admission.services import equipment_declare
    from tests.enterprises.topic_factories import EmployeeFactory

    employee = EmployeeFactory(enterprise=xinluo_chem, name="陈七")
    item = equipment_declare(
        actor=users["enterprise"], enterprise=xinluo_chem, data={"name": "液氯钢瓶", "quantity": 4}
    )
    client = _api(users["enterprise"])
    for url, theirs, mine in [
        (f"/api/v1/employees/{employee.pk}/", {"employee_number": "DC-007"}, {"name": "陈七七"}),
        (f"/api/v1/declared-equipment/{item.pk}/", {"quantity": 6}, {"name": "液氯钢瓶（1吨）"}),
    ]:
        etag = client.get(url)["ETag"]
        assert client.patch(url, theirs, format="json").status_code == 200
        stale = client.patch(url, mine, format="json", HTTP_IF_MATCH=etag)
        assert stale.status_code == 412 and stale.json()["changed"] == theirs, (url, stale.content)
        assert client.get(url).json()["name"] != next(iter(mine.values()))  # nothing of the refused write
        assert client.patch(url, mine, format="json", HTTP_IF_MATCH=stale["ETag"]).status_code == 200
