"""Translations across apps: Django merges every app's catalog into one, so the same English words must
not mean different things in two catalogs.

At run time the first catalog that has a msgid wins (LOCALE_PATHS, then INSTALLED_APPS in order): if
`enterprises` translated "Status" as 经营状态 (business status), the hazards list would show that too.
A word whose meaning differs between apps takes a context (`pgettext`, `{% trans "…" context "…" %}`);
every other shared word has one translation everywhere.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import polib
from django.conf import settings

from tests.platform.test_i18n import CATALOGS


def _label(path: Path) -> str:
    return str(path.relative_to(settings.BASE_DIR)).split("/locale/")[0] or "locale"


def test_a_shared_msgid_has_one_translation_across_catalogs() -> None:
    seen: dict[tuple[str | None, str], dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for po_path in CATALOGS:
        for entry in polib.pofile(str(po_path)):
            if entry.obsolete or not entry.msgstr or entry.msgid_plural:
                continue
            seen[(entry.msgctxt, entry.msgid)][entry.msgstr].append(_label(po_path))
    clashes = {key: dict(found) for key, found in seen.items() if len(found) > 1}
    assert not clashes, (
        f"{len(clashes)} msgids translated differently by different apps (the first app in INSTALLED_APPS "
        f"wins at run time; give one a context or use the same words): "
        + "; ".join(f"{msgid!r} (context {ctx!r}): {found}" for (ctx, msgid), found in list(clashes.items())[:15])
    )


def test_a_context_keeps_an_apps_own_meaning() -> None:
    """The words that read differently per app show each app's meaning (they clashed before)."""
    from django.utils import translation
    from django.utils.translation import gettext, pgettext

    with translation.override("zh-hans"):
        assert pgettext("hazard state", "Registered") == "已登记"
        assert pgettext("hazard", "Open") == "未销账"
        assert pgettext("hazard", "Status") == "状态"
        # An enterprise's operating status (经营状态) is the registry's own meaning; the plain word is any record's
        # status (a project's, an employee's, a certificate's), not 经营状态.
        assert pgettext("enterprise", "Status") == "经营状态"
        assert gettext("Status") == "状态"
        assert pgettext("risk", "level") == "风险等级"
        assert pgettext("credit", "revoked at") == "撤销时间"
        # The plain word keeps the registry's meaning.
        assert gettext("Closed") != pgettext("hazard", "Closed")
