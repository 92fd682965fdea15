"""What each kind of statutory deadline is called: the apps name their clocks where they define them
(`register_deadline_kind`), and the admin shows the name, not the machine key ("信用记录确认", not
"credit_proposal")."""

from __future__ import annotations

from typing import Any

_LABELS: dict[str, Any] = {}


def register_deadline_kind(kind: str, label: Any) -> str:
    """Name a kind (a lazy translation); returns the kind, so a module defines its constant with it. A kind
    with a `{placeholder}` (one clock per level) is named once for every value."""
    _LABELS[kind] = label
    return kind


def deadline_kind_label(kind: str) -> str:
    """The kind's name in the active language; the key itself for a kind no app named."""
    label = _LABELS.get(kind)
    if label is None:
        for pattern, named in _LABELS.items():
            if "{" in pattern and kind.startswith(pattern.split("{", 1)[0]):
                return str(named)
        return kind
    return str(label)


def deadline_kind_choices() -> list[tuple[str, str]]:
    """(kind, name) of every named kind without a placeholder, by name."""
    return sorted(((k, str(v)) for k, v in _LABELS.items() if "{" not in k), key=lambda choice: choice[1])


def registered_kinds() -> dict[str, Any]:
    return dict(_LABELS)
