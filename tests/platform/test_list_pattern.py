"""One list page pattern (issue 17): every list's filters come from `{% list_filters %}`
(templates/includes/list_filters.html), labelled, with the one filter-errors block. (That htmx is gone:
tests/platform/test_shell.py.)"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse

TEMPLATES = Path(settings.BASE_DIR) / "templates"

# GET forms that are not a list's filters: a version or date picker above a page, a dashboard's period, the
# checklist chooser (a form of its own, rendered by includes/form_fields.html).
NOT_LIST_FILTERS = {
    "assessment/_dashboard_body.html",
    "assessment/county_input_list.html",
    "credit/rules.html",
    "enterprises/training/enterprise.html",
    "enterprises/training/overview.html",
    "includes/list_filters.html",
    "rules/legal_numbers.html",
    "supervision/inspections/choose.html",
    "supervision/plans/plans.html",
    "supervision/plans/rules.html",
}


def _templates() -> dict[str, str]:
    return {str(p.relative_to(TEMPLATES)): p.read_text() for p in TEMPLATES.rglob("*.html")}


def test_list_filters_come_from_the_shared_include() -> None:
    templates = _templates()
    hand_written = sorted(
        name for name, text in templates.items() if '<form method="get"' in text and name not in NOT_LIST_FILTERS
    )
    assert hand_written == [], "write the filters with {% list_filters %} (templatetags/platform_lists.py)"
    # A paginated list that filters (it names a filterset or a filter form) renders them with the tag.
    for name, text in templates.items():
        paginated = "includes/pagination.html" in text or "{% list_table " in text
        if paginated and re.search(r"\bfilterset\b|\bform\.", text):
            assert "{% list_filters " in text, name
    # One filter-errors block, included only by the shared form; no per-app copy of it.
    includers = sorted(name for name, text in templates.items() if "includes/filter_errors.html" in text)
    assert includers == ["includes/list_filters.html"]
    assert not [name for name in templates if name.endswith("_filter_errors.html")]


class _Filters(HTMLParser):
    """The fields of the page's filter form (the GET form with a submit button) and every <label for>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.label_for: set[str] = set()
        self.fields: list[dict[str, str]] = []
        self.forms = 0
        self._in_get_form = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method") == "get":
            self._in_get_form = True
            self.forms += 1
        elif tag == "label" and a.get("for"):
            self.label_for.add(a["for"])
        elif (
            self._in_get_form
            and tag in {"input", "select", "textarea"}
            and a.get("type") not in {"hidden", "submit", "button"}
        ):
            self.fields.append(a)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_get_form = False


PAGES = [
    ("enterprises:list", "committee", ["q", "jurisdiction", "status", "stat_report_missing"]),
    ("hazards:list", "inspector", ["q", "state", "enterprise", "jurisdiction"]),
    ("emergency:team_list", "committee", ["q", "skill", "lat", "lon", "radius_km"]),
    ("supervision:enforcement_cases", "inspector", ["status", "overdue"]),
    ("credit:records", "committee", ["q", "criterion", "status"]),
]


@pytest.mark.parametrize(("url_name", "role", "expected"), PAGES)
def test_filters_on_real_list_pages_are_labelled(
    client: Any, users: dict[str, Any], url_name: str, role: str, expected: list[str]
) -> None:
    client.force_login(users[role])
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    page = _Filters()
    page.feed(response.content.decode())
    assert page.forms == 1
    names = [f.get("name") for f in page.fields]
    assert set(expected) <= set(names), names
    unlabelled = [f.get("name") for f in page.fields if not f.get("id") or f["id"] not in page.label_for]
    assert unlabelled == []
    # No filter applied: no link to clear them.
    assert 'data-testid="filters-reset"' not in response.content.decode()


def test_applied_filters_can_be_cleared_and_bad_ones_are_named(client: Any, users: dict[str, Any]) -> None:
    client.force_login(users["committee"])
    url = reverse("emergency:team_list")
    response = client.get(url, {"kind": "no-such-kind"})
    html = response.content.decode()
    assert response.status_code == 200 and f'href="{url}" data-testid="filters-reset"' in html
    errors = html.split('data-testid="filter-errors"', 1)[1].split("</div>", 1)[0]
    assert str(response.context["filterset"].form.fields["kind"].label) in errors
    # The refused field points its description at its own message, which exists.
    assert 'aria-describedby="id_kind_error"' in html and 'id="id_kind_error" data-field="kind"' in html


def test_an_enterprise_user_does_not_get_the_staff_filters(client: Any, users: dict[str, Any]) -> None:
    """The hazard list of an enterprise's own user is its own: no enterprise or area filter."""
    client.force_login(users["enterprise"])
    page = _Filters()
    page.feed(client.get(reverse("hazards:list")).content.decode())
    names = {f.get("name") for f in page.fields}
    assert "q" in names and "state" in names and not names & {"enterprise", "jurisdiction"}


