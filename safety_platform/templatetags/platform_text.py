"""Punctuation that follows the page's language: Chinese text takes full-width `：` and `（）`.

`{% trans "Deadline" %}{% colon %}{{ day }}` reads "Deadline: 2026-12-18" in English and "整改期限：2026-12-18" in
Chinese; `{% lparen %}{{ who }}{% rparen %}` reads " (who)" and "（who）". Inside `{% blocktrans %}` the
translation itself carries the punctuation.
"""

from __future__ import annotations

from django import template
from django.utils.translation import pgettext

register = template.Library()


@register.simple_tag
def colon() -> str:
    """Between a label and its value."""
    return pgettext("punctuation", ": ")


@register.simple_tag
def lparen() -> str:
    """An opening parenthesis after a word (with its space in English)."""
    return pgettext("punctuation", " (")


@register.simple_tag
def rparen() -> str:
    return pgettext("punctuation", ")")
