"""`GET /api/v1/credit/blacklist/` and `GET /api/v1/credit/ratings/` (docs/api.md).

Read-only feeds for other departments' systems (API key with `blacklist:read` / `ratings:read`)
and for signed-in staff (scoped by `visible_to`). Stable keyset pagination over
(updated_at, id), incremental sync by cursor or `updated_since`, CSV/Excel export of the same
list, and an ETag on every JSON page so an unchanged page is a bodiless 304.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from itertools import chain
from typing import Any

from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, viewsets
from rest_framework.renderers import BrowsableAPIRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings

from safety_platform import exports
from safety_platform.api.renderers import PlatformJSONRenderer
from safety_platform.api.schema import ErrorSerializer
from safety_platform.api.views import ScopedViewSetMixin
from safety_platform.choices import ApiScope
from safety_platform.models.apikeys import ApiClient

from ..filtersets import BlacklistFeedFilterSet, RatingFeedFilterSet
from ..models import BlacklistEntry, CreditRating
from . import feed
from .exports import (
    BLACKLIST_COLUMNS,
    RATING_COLUMNS,
    blacklist_csv_rows,
    blacklist_rows,
    rating_csv_rows,
    rating_rows,
)
from .pagination import SyncCursorPagination, after_cursor, row_key
from .renderers import XLSX_MEDIA_TYPE, CSVRenderer, XLSXRenderer
from .serializers import BlacklistEntrySerializer, RatingSerializer

COMMON_PARAMETERS = [
    OpenApiParameter(
        "cursor",
        OpenApiTypes.STR,
        description="Opaque position: the `next` link's cursor, or the last page's `sync_cursor` for the next "
        "incremental pull (returns exactly what changed since, including removals).",
    ),
    OpenApiParameter("page_size", OpenApiTypes.INT, description="Rows per page, 1–1000 (default 100)."),
    OpenApiParameter(
        "format",
        OpenApiTypes.STR,
        enum=["json", "csv", "xlsx"],
        description="json (default, paginated); csv or xlsx: the whole filtered list as a file, same columns.",
    ),
    OpenApiParameter(
        "If-None-Match",
        OpenApiTypes.STR,
        location=OpenApiParameter.HEADER,
        description="ETag of a JSON page you already have: an unchanged page answers 304 with no body.",
    ),
]

# Errors are JSON whatever the requested format (a CSV client gets a JSON body with its own content type).
ERROR_RESPONSES = {
    304: OpenApiResponse(description="Not modified: the page's ETag matches If-None-Match."),
    (400, "application/json"): OpenApiResponse(
        ErrorSerializer, description="Bad filter, cursor, page size or format; `errors` names the field."
    ),
    (401, "application/json"): OpenApiResponse(ErrorSerializer, description="No, unknown, revoked or expired API key."),
    (403, "application/json"): OpenApiResponse(ErrorSerializer, description="The API key lacks the required scope."),
}
FORMATS = ("json", "csv", "xlsx")
_JSON = PlatformJSONRenderer()  # the API's JSON (the pages are rendered by hand, see `list`)
_PLAIN_JSON_ACCEPTS = frozenset({"*/*", "application/json"})


class _FeedViewSet(ScopedViewSetMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    pagination_class = SyncCursorPagination
    filter_backends = [DjangoFilterBackend]
    renderer_classes = [PlatformJSONRenderer, BrowsableAPIRenderer, CSVRenderer, XLSXRenderer]
    export_name = "export"
    filterset_class: Any
    # The JSON page: `values_list` columns (id first, updated_at last) and the row → dict formatter.
    feed_columns: tuple[str, ...] = ()
    feed_dicts: Callable[[Any], list[dict[str, Any]]]
    page_key = staticmethod(row_key)
    # The file formats' columns and rows (values straight from the query, see .exports).
    export_columns: list[str] = []
    export_rows: Callable[[Any], Iterator[Any]]
    # The CSV file's cells: export_rows, already formula-escaped (written by csv.writer as they are).
    csv_rows: Callable[[Any], Iterator[Any]]

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        # What a department's system sends (no `?format=`, Accept absent, `*/*` or `application/json`): DRF's
        # negotiation picks the first renderer, JSON, as `application/json` (tests/credit/test_feed_overhead.py);
        # it is answered without parsing the header and building every renderer.
        if (
            self.format_kwarg is None
            and api_settings.URL_FORMAT_OVERRIDE not in request.query_params
            and request.META.get("HTTP_ACCEPT", "*/*") in _PLAIN_JSON_ACCEPTS
        ):
            return PlatformJSONRenderer(), PlatformJSONRenderer.media_type
        try:
            return super().perform_content_negotiation(request, force)
        except Http404 as exc:  # DRF's answer to an unknown ?format= is a 404
            raise exceptions.ValidationError(
                {"format": [_("Unknown format: use one of %(formats)s.") % {"formats": ", ".join(FORMATS)}]}
            ) from exc

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        # An error asked for as CSV or Excel is still the JSON error body, declared as such.
        renderer = getattr(request, "accepted_renderer", None)
        if response.status_code >= 400 and getattr(renderer, "format", "json") in ("csv", "xlsx"):
            request.accepted_renderer = PlatformJSONRenderer()
            request.accepted_media_type = PlatformJSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)

    def page_sql_shape(self, request: Request) -> tuple[Any, ...] | None:
        """A department key (every row in scope) with no filter: the page's SQL differs only by the cursor.

        The paginator then runs the SQL compiled for the first such request (`pagination.fetch_page`).
        """
        user = request.user
        if not isinstance(user, ApiClient) or user.enterprise_id is not None or self._has_filters(request):
            return None
        # The key's department is part of the shape should its scope ever depend on it.
        return (type(self).__name__, user.department_id)

    def _has_filters(self, request: Request) -> bool:
        return any(name in request.query_params for name in self.filterset_class.base_filters)

    def filter_queryset(self, queryset: Any) -> Any:
        # No filter asked for: the filter set would only validate an empty form.
        return super().filter_queryset(queryset) if self._has_filters(self.request) else queryset

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        queryset = self.filter_queryset(self.get_queryset())
        fmt = getattr(request.accepted_renderer, "format", "json")
        if fmt in ("csv", "xlsx"):
            return self._export(queryset, fmt)
        # Values straight from the query, formatted by hand as the serializer would (see .feed).
        # The paginator takes `values_list(*feed_columns)` rows of the page (built only when its SQL is not cached).
        page = self.paginate_queryset(queryset)
        data = self.paginator.get_paginated_data(self.feed_dicts(page))  # type: ignore[union-attr]
        # The page is rendered once: the ETag is the hash of the very bytes sent.
        body = _JSON.render(data)
        etag = page_etag(body)
        headers = {"ETag": etag, "Cache-Control": "private, no-cache", "Vary": "Accept, Authorization, Cookie"}
        if etag in if_none_match(request.headers.get("If-None-Match", "")):
            return Response(status=304, headers=headers)
        if type(request.accepted_renderer) is PlatformJSONRenderer and request.accepted_media_type == _JSON.media_type:
            return HttpResponse(body, content_type=_JSON.media_type, headers=headers)
        return Response(data, headers=headers)  # the browsable API, or JSON with `; indent=`

    # Export ---------------------------------------------------------------------------------

    def _export(self, queryset: Any, fmt: str) -> StreamingHttpResponse:
        # Read the cursor before the stream starts: a bad one is a 400, not a broken download.
        cursor = self.paginator.cursor(self.request)  # type: ignore[union-attr]
        queryset = after_cursor(queryset, cursor).order_by("updated_at", "pk")
        filename = f"{self.export_name}-{timezone.localtime():%Y%m%d-%H%M}.{fmt}"
        if fmt == "csv":
            return exports.csv_response(filename, self.export_columns, self.csv_rows(queryset), escaped=True)
        rows = self.export_rows(queryset)
        return exports.xlsx_response(filename, [exports.Sheet(self.export_name, chain([self.export_columns], rows))])


def page_etag(body: bytes) -> str:
    """A JSON page's ETag: the hash of the very bytes sent (the full stack's and fast.py's)."""
    return '"' + hashlib.sha256(body).hexdigest()[:40] + '"'


