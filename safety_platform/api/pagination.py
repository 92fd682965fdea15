"""Pagination: page numbers for people and dashboards; credit feeds add cursors for machine sync.

Page numbers use the platform's one paginator (`safety_platform.pagination.ListPaginator`): a page reads
`page_size + 1` rows (`next` says whether there is more) and `count` is counted over at most 1,001 rows:
exact up to 1,000, `null` beyond (follow `next`; `page=last` is refused then).
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import InvalidPage
from django.utils.translation import gettext as _
from rest_framework import exceptions, pagination

from safety_platform.pagination import COUNT_CAP, ListPaginator


class StandardPagination(pagination.PageNumberPagination):
    page_size: int = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    django_paginator_class: type[ListPaginator] = ListPaginator  # a list may page with a subclass
    # True: the capped count is read in the page's statement (ListPaginator's count_with_page).
    count_with_page = False

    def paginate_queryset(self, queryset: Any, request: Any, view: Any = None) -> Any:
        # A bad page number is bad input (400 naming the parameter), not a missing resource.
        raw = request.query_params.get(self.page_query_param)
        if raw is not None and raw != "last" and not (raw.isdecimal() and int(raw) >= 1):
            raise exceptions.ValidationError({self.page_query_param: [_("A page number must be a positive integer.")]})
        raw_size = request.query_params.get(self.page_size_query_param)
        if raw_size is not None and not (raw_size.isdecimal() and int(raw_size) >= 1):
            raise exceptions.ValidationError({self.page_size_query_param: [_("page_size must be a positive integer.")]})
        self.request = request
        page_size = self.get_page_size(request) or self.page_size  # None only where no page_size is set
        paginator = self.django_paginator_class(queryset, page_size, count_with_page=self.count_with_page)
        number: Any = raw or 1
        if raw == "last":
            number = paginator.num_pages  # counts at most COUNT_CAP + 1 rows
            if number is None:
                message = _("page=last is only available up to %(cap)s results; follow next instead.")
                raise exceptions.ValidationError({self.page_query_param: [message % {"cap": paginator.count_cap}]})
        try:
            self.page = paginator.page(number)
        except InvalidPage as exc:
            raise exceptions.ValidationError({self.page_query_param: [str(exc)]}) from exc
        # The browsable API's page links need the number of pages; beyond the cap it shows none.
        self.display_page_controls = bool(paginator.num_pages and paginator.num_pages > 1)
        return list(self.page)

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count"] = {
            "type": "integer",
            "nullable": True,
            "example": 123,
            "description": (
                f"Number of matching results, exact up to {COUNT_CAP}; null beyond (there are more than "
                f"{COUNT_CAP}: follow `next` to the end)."
            ),
        }
        return response


class CountWithPagePagination(StandardPagination):
    """For a list read often at city scale (the hazard list): its page and its capped count in one statement."""

    count_with_page = True
