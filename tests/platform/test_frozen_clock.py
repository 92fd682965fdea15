"""Every test that reads the clock reads a chosen moment, never the day the suite happens to run on.

A test that builds its data or its expected values from `timezone.now()`, `date.today()` or `localdate()`
passes or fails with the calendar (a quarter that has just begun, a deadline that falls on a weekend, the
last day of a month, 00:30 in Shanghai being yesterday in UTC). Read from the source with `ast`, a read
of the real clock in tests/ must stand under a chosen moment:

- the module's (or class's, or function's) `pytest.mark.clock(moment)` (tests/conftest.py sets the clock
  for the test and its function-scoped fixtures);
- a `with frozen(...)` / `with time_machine.travel(...)` block around it, a `@time_machine.travel(...)`
  decorator, or an earlier `time_machine.move_to(...)` in the same test.

A helper that reads the clock (a factory, a conftest fixture, a function of the test module) passes the
duty on: each place that calls it (or a test that asks for the fixture) counts as a read of the clock.
What stays outside is listed in ALLOWED, each with its reason.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]

# (object, attribute) pairs whose call reads the real clock; `localtime(x)` with an argument converts x.
CLOCK_CALLS = {
    ("timezone", "now"),
    ("timezone", "localdate"),
    ("timezone", "localtime"),
    ("date", "today"),
    ("datetime", "now"),
    ("datetime", "today"),
    ("datetime", "utcnow"),
}
CLOCK_NAMES = {"localdate", "localtime"}  # from django.utils.timezone import localdate
# The platform's own code that builds records dated from today (a report due for last quarter, a deadline
# overdue, a plan for this year): a test calling it asserts on what the calendar made of it.
DATED_DATA = {"seed_demo", "generate_city"}  # the functions, or `call_command("seed_demo")`, unless given `today=`

# Files (or folders) whose reads of the real clock are deliberate.
ALLOWED = {
    # The browser journeys drive Chromium against a live server: Chromium keeps the real clock (cookies,
    # the session's expiry, the date inputs' own calendar), so a moved server clock breaks the login
    # itself. Where a journey needs a date it moves the server's clock with time_machine (tick=True).
    "browser/": "a live server and a browser with its own clock",
    # Real Celery workers in other processes keep the real clock: the test's reads must agree with
    # theirs. Its dates are relative to now (yesterday's objection deadline, a year's listing), far from
    # any boundary.
    "platform/test_faults_drills.py": "real workers in other processes read the real clock",
    # The schema-wide check seeds the demo once for the module (before any test's clock is set) and
    # asserts the answers' shapes and status codes, not dates.
    "platform/test_schema_all.py": "demo seeded once per module; asserts shapes, not dates",
    # The checker itself names the clock's functions in its samples.
    "platform/test_frozen_clock.py": "the check's own samples",
}
# A module marked `pytest.mark.browser` drives Chromium against a live server, as tests/browser/ does.
BROWSER_MARK = "pytest.mark.browser"


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    if isinstance(node, ast.Call):
        return _dotted(node.func)
    return ""


def _reads_clock(node: ast.AST) -> str | None:
    """What the node reads of the real clock: a call such as `timezone.now()`, or the function itself
    handed over to be called later (`factory.LazyFunction(date.today)`)."""
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Attribute):
            owner = _dotted(func.value).rsplit(".", 1)[-1]
            if (owner, func.attr) in CLOCK_CALLS and not (func.attr == "localtime" and node.args):
                return f"{owner}.{func.attr}()"
        if isinstance(func, ast.Name) and func.id in CLOCK_NAMES and not node.args:
            return f"{func.id}()"
        for arg in node.args:  # LazyFunction(timezone.now), default=date.today
            if isinstance(arg, ast.Attribute) and (_dotted(arg.value).rsplit(".", 1)[-1], arg.attr) in CLOCK_CALLS:
                return _dotted(arg)
        name = _dotted(func).rsplit(".", 1)[-1]
        if any(keyword.arg == "today" for keyword in node.keywords):
            return None  # generate_city(..., today=...) is given its day
        if name in DATED_DATA:
            return f"{name}() (dated from today)"
        if name == "call_command" and node.args:
            command = node.args[0]
            if isinstance(command, ast.Constant) and command.value in DATED_DATA:
                return f'call_command("{command.value}") (dated from today)'
    return None


def _is_clock_mark(node: ast.AST) -> bool:
    """`pytest.mark.clock(...)` (possibly inside a list or tuple)."""
    if isinstance(node, ast.List | ast.Tuple):
        return any(_is_clock_mark(item) for item in node.elts)
    return isinstance(node, ast.Call) and _dotted(node.func) == "pytest.mark.clock"


def _is_travel(node: ast.AST) -> bool:
    """`frozen(...)`, `time_machine.travel(...)`, `travel(...)`."""
    return isinstance(node, ast.Call) and _dotted(node.func).rsplit(".", 1)[-1] in ("frozen", "travel")


def _pytestmark(body: list[ast.stmt]) -> list[str]:
    """The marks of a module's (or class's) `pytestmark`, as dotted names (`pytest.mark.clock`)."""
    marks: list[str] = []
    for stmt in body:
        if isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "pytestmark" for t in stmt.targets):
            values = stmt.value.elts if isinstance(stmt.value, ast.List | ast.Tuple) else [stmt.value]
            marks += [_dotted(value) for value in values]
    return marks


def _pytestmark_clock(body: list[ast.stmt]) -> bool:
    return "pytest.mark.clock" in _pytestmark(body)


def _fixture_scope(func: ast.FunctionDef | ast.AsyncFunctionDef) -> str | None:
    """None if not a fixture; else its scope."""
    for deco in func.decorator_list:
        name = _dotted(deco)
        if name in ("pytest.fixture", "fixture"):
            if isinstance(deco, ast.Call):
                for kw in deco.keywords:
                    if kw.arg == "scope" and isinstance(kw.value, ast.Constant):
                        return str(kw.value.value)
            return "function"
    return None


Function = ast.FunctionDef | ast.AsyncFunctionDef


def _walk(node: ast.AST, covered: bool, moved_at: int | None = None) -> Iterator[tuple[ast.AST, bool]]:
    """Every node under `node`, with whether a chosen moment is in effect there (lexically)."""
    for child in ast.iter_child_nodes(node):
        here = covered
        if isinstance(child, ast.With | ast.AsyncWith) and any(_is_travel(item.context_expr) for item in child.items):
            # the items themselves are evaluated before the clock moves; the body is covered
            for item in child.items:
                yield from _walk(item, covered, moved_at)
            for stmt in child.body:
                yield stmt, True
                yield from _walk(stmt, True, moved_at)
            continue
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) and (
            any(_is_travel(d) or _is_clock_mark(d) for d in child.decorator_list)
            or (isinstance(child, ast.ClassDef) and _pytestmark_clock(child.body))
        ):
            here = True
        if moved_at is not None and getattr(child, "lineno", 0) > moved_at:
            here = True
        yield child, here
        yield from _walk(child, here, moved_at if not isinstance(child, Function) else None)
        if (
            isinstance(child, ast.stmt)
            and not isinstance(child, Function)
            and any(
                isinstance(node, ast.Call) and _dotted(node.func).endswith("time_machine.move_to")
                for node in ast.walk(child)
            )
        ):
            moved_at = child.lineno  # the statements after it in this block run on the moved clock


def _guards(top: ast.AST) -> frozenset[str]:
    """The parameters that spare a helper's every read of the clock (`as_of or timezone.localdate()`: a
    caller that passes `as_of=` reads no clock); empty when some read is unconditional."""
    if not isinstance(top, ast.FunctionDef | ast.AsyncFunctionDef):
        return frozenset()
    params = {a.arg for a in [*top.args.args, *top.args.kwonlyargs]}
    spared: dict[int, str] = {}  # id of a read -> the parameter before its `or`
    for node in ast.walk(top):
        if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or) and len(node.values) == 2:
            first, second = node.values
            if isinstance(first, ast.Name) and first.id in params and _reads_clock(second):
                spared[id(second)] = first.id
    reads = [node for node in ast.walk(top) if _reads_clock(node)]
    if not reads or any(id(node) not in spared for node in reads):
        return frozenset()
    return frozenset(spared[id(node)] for node in reads)


def _clock_readers(path: Path, tree: ast.Module) -> dict[str, frozenset[str]]:
    """Top-level names of a helper module (factories, conftest, helpers) whose use reads the clock:
    functions, fixtures and factory classes that read it (directly or through another such name), each
    with the parameters that spare the read when a caller passes them (see `_guards`)."""
    readers: dict[str, frozenset[str]] = {}
    changed = True
    while changed:
        changed = False
        for top in tree.body:
            if not isinstance(top, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) or top.name in readers:
                continue
            for node in ast.walk(top):
                calls_reader = isinstance(node, ast.Call) and _dotted(node.func) in readers
                if _reads_clock(node) or calls_reader:
                    readers[top.name] = frozenset() if calls_reader else _guards(top)
                    changed = True
                    break
    return readers


def _freezing_fixtures(tree: ast.Module) -> dict[str, bool]:
    """A module's function-scoped fixtures that yield inside `with frozen(...)` / a travel: name -> autouse."""
    found = {}
    for top in tree.body:
        if isinstance(top, ast.FunctionDef) and _fixture_scope(top) == "function":
            for node in ast.walk(top):
                if (
                    isinstance(node, ast.With)
                    and any(_is_travel(item.context_expr) for item in node.items)
                    and any(isinstance(inner, ast.Yield) for stmt in node.body for inner in ast.walk(stmt))
                ):
                    autouse = any(
                        kw.arg == "autouse" and isinstance(kw.value, ast.Constant) and kw.value.value
                        for deco in top.decorator_list
                        if isinstance(deco, ast.Call)
                        for kw in deco.keywords
                    )
                    found[top.name] = autouse
    return found


