"""Refusals name their rule: a check over the source (issue 17, "one path for refusals").

- every `DomainError(...)` in the application carries `code=` (a snake_case literal, or a module
  constant holding one), and every subclass passes one to `super().__init__`;
- every code the application raises is listed in docs/api.md, where API clients look it up;
- every `pytest.raises(DomainError)` (or a subclass) in the tests binds the error with `as name`, and the
  test reads `name.value.code` after it: a test that only checks "some refusal happened" passes when the
  wrong rule refuses.

The walkers are tested on small snippets too, so that the check itself can fail.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SKIPPED_DIRS = {".venv", "node_modules", "migrations", "var", "static", "__pycache__", ".git"}
SNAKE_CASE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
BASE = "DomainError"
# Shared helpers that raise the refusal their caller names (`code=` passed through): their calls are checked
# like DomainError(...), and inside them `code=code` forwards the caller's literal.
FORWARDERS = {"lock_in_state": "safety_platform/locking.py"}


def _python_files(top: Path) -> Iterator[Path]:
    for path in sorted(top.rglob("*.py")):
        if not SKIPPED_DIRS.intersection(path.relative_to(ROOT).parts):
            yield path


def _app_files() -> Iterator[Path]:
    return (p for p in _python_files(ROOT) if p.relative_to(ROOT).parts[0] != "tests")


def _called_name(call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _constants(tree: ast.Module) -> dict[str, str]:
    """Module-level `NAME = "text"` assignments (a code may be kept in a constant)."""
    found: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    found[target.id] = node.value.value
    return found


def subclasses(trees: list[ast.Module]) -> set[str]:
    """The names of DomainError and of every class derived from it (transitively) in `trees`."""
    names = {BASE}
    bases: dict[str, set[str]] = {}
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                bases[node.name] = {b.id if isinstance(b, ast.Name) else ast.unparse(b) for b in node.bases}
    grew = True
    while grew:
        grew = False
        for name, parents in bases.items():
            if name not in names and parents & names:
                names.add(name)
                grew = True
    return names


def refusal_problems(source: str, where: str, errors: set[str]) -> tuple[list[str], set[str]]:
    """Problems with the refusals built in `source`, and the codes it uses."""
    tree = ast.parse(source)
    constants = _constants(tree)
    problems: list[str] = []
    codes: set[str] = set()

    def check(call: ast.Call, what: str) -> None:
        code = next((k.value for k in call.keywords if k.arg == "code"), None)
        if code is None:
            problems.append(f"{where}:{call.lineno}: {what} without code=")
            return
        if isinstance(code, ast.Constant) and isinstance(code.value, str):
            value: str | None = code.value
        elif isinstance(code, ast.Name):
            value = constants.get(code.id)
        else:
            value = None
        if value is None or not SNAKE_CASE.match(value):
            problems.append(f"{where}:{call.lineno}: {what} code={ast.unparse(code)} is not a snake_case literal")
        else:
            codes.add(value)

    forwarding = where in FORWARDERS.values()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _called_name(node) == BASE:
            code = next((k.value for k in node.keywords if k.arg == "code"), None)
            if not (forwarding and isinstance(code, ast.Name) and code.id == "code"):
                check(node, "DomainError(...)")
        if isinstance(node, ast.Call) and _called_name(node) in FORWARDERS:
            check(node, f"{_called_name(node)}(...)")
        if isinstance(node, ast.ClassDef) and node.name != BASE and node.name in errors:
            for inner in ast.walk(node):
                if (
                    isinstance(inner, ast.Call)
                    and isinstance(inner.func, ast.Attribute)
                    and inner.func.attr == "__init__"
                    and isinstance(inner.func.value, ast.Call)
                    and _called_name(inner.func.value) == "super"
                ):
                    check(inner, f"{node.name}: super().__init__(...)")
    return problems, codes


def _raises_target(item: ast.withitem, errors: set[str]) -> bool:
    call = item.context_expr
    if not (isinstance(call, ast.Call) and ast.unparse(call.func) == "pytest.raises" and call.args):
        return False
    expected = call.args[0]
    candidates = expected.elts if isinstance(expected, ast.Tuple) else [expected]
    return any(
        (c.id if isinstance(c, ast.Name) else c.attr if isinstance(c, ast.Attribute) else None) in errors
        for c in candidates
    )


def unread_refusals(source: str, where: str, errors: set[str]) -> list[str]:
    """`pytest.raises(<a DomainError>)` blocks in `source` whose refusal's code the test never reads."""
    problems: list[str] = []
    for function in ast.walk(ast.parse(source)):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        reads = [  # (line, name) of each `name.value.code`
            (node.lineno, node.value.value.id)
            for node in ast.walk(function)
            if isinstance(node, ast.Attribute)
            and node.attr == "code"
            and isinstance(node.value, ast.Attribute)
            and node.value.attr == "value"
            and isinstance(node.value.value, ast.Name)
        ]
        for block in ast.walk(function):
            if not isinstance(block, ast.With | ast.AsyncWith):
                continue
            for item in block.items:
                if not _raises_target(item, errors):
                    continue
                name = item.optional_vars.id if isinstance(item.optional_vars, ast.Name) else None
                if name is None:
                    problems.append(f"{where}:{block.lineno}: pytest.raises(...) without `as name`")
                elif not any(line >= block.lineno and read == name for line, read in reads):
                    problems.append(f"{where}:{block.lineno}: the test never reads {name}.value.code")
    return problems


