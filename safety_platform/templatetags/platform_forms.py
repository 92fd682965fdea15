"""Form markup helpers for templates."""

from __future__ import annotations

from django import template
from django.forms import BoundField
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def labelled(field: BoundField) -> SafeString:
    """The field with a label that only screen readers see, for the compact one-line forms of detail pages
    (a status change, a note) whose layout has no room for a visible one; its help text gets the id that
    Django's `aria-describedby` names, so it is read out too."""
    help_text = (
        format_html('<div class="visually-hidden" id="{}_helptext">{}</div>', field.auto_id, field.help_text)
        if field.help_text
        else ""
    )
    return format_html(
        '<label class="visually-hidden" for="{}">{}</label>{}{}', field.id_for_label, field.label, field, help_text
    )