def _reads_in_scope(scope: ast.AST) -> list[tuple[int, str]]:
    """Reads of the clock under `scope` that no `with frozen(...)` or travel covers."""
    return [(node.lineno, what) for node, here in _walk(scope, False) if (what := _reads_clock(node)) and not here]


def _uncovered_reads(
    path: Path, tree: ast.Module, foreign: dict[str, str], guards: dict[str, frozenset[str]] | None = None
) -> list[tuple[int, str]]:
    """Reads of the clock in a test module that no chosen moment covers.

    `foreign`: names imported from helper modules (or fixtures of a conftest) that read the clock."""
    freezing = _freezing_fixtures(tree)
    marked = _pytestmark_clock(tree.body) or any(freezing.values())
    guards = guards or {}
    # Which top-level code is a test or a fixture, which a local helper (its callers count).
    local_helpers: dict[str, list[tuple[int, str]]] = {}
    found: list[tuple[int, str]] = []

    def reads_in(scope: ast.AST, covered: bool) -> list[tuple[int, str]]:
        out = []
        for node, here in _walk(scope, covered):
            what = _reads_clock(node)
            if what is None and isinstance(node, ast.Call):
                name = _dotted(node.func)
                passed = {kw.arg for kw in node.keywords}
                if name in foreign and not (guards.get(name) and guards[name] <= passed):
                    what = f"{name}() ({foreign[name]})"
                elif local_helpers.get(name):
                    what = f"{name}() (reads the clock)"
            if what and not here:
                out.append((node.lineno, what))
        return out

    # Local helpers first, to a fixpoint: a helper is one more name whose callers read the clock.
    tops = [n for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    helpers = [f for f in tops if not f.name.startswith("test") and _fixture_scope(f) is None]
    changed = True
    while changed:
        changed = False
        for helper in helpers:
            reads = reads_in(helper, any(_is_travel(d) for d in helper.decorator_list))
            if reads and not local_helpers.get(helper.name):
                local_helpers[helper.name] = reads
                changed = True

    for top in tree.body:
        if isinstance(top, ast.FunctionDef | ast.AsyncFunctionDef) and top.name in local_helpers:
            continue  # its callers are checked instead
        if isinstance(top, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            scope = _fixture_scope(top) if not isinstance(top, ast.ClassDef) else None
            # The module's mark covers tests and function-scoped fixtures; not a fixture set up once for
            # a whole module or session (it runs before the test's clock is set).
            covered = marked and scope in (None, "function")
            if isinstance(top, ast.ClassDef):
                covered = covered or _pytestmark_clock(top.body)
            covered = covered or any(_is_travel(d) or _is_clock_mark(d) for d in top.decorator_list)
            if not isinstance(top, ast.ClassDef):  # a test asking for a fixture that freezes the clock
                covered = covered or any(arg.arg in freezing for arg in top.args.args)
            found += reads_in(top, covered)
            if not covered and not isinstance(top, ast.ClassDef):
                for arg in top.args.args:
                    if arg.arg in foreign and foreign[arg.arg].startswith("fixture"):
                        found.append((top.lineno, f"fixture {arg.arg} ({foreign[arg.arg]})"))
        else:  # module-level code runs at import, before any moment is chosen
            for node in ast.walk(top):
                what = _reads_clock(node)
                if what:
                    found.append((node.lineno, f"{what} at import time"))
    return sorted(found)


def _allowed(rel: str) -> bool:
    return any(rel == key or (key.endswith("/") and rel.startswith(key)) for key in ALLOWED)


def uncovered_reads(root: Path = TESTS) -> list[str]:
    """`path:line: what` for every read of the real clock in the tests that no chosen moment covers."""
    files = sorted(p for p in root.rglob("*.py"))
    trees = {p: ast.parse(p.read_text(encoding="utf-8"), filename=str(p)) for p in files}
    helpers = {p: _clock_readers(p, t) for p, t in trees.items() if not p.name.startswith("test_")}
    fixtures: dict[Path, dict[str, str]] = {}  # conftest folder -> fixture name -> where
    for p, names in helpers.items():
        if p.name == "conftest.py":
            for top in trees[p].body:
                if isinstance(top, ast.FunctionDef) and top.name in names and _fixture_scope(top):
                    rel = p.relative_to(root).as_posix()
                    fixtures.setdefault(p.parent, {})[top.name] = f"fixture in {rel}"
    problems = []
    for path, tree in trees.items():
        rel = path.relative_to(root).as_posix()
        if _allowed(rel) or BROWSER_MARK in _pytestmark(tree.body):
            continue
        if not path.name.startswith("test_"):
            # A helper reading the clock lazily passes the duty to its callers; at import time it cannot.
            for top in tree.body:
                if not isinstance(top, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Import):
                    for node in ast.walk(top):
                        if _reads_clock(node):
                            problems.append(f"{rel}:{node.lineno}: {_reads_clock(node)} at import time")
                # A fixture set up once for a module or the session runs before any test's clock is set.
                elif isinstance(top, ast.FunctionDef) and _fixture_scope(top) not in (None, "function"):
                    problems += [
                        f"{rel}:{line}: {what} in a {_fixture_scope(top)} fixture"
                        for line, what in _reads_in_scope(top)
                    ]
            continue
        foreign: dict[str, str] = {}
        guards: dict[str, frozenset[str]] = {}
        for node in tree.body:
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                source = root.parent / (node.module.replace(".", "/") + ".py")
                for alias in node.names:
                    if source in helpers and alias.name in helpers[source]:
                        foreign[alias.asname or alias.name] = f"{node.module}.{alias.name} reads the clock"
                        guards[alias.asname or alias.name] = helpers[source][alias.name]
            if isinstance(node, ast.ImportFrom | ast.Import):  # `from tests.credit import factories as f`
                for alias in node.names:
                    module = f"{node.module}.{alias.name}" if isinstance(node, ast.ImportFrom) else alias.name
                    source = root.parent / (module.replace(".", "/") + ".py")
                    prefix = alias.asname or alias.name.rsplit(".", 1)[-1]
                    for name, spared_by in helpers.get(source, {}).items():
                        foreign[f"{prefix}.{name}"] = f"{module}.{name} reads the clock"
                        guards[f"{prefix}.{name}"] = spared_by
        folder = path.parent
        while folder != root.parent:
            for name, where in fixtures.get(folder, {}).items():
                foreign.setdefault(name, where)
            folder = folder.parent
        problems += [f"{rel}:{line}: {what}" for line, what in _uncovered_reads(path, tree, foreign, guards)]
    return problems


def test_every_read_of_the_clock_in_the_tests_stands_on_a_chosen_moment() -> None:
    problems = uncovered_reads()
    assert problems == [], (
        "these tests read the day the suite runs on: give the module `pytestmark = [..., "
        "pytest.mark.clock(shanghai(...))]` (tests/clock.py), or wrap the read in `with frozen(...)`:\n"
        + "\n".join(problems)
    )


def test_the_check_sees_a_read_of_the_clock(tmp_path: Path) -> None:
    """The walker flags an unfrozen read, a helper's and a factory's, and accepts the covered ones."""
    (tmp_path / "helpers.py").write_text("import datetime as dt\ndef today():\n    return dt.date.today()\n")
    (tmp_path / "test_sample.py").write_text(
        "import datetime as dt\n"
        "import pytest\n"
        "from django.utils import timezone\n"
        f"from {tmp_path.name}.helpers import today\n"
        "def test_a():\n"
        "    assert timezone.now()\n"  # 6: flagged
        "def test_b():\n"
        "    with frozen(shanghai(2026, 1, 1)):\n"
        "        assert timezone.now()\n"  # covered
        "def test_c(time_machine):\n"
        "    time_machine.move_to(shanghai(2026, 1, 1))\n"
        "    assert dt.date.today()\n"  # covered
        "def test_d():\n"
        "    assert today()\n"  # 14: flagged through the helper
        "def _local():\n"
        "    return timezone.localdate()\n"
        "def test_e():\n"
        "    assert _local()\n"  # 18: flagged through the local helper
        "@pytest.mark.clock(shanghai(2026, 1, 1))\n"
        "def test_f():\n"
        "    assert _local() and today()\n"  # covered
        "WHEN = timezone.now()\n"  # 22: at import time
    )
    found = uncovered_reads(tmp_path)
    lines = sorted(int(problem.split(":")[1]) for problem in found)
    assert lines == [6, 14, 18, 22], found
    (tmp_path / "test_sample.py").write_text(
        "import pytest\nfrom django.utils import timezone\n"
        "pytestmark = [pytest.mark.django_db, pytest.mark.clock(shanghai(2026, 1, 1))]\n"
        "def test_a():\n    assert timezone.now()\n"
        "@pytest.fixture(scope='module')\ndef once():\n    return timezone.now()\n"  # 8: before the clock is set
    )
    (tmp_path / "test_other.py").write_text(
        "from django.core.management import call_command\n"
        "def test_demo():\n    call_command('seed_demo')\n"  # 3: the demo is dated from today
        "def test_city():\n    call_command('generate_city', today=DAY)\n"  # given its day
        f"from {tmp_path.name}.helpers import stamp\n"
        "def test_stamp():\n    stamp(at=DAY)\n    stamp()\n"  # 9: only the call without `at`
        "@pytest.fixture\ndef moment():\n    with frozen(DAY):\n        yield\n"
        "def test_moment(moment):\n    assert timezone.now()\n"  # the fixture froze it
    )
    (tmp_path / "helpers.py").write_text(
        "import datetime as dt\nfrom django.utils import timezone\n"
        "def today():\n    return dt.date.today()\n"
        "def stamp(at=None):\n    return at or timezone.now()\n"
    )
    found = uncovered_reads(tmp_path)
    assert [problem.split(":")[:2] for problem in found] == [
        ["test_other.py", "3"],
        ["test_other.py", "9"],
        ["test_sample.py", "8"],
    ], found
