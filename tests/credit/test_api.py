"""The departments' feeds exactly as docs/api.md: fields, filters, cursor pagination, incremental
sync including removals, CSV/Excel, ETag, API-key auth and scopes, usage log, query counts."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.utils import timezone

from credit.choices import BlacklistStatus
from credit.models import BlacklistEntry, CreditRating, add_months
from credit.services import blacklist_expire_due, credit_rating_recalculate
from safety_platform.choices import ApiScope
from safety_platform.models import ApiKeyUse
from safety_platform.services import api_key_create, api_key_revoke
from tests.clock import shanghai
from tests.credit.factories import record
from tests.factories import EnterpriseFactory, with_wrong_check

pytestmark = [pytest.mark.django_db, pytest.mark.clock(shanghai(2026, 12, 4, 10))]

BLACKLIST = "/api/v1/credit/blacklist/"
RATINGS = "/api/v1/credit/ratings/"
BLACKLIST_FIELDS = [
    "id",
    "credit_code",
    "enterprise_name",
    "status",
    "case",
    "reason",
    "legal_basis",
    "listing_department",
    "rule_set_version",
    "listed_on",
    "ends_on",
    "removed_on",
    "removal_reason",
    "created_at",
    "updated_at",
]
RATING_FIELDS = [
    "id",
    "credit_code",
    "enterprise_name",
    "grade",
    "grade_label",
    "score",
    "blacklisted",
    "rule_set_version",
    "as_of",
    "computed_at",
    "status",
    "updated_at",
]


def entry(enterprise: Any, rule_set: Any, status: str, **fields: Any) -> BlacklistEntry:
    today = timezone.localdate()
    defaults: dict[str, Any] = {
        "origin": "department",
        "case": "unlicensed",
        "reason": "暂扣期间擅自生产",
        "legal_basis": "《安全生产严重失信主体名单管理办法》（应急管理部令第11号）",
        "department": enterprise.supervising_department,
    }
    if status in (BlacklistStatus.ACTIVE, BlacklistStatus.REMOVED):
        defaults.update(listed_on=add_months(today, -36), ends_on=today)
    if status == BlacklistStatus.REMOVED:
        defaults.update(removed_on=today, removal_reason="expired")
    defaults.update(fields)
    return BlacklistEntry.objects.create(enterprise=enterprise, rule_set=rule_set, status=status, **defaults)


@pytest.fixture
def world(org: Any, rule_set: Any, xinluo_chem: Any, shanghang_site: Any, users: dict[str, Any]) -> dict[str, Any]:
    yongding = EnterpriseFactory(
        name="永定区坎市铁矿", jurisdiction=org.jurisdiction("永定区/坎市镇"), industry=org.industry("B0810")
    )
    listed = entry(xinluo_chem, rule_set, BlacklistStatus.ACTIVE)
    removed = entry(shanghang_site, rule_set, BlacklistStatus.REMOVED)
    proposed = entry(yongding, rule_set, BlacklistStatus.PROPOSED)
    record(xinluo_chem, "ACC-LARGER", months_before=1)
    for enterprise in (xinluo_chem, shanghang_site, yongding):
        credit_rating_recalculate(enterprise_id=enterprise.pk)
    return {
        "listed": listed,
        "removed": removed,
        "proposed": proposed,
        "xinluo_chem": xinluo_chem,
        "shanghang_site": shanghang_site,
        "yongding": yongding,
    }


def key(org: Any, *scopes: str, **kwargs: Any) -> str:
    _key, raw = api_key_create(name="发改委信用平台", department=org.department("fgw"), scopes=list(scopes), **kwargs)
    return raw


@pytest.fixture
def fgw(org: Any) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Api-Key {key(org, ApiScope.BLACKLIST_READ, ApiScope.RATINGS_READ)}"}


def get(client: Any, url: str, auth: dict[str, str], **params: Any) -> Any:
    return client.get(url, params, **auth)


# Contents ---------------------------------------------------------------------------------------


def test_blacklist_feed_lists_published_entries_with_the_contract_fields(
    api_client: Any, world: dict[str, Any], fgw: dict[str, str]
) -> None:
    response = get(api_client, BLACKLIST, fgw)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"next", "sync_cursor", "results"}
    rows = body["results"]
    assert [list(row) for row in rows] == [BLACKLIST_FIELDS] * 2
    by_status = {row["status"]: row for row in rows}
    assert set(by_status) == {"active", "removed"}  # the proposal is not published
    active = by_status["active"]
    assert active["credit_code"] == world["xinluo_chem"].credit_code
    assert active["enterprise_name"] == "龙岩市东城化工有限公司"
    assert active["listing_department"] == world["xinluo_chem"].supervising_department.name
    assert active["rule_set_version"] == "LY-2021.1"
    assert active["ends_on"] == timezone.localdate().isoformat()
    assert by_status["removed"]["removal_reason"] == "expired"


def test_ratings_feed_lists_current_grades(api_client: Any, world: dict[str, Any], fgw: dict[str, str]) -> None:
    rows = get(api_client, RATINGS, fgw).json()["results"]
    assert [list(row) for row in rows] == [RATING_FIELDS] * 3
    chem = next(row for row in rows if row["credit_code"] == world["xinluo_chem"].credit_code)
    assert (chem["grade"], chem["grade_label"], chem["score"], chem["blacklisted"]) == (3, "三级", 55, True)
    assert chem["rule_set_version"] == "LY-2021.1" and chem["status"] == "active"


def test_filters_by_status_and_credit_code(api_client: Any, world: dict[str, Any], fgw: dict[str, str]) -> None:
    def codes(url: str, **params: Any) -> list[str]:
        return sorted(row["credit_code"] for row in get(api_client, url, fgw, **params).json()["results"])

    chem, site = world["xinluo_chem"].credit_code, world["shanghang_site"].credit_code
    assert codes(BLACKLIST, status="active") == [chem]
    assert codes(BLACKLIST, status="removed") == [site]
    assert codes(BLACKLIST, credit_code=site.lower()) == [site]  # normalized like everywhere else
    assert codes(RATINGS, credit_code=chem) == [chem]
    assert codes(RATINGS, status="withdrawn") == []
    assert len(codes(RATINGS, status="active")) == 3
    assert codes(RATINGS, grade=3) == [chem]


def encode_raw(text: str) -> str:
    import base64

    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


BAD_INPUT = [
    ("credit_code", "WRONG_CHECK"),  # a real code with its check character changed
    ("credit_code", "123"),
    ("status", "proposed"),
    ("updated_since", "yesterday"),
    ("cursor", "not-a-cursor"),
    ("page_size", "0"),
    ("page_size", "abc"),
    ("page_size", "5000"),
    ("page_size", "99999999999999999999999"),
    # Representable as ISO 8601 but not once moved to UTC (were 500s: OverflowError).
    ("updated_since", "0001-01-01T00:00:00"),
    ("updated_since", "9999-12-31T23:59:59-14:00"),
    # Forged cursors: year 1 at UTC+14, an id beyond bigint, a non-ASCII digit.
    ("cursor", encode_raw("0001-01-01T00:00:00+14:00|1")),
    ("cursor", encode_raw("2026-01-01T00:00:00+00:00|99999999999999999999999")),
    ("cursor", encode_raw("2026-01-01T00:00:00+00:00|٣")),
    ("format", "pdf"),  # was DRF's 404 "Not found"
]


def test_bad_input_is_a_400_naming_the_field(api_client: Any, world: dict[str, Any], fgw: dict[str, str]) -> None:
    valid = world["xinluo_chem"].credit_code
    for url in (BLACKLIST, RATINGS):
        for param, value in BAD_INPUT:
            if value == "WRONG_CHECK":
                value = with_wrong_check(valid)
            response = get(api_client, url, fgw, **{param: value})
            assert response.status_code == 400, (url, param, value)
            body = response.json()
            assert body["code"] == "invalid" and param in body["errors"], (url, param, body)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_bad_input_to_an_export_is_a_json_400_not_a_broken_download(
    fmt: str, api_client: Any, world: dict[str, Any], fgw: dict[str, str]
) -> None:
    """The cursor was read inside the stream: a bad one broke the download with a 500."""
    for url in (BLACKLIST, RATINGS):
        for param, value in [("cursor", "not-a-cursor"), ("updated_since", "0001-01-01T00:00:00"), ("status", "x")]:
            response = get(api_client, url, fgw, format=fmt, **{param: value})
            assert response.status_code == 400, (url, fmt, param)
            assert response["Content-Type"] == "application/json", (url, fmt, param)
            assert param in response.json()["errors"]
    assert api_client.get(BLACKLIST, {"format": fmt}).json()["code"] == "not_authenticated"


def test_garbage_if_none_match_is_just_a_full_page(api_client: Any, world: dict[str, Any], fgw: dict[str, str]) -> None:
    for garbage in ["garbage", ",,,", "*", '"' + "a" * 5000, 'W/"x", "y"']:
        response = api_client.get(BLACKLIST, HTTP_IF_NONE_MATCH=garbage, **fgw)
        assert response.status_code == 200 and len(response.json()["results"]) == 2


# Pagination and incremental sync ----------------------------------------------------------------


def pull_all(api_client: Any, url: str, auth: dict[str, str], **params: Any) -> tuple[list[dict[str, Any]], str]:
    """Follow `next` links to the end; return the rows and the last page's sync cursor."""
    rows: list[dict[str, Any]] = []
    response = get(api_client, url, auth, **params)
    while True:
        body = response.json()
        rows += body["results"]
        if not body["next"]:
            return rows, body["sync_cursor"]
        assert body["sync_cursor"] is None
        response = api_client.get(body["next"], **auth)


