"""The list pages that head themselves with `{% list_heading %}` and have no count to show (issue 17):
`count=False` leaves the badge out; the page keeps its h1 and its buttons in order."""

from __future__ import annotations

import re
from typing import Any

from django.template import Context, Template
from django.urls import reverse


def _folded(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", html)).strip()


def test_count_false_leaves_the_badge_out() -> None:
    source = '{% load platform_lists %}{% list_heading "Runs" count=False %}<a href="/s/">S</a>{% endlist_heading %}'
    assert _folded(Template(source).render(Context({}))) == (
        '<div class="d-flex flex-wrap justify-content-between align-items-center gap-2 mb-2">'
        '<h1 class="h4 mb-0">Runs</h1><a href="/s/">S</a></div>'
    )
    alone = '{% load platform_lists %}{% list_heading "Runs" count=False %}{% endlist_heading %}'
    assert _folded(Template(alone).render(Context({}))) == '<h1 class="h4">Runs</h1>'


def _heading(html: str) -> str:
    start = html.index('<div class="d-flex flex-wrap justify-content-between align-items-center gap-2 mb-2">')
    return _folded(html[start : html.index("</h1>", start) + 300])


def test_assessment_lists_head_with_the_tag(client: Any, users: dict[str, Any]) -> None:
    client.force_login(users["committee"])
    runs = _heading(client.get(reverse("assessment:run_list")).content.decode())
    assert runs.startswith(
        '<div class="d-flex flex-wrap justify-content-between align-items-center gap-2 mb-2">'
        '<h1 class="h4 mb-0">考核运行</h1><div class="d-flex flex-wrap gap-2">'
    )
    assert 'data-testid="total"' not in runs
    assert runs.index(reverse("assessment:scheme_list")) < runs.index(reverse("assessment:county_input_list"))
    schemes = _heading(client.get(reverse("assessment:scheme_list")).content.decode())
    assert '<h1 class="h4 mb-0">考核方案</h1><a class="btn btn-outline-secondary btn-sm"' in schemes
    assert 'data-testid="total"' not in schemes


def test_demonstration_list_heads_with_its_count(client: Any, users: dict[str, Any]) -> None:
    client.force_login(users["committee"])
    html = _heading(client.get(reverse("enterprises:demonstration_list")).content.decode())
    assert '<span class="badge bg-secondary" data-testid="total">0</span></h1>' in html
