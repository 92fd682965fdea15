"""No new import circle between apps: an app that imports another is never imported back by it, directly
or through a third app, except for the circles listed below that are still to be undone.

Read from the source with `ast` like tests/platform/test_layers.py (every import, also those inside
functions: an import moved into a function to dodge the import-time error is still a circle in the design).
The graph is drawn at app level (`enterprises -> hazards`), so files moving inside an app do not matter.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from tests.platform.test_layers import APPS, ROOT, _absolute, _imports, _modules

PACKAGES = ("safety_platform", *APPS)

# The circles still to be undone, each written from its smallest app name: none left. The last ones ran
# through the registry's dashboard figures (`enterprises.figures`), which read the domain apps' records while
# every domain app stands on the registry; now the domain apps hand their share over the way the core does
# (`enterprises.figures.sources`, the registry's conditions and signals, each app's `enterprise_hooks.py`).
# Keep it empty: a new circle is undone, not listed.
KNOWN_CIRCLES: set[tuple[str, ...]] = set()


def app_edges(root: Path = ROOT, packages: Iterable[str] = PACKAGES) -> dict[tuple[str, str], list[str]]:
    """(importing app, imported app) -> the `path:line` of each such import (migrations left out)."""
    packages = tuple(packages)
    edges: dict[tuple[str, str], list[str]] = {}
    for app in packages:
        for path in _modules(root / app):
            for line, module, level in _imports(path):
                target = module.split(".")[0]
                if level == 0 and target in packages and target != app:
                    edges.setdefault((app, target), []).append(f"{path.relative_to(root)}:{line}")
    return edges


def circles(edges: Iterable[tuple[str, str]]) -> set[tuple[str, ...]]:
    """Every simple circle of the graph, written from its smallest node (`("credit", "enterprises")`
    for credit -> enterprises -> credit)."""
    following: dict[str, set[str]] = {}
    for source, target in edges:
        following.setdefault(source, set()).add(target)
    found: set[tuple[str, ...]] = set()

    def walk(start: str, path: list[str]) -> None:
        for nxt in sorted(following.get(path[-1], ())):
            if nxt == start:
                found.add(tuple(path))
            elif nxt > start and nxt not in path:  # each circle once, from its smallest node
                walk(start, [*path, nxt])

    for start in sorted(following):
        walk(start, [start])
    return found


def _describe(circle: tuple[str, ...], edges: dict[tuple[str, str], list[str]]) -> str:
    steps = list(zip(circle, (*circle[1:], circle[0]), strict=True))
    where = "; ".join(f"{a} -> {b} at {', '.join(edges.get((a, b), [])[:3])}" for a, b in steps)
    return f"{' -> '.join((*circle, circle[0]))} ({where})"


def test_no_new_import_circle_between_apps() -> None:
    edges = app_edges()
    found = circles(edges)
    new = sorted(found - KNOWN_CIRCLES)
    assert new == [], (
        "a new import circle between apps (an app imports one that imports it back): reach the other app "
        "through the core's signals or registries instead:\n" + "\n".join(_describe(c, edges) for c in new)
    )
    undone = sorted(KNOWN_CIRCLES - found)
    assert undone == [], f"these circles are gone: remove them from KNOWN_CIRCLES so they stay gone: {undone}"


def room_edges(app: str, root: Path = ROOT) -> dict[tuple[str, str], list[str]]:
    """Inside an app made of rooms (`enterprises/registry/`, `enterprises/figures/`, ...): (importing room,
    imported room) -> the `path:line` of each such import, relative ones resolved."""
    edges: dict[tuple[str, str], list[str]] = {}
    for path in _modules(root / app):
        parts = path.relative_to(root).parts
        if len(parts) < 3:  # the app's own top-level modules only gather the rooms'
            continue
        for line, module, level in _imports(path):
            target = _absolute(path, module, level).split(".")
            if target[0] == app and len(target) > 1 and target[1] != parts[1] and (root / app / target[1]).is_dir():
                edges.setdefault((parts[1], target[1]), []).append(f"{path.relative_to(root)}:{line}")
    return edges


def test_no_circle_between_the_rooms_of_an_app() -> None:
    """The registry stands below the rooms built on it: the dashboards' figures listen to its signals, it
    never calls them."""
    edges = room_edges("enterprises")
    assert ("figures", "registry") in edges
    found = sorted(circles(edges))
    assert found == [], "an import circle between rooms:\n" + "\n".join(_describe(c, edges) for c in found)


def test_the_check_sees_a_new_circle(tmp_path: Path) -> None:
    """Through a third app and inside a function too (a check that cannot fail proves nothing)."""
    for app, source in {
        "alpha": "from beta.models import B\n",
        "beta": "def f():\n    from gamma import services\n",
        "gamma": "import alpha.selectors\n",
        "delta": "from alpha import models\n",
    }.items():
        (tmp_path / app).mkdir()
        (tmp_path / app / "services.py").write_text(source)
    edges = app_edges(tmp_path, ("alpha", "beta", "gamma", "delta"))
    assert edges[("beta", "gamma")] == ["beta/services.py:2"]
    assert circles(edges) == {("alpha", "beta", "gamma")}
    assert circles([("a", "b"), ("b", "a"), ("b", "c"), ("c", "a")]) == {("a", "b"), ("a", "b", "c")}
