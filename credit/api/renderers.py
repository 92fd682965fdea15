"""The feeds' file renderers, CSV and Excel (`?format=csv` / `?format=xlsx`); their JSON pages are the API's
(safety_platform.api.renderers).

The CSV and Excel renderers only take part in content negotiation and render error bodies: the files
themselves are streamed by the views through `safety_platform.exports`."""

from __future__ import annotations

from typing import Any

from rest_framework.renderers import BaseRenderer

from safety_platform.exports import XLSX_CONTENT_TYPE as XLSX_MEDIA_TYPE


class _FileFormatRenderer(BaseRenderer):
    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        # Only error bodies reach here (exports return their own streaming response).
        return str(data.get("detail", data) if isinstance(data, dict) else data).encode()


class CSVRenderer(_FileFormatRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"


class XLSXRenderer(_FileFormatRenderer):
    media_type = XLSX_MEDIA_TYPE
    format = "xlsx"
    charset = None
    render_style = "binary"