# Lists whose filter set has an enterprise filter, which staff use and an enterprise's own user never sees (every
# row is already theirs): (url name, a filter both see, filters staff alone see).
ENTERPRISE_FILTERED = [
    ("enterprises:employee_list", "q", {"enterprise"}),
    ("enterprises:opcert_list", "expiring", {"enterprise"}),
    ("enterprises:equipment_list", "q", {"enterprise"}),
    ("enterprises:stdcert_list", "status", {"enterprise", "jurisdiction"}),
    ("enterprises:joint_inspection_list", "status", {"enterprise"}),
    ("enterprises:demonstration_list", "status", {"enterprise"}),
]


@pytest.mark.parametrize(("url_name", "shared", "staff_only"), ENTERPRISE_FILTERED)
def test_the_enterprise_filter_is_for_staff_alone(
    client: Any, users: dict[str, Any], url_name: str, shared: str, staff_only: set[str]
) -> None:
    seen = {}
    for role in ("committee", "enterprise"):
        client.force_login(users[role])
        response = client.get(reverse(url_name))
        assert response.status_code == 200, role
        page = _Filters()
        page.feed(response.content.decode())
        seen[role] = {f.get("name") for f in page.fields}
    assert shared in seen["committee"] and shared in seen["enterprise"]
    assert staff_only <= seen["committee"], seen["committee"]
    assert not staff_only & seen["enterprise"], seen["enterprise"]


def test_list_headings_come_from_the_shared_tag() -> None:
    """A list's count (its `data-testid="total"` badge) is written once, by `{% list_heading %}`."""
    writers = sorted(name for name, text in _templates().items() if 'data-testid="total"' in text)
    assert writers == ["includes/list_heading.html"]


class _Paginator:
    count_label = "1,000+"


class _PageObj:
    paginator = _Paginator()


