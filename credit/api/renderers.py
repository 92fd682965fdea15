"""CSV and Excel renderers for the feeds (`?format=csv` / `?format=xlsx`); the views stream the rows."""

from __future__ import annotations

from typing import Any

from rest_framework.renderers import BaseRenderer

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        # Only error bodies reach here (exports return their own streaming response).
        return str(data.get("detail", data) if isinstance(data, dict) else data).encode()


class XLSXRenderer(BaseRenderer):
    media_type = XLSX_MEDIA_TYPE
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        return str(data.get("detail", data) if isinstance(data, dict) else data).encode()
