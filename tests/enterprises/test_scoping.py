"""Every enterprise page and endpoint, for every role: each sees exactly its scope."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from enterprises.models import Enterprise
from safety_platform.choices import ApiScope
from safety_platform.services import api_key_create
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(org: Any, users: dict[str, Any], xinluo_chem: Any, shanghang_site: Any) -> dict[str, Any]:
    xinluo_site = EnterpriseFactory(
        name="新罗区西陂建筑",
        jurisdiction=org.jurisdiction("新罗区/西陂街道/西陂第一网格"),
        industry=org.industry("E4710"),
    )
    yongding_mine = EnterpriseFactory(
        name="永定区坎市铁矿", jurisdiction=org.jurisdiction("永定区/坎市镇"), industry=org.industry("B0810")
    )
    return {
        "xinluo_chem": xinluo_chem,
        "xinluo_site": xinluo_site,
        "shanghang_site": shanghang_site,
        "yongding_mine": yongding_mine,
    }


EXPECTED = {
    "admin": {"xinluo_chem", "xinluo_site", "shanghang_site", "yongding_mine"},
    "committee": {"xinluo_chem", "xinluo_site", "shanghang_site", "yongding_mine"},
    "inspector": {"xinluo_chem", "xinluo_site"},  # 新罗区
    "inspector_town": {"xinluo_chem"},  # 东城街道 only
    "department": {"xinluo_chem", "yongding_mine"},  # 应急管理局: chemicals and mining
    "department_zjj": {"xinluo_site", "shanghang_site"},  # 住建局: construction
    "enterprise": {"xinluo_chem"},
}


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_visible_to_matches_role_scope(role: str, users: dict[str, Any], world: dict[str, Any]) -> None:
    visible = set(Enterprise.objects.visible_to(users[role]).values_list("name", flat=True))
    assert visible == {world[key].name for key in EXPECTED[role]}


def test_anonymous_and_inactive_users_see_nothing(users: dict[str, Any], world: dict[str, Any]) -> None:
    from django.contrib.auth.models import AnonymousUser

    assert not Enterprise.objects.visible_to(AnonymousUser()).exists()
    committee = users["committee"]
    committee.is_active = False
    committee.save()
    assert not Enterprise.objects.visible_to(committee).exists()


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_list_page_shows_only_scope(role: str, client: Any, users: dict[str, Any], world: dict[str, Any]) -> None:
    client.force_login(users[role])
    response = client.get(reverse("enterprises:list"), follow=True)
    assert response.status_code == 200
    body = response.content.decode()
    for key, enterprise in world.items():
        assert (enterprise.name in body) == (key in EXPECTED[role]), (role, key)


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_detail_page_is_404_outside_scope(role: str, client: Any, users: dict[str, Any], world: dict[str, Any]) -> None:
    client.force_login(users[role])
    for key, enterprise in world.items():
        response = client.get(reverse("enterprises:detail", args=[enterprise.pk]))
        assert response.status_code == (200 if key in EXPECTED[role] else 404), (role, key)


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_api_list_and_detail_are_scoped(
    role: str, api_client: Any, users: dict[str, Any], world: dict[str, Any]
) -> None:
    api_client.force_authenticate(users[role])
    response = api_client.get("/api/v1/enterprises/", {"page_size": 100})
    assert response.status_code == 200
    assert {row["name"] for row in response.json()["results"]} == {world[k].name for k in EXPECTED[role]}
    for key, enterprise in world.items():
        detail = api_client.get(f"/api/v1/enterprises/{enterprise.pk}/")
        assert detail.status_code == (200 if key in EXPECTED[role] else 404), (role, key)


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_export_contains_only_scope(role: str, client: Any, users: dict[str, Any], world: dict[str, Any]) -> None:
    client.force_login(users[role])
    response = client.get(reverse("enterprises:export") + "?format=csv")
    if role == "enterprise":
        assert response.status_code == 403
        return
    body = response.getvalue().decode("utf-8-sig")  # streamed
    for key, enterprise in world.items():
        assert (enterprise.name in body) == (key in EXPECTED[role]), (role, key)


def test_enterprise_user_gets_404_for_another_enterprise_everywhere(
    client: Any, api_client: Any, users: dict[str, Any], world: dict[str, Any]
) -> None:
    other = world["shanghang_site"]
    client.force_login(users["enterprise"])
    for name in ("detail", "edit"):
        assert client.get(reverse(f"enterprises:{name}", args=[other.pk])).status_code == 404
    assert (
        client.post(reverse("enterprises:status", args=[other.pk]), {"status": "closed", "reason": "x"}).status_code
        == 404
    )
    api_client.force_authenticate(users["enterprise"])
    assert api_client.get(f"/api/v1/enterprises/{other.pk}/").status_code == 404
    assert api_client.patch(f"/api/v1/enterprises/{other.pk}/", {"name": "x"}, format="json").status_code == 404


def test_enterprise_user_cannot_edit_even_own_registry_entry(
    client: Any, api_client: Any, users: dict[str, Any], world: dict[str, Any]
) -> None:
    own = world["xinluo_chem"]
    client.force_login(users["enterprise"])
    assert client.get(reverse("enterprises:edit", args=[own.pk])).status_code == 403
    assert client.get(reverse("enterprises:create")).status_code == 403
    api_client.force_authenticate(users["enterprise"])
    assert api_client.patch(f"/api/v1/enterprises/{own.pk}/", {"name": "x"}, format="json").status_code == 403


MANAGERS = {"admin", "committee", "inspector", "inspector_town", "department", "department_zjj"}


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_every_registry_page_and_endpoint_for_every_enterprise_follows_the_role(
    role: str, client: Any, api_client: Any, users: dict[str, Any], world: dict[str, Any]
) -> None:
    """Edit page, status change (web and API), status history and PATCH: 404 outside the scope,
    403 inside it for an enterprise user (read-only), done for staff."""
    user = users[role]
    client.force_login(user)
    api_client.force_authenticate(user)
    for key, enterprise in world.items():
        visible = key in EXPECTED[role]
        writable = visible and role in MANAGERS
        expected_write = 404 if not visible else (200 if writable else 403)
        where = (role, key)

        edit = client.get(reverse("enterprises:edit", args=[enterprise.pk]))
        assert edit.status_code == expected_write, where

        history = api_client.get(f"/api/v1/enterprises/{enterprise.pk}/status-history/")
        assert history.status_code == (200 if visible else 404), where

        patch = api_client.patch(f"/api/v1/enterprises/{enterprise.pk}/", {"employees": 4321}, format="json")
        assert patch.status_code == expected_write, where

        api_status = api_client.post(
            f"/api/v1/enterprises/{enterprise.pk}/change-status/",
            {"status": "suspended", "reason": "停产整顿"},
            format="json",
        )
        assert api_status.status_code == expected_write, where

        web_status = client.post(
            reverse("enterprises:status", args=[enterprise.pk]), {"status": "closed", "reason": "关闭"}
        )
        assert web_status.status_code == (404 if not visible else (302 if writable else 403)), where

        enterprise.refresh_from_db()
        if writable:
            assert (enterprise.employees, enterprise.status) == (4321, "closed"), where
        else:
            assert enterprise.employees != 4321 and enterprise.status == "operating", where


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_create_import_and_mine_pages_follow_the_role(
    role: str, client: Any, users: dict[str, Any], world: dict[str, Any]
) -> None:
    client.force_login(users[role])
    expected = 200 if role in MANAGERS else 403
    assert client.get(reverse("enterprises:create")).status_code == expected, role
    assert client.get(reverse("enterprises:import")).status_code == expected, role
    mine = client.get(reverse("enterprises:mine"))
    target = (
        reverse("enterprises:detail", args=[world["xinluo_chem"].pk])
        if role == "enterprise"
        else reverse("enterprises:list")
    )
    assert (mine.status_code, mine["Location"]) == (302, target), role


def test_department_key_cannot_write_or_change_status(api_client: Any, org: Any, world: dict[str, Any]) -> None:
    _key, raw = api_key_create(name="fgw", department=org.department("fgw"), scopes=[ApiScope.ENTERPRISES_READ])
    auth = {"HTTP_AUTHORIZATION": f"Api-Key {raw}"}
    chem = world["xinluo_chem"]
    assert api_client.get(f"/api/v1/enterprises/{chem.pk}/", **auth).status_code == 200
    patch = api_client.patch(f"/api/v1/enterprises/{chem.pk}/", {"employees": 1}, format="json", **auth)
    assert patch.status_code == 403
    response = api_client.post(
        f"/api/v1/enterprises/{chem.pk}/change-status/", {"status": "closed", "reason": "x"}, format="json", **auth
    )
    assert response.status_code == 403
    chem.refresh_from_db()
    assert chem.status == "operating" and chem.employees != 1
    # A key is not a login: the web pages stay closed to it.
    assert api_client.get(reverse("enterprises:list"), **auth).status_code == 302


def test_department_key_reads_registry_and_enterprise_key_does_not(
    api_client: Any, org: Any, world: dict[str, Any]
) -> None:
    _key, raw = api_key_create(name="fgw", department=org.department("fgw"), scopes=[ApiScope.ENTERPRISES_READ])
    response = api_client.get("/api/v1/enterprises/", {"page_size": 100}, HTTP_AUTHORIZATION=f"Api-Key {raw}")
    assert response.status_code == 200
    assert response.json()["count"] == 4
    # Keys are read-only here: writing is refused.
    assert (
        api_client.post("/api/v1/enterprises/", {}, format="json", HTTP_AUTHORIZATION=f"Api-Key {raw}").status_code
        == 403
    )
    _key, push = api_key_create(name="push", enterprise=world["xinluo_chem"], scopes=[ApiScope.HAZARDS_PUSH])
    assert api_client.get("/api/v1/enterprises/", HTTP_AUTHORIZATION=f"Api-Key {push}").status_code == 403


def test_inspector_of_two_jurisdictions_sees_both_subtrees_and_nothing_else(
    client: Any, api_client: Any, users: dict[str, Any], org: Any, world: dict[str, Any]
) -> None:
    inspector = users["inspector_town"]  # 新罗区/东城街道
    inspector.jurisdictions.add(org.jurisdiction("永定区"))
    expected = {world["xinluo_chem"].name, world["yongding_mine"].name}
    client.force_login(inspector)
    body = client.get(reverse("enterprises:list")).content.decode()
    assert {e.name for e in world.values() if e.name in body} == expected
    api_client.force_authenticate(inspector)
    rows = api_client.get("/api/v1/enterprises/", {"page_size": 100}).json()["results"]
    assert {row["name"] for row in rows} == expected
    assert client.get(reverse("enterprises:detail", args=[world["xinluo_site"].pk])).status_code == 404
