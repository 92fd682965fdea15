"""Harness of the journey tests: one user's day, walked in a real browser against a live server.

A `Journey` wraps one browser context (phone 390×844 or desktop 1366×900) and, on every key screen,
saves a screenshot to `var/test-artifacts/journeys/<journey>/NN-name.png` (git-ignored) and checks the
page as it stands: nothing sticks out sideways on a phone, and axe-core finds no critical or serious
violation. Console errors and uncaught page errors are collected the whole time. The checks are
gathered, not raised at once, so one walk reports every page at fault; `finish()` fails the test with
the whole list (and writes it to `problems.txt` beside the screenshots).
"""

from __future__ import annotations

import contextlib
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings

ARTIFACTS = Path(settings.BASE_DIR) / "var" / "test-artifacts" / "journeys"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}

# Elements sticking out of the screen. Boxes inside a scroll container (a wide table in
# .table-responsive) or clipped by an ancestor do not widen the page; nor do invisible ones.
# Measured against the phone's own width: a mobile browser widens its layout viewport (innerWidth) to
# fit content that sticks out, and the page then looks fine against innerWidth while the phone zooms.
OVERFLOW_JS = """(screenWidth) => {
  const width = Math.min(window.innerWidth, screenWidth);
  const out = [];
  if (window.innerWidth > screenWidth) {
    out.push(`the browser widened the page to ${window.innerWidth}px to fit it on a ${screenWidth}px screen`);
  }
  if (document.scrollingElement.scrollWidth > width) {
    out.push(`page is ${document.scrollingElement.scrollWidth}px wide on a ${width}px screen`);
  }
  const clipped = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const ox = getComputedStyle(p).overflowX;
      if (ox === 'auto' || ox === 'scroll' || ox === 'hidden' || ox === 'clip') return true;
    }
    return false;
  };
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if (r.right <= width + 0.5 && r.left >= -0.5) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.position === 'fixed') continue;
    if (clipped(el)) continue;
    const id = el.id ? '#' + el.id : '';
    const cls = typeof el.className === 'string' && el.className
      ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
    out.push(`${el.tagName.toLowerCase()}${id}${cls} spans ${Math.round(r.left)}..${Math.round(r.right)}px`);
    if (out.length >= 8) break;
  }
  return out;
}"""

# Console noise that is the point of a step (a deliberately offline browser cannot load anything).
OFFLINE_NOISE = re.compile(r"ERR_INTERNET_DISCONNECTED|Failed to fetch|NetworkError", re.I)