def test_cursor_pages_cover_every_row_once_in_update_order(
    api_client: Any, org: Any, world: dict[str, Any], fgw: dict[str, str]
) -> None:
    for _ in range(8):
        enterprise = EnterpriseFactory(jurisdiction=org.jurisdiction("新罗区"), industry=org.industry("C2614"))
        credit_rating_recalculate(enterprise_id=enterprise.pk)
    rows, cursor = pull_all(api_client, RATINGS, fgw, page_size=3)
    assert len(rows) == len({row["id"] for row in rows}) == CreditRating.objects.count() == 11
    keys = [(row["updated_at"], row["id"]) for row in rows]
    assert keys == sorted(keys)
    assert cursor


def test_a_row_changing_while_paging_is_not_skipped(
    api_client: Any, org: Any, world: dict[str, Any], fgw: dict[str, str]
) -> None:
    for _ in range(5):
        enterprise = EnterpriseFactory(jurisdiction=org.jurisdiction("新罗区"), industry=org.industry("C2614"))
        credit_rating_recalculate(enterprise_id=enterprise.pk)
    first = get(api_client, RATINGS, fgw, page_size=3).json()
    # An enterprise on a later page is regraded between two page requests: it moves to the end.
    later = CreditRating.objects.exclude(pk__in=[row["id"] for row in first["results"]]).order_by("id").first()
    record(later.enterprise, "STD-1", months_before=1)
    credit_rating_recalculate(enterprise_id=later.enterprise_id)
    rest, _cursor = pull_all(api_client, first["next"], fgw)
    seen = [row["id"] for row in first["results"] + rest]
    assert set(seen) == set(CreditRating.objects.values_list("id", flat=True))
    assert next(row for row in rest if row["id"] == later.pk)["score"] == 95


