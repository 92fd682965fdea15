"""A fresh clone's documentation stands alone: the README's links lead to files in the repository and
nothing refers to documents outside it (a clone has no `../shared/`)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUTSIDE = re.compile(r"\.\./shared|\b(?:DESIGN|STYLE|NOTES)\.md\b")


def tracked_text_files() -> list[Path]:
    names = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    suffixes = {".py", ".md", ".html", ".txt", ".sh", ".toml", ".cfg", ".js", ".po", ".yml", ".yaml", ""}
    return [ROOT / n for n in names.splitlines() if Path(n).suffix in suffixes and (ROOT / n).is_file()]


def test_nothing_refers_to_documents_outside_the_repository() -> None:
    this = Path(__file__).resolve()
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in tracked_text_files()
        if path.resolve() != this
        for number, line in enumerate(path.read_text(errors="ignore").splitlines(), start=1)
        if OUTSIDE.search(line)
    ]
    assert offenders == []


def test_the_readmes_links_lead_to_files_in_the_repository() -> None:
    readme = (ROOT / "README.md").read_text()
    links = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", readme)
    local = [link for link in links if "://" not in link]
    assert {"docs/product.md", "docs/api.md", "docs/style.md"} <= set(local)
    assert [link for link in local if not (ROOT / link).exists()] == []
    for page in ("product.md", "api.md", "style.md"):
        text = (ROOT / "docs" / page).read_text()
        for link in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
            assert "://" in link or (ROOT / "docs" / link).exists(), f"docs/{page} links to missing {link}"
