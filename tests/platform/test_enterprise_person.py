"""One rule for "is this a person of an enterprise" (issue 17): `is_enterprise_person(user)`.

The User property `is_enterprise_user` (kept for templates, which cannot pass arguments) answers the same for
every role, with and without an enterprise, active or not, superuser or not; the database keeps every active
enterprise user attached to an enterprise, so for the people who can sign in the rule is the role (a superuser
acts as an administrator, whatever the role field says). The pages and API endpoints that asked the property
answer as before.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.urls import reverse

from credit.models import BlacklistEntry, RuleSet
from safety_platform.choices import Role
from safety_platform.models import User
from safety_platform.models.apikeys import ApiClient, ApiKey
from safety_platform.permissions import ENTERPRISE_ROLES, is_enterprise_person
from tests.factories import UserFactory


@pytest.mark.parametrize(
    ("role", "with_enterprise", "active", "superuser"),
    list(itertools.product([r.value for r in Role], [False, True], [True, False], [False, True])),
)
def test_the_property_is_the_rule(role: str, with_enterprise: bool, active: bool, superuser: bool) -> None:
    user = User(role=role, enterprise_id=7 if with_enterprise else None, is_active=active, is_superuser=superuser)
    expected = role in ENTERPRISE_ROLES and with_enterprise and active and not superuser
    assert is_enterprise_person(user) is expected
    assert user.is_enterprise_user is expected
    assert is_enterprise_person(user, enterprise_id=7) is expected
    assert is_enterprise_person(user, enterprise_id=8) is False


def test_nobody_and_api_keys_are_no_enterprise_person() -> None:
    assert is_enterprise_person(AnonymousUser()) is False
    assert is_enterprise_person(None) is False
    assert is_enterprise_person(ApiClient(ApiKey(prefix="k1", enterprise_id=7))) is False


@pytest.mark.django_db
def test_an_active_enterprise_user_always_has_an_enterprise(users: dict[str, Any]) -> None:
    """The constraint that makes the role alone the rule for everyone who can sign in (superusers aside)."""
    for user in users.values():
        if not user.is_superuser:
            assert is_enterprise_person(user) == (user.role == Role.ENTERPRISE), user.username
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(username="no_enterprise", role=Role.ENTERPRISE, enterprise=None)
    inactive: Any = UserFactory(username="left", role=Role.ENTERPRISE, enterprise=None, is_active=False)
    assert not is_enterprise_person(inactive) and not inactive.is_enterprise_user


@pytest.mark.django_db
def test_rule_sets_read_by_an_enterprise_key_stay_the_published_ones(xinluo_chem: Any, users: dict[str, Any]) -> None:
    published = str(RuleSet.objects.published().query)
    enterprise_key = ApiClient(ApiKey(prefix="k1", enterprise_id=xinluo_chem.pk))
    department_key = ApiClient(ApiKey(prefix="k2", department_id=users["department"].department_id))
    assert str(RuleSet.objects.visible_to(enterprise_key).query) == published
    assert str(RuleSet.objects.visible_to(users["enterprise"]).query) == published
    assert str(RuleSet.objects.visible_to(department_key).query) == str(RuleSet.objects.all().query)
    assert str(RuleSet.objects.visible_to(users["committee"]).query) == str(RuleSet.objects.all().query)
    # A proposal is internal until the enterprise has been given notice: hidden from its people only.
    hides_proposals = '"status" = proposed)'
    assert hides_proposals in str(BlacklistEntry.objects.visible_to(users["enterprise"]).query)
    assert hides_proposals not in str(BlacklistEntry.objects.visible_to(users["committee"]).query)


def _stats_columns(client: Any) -> int:
    page = client.get(reverse("hazards:stats_list")).content.decode()
    head = re.search(r"<thead>(.*?)</thead>", page, re.S)
    assert head is not None
    return head.group(1).count("<th")


@pytest.mark.django_db
def test_the_pages_that_asked_the_property(client: Any, users: dict[str, Any], xinluo_chem: Any) -> None:
    own_page = reverse("credit:enterprise", args=[xinluo_chem.pk])
    lists = [reverse("credit:overview"), reverse("credit:records"), reverse("credit:joint_measures")]
    client.force_login(users["enterprise"])
    for url in lists:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == own_page, url
    assert _stats_columns(client) == 5  # no enterprise column: the rows are all the user's own
    client.force_login(users["committee"])
    for url in lists:
        assert client.get(url).status_code == 200, url
    assert _stats_columns(client) == 6
    # A superuser acts as an administrator whatever the role field says (role_of): the lists, not one enterprise.
    odd: Any = UserFactory(
        username="odd", role=Role.ENTERPRISE, enterprise=xinluo_chem, is_superuser=True, is_staff=True
    )
    assert not is_enterprise_person(odd) and not odd.is_enterprise_user
    client.force_login(odd)
    assert client.get(reverse("credit:overview")).status_code == 200


@pytest.mark.django_db
def test_the_api_takes_an_enterprise_persons_own_enterprise(api_client: Any, users: dict[str, Any]) -> None:
    api_client.force_authenticate(users["enterprise"])
    created = api_client.post("/api/v1/hazards/", {"title": "配电箱未接地"}, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["enterprise"] == users["enterprise"].enterprise_id
    api_client.force_authenticate(users["inspector"])
    refused = api_client.post("/api/v1/hazards/", {"title": "配电箱未接地"}, format="json")
    assert refused.status_code == 400 and "enterprise" in refused.json()["errors"]
