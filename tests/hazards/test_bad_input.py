"""Odd query parameters (found by fuzzing): "²" passes str.isdigit() but not int(); a 400 or the default
page, never a 500."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from tests.clock import shanghai

pytestmark = pytest.mark.django_db


def test_api_risk_map_with_a_superscript_digit_for_jurisdiction_is_a_400(api_client: Any, users: Any) -> None:
    api_client.force_authenticate(users["committee"])
    response = api_client.get("/api/v1/risk-map/", {"jurisdiction": "²"})
    assert response.status_code == 400 and "jurisdiction" in response.json()["errors"]


def test_web_pages_ignore_ids_that_are_not_numbers(client: Any, users: Any) -> None:
    client.force_login(users["inspector"])
    assert client.get("/hazards/risk-map/", {"node": "²"}).status_code == 200
    assert client.get("/hazards/new/", {"risk_source": "²", "enterprise": "③"}).status_code == 200


def test_api_refusals_speak_the_clients_language(api_client: Any, users: Any) -> None:
    api_client.force_authenticate(users["enterprise"])
    assert api_client.get("/api/v1/risk-map/").json()["detail"] == "风险分布图仅供监管人员使用。"
    english = api_client.get("/api/v1/risk-map/", HTTP_ACCEPT_LANGUAGE="en").json()["detail"]
    assert english == "The risk map is for supervisors."


def test_a_hazard_found_in_year_156_is_a_400_naming_found_at(api_client: Any, users: Any) -> None:
    """Found by the stateful schema test: "0156-02-18T14:44:53" was registered as hazard YH-…-156-000001 and
    answered with found_at "+08:05:43" (Asia/Shanghai's local mean time before 1901), no valid date-time."""
    from hazards.models import Hazard

    api_client.force_authenticate(users["enterprise"])
    response = api_client.post(
        "/api/v1/hazards/", {"title": "配电箱未接地", "found_at": "0156-02-18T14:44:53+08:00"}, format="json"
    )
    assert response.status_code == 400, response.content
    assert response.json()["errors"]["found_at"] == ["发现时间不能早于2000-01-01。"]
    assert not Hazard.objects.exists()
    recent = api_client.post("/api/v1/hazards/", {"title": "配电箱未接地", "found_at": "2020-01-05T09:00:00+08:00"})
    assert recent.status_code == 201 and recent.json()["found_at"] == "2020-01-05T09:00:00+08:00"


HUGE_ID = "99999999999999999999999"


@pytest.mark.clock(shanghai(2026, 12, 4, 10))
def test_a_huge_id_among_a_campaigns_areas_or_industries_is_a_form_error_not_a_500(
    client: Any, users: Any, org: Any
) -> None:
    """Found by fuzzing the demo (SQLite): Django's multiple choice sent 99999999999999999999 to SQLite, which raised
    OverflowError (a 500). The form refuses it as it refuses an unknown id, and keeps what was typed."""
    from hazards.models import Campaign

    client.force_login(users["committee"])
    for field in ("jurisdictions", "industries"):
        data = {"name": "建筑施工专项整治", "starts_on": "2026-12-04", "ends_on": "2027-01-04", field: [HUGE_ID]}
        response = client.post(reverse("hazards:campaign_create"), data)
        page = response.content.decode()
        assert response.status_code == 200 and f'id="id_{field}_error"' in page and "建筑施工专项整治" in page, field
        assert f"“{HUGE_ID[:20]}”不是一个有效的值" in page
    assert not Campaign.objects.exists()


@pytest.mark.clock(shanghai(2026, 12, 4, 10))
def test_a_huge_jurisdiction_id_in_the_admins_user_form_is_a_form_error_not_a_500(
    client: Any, users: Any, org: Any
) -> None:
    inspector = users["inspector"]
    before = list(inspector.jurisdictions.values_list("pk", flat=True))
    client.force_login(users["admin"])
    data = {"username": "inspector", "role": "inspector", "jurisdictions": [HUGE_ID], "is_active": "on"}
    response = client.post(reverse("admin:safety_platform_user_change", args=[inspector.pk]), data)
    assert response.status_code == 200 and "errornote" in response.content.decode()
    assert list(inspector.jurisdictions.values_list("pk", flat=True)) == before


@pytest.mark.clock(shanghai(2026, 12, 4, 10))
@pytest.mark.parametrize("value", ["abc", HUGE_ID[:20], "-1"])
def test_a_choice_that_is_not_an_id_in_an_admin_autocomplete_is_a_form_error_not_a_500(
    client: Any, users: Any, org: Any, value: str
) -> None:
    """Django's autocomplete widget looked the posted value up to show it again (a ValueError, or an integer
    overflow): the add form now comes back with its message and what was typed."""
    from enterprises.models import Enterprise

    before = Enterprise.objects.count()
    client.force_login(users["admin"])
    data = {"name": "龙岩测试化工有限公司", "industry": value, "supervising_department": value}
    response = client.post(reverse("admin:enterprises_enterprise_add"), data)
    page = response.content.decode()
    assert response.status_code == 200 and "errornote" in page and "龙岩测试化工有限公司" in page
    assert Enterprise.objects.count() == before


@pytest.mark.clock(shanghai(2026, 12, 4, 10))
@pytest.mark.parametrize("level", ["", "planet"])
def test_a_jurisdiction_without_a_known_level_is_a_form_error_in_the_admin_not_a_500(
    client: Any, users: Any, org: Any, level: str
) -> None:
    from safety_platform.models import Jurisdiction

    before = Jurisdiction.objects.count()
    client.force_login(users["admin"])
    data = {"name": "测试镇", "code": "350802999", "level": level, "sort_order": "0"}
    response = client.post(reverse("admin:safety_platform_jurisdiction_add"), data)
    page = response.content.decode()
    assert response.status_code == 200 and "errornote" in page and "测试镇" in page
    assert Jurisdiction.objects.count() == before


@pytest.mark.clock(shanghai(2026, 12, 4, 10))
def test_a_huge_permission_id_in_the_admins_group_form_is_a_form_error_not_a_500(client: Any, users: Any) -> None:
    """auth's GroupAdmin is made before the platform's admin defaults are set; it takes the ids field too."""
    from django.contrib.auth.models import Group

    client.force_login(users["admin"])
    response = client.post(reverse("admin:auth_group_add"), {"name": "值班组", "permissions": [HUGE_ID]})
    page = response.content.decode()
    assert response.status_code == 200 and "errornote" in page and "值班组" in page
    assert not Group.objects.filter(name="值班组").exists()


@pytest.mark.clock(shanghai(2026, 12, 4, 10))
def test_the_schedulers_admin_refuses_what_celery_cannot_read_with_a_message(client: Any, users: Any) -> None:
    """A crontab part Celery's parser refuses (-1): the refused form, shown again, described the schedule from
    the refused values and was a 500; a task name over 200 characters was a KeyError; a forged initial time zone
    an OSError. Each is now the form's message (or, for the forged value, ignored)."""
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    crontabs, tasks = CrontabSchedule.objects.count(), PeriodicTask.objects.count()
    client.force_login(users["admin"])
    every = {"minute": "*", "hour": "*", "day_of_month": "*", "month_of_year": "*", "day_of_week": "*"}
    every |= {"periodictask_set-TOTAL_FORMS": "0", "periodictask_set-INITIAL_FORMS": "0"}  # its tasks' inline
    url = reverse("admin:django_celery_beat_crontabschedule_add")
    for part in ("minute", "day_of_month", "day_of_week"):
        response = client.post(url, {**every, part: "-1", "timezone": "Asia/Shanghai"})
        page = response.content.decode()
        assert response.status_code == 200 and "errornote" in page, part
        assert "调度程序无法识别此执行时间：每一项请填写" in page and "执行时间说明" in page, part
        assert "negative numbers" not in page, part
    forged = client.post(url, {**every, "timezone": "Asia/Shanghai", "initial-timezone": "中" * 3000})
    assert forged.status_code == 302, re.findall(r"errorlist[^>]*>(.*?)</ul>", forged.content.decode())
    assert CrontabSchedule.objects.count() == crontabs + 1
    response = client.post(
        reverse("admin:django_celery_beat_periodictask_add"),
        {"name": "测试任务", "task": "x" * 300, "crontab": CrontabSchedule.objects.first().pk, "args": "[]"},
    )
    assert response.status_code == 200 and "errornote" in response.content.decode()
    assert PeriodicTask.objects.count() == tasks
