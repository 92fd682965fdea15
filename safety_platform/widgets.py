"""A search box in place of a <select> that would list every row of a large table (issue 16).

`AutocompleteInput` renders a text box (what the user types or the chosen row's name) and, once
`js/picker.js` runs, a hidden input carrying the chosen row's id and a listbox of matches fetched from a
JSON endpoint (`{"results": [{"id", "label", "detail"}]}`). Without the script the text box itself is
the field: the form's field then resolves what was typed (a credit code or an exact name, say).

The field that uses it sets `lookup`: value (an id, a typed text or a model instance) → (id, label), so
that a form opened again, or a filter applied, shows the chosen row by its name and never by its id.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Self

from django import forms
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

Lookup = Callable[[Any], tuple[Any, str]]


class AutocompleteInput(forms.Widget):
    """Text box + hidden id + listbox (WAI-ARIA combobox); `url` answers `?q=` with at most ~20 matches."""

    script = "js/picker.js"

    def __init__(
        self,
        url: Any = "",
        attrs: dict[str, Any] | None = None,
        *,
        placeholder: Any = None,
        offline_note: Any = None,
    ) -> None:
        super().__init__(attrs=attrs)
        self.url = url
        self.placeholder = placeholder
        self.offline_note = offline_note
        self.lookup: Lookup | None = None

    def __deepcopy__(self, memo: dict[int, Any]) -> AutocompleteInput:
        result = super().__deepcopy__(memo)
        result.lookup = self.lookup
        return result

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        value = data.get(name)
        return value.strip() if isinstance(value, str) else value

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        pk, label = (None, "")
        if value not in (None, ""):
            pk, label = self.lookup(value) if self.lookup is not None else (None, str(value))
        final = self.build_attrs(self.attrs, attrs)
        # The text box's class: the form's (style_widgets gives a search box form-control, with -sm in a filter
        # bar, as it is no Select), else form-control.
        css = str(final.pop("class", "form-control"))
        input_id = final.pop("id", None) or f"id_{name}"
        disabled = bool(final.pop("disabled", False))
        required = bool(final.pop("required", False))
        described = final.pop("aria-describedby", None)
        invalid = final.pop("aria-invalid", None)
        return format_html(
            '<div class="picker" data-picker data-url="{url}" data-id="{pk}"'
            ' data-no-match="{no_match}" data-offline="{offline}" data-found="{found}">'
            '<input type="text" class="{css}" id="{input_id}" name="{name}" value="{label}" autocomplete="off"'
            ' autocapitalize="characters" spellcheck="false" placeholder="{placeholder}"'
            "{required}{disabled}{described}{invalid}>"
            '<ul class="picker-list list-group d-none" id="{input_id}_listbox" role="listbox"'
            ' aria-label="{list_label}"></ul>'
            '<div class="visually-hidden" aria-live="polite" data-picker-status></div>'
            '</div><script src="{script}" defer></script>',
            url=str(self.url),
            pk="" if pk is None else pk,
            no_match=_("Nothing found. Type more of the name, or the credit code."),
            offline=self.offline_note or _("No network: only the ones chosen recently on this device."),
            found=_("{n} found; use the arrow keys to choose."),
            css=css,
            input_id=input_id,
            name=name,
            label=label,
            placeholder=self.placeholder or _("Type to search"),
            required=SafeString(" required") if required else "",
            disabled=SafeString(" disabled") if disabled else "",
            described=format_html(' aria-describedby="{}"', described) if described else "",
            invalid=format_html(' aria-invalid="{}"', invalid) if invalid else "",
            list_label=_("Search results"),
            script=static(self.script),
        )


class AutocompleteFieldMixin:
    """A form field drawn as an `AutocompleteInput`: its widget names the chosen row through the field's
    `label_for(value) -> (id, label)`. Every form deep-copies its fields, so the copy's widget is pointed at the
    copy (never at the class's field, whose queryset the form may have narrowed)."""

    if TYPE_CHECKING:
        widget: Any  # the form field's widget (a class on the class, an instance on the field)

        def label_for(self, value: Any) -> tuple[Any, str]: ...

    def bind_lookup(self) -> None:
        if isinstance(self.widget, AutocompleteInput):
            self.widget.lookup = self.label_for

    def __deepcopy__(self, memo: dict[int, Any]) -> Self:
        result = super().__deepcopy__(memo)  # type: ignore[misc]  # the form field this is mixed into
        result.bind_lookup()
        return result
