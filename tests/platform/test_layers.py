"""Layers point one way: the shared core imports no app, and the API never calls the web views.

Read from the source with `ast` (every import, also those inside functions), so a new upward import fails
here before it lands.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("enterprises", "hazards", "credit", "emergency", "assessment", "supervision")


def _modules(folder: Path) -> list[Path]:
    return [p for p in sorted(folder.rglob("*.py")) if "migrations" not in p.parts]


def _imports(path: Path) -> list[tuple[int, str, int]]:
    """(line, module, relative level) of every import statement in the file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name, 0) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            found.append((node.lineno, node.module or "", node.level))
            if node.level and not node.module:  # from .. import views
                found.extend((node.lineno, alias.name, node.level) for alias in node.names)
    return found


def test_the_shared_core_imports_no_app() -> None:
    upward = [
        f"{path.relative_to(ROOT)}:{line}: {module}"
        for path in _modules(ROOT / "safety_platform")
        for line, module, level in _imports(path)
        if level == 0 and module.split(".")[0] in APPS
    ]
    assert upward == [], "safety_platform/ must not import an app (use a signal or a registry):\n" + "\n".join(upward)


def test_api_modules_do_not_import_web_views() -> None:
    found = []
    for app in (*APPS, "safety_platform"):
        for path in _modules(ROOT / app / "api") if (ROOT / app / "api").is_dir() else []:
            for line, module, level in _imports(path):
                parts = module.split(".")
                # `from ..views import x`, `from .. import views`, `from hazards.views import x`,
                # `from hazards import views` (the web views; `api.views` and `safety_platform.api.views` are API).
                web = (level >= 2 and parts[0] == "views") or (
                    level == 0 and len(parts) >= 2 and parts[0] in APPS and parts[1].startswith("views")
                )
                if web:
                    found.append(f"{path.relative_to(ROOT)}:{line}: {'.' * level}{module}")
    assert found == [], "the API calls services, never the web views:\n" + "\n".join(found)


def test_the_check_sees_an_upward_import(tmp_path: Path) -> None:
    """The walker finds imports inside functions and relative ones (a check that cannot fail proves nothing)."""
    sample = tmp_path / "m.py"
    sample.write_text("def f():\n    from enterprises.models import Enterprise\n    from .. import views\n")
    assert (2, "enterprises.models", 0) in _imports(sample)
    assert (3, "views", 2) in _imports(sample)


def _absolute(path: Path, module: str, level: int) -> str:
    """The dotted name an import statement in `path` refers to (relative imports resolved)."""
    if not level:
        return module
    package = list(path.relative_to(ROOT).with_suffix("").parts)[:-1]
    base = package[: len(package) - (level - 1)]
    return ".".join([*base, module] if module else base)


def _api_modules() -> list[Path]:
    """Every API module: an app's `api/` folder and the `api.py` of a room inside an app (`enterprises/training/`)."""
    return [
        path
        for app in (*APPS, "safety_platform")
        for path in _modules(ROOT / app)
        if path.name == "api.py" or "api" in path.relative_to(ROOT).parts[:-1]
    ]


def _web_views(module: str) -> bool:
    parts = module.split(".")
    return parts[0] in (*APPS, "safety_platform") and "api" not in parts and any(p.startswith("views") for p in parts)


def test_api_modules_of_rooms_do_not_import_web_views() -> None:
    """Also inside an app made of rooms: `enterprises/training/api.py` calls the room's services, never
    `enterprises/training/views.py` (nor any other web views)."""
    found = []
    for path in _api_modules():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                base = _absolute(path, node.module or "", node.level)
                names = [base, *(f"{base}.{alias.name}" for alias in node.names)]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            if any(_web_views(name) for name in names):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert found == [], "the API calls services, never the web views:\n" + "\n".join(found)


def test_the_room_check_sees_web_views() -> None:
    room_api = ROOT / "enterprises" / "training" / "api.py"
    assert room_api in _api_modules()
    assert _web_views(_absolute(room_api, "views", 1))  # from .views import x
    assert _web_views(_absolute(room_api, "", 1) + ".views")  # from . import views
    assert _web_views(_absolute(room_api, "admission.views", 2))  # from ..admission.views import x
    assert not _web_views(_absolute(room_api, "services", 1))
    assert not _web_views("safety_platform.api.views")


def test_no_grab_bag_modules_in_an_app() -> None:
    """Each domain has its own room (models, services, selectors, views, api, admin, tasks, demo): no
    `*_topics.py` or `topic_*.py` collecting pieces of several domains."""
    found = [
        str(path.relative_to(ROOT))
        for app in (*APPS, "safety_platform")
        for path in _modules(ROOT / app)
        if path.stem.endswith("_topics") or path.stem.startswith("topic_")
    ]
    assert found == [], "put each piece in the room of the domain that owns it:\n" + "\n".join(found)
