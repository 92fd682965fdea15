"""axe-core in the browser tests: no page a user visits may have a critical or serious accessibility violation.

axe-core comes from the npm registry (`npm ci` installs it into node_modules; the platform never serves it).
Use::

    from tests.browser.axe import assert_no_axe_violations

    page.goto(url)
    assert_no_axe_violations(page)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
FAILING_IMPACTS = ("critical", "serious")


def axe_violations(page: Any, *, tags: tuple[str, ...] = (), disable: tuple[str, ...] = ()) -> list[dict]:
    """Run axe-core on the page as it is now and return its violations (every impact).

    Without `tags` axe runs its default rule set (WCAG 2.x A/AA and its best practices), as an auditor would.
    """
    if not AXE_JS.exists():
        raise AssertionError(f"{AXE_JS} is missing: run `npm ci` (axe-core is in package.json)")
    if not page.evaluate("typeof window.axe === 'object'"):
        # Evaluated through the DevTools protocol, not added as a <script>: the pages' Content-Security-Policy
        # (script-src 'self') blocks an inline script tag, as it should, but not the test's own evaluation.
        page.evaluate(AXE_JS.read_text(encoding="utf-8") + "\n;undefined")
    options: dict[str, Any] = {"resultTypes": ["violations"]}
    if tags:
        options["runOnly"] = {"type": "tag", "values": list(tags)}
    if disable:
        options["rules"] = {rule: {"enabled": False} for rule in disable}
    return page.evaluate("options => axe.run(document, options).then(r => r.violations)", options)


def missing_idrefs(page: Any) -> list[str]:
    """`aria-describedby`, `aria-labelledby`, `aria-controls` and `<label for>` naming ids absent from the page.

    axe only reviews these by hand; a help text or error behind a missing id is never read to a screen reader.
    """
    return page.evaluate(
        """() => {
          const out = [];
          for (const attr of ['aria-describedby', 'aria-labelledby', 'aria-controls', 'for']) {
            for (const el of document.querySelectorAll(`[${attr}]`)) {
              if (attr === 'for' && el.tagName !== 'LABEL') continue;
              for (const id of el.getAttribute(attr).split(/\\s+/).filter(Boolean)) {
                if (!document.getElementById(id)) out.push(`<${el.tagName.toLowerCase()} ${attr}="${id}">`);
              }
            }
          }
          return out;
        }"""
    )


def format_violations(violations: list[dict], *, nodes_per_rule: int = 5) -> str:
    """One block per rule: impact, rule id, help, then each failing element's selector, HTML and axe's reason."""
    lines: list[str] = []
    for violation in violations:
        nodes = violation["nodes"]
        lines.append(f"[{violation['impact']}] {violation['id']}: {violation['help']} ({len(nodes)} element(s))")
        for node in nodes[:nodes_per_rule]:
            target = " ".join(str(part) for part in node.get("target", []))
            html = " ".join(node.get("html", "").split())[:200]
            reason = " ".join(node.get("failureSummary", "").split())[:300]
            lines.append(f"    {target}\n        {html}\n        {reason}")
        if len(nodes) > nodes_per_rule:
            lines.append(f"    ... and {len(nodes) - nodes_per_rule} more")
    return "\n".join(lines)


def assert_no_axe_violations(
    page: Any, *, context: str = "", tags: tuple[str, ...] = (), disable: tuple[str, ...] = ()
) -> None:
    """Fail when axe-core finds a critical or serious violation on the page (listing rule, target and snippet).

    `context` names the page in the failure message (defaults to its URL). `disable` turns off named rules for
    a page that has a reason written next to the call; prefer fixing the page.
    """
    failing = [v for v in axe_violations(page, tags=tags, disable=disable) if v.get("impact") in FAILING_IMPACTS]
    if failing:
        where = context or page.url
        raise AssertionError(f"axe-core: critical/serious violations on {where}:\n{format_violations(failing)}")
