"""Chinese text takes full-width punctuation (`：` `（）`), English keeps its own; templates and catalogs both."""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.template import engines
from django.utils import translation

from tests.platform.test_i18n import CATALOGS

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# Outside {% blocktrans %} (whose translation carries its punctuation), <script> and comments: a colon or an
# opening parenthesis glued to a template value is text shown in both languages.
MASK = re.compile(
    r"\{% blocktrans.*?\{% endblocktrans %\}|<script.*?</script>|\{% comment %\}.*?\{% endcomment %\}", re.S
)
ASCII_AFTER_VALUE = re.compile(r"(?:%\}|\}\}|</a>): |\{% trans [^%]*%\}:<| \((?=\{\{|\{% trans)|>\((?=\{\{|\{% trans)")


def test_label_punctuation_follows_the_language() -> None:
    template = engines["django"].from_string(
        '{% load i18n platform_text %}{% trans "Deadline" %}{% colon %}3 {% trans "Grade" %}{% lparen %}x{% rparen %}'
    )
    with translation.override("zh-hans"):
        assert template.render({}) == "期限：3 等级（x）"
    with translation.override("en"):
        assert template.render({}) == "Deadline: 3 Grade (x)"


@pytest.mark.parametrize("path", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_templates_put_no_ascii_colon_or_parenthesis_next_to_a_value(path: Path) -> None:
    text = MASK.sub("", path.read_text())
    found = [m.group(0) for m in ASCII_AFTER_VALUE.finditer(text)]
    assert not found, f"{path}: use {{% colon %}} / {{% lparen %}}…{{% rparen %}} (platform_text): {found}"


CJK = re.compile(r"[\u4e00-\u9fff]")
# Technical notations kept as they are written: HTTP headers, JSON examples, "http(s)", %(name)s placeholders.
TECHNICAL = re.compile(r"X-Credit-Signature: sha256=HMAC[^。]*|\[.*\]|\{.*\}|http\(s\)|%\([a-z_0-9]+\)[.\d]*[sdf]")


@pytest.mark.parametrize("po_path", CATALOGS, ids=lambda p: str(p.relative_to(settings.BASE_DIR)))
def test_chinese_translations_use_full_width_colons_and_parentheses(po_path: Path) -> None:
    wrong = []
    for entry in polib.pofile(str(po_path)):
        for msgstr in [entry.msgstr, *entry.msgstr_plural.values()]:
            plain = TECHNICAL.sub("", msgstr)
            if CJK.search(plain) and re.search(r"[:()]", plain):
                wrong.append(msgstr)
    assert not wrong, f"{po_path}: ASCII ':' '(' ')' in Chinese: {wrong[:10]}"