def test_incremental_sync_returns_exactly_the_changed_entries_including_removals(
    api_client: Any, world: dict[str, Any], fgw: dict[str, str], rule_set: Any, org: Any
) -> None:
    rows, cursor = pull_all(api_client, BLACKLIST, fgw)
    assert len(rows) == 2
    # Nothing changed: the next pull is empty.
    assert get(api_client, BLACKLIST, fgw, cursor=cursor).json()["results"] == []
    # The listed entry reaches its end date (a removal) and a new entry is published.
    assert blacklist_expire_due(today=timezone.localdate()) == 1
    fresh = EnterpriseFactory(jurisdiction=org.jurisdiction("新罗区"), industry=org.industry("C2614"))
    new_entry = entry(
        fresh,
        rule_set,
        BlacklistStatus.ACTIVE,
        listed_on=timezone.localdate(),
        ends_on=add_months(timezone.localdate(), 36),
    )
    # A proposal under review is not a published change.
    BlacklistEntry.objects.filter(pk=world["proposed"].pk).update(updated_at=timezone.now())
    changed, cursor = pull_all(api_client, BLACKLIST, fgw, cursor=cursor)
    assert {(row["id"], row["status"]) for row in changed} == {
        (world["listed"].pk, "removed"),
        (new_entry.pk, "active"),
    }
    assert get(api_client, BLACKLIST, fgw, cursor=cursor).json()["results"] == []


def test_incremental_sync_of_grades_returns_only_regraded_enterprises(
    api_client: Any, world: dict[str, Any], fgw: dict[str, str]
) -> None:
    _rows, cursor = pull_all(api_client, RATINGS, fgw)
    credit_rating_recalculate(enterprise_id=world["yongding"].pk)  # nothing changed: not resent
    record(world["shanghang_site"], "ORG-MISSING", months_before=1)
    credit_rating_recalculate(enterprise_id=world["shanghang_site"].pk)
    changed, _cursor = pull_all(api_client, RATINGS, fgw, cursor=cursor)
    assert [(row["credit_code"], row["score"]) for row in changed] == [(world["shanghang_site"].credit_code, 70)]


