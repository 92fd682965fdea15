"""Committee pages that change a scheme: a new draft version from one in force, editing the draft (weights,
indicators, vetoes, grades), putting it in force; refusals name the field and save nothing; other roles
are refused; saving the page unchanged changes nothing; the pages cost a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessment.models import GradeThreshold, Scheme, SchemeIndicator, VetoRule
from assessment.services import (
    assessment_period_get_or_create,
    assessment_run_execute,
    assessment_run_start,
    scheme_copy,
)
from tests.platform.test_forms_roundtrip import edit_form_on, post_data

from .helpers import at

pytestmark = pytest.mark.django_db

NOW = at(2026, 11, 20)


@pytest.fixture
def in_force() -> Scheme:
    return Scheme.objects.get(version="2026.1")


@pytest.fixture
def draft(in_force: Scheme) -> Scheme:
    return scheme_copy(scheme=in_force, version="2027.1", valid_from=dt.date(2027, 1, 1))


def _parts(scheme: Scheme) -> tuple[Any, ...]:
    """Everything a save could change: the scheme row and its indicators, vetoes and grades."""
    scheme = Scheme.objects.get(pk=scheme.pk)
    return (
        (scheme.name, scheme.valid_from, scheme.notes, scheme.status),
        list(SchemeIndicator.objects.filter(scheme=scheme).order_by("pk").values()),
        list(VetoRule.objects.filter(scheme=scheme).order_by("pk").values()),
        list(GradeThreshold.objects.filter(scheme=scheme).order_by("pk").values()),
    )


def _edit_data(client: Any, scheme: Scheme) -> dict[str, list[str]]:
    """What the browser sends from the edit page as it was opened."""
    url = f"/assessment/schemes/{scheme.pk}/edit/"
    response = client.get(url)
    assert response.status_code == 200
    return post_data(edit_form_on(response.content.decode(), url))


def _row(data: dict[str, list[str]], indicator: SchemeIndicator) -> int:
    """The index of an indicator's form in the formset."""
    return next(
        i for i in range(int(data["indicators-TOTAL_FORMS"][0])) if data[f"indicators-{i}-id"] == [str(indicator.pk)]
    )


