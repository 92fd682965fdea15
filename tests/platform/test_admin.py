"""The Django admin: every registered model's list and add pages open; API keys are shown once."""

from __future__ import annotations

import re
from typing import Any
from unittest.mock import patch

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from safety_platform.models import ApiKey
from tests.clock import shanghai

PLATFORM_PACKAGES = {"safety_platform", "enterprises", "hazards", "credit", "emergency", "assessment", "supervision"}

pytestmark = pytest.mark.django_db


def test_every_admin_changelist_and_add_page_opens(client: Any, users: dict[str, Any], xinluo_chem: Any) -> None:
    client.force_login(users["admin"])
    failures = []
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        for view in ("changelist", "add"):
            if view == "add" and not model_admin.has_add_permission(_request(users["admin"])):
                continue
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}")
            status = client.get(url).status_code
            if status != 200:
                failures.append((url, status))
    assert not failures


def _request(user: Any) -> Any:
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = user
    return request


def test_admin_creates_a_department_key_and_shows_the_secret_once(client: Any, users: dict[str, Any], org: Any) -> None:
    client.force_login(users["admin"])
    response = client.post(
        reverse("admin:safety_platform_apikey_add"),
        {
            "name": "生态环境局数据交换",
            "department": org.department("sthjj").pk,
            "scopes": '["blacklist:read"]',
            "expires_at_0": "2030-01-01",
            "expires_at_1": "00:00:00",
            "revoke_reason": "",
        },
        follow=True,
    )
    assert response.status_code == 200
    key = ApiKey.objects.get(name="生态环境局数据交换")
    shown = [str(m) for m in response.context["messages"]]
    found = [re.search(rf"{key.prefix}\.[\w-]+", m) for m in shown]
    raw = next(f.group(0) for f in found if f)
    api = client.get("/api/v1/enterprises/", HTTP_AUTHORIZATION=f"Api-Key {raw}")
    assert api.status_code == 403  # the key works but lacks enterprises:read


def test_admin_header_follows_the_language_switch(client: Any, users: dict[str, Any]) -> None:
    client.force_login(users["admin"])
    assert "龙岩市安全生产监管平台 · 管理" in client.get("/admin/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/admin/"})
    assert "Longyan work-safety supervision platform · Administration" in client.get("/admin/").content.decode()


def test_api_key_form_gives_every_box_a_name(client: Any, users: dict[str, Any]) -> None:
    """Screen readers name each box of the key form (axe-core found the expiry's date and time boxes and
    select2's autocomplete boxes nameless); the breadcrumbs' links are told apart by more than colour."""
    client.force_login(users["admin"])
    page = client.get(reverse("admin:safety_platform_apikey_add")).content.decode()
    assert 'aria-label="过期时间 · 日期"' in page and 'aria-label="过期时间 · 时间"' in page
    assert "admin-autocomplete" not in page  # a plain select for the department, the lookup for the enterprise
    assert "css/admin.css" in page and "favicon.svg" in page


@pytest.mark.clock(shanghai(2026, 12, 4, 10))
def test_no_admin_list_reads_its_rows_one_query_each(client: Any) -> None:
    """Each changelist read with one row a page and with a hundred: the queries must not grow with the rows (a
    foreign key shown in a column and not joined costs a query per row; 96 for the enterprises' departments)."""
    from safety_platform.management.commands.seed_demo import seed_demo
    from safety_platform.models import User

    seed_demo()
    client.force_login(User.objects.get(username="admin"))
    problems = []
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        client.get(url)  # warm: content types, permissions
        measured = []
        for per_page in (1, 100):
            with patch.object(model_admin, "list_per_page", per_page), CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            measured.append((len(queries.captured_queries), len(response.context["cl"].result_list)))
        (few_queries, _one), (queries, rows) = measured
        if rows >= 3 and queries - few_queries >= 2:
            problems.append(f"{url}: {few_queries} queries for 1 row, {queries} for {rows}")
    assert not problems, "\n".join(problems)


