"""One paginator for every list, page and API alike: no full count of a large table per request.

A page is read as `per_page + 1` rows: the extra row says whether a next page exists, so paging never
needs the total. The total shown in a list's header is counted over at most `COUNT_CAP + 1` rows
(`SELECT COUNT(*) FROM (SELECT … LIMIT 1001)`): exact for small results, "1,000+" beyond. On the last
page the total is known from the rows read, so a short list costs one query, not two.

The API (`safety_platform.api.pagination.StandardPagination`) uses the same class: its `count` is
exact up to the cap and `null` beyond it, and `next` says whether there is more.

`count_with_page=True` reads the capped count in the page's own statement, as one more column (an
uncorrelated scalar subquery: PostgreSQL runs it once, as an InitPlan): one round trip instead of two for a
list that shows its total (under load, each round trip costs a wake-up of the database and of the worker).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

from django.core.exceptions import EmptyResultSet
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.query import ModelIterable, ValuesIterable, ValuesListIterable
from django.shortcuts import render
from django.utils.formats import number_format
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django.http import HttpRequest, HttpResponse

COUNT_CAP = 1000
# No list is longer than this: a page number beyond it is past the end, answered without asking the database
# (an OFFSET past PostgreSQL's bigint was a 500).
MAX_ROWS = 10**12
# The page's extra column holding the capped count (count_with_page).
COUNT_COLUMN = "_list_capped_count"


class ListPage(Page):
    """A page that knows whether a next page exists from the extra row read, not from the total."""

    def __init__(self, object_list: Sequence[Any], number: int, paginator: ListPaginator, has_next: bool) -> None:
        super().__init__(object_list, number, paginator)
        self._has_next = has_next

    def has_next(self) -> bool:
        return self._has_next

    def start_index(self) -> int:
        # Django's asks for the total; the rows on this page are enough.
        if not self.object_list:
            return 0
        return (self.number - 1) * self.paginator.per_page + 1

    def end_index(self) -> int:
        if not self.object_list:
            return 0
        return self.start_index() + len(self.object_list) - 1


class ListPaginator(Paginator):
    """Page-number paging that counts at most `count_cap + 1` rows (see the module docstring).

    `count` is the exact total, or None when there are more than `count_cap` rows; `num_pages` is
    None then too. `count_label` is what a page shows ("37", "1,000+").
    """

    def __init__(
        self, object_list: Any, per_page: int, count_cap: int | None = None, *, count_with_page: bool = False
    ) -> None:
        super().__init__(object_list, per_page)
        self.count_cap = COUNT_CAP if count_cap is None else count_cap
        self.count_with_page = count_with_page

    @cached_property
    def count(self) -> int | None:  # type: ignore[override]
        rows = self.object_list
        if isinstance(rows, list | tuple):
            return len(rows)
        # A sliced queryset counts in a subquery: the database stops after count_cap + 1 rows. Without the
        # list's ORDER BY, which would make it walk the rows in that order (5,000 scoped hazards read one by
        # one to find 1,001 of an inspector's), the planner takes the cheapest way to any 1,001 rows.
        queryset = cast("QuerySet[Any]", rows)  # a list page hands over a list, a tuple or a queryset
        n = queryset.order_by()[: self.count_cap + 1].count()
        return n if n <= self.count_cap else None

    @property
    def count_is_exact(self) -> bool:
        return self.count is not None

    @property
    def count_label(self) -> str:
        count = self.count
        if count is None:
            return number_format(self.count_cap, force_grouping=True) + "+"
        return number_format(count, force_grouping=True)

    @cached_property
    def num_pages(self) -> int | None:  # type: ignore[override]
        if self.count is None:
            return None
        return super().num_pages

    def validate_number(self, number: Any) -> int:
        """A whole number ≥ 1; whether that page has rows is known only once it is read."""
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError) as exc:
            raise PageNotAnInteger(_("That page number is not an integer")) from exc
        if number < 1:
            raise EmptyPage(_("That page number is less than 1"))
        if (number - 1) * self.per_page > MAX_ROWS:
            raise EmptyPage(_("That page contains no results"))
        return number

    def _capped_count_query(self) -> QuerySet[Any] | None:
        """The list with the capped count as one more column (`COUNT_COLUMN`), or None where its rows cannot
        carry it (a grouped, distinct or combined query, flat or named values_list)."""
        queryset = self.object_list
        if not isinstance(queryset, QuerySet) or "count" in self.__dict__:
            return None
        query = queryset.query
        if (
            queryset._iterable_class not in (ModelIterable, ValuesIterable, ValuesListIterable)
            or query.group_by is not None
            or query.distinct
            or query.combinator
            or query.is_sliced
        ):
            return None
        # The same capped count as `count` (no ORDER BY, LIMIT count_cap + 1), as SQL of its own.
        capped = queryset.order_by()[: self.count_cap + 1]
        try:
            sql, params = capped.query.get_compiler(using=capped.db).as_sql()
        except EmptyResultSet:  # a filter that matches nothing (e.g. `pk__in=[]`, a scope with no areas)
            return None  # the plain slice answers the empty page without a query
        return queryset.annotate(**{COUNT_COLUMN: RawSQL(f"SELECT COUNT(*) FROM ({sql}) AS capped", params)})

    def _read(self, bottom: int) -> tuple[list[Any], int | None]:
        """Rows bottom … bottom + per_page (one more than a page), and the capped count read with them
        (count_with_page; None when not read)."""
        top = bottom + self.per_page + 1
        counted = self._capped_count_query() if self.count_with_page else None
        if counted is None:
            return list(self.object_list[bottom:top]), None
        rows = list(counted[bottom:top])
        if not rows:
            return rows, None  # no row to carry the count: the (empty) page tells the total
        if counted._iterable_class is ValuesListIterable:
            n = rows[0][-1]
            rows = [row[:-1] for row in rows]
        elif counted._iterable_class is ValuesIterable:
            n = rows[0][COUNT_COLUMN]
            for row in rows:
                del row[COUNT_COLUMN]
        else:
            n = getattr(rows[0], COUNT_COLUMN)
            for row in rows:
                delattr(row, COUNT_COLUMN)
        return rows, n

    def page(self, number: Any) -> ListPage:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows, capped = self._read(bottom)
        has_next = len(rows) > self.per_page
        del rows[self.per_page :]
        if not rows and number > 1:
            raise EmptyPage(_("That page contains no results"))
        if "count" not in self.__dict__:
            if not has_next:
                # The last page: the total is known from the rows read (exact, whatever the cap).
                self.__dict__["count"] = bottom + len(rows)
            elif capped is not None:
                self.__dict__["count"] = capped if capped <= self.count_cap else None
        return ListPage(rows, number, self, has_next)

    def get_page(self, number: Any) -> ListPage:
        """Like Django's: a bad number gives page 1; a page past the end gives the last page when the
        total is known (small lists), page 1 otherwise."""
        try:
            number = self.validate_number(number)
        except (PageNotAnInteger, EmptyPage):
            number = 1
        try:
            return self.page(number)
        except EmptyPage:
            last = self.num_pages
            return self.page(last if last else 1)


def list_page(request: HttpRequest, queryset: Any, per_page: int) -> tuple[Any, str]:
    """The page of `queryset` the request asks for (`?page=`), and the request's other parameters as a query string
    for the page links (the filters stay, the page number is the link's own)."""
    page = ListPaginator(queryset, per_page).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


def render_list_page(request: HttpRequest, template: str, queryset: Any, per_page: int, **context: Any) -> HttpResponse:
    """A list page: `template` rendered with the requested page (`page_obj`), the query string for its links
    (`query`, see `list_page`) and the rest of the `context`."""
    page, query = list_page(request, queryset, per_page)
    return render(request, template, {**context, "page_obj": page, "query": query})