# The check --------------------------------------------------------------------------------------------


def _app_trees() -> list[tuple[Path, str, ast.Module]]:
    out = []
    for path in _app_files():
        source = path.read_text(encoding="utf-8")
        out.append((path, source, ast.parse(source)))
    return out


def test_every_refusal_in_the_application_names_its_rule() -> None:
    trees = _app_trees()
    errors = subclasses([tree for _, _, tree in trees])
    assert "StaleEdit" in errors  # the walk finds subclasses
    problems: list[str] = []
    for path, source, _tree in trees:
        found, _codes = refusal_problems(source, str(path.relative_to(ROOT)), errors)
        problems += found
    assert problems == []


def test_every_code_the_application_raises_is_listed_in_the_api_docs() -> None:
    trees = _app_trees()
    errors = subclasses([tree for _, _, tree in trees])
    codes: set[str] = set()
    for path, source, _tree in trees:
        codes |= refusal_problems(source, str(path.relative_to(ROOT)), errors)[1]
    assert {"conflict", "forbidden", "invalid", "plan_incomplete", "stale"} <= codes  # the walk reads codes
    documented = set(re.findall(r"`([a-z0-9_]+)`", (ROOT / "docs" / "api.md").read_text(encoding="utf-8")))
    assert sorted(codes - documented) == []


def test_every_expected_refusal_in_the_tests_checks_which_rule_refused() -> None:
    errors = subclasses([tree for _, _, tree in _app_trees()])
    problems: list[str] = []
    for path in _python_files(ROOT / "tests"):
        problems += unread_refusals(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)), errors)
    assert problems == []


# The walkers, on snippets -----------------------------------------------------------------------------

APP_SNIPPET = """
RUNNING = "period_running"

class Refusal(DomainError):
    def __init__(self):
        super().__init__("x")

class Late(Refusal):
    pass

def f():
    raise DomainError("no code")

def g():
    raise services.DomainError("ok", code="plan_incomplete")

def h():
    raise DomainError("constant", code=RUNNING)

def i(value):
    raise DomainError("computed", code=value)

def j():
    raise DomainError("camel", code="PlanIncomplete")
"""

TEST_SNIPPET = """
def test_bare():
    with pytest.raises(DomainError):
        f()

def test_named_but_unread():
    with pytest.raises(Late, match="x") as caught:
        f()
    assert caught.value.field == "x"

def test_read_before_not_after(caught):
    assert caught.value.code == "x"
    with pytest.raises((DomainError, ValueError)) as caught:
        f()

def test_good():
    for actor in actors:
        with pytest.raises(DomainError) as refused:
            f(actor)
        assert refused.value.code == "forbidden"

def test_other_exceptions_are_not_concerned():
    with pytest.raises(ValueError):
        f()
"""


def test_the_source_walker_flags_a_refusal_without_a_code() -> None:
    errors = subclasses([ast.parse(APP_SNIPPET)])
    assert errors == {"DomainError", "Refusal", "Late"}
    problems, codes = refusal_problems(APP_SNIPPET, "app.py", errors)
    assert [p.split(": ", 1)[1] for p in problems] == [
        "Refusal: super().__init__(...) without code=",
        "DomainError(...) without code=",
        "DomainError(...) code=value is not a snake_case literal",
        "DomainError(...) code='PlanIncomplete' is not a snake_case literal",
    ]
    assert codes == {"plan_incomplete", "period_running"}


def test_the_test_walker_flags_a_refusal_whose_code_is_not_read() -> None:
    problems = unread_refusals(TEST_SNIPPET, "test_x.py", {"DomainError", "Late"})
    assert problems == [
        "test_x.py:3: pytest.raises(...) without `as name`",
        "test_x.py:7: the test never reads caught.value.code",
        "test_x.py:13: the test never reads caught.value.code",
    ]