def test_updated_since_returns_rows_changed_at_or_after_it(
    api_client: Any, world: dict[str, Any], fgw: dict[str, str]
) -> None:
    since = timezone.now()
    assert get(api_client, BLACKLIST, fgw, updated_since=since.isoformat()).json()["results"] == []
    blacklist_expire_due(today=timezone.localdate())
    rows = get(api_client, BLACKLIST, fgw, updated_since=since.isoformat()).json()["results"]
    assert [(row["id"], row["status"]) for row in rows] == [(world["listed"].pk, "removed")]


def test_sync_cursor_holds_back_rows_changed_within_the_settle_window(
    api_client: Any, world: dict[str, Any], fgw: dict[str, str], settings: Any
) -> None:
    """A transaction may commit after a later one; rows of the last seconds are sent again, never skipped."""
    settings.CREDIT_SYNC_SETTLE_SECONDS = 3600
    _rows, cursor = pull_all(api_client, BLACKLIST, fgw)
    again = get(api_client, BLACKLIST, fgw, cursor=cursor).json()["results"]
    assert {row["id"] for row in again} == {world["listed"].pk, world["removed"].pk}


# ETag, export -----------------------------------------------------------------------------------


def test_unchanged_page_is_a_304_without_body(api_client: Any, world: dict[str, Any], fgw: dict[str, str]) -> None:
    first = get(api_client, BLACKLIST, fgw)
    etag = first["ETag"]
    assert etag
    again = api_client.get(BLACKLIST, HTTP_IF_NONE_MATCH=etag, **fgw)
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == etag
    blacklist_expire_due(today=timezone.localdate())
    changed = api_client.get(BLACKLIST, HTTP_IF_NONE_MATCH=etag, **fgw)
    assert changed.status_code == 200 and changed["ETag"] != etag


