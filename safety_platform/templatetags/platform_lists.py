"""The one list page pattern (issue 17): the heading with the list's count and actions, the filter form
above the list, and the links below it.

    {% load platform_lists %}
    {% list_heading _("Rescue teams") %}
      {% if user|can:"emergency.register_resource" %}<a class="btn btn-sm btn-primary" href="…">…</a>{% endif %}
    {% endlist_heading %}
    {% list_filters filterset.form "q status jurisdiction" staff_only="jurisdiction" %}
    {% list_table %}
      <thead>…</thead>
      <tbody>… {% empty %}{% include "includes/empty_row.html" with colspan=5 message=_("No teams match.") %} …</tbody>
    {% endlist_table %}

`list_heading` renders `includes/list_heading.html`: the page's `<h1>` with the count of `page_obj` (its
`data-testid="total"` badge), and, when the tag holds anything, a row with the h1 on one side and what the tag
holds (the page's buttons) on the other; `badge=` sets the badge's colour class, and `count=False` leaves the
badge out (a page that lists without `page_obj`, e.g. the latest runs or every scheme, has no count to show).

`list_table` renders `includes/list_table.html`: the scrolling wrapper, the table (`table table-sm table-hover
bg-white align-middle`, then the classes named, e.g. `{% list_table "small" %}`; `hover=False` for rows that
link nowhere, `testid=` its data-testid) around what the tag holds, and the pages under it.

The page of one listed record heads itself the same way, with `includes/detail_heading.html`: its title block
(the h1 with its badges, a line under it) on one side and its actions on the other.

    {% detail_heading %}
      <h1 class="h4 mb-1">{{ team.name }} …</h1>
      <div class="small text-muted">…</div>
    {% heading_actions %}
      {% if can_edit %}<a class="btn btn-sm btn-outline-primary" href="…">…</a>{% endif %}
    {% enddetail_heading %}

`list_filters` renders the named fields of the form (every field when none is named) in that order, each with
its visible `<label for>`, then the filter button, a link clearing the filters when some are applied, and the
one filter-errors block (`includes/filter_errors.html`). Widgets render themselves (the enterprise picker
brings its script); a page adds its own control next to the button with `extra="<template>"`. A filter the
address applies that the page does not name is shown too (or, a select of a table's rows, kept hidden), so a link
from a dashboard stays visible and a second search keeps it; an empty choice reads 全部.

Chips above a list, each a ready-made filter (with its count, if given), pressed while the list shows exactly it;
and, on a page whose filters fold away on a phone, how many apply:

    {% quick_filter "grade=major&open=true" label "danger" %}
    {% quick_filter "status=due" label "secondary" count=counts.due testid="count-due" %}
    {% applied_filters as n %}
"""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.forms import BoundField
from django.http import QueryDict
from django.template.base import FilterExpression, NodeList, Parser, TextNode, Token, token_kwargs
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from safety_platform.forms import name_empty_choices
from safety_platform.permissions import is_enterprise_person

register = template.Library()

WIDE = "col-12 col-md-4 col-lg-3"
NORMAL = "col-6 col-md-3 col-lg-2"
NARROW = "col-4 col-md-2 col-lg-1"


def _column(field: BoundField, narrow: set[str]) -> str:
    if field.name in narrow:
        return NARROW
    widget = field.field.widget
    if field.name == "q" or getattr(widget, "script", None):  # the search box, a search picker
        return WIDE
    return NORMAL


def _applied(field: BoundField) -> bool:
    """Whether a bound filter form's field has a value in the address (a range's either end)."""
    if not field.form.is_bound:
        return False
    data = field.data
    if isinstance(data, (list, tuple)):
        return any(value not in (None, "") for value in data)
    return data not in (None, "")


def _lists_rows(field: BoundField) -> bool:
    """Whether the filter's widget is a select of a table's rows (not a search picker, which lists none)."""
    return isinstance(field.field, forms.ModelChoiceField) and not getattr(field.field.widget, "script", None)