def test_committee_makes_a_new_version_edits_it_and_puts_it_in_force(
    client: Any, users: dict[str, Any], in_force: Scheme
) -> None:
    client.force_login(users["committee"])
    with time_machine.travel(NOW, tick=False):
        period = assessment_period_get_or_create(kind="quarter", year=2026, number=3)
        run = assessment_run_execute(run_id=assessment_run_start(period=period, enqueue=False).pk)
    scores = dict(run.results.values_list("jurisdiction_id", "score"))
    old_version = _parts(in_force)

    response = client.post(
        f"/assessment/schemes/{in_force.pk}/copy/", {"version": "2027.1", "valid_from": "2027-01-01"}
    )
    draft = Scheme.objects.get(version="2027.1")
    assert response.status_code == 302 and response["Location"] == f"/assessment/schemes/{draft.pk}/edit/"
    assert (draft.status, draft.based_on, draft.valid_from) == ("draft", in_force, dt.date(2027, 1, 1))
    assert draft.indicators.count() == in_force.indicators.count()
    assert draft.vetoes.count() == in_force.vetoes.count() and draft.grades.count() == in_force.grades.count()

    first, second = list(draft.indicators.order_by("order", "id"))[:2]
    data = _edit_data(client, draft)
    data[f"indicators-{_row(data, first)}-weight"] = [str(first.weight + 5)]
    data[f"indicators-{_row(data, second)}-weight"] = [str(second.weight - 5)]
    data["name"] = ["2027年度考核方案"]
    response = client.post(f"/assessment/schemes/{draft.pk}/edit/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    first.refresh_from_db()
    assert (
        first.weight == in_force.indicators.get(indicator=first.indicator, normalization=first.normalization).weight + 5
    )
    # Every change is in the audit trail, with who made it.
    entry = LogEntry.objects.get_for_object(first).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.actor == users["committee"] and "weight" in entry.changes_dict

    response = client.post(f"/assessment/schemes/{draft.pk}/activate/")
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "active"
    assert Scheme.objects.in_force("jurisdiction", dt.date(2027, 3, 31)) == draft
    assert Scheme.objects.in_force("jurisdiction", dt.date(2026, 9, 30)) == in_force
    # The results of the earlier version are as they were.
    assert dict(run.results.values_list("jurisdiction_id", "score")) == scores
    assert _parts(in_force) == old_version


def test_an_indicator_is_added_and_another_removed(client: Any, users: dict[str, Any], draft: Scheme) -> None:
    client.force_login(users["committee"])
    gone = draft.indicators.order_by("order", "id").first()
    data = _edit_data(client, draft)
    data[f"indicators-{_row(data, gone)}-DELETE"] = ["on"]
    new = int(data["indicators-TOTAL_FORMS"][0]) - 1  # the empty row for an addition
    values = {
        "order": "99",
        "indicator": gone.indicator,
        "label": "新增指标",
        "part": gone.part,
        "weight": str(gone.weight),
        "direction": gone.direction,
        "normalization": gone.normalization,
        "scoring": gone.scoring,
        "full_at": "" if gone.full_at is None else str(gone.full_at),
        "zero_at": "" if gone.zero_at is None else str(gone.zero_at),
        "deduct_per_unit": "" if gone.deduct_per_unit is None else str(gone.deduct_per_unit),
        "target_input": gone.target_input,
    }
    for field, value in values.items():
        data[f"indicators-{new}-{field}"] = [value]
    count = draft.indicators.count()
    response = client.post(f"/assessment/schemes/{draft.pk}/edit/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert draft.indicators.count() == count
    assert not SchemeIndicator.objects.filter(pk=gone.pk).exists()
    assert draft.indicators.get(label="新增指标").weight == gone.weight


def test_weights_not_adding_up_to_100_are_refused_naming_the_weight_and_nothing_is_saved(
    client: Any, users: dict[str, Any], draft: Scheme
) -> None:
    client.force_login(users["committee"])
    before = _parts(draft)
    first = draft.indicators.order_by("order", "id").first()
    data = _edit_data(client, draft)
    data[f"indicators-{_row(data, first)}-weight"] = [str(first.weight - 1)]  # 99 in all
    data["notes"] = ["这次保存不应生效"]
    response = client.post(f"/assessment/schemes/{draft.pk}/edit/", data)
    html = response.content.decode()
    assert response.status_code == 400
    assert 'data-field="weight"' in html and "99" in html and 'data-testid="indicator-errors"' in html
    assert _parts(draft) == before


def test_an_unknown_indicator_name_is_refused_naming_the_indicator(
    client: Any, users: dict[str, Any], draft: Scheme
) -> None:
    client.force_login(users["committee"])
    before = _parts(draft)
    first = draft.indicators.order_by("order", "id").first()
    data = _edit_data(client, draft)
    data[f"indicators-{_row(data, first)}-indicator"] = ["hazards_closed_by_magic"]
    response = client.post(f"/assessment/schemes/{draft.pk}/edit/", data)
    assert response.status_code == 400
    assert 'data-field="indicator"' in response.content.decode()
    assert _parts(draft) == before


def test_a_grade_given_twice_is_refused_and_nothing_is_saved(client: Any, users: dict[str, Any], draft: Scheme) -> None:
    client.force_login(users["committee"])
    before = _parts(draft)
    data = _edit_data(client, draft)
    data["grades-1-grade"] = data["grades-0-grade"]
    response = client.post(f"/assessment/schemes/{draft.pk}/edit/", data)
    assert response.status_code == 400
    assert _parts(draft) == before


def test_two_rows_exchanging_their_indicators_are_refused_and_nothing_is_saved(
    client: Any, users: dict[str, Any], draft: Scheme
) -> None:
    """Each row stays unique, but the database checks the first update before the second: a message, no 500."""
    client.force_login(users["committee"])
    before = _parts(draft)
    first, second = [i for i in draft.indicators.order_by("order", "id") if i.scoring == "band"][:2]
    data = _edit_data(client, draft)
    a, b = _row(data, first), _row(data, second)
    for field in ("indicator", "normalization", "label"):
        data[f"indicators-{a}-{field}"], data[f"indicators-{b}-{field}"] = (
            data[f"indicators-{b}-{field}"],
            data[f"indicators-{a}-{field}"],
        )
    response = client.post(f"/assessment/schemes/{draft.pk}/edit/", data)
    assert response.status_code == 400
    assert "分两次保存" in response.content.decode()
    assert _parts(draft) == before


def test_saving_the_draft_unchanged_changes_nothing(client: Any, users: dict[str, Any], draft: Scheme) -> None:
    client.force_login(users["committee"])
    before, entries = _parts(draft), LogEntry.objects.count()
    response = client.post(f"/assessment/schemes/{draft.pk}/edit/", _edit_data(client, draft))
    assert response.status_code == 302
    assert _parts(draft) == before
    assert LogEntry.objects.count() == entries


def test_an_incomplete_draft_is_not_put_in_force_and_the_message_names_the_field(
    client: Any, users: dict[str, Any]
) -> None:
    draft = Scheme.objects.create(name="草案", version="draft-x", valid_from=dt.date(2027, 1, 1))
    SchemeIndicator.objects.create(
        scheme=draft,
        indicator="hazard_closure_rate",
        part="process",
        weight=Decimal(60),
        direction="higher",
        normalization="share",
        scoring="band",
        full_at=Decimal(1),
        zero_at=Decimal("0.5"),
    )
    GradeThreshold.objects.create(scheme=draft, grade="pass", min_score=60)
    client.force_login(users["committee"])
    response = client.post(f"/assessment/schemes/{draft.pk}/activate/", follow=True)
    html = response.content.decode()
    assert "分值" in html and "60" in html  # "weight (points): … add up to 60 …", in Chinese
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_a_version_in_force_or_used_by_a_run_is_not_edited(
    client: Any, users: dict[str, Any], in_force: Scheme
) -> None:
    client.force_login(users["committee"])
    assert client.get(f"/assessment/schemes/{in_force.pk}/edit/").status_code == 404
    page = client.get(f"/assessment/schemes/{in_force.pk}/").content.decode()
    assert 'data-testid="scheme-edit"' not in page and 'data-testid="scheme-copy"' in page


def test_a_version_number_in_use_is_refused_naming_the_version(
    client: Any, users: dict[str, Any], in_force: Scheme
) -> None:
    client.force_login(users["committee"])
    count = Scheme.objects.count()
    response = client.post(
        f"/assessment/schemes/{in_force.pk}/copy/", {"version": "2026.1", "valid_from": "2027-01-01"}
    )
    assert response.status_code == 400 and 'data-field="version"' in response.content.decode()
    assert Scheme.objects.count() == count


@pytest.mark.parametrize("role", ["inspector", "department", "enterprise"])
def test_other_roles_cannot_change_schemes(client: Any, users: dict[str, Any], draft: Scheme, role: str) -> None:
    client.force_login(users[role])
    before, count = _parts(draft), Scheme.objects.count()
    assert (
        client.post(f"/assessment/schemes/{draft.pk}/copy/", {"version": "x", "valid_from": "2027-01-01"}).status_code
        == 403
    )
    assert client.get(f"/assessment/schemes/{draft.pk}/edit/").status_code == 403
    assert client.post(f"/assessment/schemes/{draft.pk}/edit/", {"name": "x"}).status_code == 403
    assert client.post(f"/assessment/schemes/{draft.pk}/activate/").status_code == 403
    assert (_parts(draft), Scheme.objects.count()) == (before, count)
    page = client.get(f"/assessment/schemes/{draft.pk}/")
    if role == "enterprise":
        assert page.status_code == 403
    else:  # government staff read schemes, without the buttons that change them
        html = page.content.decode()
        assert page.status_code == 200 and 'data-testid="scheme-copy"' not in html and "scheme-activate" not in html


def test_the_scheme_pages_cost_a_fixed_number_of_queries(
    client: Any, users: dict[str, Any], draft: Scheme, django_assert_max_num_queries: Any
) -> None:
    """A scheme of one indicator and one of fifteen cost the same queries; the list stays bounded."""
    small = Scheme.objects.create(name="小方案", version="small", valid_from=dt.date(2027, 1, 1))
    SchemeIndicator.objects.create(
        scheme=small,
        indicator="hazard_closure_rate",
        part="process",
        weight=Decimal(100),
        direction="higher",
        normalization="share",
        scoring="band",
        full_at=Decimal(1),
        zero_at=Decimal("0.5"),
    )
    GradeThreshold.objects.create(scheme=small, grade="pass", min_score=60)
    VetoRule.objects.create(scheme=small, kind="major_accident")
    assert draft.indicators.count() > 10
    client.force_login(users["committee"])
    client.get("/assessment/schemes/")  # warm up the session and the menu

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    assert count(f"/assessment/schemes/{draft.pk}/") == count(f"/assessment/schemes/{small.pk}/")
    assert count(f"/assessment/schemes/{draft.pk}/edit/") == count(f"/assessment/schemes/{small.pk}/edit/")
    with django_assert_max_num_queries(12):
        assert client.get("/assessment/schemes/").status_code == 200