class Journey:
    """One user's walk through the site, with screenshots and page checks along the way."""

    def __init__(self, browser: Any, live_server: Any, name: str, *, phone: bool) -> None:
        self.name = name
        self.base = live_server.url
        self.phone = phone
        self.context = browser.new_context(
            viewport=PHONE if phone else DESKTOP,
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
            is_mobile=phone,
            has_touch=phone,
        )
        self.page = self.context.new_page()
        self.page.set_default_timeout(15000)
        self.console_errors: list[str] = []
        self.problems: list[str] = []
        self.axe_report: list[str] = []
        self._tolerated: list[re.Pattern[str]] = []
        self._shots = 0
        self.folder = ARTIFACTS / name
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda exc: self.console_errors.append(f"{self.page.url}: page error: {exc}"))

    # Collectors ---------------------------------------------------------------------------------

    def _on_console(self, message: Any) -> None:
        if message.type != "error":
            return
        text = message.text
        if any(pattern.search(text) for pattern in self._tolerated):
            return
        self.console_errors.append(f"{self.page.url}: {text}")

    @contextlib.contextmanager
    def tolerate_console(self, pattern: str | re.Pattern[str]) -> Iterator[None]:
        """Console errors matching `pattern` are expected during the block (e.g. while offline)."""
        compiled = re.compile(pattern) if isinstance(pattern, str) else pattern
        self._tolerated.append(compiled)
        try:
            yield
        finally:
            self._tolerated.remove(compiled)

    # Navigation ---------------------------------------------------------------------------------

    def url(self, path: str) -> str:
        return path if path.startswith("http") else f"{self.base}{path}"

    def login(self, username: str, password: str) -> None:
        page = self.page
        page.goto(self.url("/accounts/login/"))
        if "/accounts/login/" not in page.url:
            return  # still signed in: the login page sends a signed-in user home
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        with page.expect_navigation():
            page.click("main button[type=submit]")
        assert "/accounts/login/" not in page.url, f"{username} could not sign in"

    def visit(self, path: str, shot: str | None = None, *, status: int = 200) -> Any:
        response = self.page.goto(self.url(path))
        assert response is not None and response.status == status, (
            f"{path}: HTTP {response.status if response else '—'}"
        )
        if shot:
            self.shot(shot)
        return response

    def open_action(self, action: str) -> Any:
        """Unfold a hazard's next-step form (a Bootstrap collapse) and return it once fully open.

        Clicking the form's button while the collapse still animates, or before Bootstrap has bound
        the toggle, lost the click on a loaded machine; so wait for the settled `.show` state.
        """
        page = self.page
        panel = page.locator(f"#act-{action}")
        if "show" not in (panel.get_attribute("class") or "").split():
            page.get_by_test_id(f"action-{action}").click()
        page.wait_for_function(
            "id => { const el = document.getElementById(id);"
            " return el && el.classList.contains('show') && !el.classList.contains('collapsing'); }",
            arg=f"act-{action}",
        )
        return page.get_by_test_id(f"form-{action}")

    # Screens ------------------------------------------------------------------------------------

    def shot(self, name: str) -> Path:
        """Screenshot the page as it is (whole page) and check it; returns the file."""
        self.page.wait_for_load_state("load")
        # From the top: a sticky top bar would otherwise be painted wherever the page was scrolled to.
        self.page.evaluate("window.scrollTo(0, 0)")
        self._settle()
        self._shots += 1
        path = self.folder / f"{self._shots:02d}-{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        self.check(name)
        return path

    def _settle(self) -> None:
        """Wait until no CSS transition runs: a button just clicked fades into its hover colours over 0.15 s, and
        axe-core sampling it halfway measured a contrast no reader sees (2.87 between the two states' colours)."""
        self.page.wait_for_function(
            "() => document.getAnimations().every((a) => !(a instanceof CSSTransition) || a.playState !== 'running')"
        )

    def check(self, label: str) -> None:
        """Overflow on a phone and axe-core's critical/serious rules, gathered into `problems`."""
        where = f"{label} ({self.page.url.removeprefix(self.base)})"
        self._settle()
        if self.phone:
            for item in self.page.evaluate(OVERFLOW_JS, PHONE["width"]):
                self.problems.append(f"wider than the phone: {where}: {item}")
        from tests.browser.axe import FAILING_IMPACTS, axe_violations, format_violations

        failing = [v for v in axe_violations(self.page) if v.get("impact") in FAILING_IMPACTS]
        if failing:
            self.problems.append(f"axe-core on {where}:\n{format_violations(failing, nodes_per_rule=3)}")
            self.axe_report.append(
                f"{where}: " + ", ".join(f"{v['id']} ({v['impact']}, {len(v['nodes'])})" for v in failing)
            )

    def close_and_report(self) -> list[str]:
        """Close the context; write and return every console error and page problem met on the way."""
        self.context.close()
        found = [f"console error: {e}" for e in self.console_errors] + self.problems
        report = self.folder / "problems.txt"
        report.write_text("\n".join(found) + "\n" if found else "none\n", encoding="utf-8")
        (self.folder / "axe-summary.txt").write_text("\n".join(self.axe_report) + "\n", encoding="utf-8")
        return [f"[{self.name}] {item}" for item in found]

    def finish(self) -> None:
        """Close the context; fail with every console error and page problem met on the way."""
        finish_all(self)


def finish_all(*journeys: Journey) -> None:
    """End several journeys of one test together: one failure listing all their problems."""
    found = [item for journey in journeys for item in journey.close_and_report()]
    names = ", ".join(journey.name for journey in journeys)
    assert not found, f"journey {names}: {len(found)} problem(s) (see problems.txt in {ARTIFACTS}):\n" + "\n".join(
        found
    )


def demo_world() -> dict[str, Any]:
    """The demo data (`seed_demo`: Longyan's enterprises, one login per role, hazards, credit, warnings)."""
    from safety_platform.demo_data import DEMO_PASSWORD
    from safety_platform.management.commands.seed_demo import seed_demo

    seed_demo()
    return {"password": DEMO_PASSWORD}


def tiny_jpeg(path: Path, colour: str = "#c0392b") -> Path:
    """A small real JPEG (a hazard photo) made with Pillow."""
    from PIL import Image

    Image.new("RGB", (320, 240), colour).save(path, "JPEG")
    return path
