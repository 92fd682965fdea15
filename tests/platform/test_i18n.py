"""Translations: every catalog is compiled and up to date, and the shell is fully translated."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest
from django.conf import settings

CATALOGS = sorted(
    p
    for p in Path(settings.BASE_DIR).glob("**/locale/zh_Hans/LC_MESSAGES/django.po")
    if ".venv" not in p.parts and "node_modules" not in p.parts
)


@pytest.mark.parametrize("po_path", CATALOGS, ids=lambda p: str(p.relative_to(settings.BASE_DIR)))
def test_compiled_catalog_matches_its_source(po_path: Path) -> None:
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} missing: run manage.py compilemessages"
    # Keyed by context too: "Open" and pgettext("hazard", "Open") are different entries.
    po = {(e.msgctxt, e.msgid): e.msgstr for e in polib.pofile(str(po_path)) if e.translated() and not e.obsolete}
    mo = {(e.msgctxt, e.msgid): e.msgstr for e in polib.mofile(str(mo_path))}
    stale = [msgid for msgid, msgstr in po.items() if mo.get(msgid) != msgstr]
    assert not stale, f"{mo_path} is stale for {stale[:5]}: run manage.py compilemessages"


@pytest.mark.parametrize("po_path", CATALOGS, ids=lambda p: str(p.relative_to(settings.BASE_DIR)))
def test_every_catalog_is_fully_translated(po_path: Path) -> None:
    po = polib.pofile(str(po_path))
    missing = [e.msgid for e in po.untranslated_entries() + po.fuzzy_entries() if not e.obsolete]
    assert not missing, f"untranslated in {po_path}: {missing[:10]}"
