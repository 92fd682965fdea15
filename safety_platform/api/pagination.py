"""Pagination: page numbers for people and dashboards; credit feeds add cursors for machine sync."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import exceptions, pagination


class StandardPagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def paginate_queryset(self, queryset: Any, request: Any, view: Any = None) -> Any:
        # A bad page number is bad input (400 naming the parameter), not a missing resource.
        raw = request.query_params.get(self.page_query_param)
        if raw is not None and raw != "last" and not (raw.isdecimal() and int(raw) >= 1):
            raise exceptions.ValidationError({self.page_query_param: [_("A page number must be a positive integer.")]})
        raw_size = request.query_params.get(self.page_size_query_param)
        if raw_size is not None and not (raw_size.isdecimal() and int(raw_size) >= 1):
            raise exceptions.ValidationError({self.page_size_query_param: [_("page_size must be a positive integer.")]})
        try:
            return super().paginate_queryset(queryset, request, view)
        except exceptions.NotFound as exc:
            raise exceptions.ValidationError({self.page_query_param: [str(exc.detail)]}) from exc
