"""Organisation model: the jurisdiction tree, department derivation, demo data, login throttling."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from enterprises.models import Enterprise
from enterprises.registry.services import enterprises_rederive_departments
from enterprises.registry.validators import is_valid_credit_code
from safety_platform.choices import JurisdictionLevel
from safety_platform.models import Department, Jurisdiction, User
from safety_platform.models.org import DepartmentIndustry
from tests.clock import shanghai

pytestmark = [pytest.mark.django_db, pytest.mark.clock(shanghai(2026, 12, 4, 10))]


def test_longyan_counties_carry_their_gb2260_codes(reference: Any) -> None:
    counties = dict(Jurisdiction.objects.filter(level=JurisdictionLevel.COUNTY).values_list("name", "code"))
    assert counties == {
        "新罗区": "350802",
        "永定区": "350803",
        "长汀县": "350821",
        "上杭县": "350823",
        "武平县": "350824",
        "连城县": "350825",
        "漳平市": "350881",
        "龙岩经济技术开发区（高新区）": None,
    }
    assert Jurisdiction.objects.get(level=JurisdictionLevel.CITY).code == "350800"


def test_moving_a_township_moves_its_grids_and_their_enterprises_scope(
    org: Any, users: dict[str, Any], xinluo_chem: Any
) -> None:
    township = org.jurisdiction("新罗区/东城街道")
    township.parent = org.jurisdiction("永定区")
    township.save()
    grid = org.jurisdiction("永定区/东城街道/东城第一网格")
    assert grid.path.startswith(org.jurisdiction("永定区").path)
    assert not Enterprise.objects.visible_to(users["inspector"]).filter(pk=xinluo_chem.pk).exists()


def test_a_grid_must_sit_under_a_township(org: Any) -> None:
    grid = Jurisdiction(name="错层网格", level=JurisdictionLevel.GRID, parent=org.jurisdiction("新罗区"))
    with pytest.raises(ValidationError):
        grid.full_clean()


def test_most_specific_industry_prefix_picks_the_department(org: Any) -> None:
    # 应急管理局 holds "C" and "C26"; give 市场监管局 the more specific C261.
    DepartmentIndustry.objects.create(department=org.department("scjgj"), industry=org.industry("C261"))
    assert Department.objects.supervising_for_industry(org.industry("C2614")).code == "scjgj"
    assert Department.objects.supervising_for_industry(org.industry("C3011")).code == "yjj"


def test_rederivation_after_a_department_change_keeps_manual_choices(org: Any, xinluo_chem: Any) -> None:
    manual = Enterprise.objects.create(
        credit_code="9144030071526726XG",
        name="手工指定",
        legal_representative="x",
        jurisdiction=org.jurisdiction("新罗区"),
        industry=org.industry("C2614"),
        supervising_department=org.department("zjj"),
        department_set_manually=True,
    )
    DepartmentIndustry.objects.create(department=org.department("scjgj"), industry=org.industry("C261"))
    assert enterprises_rederive_departments() == 1
    xinluo_chem.refresh_from_db()
    manual.refresh_from_db()
    assert xinluo_chem.supervising_department.code == "scjgj"
    assert manual.supervising_department.code == "zjj"


def test_seed_demo_is_idempotent_and_gives_a_login_per_role(db: Any) -> None:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    call_command("seed_demo", stdout=StringIO())
    assert Enterprise.objects.count() >= 30
    assert all(is_valid_credit_code(code) for code in Enterprise.objects.values_list("credit_code", flat=True))
    assert {"admin", "committee", "inspector", "department", "enterprise"} <= set(
        User.objects.values_list("role", flat=True)
    )
    assert set(Enterprise.objects.values_list("risk_category", flat=True)) >= {
        "mining",
        "hazardous_chemicals",
        "fireworks",
        "metallurgy",
        "industry_trade",
        "construction",
    }
    assert "Api-Key " in out.getvalue() and "Longyan@2026" in out.getvalue()
    for user in User.objects.filter(is_active=True):
        assert user.check_password("Longyan@2026")


def test_repeated_wrong_passwords_lock_the_account_for_a_while(
    client: Any, users: dict[str, Any], settings: Any
) -> None:
    settings.AXES_ENABLED = True
    for _ in range(5):
        client.post("/accounts/login/", {"username": "inspector", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "inspector", "password": "pass-Word-1"})
    assert response.status_code == 429
    assert client.get("/").status_code == 302  # still not signed in