@register.simple_tag(takes_context=True)
def applied_filters(context: template.Context) -> int:
    """How many filters the address applies (the page aside): shown on the button that opens the filters on a
    phone, where the form is folded away."""
    request = context.get("request")
    return 0 if request is None else len({key for key, value in request.GET.items() if key != "page" and value})


@register.simple_tag(takes_context=True)
def quick_filter(
    context: template.Context,
    query: str,
    label: str,
    style: str = "secondary",
    count: int | None = None,
    testid: str = "",
) -> str:
    """A chip above a list linking to its filter `?query` (`""`: the whole list), with the number of rows it holds
    when `count` is given; pressed (filled, `aria-current`) while the address applies exactly that filter, so the
    user sees which one the list shows."""
    request = context.get("request")
    wanted = sorted((key, value) for key, value in QueryDict(query).items() if value)
    current = sorted(
        (key, value) for key, value in (request.GET.items() if request is not None else ()) if key != "page" and value
    )
    active = wanted == current
    badge = ""
    if count is not None:
        badge = format_html(
            ' <span class="badge text-bg-{}"{}>{}</span>',
            "light" if active else style,
            format_html(' data-testid="{}"', testid) if testid else "",
            count,
        )
    return format_html(
        '<a class="btn btn-sm btn-{}{}" href="?{}"{}>{}{}</a>',
        "" if active else "outline-",
        style,
        escape(query),  # a literal of the template is marked safe: its "&" is escaped here
        mark_safe(' aria-current="true"') if active else "",
        label,
        badge,
    )


@register.inclusion_tag("includes/list_filters.html", takes_context=True)
def list_filters(
    context: template.Context,
    form: forms.Form,
    fields: str = "",
    *,
    staff_only: str = "",
    narrow: str = "",
    placeholder: str = "",
    extra: str = "",
    form_id: str = "",
    css: str = "",
    testid: str = "",
) -> dict[str, Any]:
    """`fields`: the names to show, space-separated (all when empty); `staff_only`: those hidden from an
    enterprise's own users (their list is already theirs), besides the `enterprise` filter, which they never see
    (it could only name their own enterprise); `narrow`: short number boxes; `placeholder`: the
    search box's hint; `extra`: a template rendered next to the filter button; `form_id`, `css`: the form's
    id and extra classes (a collapsible form on phones); `testid`: its data-testid."""
    request = context.get("request")
    user = getattr(request, "user", None)
    hidden = {"enterprise", *staff_only.split()} if is_enterprise_person(user) else set()
    name_empty_choices(form, label=_("All"))  # in a filter the empty choice means "any"
    names = fields.split() or list(form.fields)
    # A filter the address applies but the page does not list (a dashboard's link: `?listed=true&open=true`) is
    # shown too, after the listed ones: the user sees what narrows the list, and filtering again keeps it. One whose
    # choices are rows of a table (`?accident=…` from the accident's page) is kept as a hidden field instead: its
    # select would list every row.
    unlisted = [name for name in form.fields if name not in names and name not in hidden and _applied(form[name])]
    kept = [name for name in unlisted if _lists_rows(form[name])]
    names += [name for name in unlisted if name not in kept]
    short = set(narrow.split())
    rows = []
    for name in names:
        if name in hidden:
            continue
        field = form[name]  # a misspelt name is a KeyError here, not a silently missing filter
        check = isinstance(field.field.widget, forms.CheckboxInput)
        attrs: dict[str, str | bool] = {}
        if placeholder and name == "q":
            attrs["placeholder"] = placeholder
        if check and "class" not in field.field.widget.attrs:
            attrs["class"] = "form-check-input"
        rows.append(
            {
                "field": field,
                "widget": field.as_widget(attrs=attrs) if attrs else field,
                "column": _column(field, short),
                "check": check,
            }
        )
    applied = request is not None and any(key != "page" and value for key, value in request.GET.items())
    return {
        "form": form,
        "rows": rows,
        "kept": [form[name] for name in kept],
        "extra": extra,
        "form_id": form_id,
        "css": css,
        "testid": testid,
        "applied": applied,
        "reset_url": request.path if request is not None else "",
    }