def test_an_unfiltered_admin_list_of_a_large_table_is_paged_by_the_estimate_not_counted(
    client: Any, users: dict[str, Any], xinluo_chem: Any
) -> None:
    """Every admin list: no second count for "N total"; on PostgreSQL an unfiltered list of a table above
    ESTIMATE_ABOVE rows takes the planner's estimate (here every analysed table counts as large)."""
    from hazards.models import Hazard
    from safety_platform import admin_paging
    from tests.hazards.factories import make_hazard

    for _ in range(3):
        make_hazard(xinluo_chem)
    client.force_login(users["admin"])
    url = reverse("admin:hazards_hazard_changelist")
    with CaptureQueriesContext(connection) as exact:
        assert client.get(url).context["cl"].result_count == 3
    counts = [q["sql"] for q in exact.captured_queries if "COUNT(" in q["sql"].upper()]
    assert len(counts) == 1  # the paginator's: no second one for the total
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Hazard._meta.db_table}")
    with patch.object(admin_paging, "ESTIMATE_ABOVE", 0), CaptureQueriesContext(connection) as estimated:
        listed = client.get(url).context["cl"]
        filtered = client.get(url, {"state__exact": "registered"}).context["cl"]
    assert listed.result_count == 3 and len(listed.result_list) == 3
    assert filtered.result_count == 3  # counted: a filter is not the whole table
    counted = [q["sql"] for q in estimated.captured_queries if "COUNT(" in q["sql"].upper()]
    assert len(counted) == 1 and "registered" in counted[0]


def test_no_admin_form_offers_a_select_of_a_large_table(client: Any, users: dict[str, Any], org: Any) -> None:
    """With 250 more enterprises than the test data, no add or change form of the admin lists more than 200 rows
    in a <select> (the statutory deadline's enterprise listed all of them: 7 MB at 100,000). Django's own fixed
    vocabularies (permissions, time zones) are long but do not grow with the city."""
    from enterprises.models import Enterprise
    from tests.factories import next_credit_code

    Enterprise.objects.bulk_create(
        Enterprise(
            credit_code=next_credit_code(),
            name=f"龙岩市第{n:03d}测试有限公司",
            legal_representative="张三",
            jurisdiction=org.jurisdiction("新罗区/东城街道/东城第一网格"),
            industry=org.industry("C2614"),
            supervising_department=org.department("yjj"),
        )
        for n in range(250)
    )
    fixed = {"permissions", "user_permissions", "timezone"}
    client.force_login(users["admin"])
    problems = []
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        urls = []
        if model_admin.has_add_permission(_request(users["admin"])):
            urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
        first = model._default_manager.order_by("pk").values_list("pk", flat=True).first()
        if first is not None:
            urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[first]))
        for url in urls:
            page = client.get(url).content.decode()
            for attrs, body in re.findall(r"<select\b([^>]*)>(.*?)</select>", page, re.S):
                name = re.search(r'name="([^"]*)"', attrs)
                if body.count("<option") > 200 and (name.group(1) if name else "") not in fixed:
                    problems.append(f"{url}: {body.count('<option')} options in {attrs.strip()[:60]}")
    assert not problems, "\n".join(problems)


def test_every_foreign_key_an_admin_list_shows_is_joined() -> None:
    """The rule behind the query counts, for every admin whatever the test data holds (the accidents' enterprise
    cost 100 queries a page on the generated city): Django joins a list's foreign keys by itself only when they
    cannot be empty and `list_select_related` names none; any other key a column shows must be named there."""
    from django.core.exceptions import FieldDoesNotExist

    problems = []
    for model, model_admin in admin.site._registry.items():
        if type(model_admin).__module__.split(".")[0] not in PLATFORM_PACKAGES:
            continue  # a library's admin (Celery beat's schedules): a handful of rows
        joined = model_admin.list_select_related
        for name in model_admin.list_display:
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if not (field.many_to_one or field.one_to_one):
                continue
            automatic = joined in (False, True) and not field.null
            named = joined not in (False, True) and any(j == name or j.startswith(f"{name}__") for j in joined)
            if not automatic and not named:
                problems.append(f"{type(model_admin).__name__}.{name}")
    assert not problems, "\n".join(problems)


@pytest.mark.skipif("connection.vendor != 'postgresql'")
@pytest.mark.parametrize(
    "model", ["hazards.Hazard", "credit.CreditRecord", "credit.CreditRatingHistory", "enterprises.TrainingRecord"]
)
def test_the_admin_lists_of_the_largest_tables_read_their_page_in_index_order(
    client: Any, users: dict[str, Any], model: str
) -> None:
    """At 320,000 credit records, 600,000 training records and the nightly rating history the admin sorted every
    row per view by an order no index had (credit records 470 ms, training records 260, history 180): each list
    now reads its first page off an index. Asked with sorting and whole-table scans ruled out, the planner still
    needs a Sort node when no index gives the order."""
    from django.apps import apps

    from tests.plans import plan_without_seqscan

    opts = apps.get_model(model)._meta
    client.force_login(users["admin"])
    changelist = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")).context["cl"]
    sql, params = changelist.queryset[: changelist.list_per_page].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET enable_sort = off")
        try:
            plan = plan_without_seqscan(sql, params)
        finally:
            cursor.execute("RESET enable_sort")
    assert '"Sort"' not in plan and "Incremental Sort" not in plan, plan