def _folded(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", html)).strip()


def test_list_heading_renders_the_title_the_count_and_the_actions() -> None:
    from django.template import Context, Template

    def render(source: str, **context: Any) -> str:
        return _folded(
            Template("{% load platform_lists %}" + source).render(Context({"page_obj": _PageObj(), **context}))
        )

    badge = '<span class="badge bg-secondary" data-testid="total">1,000+</span>'
    # Actions: a row, the h1 on one side and what the tag holds on the other.
    assert render(
        '{% list_heading _("Teams") %}\n  {% if show %}<a href="/new/">New</a>{% endif %}\n{% endlist_heading %}',
        show=True,
    ) == (
        '<div class="d-flex flex-wrap justify-content-between align-items-center gap-2 mb-2">'
        f'<h1 class="h4 mb-0">Teams {badge}</h1><a href="/new/">New</a></div>'
    )
    # An action this user does not get still makes the row (the page keeps its shape for every user).
    assert render('{% list_heading "Teams" %}{% if show %}<a href="/new/">New</a>{% endif %}{% endlist_heading %}') == (
        '<div class="d-flex flex-wrap justify-content-between align-items-center gap-2 mb-2">'
        f'<h1 class="h4 mb-0">Teams {badge}</h1></div>'
    )
    # Nothing in the tag: the h1 alone; badge= colours the count.
    assert render('{% list_heading "Overdue" badge="bg-danger" %} {% endlist_heading %}') == (
        '<h1 class="h4">Overdue <span class="badge bg-danger" data-testid="total">1,000+</span></h1>'
    )


def test_detail_heading_renders_the_title_block_and_the_actions() -> None:
    from django.template import Context, Template

    source = (
        "{% load platform_lists %}{% detail_heading %}\n  <h1>{{ name }}</h1>\n"
        "{% heading_actions %}\n  {% if show %}<a href='/edit/'>Edit</a>{% endif %}\n{% enddetail_heading %}"
    )
    row = '<div class="d-flex flex-wrap justify-content-between align-items-start gap-2 mb-2">'
    assert _folded(Template(source).render(Context({"name": "A & B", "show": True}))) == (
        f"{row}<div><h1>A &amp; B</h1></div><a href='/edit/'>Edit</a></div>"
    )
    # Without actions the title block stands alone in the row.
    bare = "{% load platform_lists %}{% detail_heading %}<h1>{{ name }}</h1>{% enddetail_heading %}"
    assert _folded(Template(bare).render(Context({"name": "A"}))) == f"{row}<div><h1>A</h1></div></div>"


def test_list_table_renders_the_frame_and_the_pages() -> None:
    from django.core.paginator import Paginator
    from django.template import Context, Template

    page = Paginator(list(range(30)), 10).page(2)
    source = '{% load platform_lists %}{% list_table "small" testid="rows" %}<tbody>{{ n }}</tbody>{% endlist_table %}'
    html = _folded(Template(source).render(Context({"n": 1, "page_obj": page, "query": "q=a"})))
    assert html.startswith(
        '<div class="table-responsive"><table class="table table-sm table-hover bg-white align-middle small"'
        ' data-testid="rows"><tbody>1</tbody></table></div><nav '
    )
    assert 'href="?q=a&page=1"' in html and 'href="?q=a&page=3"' in html
    plain = "{% load platform_lists %}{% list_table hover=False %}<tbody></tbody>{% endlist_table %}"
    assert _folded(Template(plain).render(Context({"page_obj": Paginator([1], 10).page(1)}))) == (
        '<div class="table-responsive"><table class="table table-sm bg-white align-middle">'
        "<tbody></tbody></table></div>"
    )


class _Selected(HTMLParser):
    """Each select of the page's filter form with its chosen value, and the text of its empty choice."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chosen: dict[str, str] = {}
        self.empty_text: dict[str, str] = {}
        self._select: str | None = None
        self._option_value: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "select":
            self._select = a.get("name") or ""
        elif tag == "option" and self._select is not None:
            self._option_value = a.get("value") or ""
            if "selected" in a:
                self.chosen[self._select] = self._option_value

    def handle_data(self, data: str) -> None:
        if self._select is not None and self._option_value == "" and data.strip():
            self.empty_text.setdefault(self._select, data.strip())

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "option":
            self._option_value = None


def test_a_filter_the_address_applies_is_shown_and_kept(client: Any, users: dict[str, Any]) -> None:
    """The home page's "listed, open" link narrows the hazard list by two filters the page does not list: the form
    shows them chosen, so the user sees them and filtering again (a search typed in) keeps them."""
    client.force_login(users["inspector"])
    url = reverse("hazards:list")
    page = _Selected()
    page.feed(client.get(url, {"listed": "true", "open": "true"}).content.decode())
    assert page.chosen.get("listed") == "true" and page.chosen.get("open") == "true", page.chosen
    plain = _Selected()
    plain.feed(client.get(url).content.decode())
    assert "listed" not in plain.empty_text and "open" not in plain.empty_text  # not listed when not applied


def test_a_lists_empty_choice_reads_all(client: Any, users: dict[str, Any]) -> None:
    """A filter left empty means "any": its empty choice reads 全部, not Django's "---------"."""
    client.force_login(users["committee"])
    page = _Selected()
    page.feed(client.get(reverse("hazards:list"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode())
    assert page.empty_text.get("grade") == "全部" and page.empty_text.get("jurisdiction") == "全部", page.empty_text
    assert "---------" not in page.empty_text.values()


def test_the_quick_filter_shown_is_pressed(client: Any, users: dict[str, Any]) -> None:
    """The chips above the hazard list: the one whose filter the list shows is pressed, and no other; a further
    filter makes it another list (not pressed); another page of it is the same list (pressed)."""
    client.force_login(users["inspector"])
    url = reverse("hazards:list")

    def pressed(params: dict[str, str]) -> list[str]:
        html = client.get(url, params).content.decode()
        chips = html.split('data-testid="quick-filters"', 1)[1].split("</div>", 1)[0]
        return re.findall(r'href="\?([^"]+)" aria-current="true"', chips)

    assert pressed({}) == []
    assert pressed({"open": "true", "grade": "major"}) == ["grade=major&amp;open=true"]
    assert pressed({"open": "true", "grade": "major", "page": "1"}) == ["grade=major&amp;open=true"]
    assert pressed({"open": "true"}) == ["open=true"]
    assert pressed({"open": "true", "q": "储罐"}) == []


def test_the_phones_filter_button_tells_how_many_filters_apply(client: Any, users: dict[str, Any]) -> None:
    """On a phone the hazard list's filters are folded away behind a button: it says how many the list applies."""
    client.force_login(users["inspector"])
    url = reverse("hazards:list")

    def button(params: dict[str, str]) -> str:
        html = client.get(url, params, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        return html.split('data-testid="filters-toggle"', 1)[1].split("</button>", 1)[0]

    assert "已选 2 项" in button({"listed": "true", "open": "true", "page": "1"})
    assert "已选" not in button({}) and "已选" not in button({"page": "1"})


def test_a_records_drop_downs_say_what_their_empty_choice_means(client: Any, users: dict[str, Any]) -> None:
    """On the form of a record an empty choice reads 无 (the field may stay empty) or 请选择 (a choice is required),
    not "---------"; a label a form names itself is kept."""
    from django import forms

    from emergency.models import Accident
    from safety_platform.forms import StyledFormMixin

    client.force_login(users["inspector"])
    page = _Selected()
    page.feed(client.get(reverse("hazards:create"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode())
    assert page.empty_text.get("campaign") == "无", page.empty_text
    assert page.empty_text.get("grade") == "稍后评估"  # the hazard form's own: grade it later
    assert "---------" not in page.empty_text.values()

    class AccidentForm(StyledFormMixin, forms.ModelForm):
        class Meta:
            model = Accident
            fields = ["category", "enterprise"]

    from django.utils import translation

    with translation.override("zh-hans"):
        accident_form = AccidentForm()
        assert str(accident_form.fields["enterprise"].empty_label) == "无"  # not required
        category = accident_form.fields["category"]
        assert category.required and str(next(iter(category.choices))[1]) == "请选择"