class ListHeadingNode(template.Node):
    def __init__(self, title: FilterExpression, options: dict[str, FilterExpression], actions: NodeList) -> None:
        self.title = title
        self.options = options
        self.actions = actions
        # A row beside the h1 when the page put anything in the tag (even an action only some users see).
        self.row = any(not isinstance(node, TextNode) or node.s.strip() for node in actions)

    def render(self, context: template.Context) -> str:
        heading = context.template.engine.get_template("includes/list_heading.html")  # type: ignore[union-attr]
        badge = self.options["badge"].resolve(context) if "badge" in self.options else "bg-secondary"
        count = self.options["count"].resolve(context) if "count" in self.options else True
        values = {"title": self.title.resolve(context), "badge": badge, "count": count, "row": self.row}
        values["actions"] = self.actions.render(context) if self.row else ""
        with context.push(**values):
            return heading.render(context)


@register.tag
def list_heading(parser: Parser, token: Token) -> ListHeadingNode:
    """`{% list_heading _("Title") [badge="bg-danger"] [count=False] %}actions{% endlist_heading %}`: a list
    page's heading (see the module's docstring)."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError(f"{bits[0]} needs the page's title")
    rest = bits[2:]
    options = token_kwargs(rest, parser)
    if rest or set(options) - {"badge", "count"}:
        raise template.TemplateSyntaxError(f"{bits[0]} takes a title, badge= and count= only")
    actions = parser.parse(("endlist_heading",))
    parser.delete_first_token()
    return ListHeadingNode(parser.compile_filter(bits[1]), options, actions)


class DetailHeadingNode(template.Node):
    def __init__(self, title: NodeList, actions: NodeList) -> None:
        self.title = title
        self.actions = actions

    def render(self, context: template.Context) -> str:
        heading = context.template.engine.get_template("includes/detail_heading.html")  # type: ignore[union-attr]
        with context.push(title=self.title.render(context), actions=self.actions.render(context)):
            return heading.render(context)


@register.tag
def detail_heading(parser: Parser, token: Token) -> DetailHeadingNode:
    """`{% detail_heading %}title block{% heading_actions %}actions{% enddetail_heading %}`: the heading of a
    record's page (see the module's docstring); the actions are optional."""
    if len(token.split_contents()) > 1:
        raise template.TemplateSyntaxError("detail_heading takes no arguments")
    title = parser.parse(("heading_actions", "enddetail_heading"))
    actions = NodeList()
    if parser.next_token().contents == "heading_actions":
        actions = parser.parse(("enddetail_heading",))
        parser.delete_first_token()
    return DetailHeadingNode(title, actions)


class ListTableNode(template.Node):
    def __init__(self, css: FilterExpression | None, options: dict[str, FilterExpression], body: NodeList) -> None:
        self.css = css
        self.options = options
        self.body = body

    def render(self, context: template.Context) -> str:
        frame = context.template.engine.get_template("includes/list_table.html")  # type: ignore[union-attr]
        values = {name: value.resolve(context) for name, value in self.options.items()}
        values.setdefault("hover", True)
        values["css"] = self.css.resolve(context) if self.css is not None else ""
        values["body"] = self.body.render(context)
        with context.push(**values):
            return frame.render(context)


@register.tag
def list_table(parser: Parser, token: Token) -> ListTableNode:
    """`{% list_table ["more classes"] [hover=False] [testid="…"] %}<thead>…<tbody>…{% endlist_table %}`: a list's
    table and its pages (see the module's docstring)."""
    bits = token.split_contents()
    rest = bits[1:]
    css = parser.compile_filter(rest.pop(0)) if rest and "=" not in rest[0] else None
    options = token_kwargs(rest, parser)
    if rest or set(options) - {"hover", "testid"}:
        raise template.TemplateSyntaxError(f"{bits[0]} takes the table's further classes, hover= and testid= only")
    body = parser.parse(("endlist_table",))
    parser.delete_first_token()
    return ListTableNode(css, options, body)