def if_none_match(header: str) -> set[str]:
    """The ETags of an If-None-Match header, weak ones compared as strong (the feed pages' and fast.py's)."""
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}


FILE_RESPONSES = {
    (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="`format=csv`: the whole filtered list."),
    (200, XLSX_MEDIA_TYPE): OpenApiResponse(OpenApiTypes.BINARY, description="`format=xlsx`: the same as Excel."),
}


def _feed_list_schema(*, operation_id: str, summary: str, description: str, serializer: type[Any]) -> Any:
    """The OpenAPI description of a feed's list: its own words and rows, every feed's parameters and answers."""
    return extend_schema_view(
        list=extend_schema(
            operation_id=operation_id,
            summary=summary,
            description=description,
            parameters=COMMON_PARAMETERS,
            responses={(200, "application/json"): serializer(many=True), **FILE_RESPONSES, **ERROR_RESPONSES},
        )
    )


@extend_schema(tags=["credit"])
@_feed_list_schema(
    operation_id="credit_blacklist_list",
    summary="Blacklist (严重失信主体名单): published entries, for incremental sync",
    description=(
        "Published entries of the serious-untrustworthiness list with credit code, enterprise name, "
        "reason, legal basis, listing department, rule-set version, listed on, ends on, status "
        "(`active`, `removed`) and timestamps. Ordered by (`updated_at`, `id`); page with `next`. "
        "For incremental sync keep the last page's `sync_cursor` and pass it as `cursor` next time: you "
        "get every entry created or changed since, including removals. Needs the `blacklist:read` scope "
        "(`Authorization: Api-Key <key>`)."
    ),
    serializer=BlacklistEntrySerializer,
)
class BlacklistFeedViewSet(_FeedViewSet):
    queryset = BlacklistEntry.objects.published().select_related("enterprise", "department", "rule_set")
    serializer_class = BlacklistEntrySerializer
    filterset_class = BlacklistFeedFilterSet
    api_key_read_scope = ApiScope.BLACKLIST_READ
    export_name = "blacklist"
    feed_columns = feed.BLACKLIST_COLUMNS
    feed_dicts = staticmethod(feed.blacklist_dicts)
    export_columns = BLACKLIST_COLUMNS
    export_rows = staticmethod(blacklist_rows)
    csv_rows = staticmethod(blacklist_csv_rows)


@extend_schema(tags=["credit"])
@_feed_list_schema(
    operation_id="credit_ratings_list",
    summary="Credit grades (信用等级): the current grade of every enterprise, for incremental sync",
    description=(
        "Current grade per enterprise (1 = 一级 best, 2 = 二级, 3 = 三级) with score, rule-set version and "
        "computed-at. `updated_at` changes only when the result changes (grade, score, version, records "
        "counted, blacklist cap, status), so incremental sync by `sync_cursor` or `updated_since` returns "
        "exactly the changed grades; `status=withdrawn` marks an enterprise that closed. Needs the "
        "`ratings:read` scope."
    ),
    serializer=RatingSerializer,
)
class RatingFeedViewSet(_FeedViewSet):
    queryset = CreditRating.objects.select_related("enterprise", "rule_set")
    serializer_class = RatingSerializer
    filterset_class = RatingFeedFilterSet
    api_key_read_scope = ApiScope.RATINGS_READ
    export_name = "ratings"
    feed_columns = feed.RATING_COLUMNS
    feed_dicts = staticmethod(feed.rating_dicts)
    export_columns = RATING_COLUMNS
    export_rows = staticmethod(rating_rows)
    csv_rows = staticmethod(rating_csv_rows)