@pytest.mark.parametrize(("url", "fields", "count"), [(BLACKLIST, BLACKLIST_FIELDS, 2), (RATINGS, RATING_FIELDS, 3)])
def test_csv_export_of_the_same_list(
    url: str, fields: list[str], count: int, api_client: Any, world: dict[str, Any], fgw: dict[str, str]
) -> None:
    import csv

    response = get(api_client, url, fgw, format="csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == fields and len(rows) == count + 1
    assert "龙岩市东城化工有限公司" in text
    filtered = get(api_client, url, fgw, format="csv", credit_code=world["xinluo_chem"].credit_code)
    assert len(list(csv.reader(io.StringIO(b"".join(filtered.streaming_content).decode("utf-8-sig"))))) == 2


@pytest.mark.parametrize(("url", "fields", "count"), [(BLACKLIST, BLACKLIST_FIELDS, 2), (RATINGS, RATING_FIELDS, 3)])
def test_excel_export_of_the_same_list(
    url: str, fields: list[str], count: int, api_client: Any, world: dict[str, Any], fgw: dict[str, str]
) -> None:
    from openpyxl import load_workbook

    response = get(api_client, url, fgw, format="xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.getvalue()), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == fields and len(rows) == count + 1


# Authentication, scopes, usage log ---------------------------------------------------------------


@pytest.mark.parametrize("url", [BLACKLIST, RATINGS])
def test_no_unknown_revoked_or_expired_key_gets_401(url: str, api_client: Any, org: Any, world: dict[str, Any]) -> None:
    assert api_client.get(url).status_code == 401
    assert api_client.get(url, HTTP_AUTHORIZATION="Api-Key abcd1234.wrong").status_code == 401
    raw = key(org, ApiScope.BLACKLIST_READ, ApiScope.RATINGS_READ)
    from safety_platform.models import ApiKey

    api_key_revoke(key=ApiKey.objects.get(prefix=raw.split(".")[0]), reason="leaked")
    assert api_client.get(url, HTTP_AUTHORIZATION=f"Api-Key {raw}").status_code == 401
    expired = key(org, ApiScope.BLACKLIST_READ, ApiScope.RATINGS_READ, expires_at=timezone.now() - dt.timedelta(1))
    response = api_client.get(url, HTTP_AUTHORIZATION=f"Api-Key {expired}")
    assert response.status_code == 401 and (
        "expired" in response.json()["detail"] or "过期" in response.json()["detail"]
    )


def test_a_key_without_the_scope_gets_403(api_client: Any, org: Any, world: dict[str, Any]) -> None:
    ratings_only = {"HTTP_AUTHORIZATION": f"Api-Key {key(org, ApiScope.RATINGS_READ)}"}
    assert get(api_client, RATINGS, ratings_only).status_code == 200
    denied = get(api_client, BLACKLIST, ratings_only)
    assert denied.status_code == 403 and "blacklist:read" in denied.json()["detail"]
    registry_only = {"HTTP_AUTHORIZATION": f"Api-Key {key(org, ApiScope.ENTERPRISES_READ)}"}
    assert get(api_client, RATINGS, registry_only).status_code == 403
    assert get(api_client, BLACKLIST, registry_only, format="csv").status_code == 403


def test_each_key_use_is_logged_with_prefix_department_and_time(
    api_client: Any, org: Any, world: dict[str, Any], fgw: dict[str, str]
) -> None:
    get(api_client, BLACKLIST, fgw, status="active")
    use = ApiKeyUse.objects.get()
    assert use.prefix == fgw["HTTP_AUTHORIZATION"].split()[1].split(".")[0]
    assert use.department == org.department("fgw")
    assert use.path == f"{BLACKLIST}?status=active" and use.at is not None


# Users and scoping --------------------------------------------------------------------------------

VISIBLE = {
    "committee": {"xinluo_chem", "shanghang_site", "yongding"},
    "admin": {"xinluo_chem", "shanghang_site", "yongding"},
    "inspector": {"xinluo_chem"},
    "inspector_town": {"xinluo_chem"},
    "department": {"xinluo_chem", "yongding"},
    "department_zjj": {"shanghang_site"},
    "enterprise": {"xinluo_chem"},
}


def test_signed_in_users_see_their_scope(api_client: Any, users: dict[str, Any], world: dict[str, Any]) -> None:
    for role in sorted(VISIBLE):
        api_client.force_authenticate(users[role])
        codes = {row["credit_code"] for row in api_client.get(RATINGS).json()["results"]}
        assert codes == {world[name].credit_code for name in VISIBLE[role]}, role
        published = {"xinluo_chem", "shanghang_site"} & VISIBLE[role]
        codes = {row["credit_code"] for row in api_client.get(BLACKLIST).json()["results"]}
        assert codes == {world[name].credit_code for name in published}, role


# Query counts -------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [BLACKLIST, RATINGS])
@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_feed_query_count_does_not_grow_with_rows(
    url: str,
    fmt: str,
    api_client: Any,
    org: Any,
    rule_set: Any,
    world: dict[str, Any],
    fgw: dict[str, str],
    django_assert_max_num_queries: Any,
) -> None:
    for _ in range(12):
        enterprise = EnterpriseFactory(jurisdiction=org.jurisdiction("新罗区"), industry=org.industry("C2614"))
        entry(enterprise, rule_set, BlacklistStatus.ACTIVE)
        credit_rating_recalculate(enterprise_id=enterprise.pk)
    # API key lookup, usage log insert, last-used update, then one query for the rows.
    with django_assert_max_num_queries(5):
        response = get(api_client, url, fgw, format=fmt, page_size=50)
        body = response.getvalue()  # streamed for csv and xlsx alike
    assert response.status_code == 200 and body


def test_openapi_schema_documents_the_feeds(api_client: Any, users: dict[str, Any]) -> None:
    api_client.force_authenticate(users["admin"])
    schema = api_client.get("/api/schema/", {"format": "json"}).json()
    for path in (BLACKLIST, RATINGS):
        operation = schema["paths"][path]["get"]
        names = {p["name"] for p in operation["parameters"]}
        assert {"status", "credit_code", "updated_since", "cursor", "page_size", "format", "If-None-Match"} <= names
        assert {"200", "304", "400", "401", "403"} <= set(operation["responses"])
        assert {"application/json", "text/csv"} <= set(operation["responses"]["200"]["content"])
        assert {"ApiKeyAuth": []} in operation["security"]


def test_feeds_render_in_the_browsable_api_for_staff(client: Any, users: dict[str, Any], world: dict[str, Any]) -> None:
    client.force_login(users["committee"])
    for url in (BLACKLIST, RATINGS):
        response = client.get(url, HTTP_ACCEPT="text/html")
        assert response.status_code == 200 and "龙岩市东城化工有限公司" in response.content.decode()
