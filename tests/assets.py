"""Which assets a rendered page loads from another origin (the platform serves everything itself)."""

from __future__ import annotations

import re

ASSET_ATTR = re.compile(r"""<(?:script|link|img|iframe|source)\b[^>]*?\b(?:src|href)\s*=\s*["']([^"']+)["']""", re.I)
ABSOLUTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.I)


def external_asset_urls(page: str) -> list[str]:
    """The scripts, styles, images and frames a page loads by an absolute address.

    Checked on the src/href attributes rather than by searching the page for "cdn": every page carries a
    random CSRF token, which may contain those three letters (a CI run once failed that way).
    """
    return [url for url in ASSET_ATTR.findall(page) if ABSOLUTE.match(url)]
