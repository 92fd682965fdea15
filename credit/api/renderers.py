"""The feeds' renderers: their JSON pages, and CSV and Excel (`?format=csv` / `?format=xlsx`).

The CSV and Excel renderers only take part in content negotiation and render error bodies: the files
themselves are streamed by the views through `safety_platform.exports`."""

from __future__ import annotations

import json
from typing import Any

from rest_framework.compat import INDENT_SEPARATORS, LONG_SEPARATORS, SHORT_SEPARATORS
from rest_framework.renderers import BaseRenderer, JSONRenderer

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


class FeedJSONRenderer(JSONRenderer):
    """DRF's JSON renderer, byte for byte, without rewriting a page that has no U+2028 or U+2029 in it.

    DRF escapes those two characters (valid in JSON, not in older JavaScript) with two `str.replace` over the
    whole text even when there is none. The feeds' pages are mostly Chinese, so the text is two bytes per
    character, for which `replace` scans character by character while `in` searches fast: on a 100-row
    blacklist page (56 kB, reasons and legal bases) the two replaces took about 85 µs, a fifth of the JSON
    encoding itself, and the check takes 2 µs (issue 16). A page that has either character is escaped exactly
    as DRF does.
    """

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        if data is None:
            return b""
        indent = self.get_indent(accepted_media_type or "", renderer_context or {})
        flat = SHORT_SEPARATORS if self.compact else LONG_SEPARATORS
        separators = flat if indent is None else INDENT_SEPARATORS
        text = json.dumps(
            data,
            cls=self.encoder_class,
            indent=indent,
            ensure_ascii=self.ensure_ascii,
            allow_nan=not self.strict,
            separators=separators,
        )
        if "\u2028" in text or "\u2029" in text:
            text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
        return text.encode()
