"""bench/run_all.py's table from fabricated figures: no benchmark runs, no database needed."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from bench import run_all
from bench._report import record


def fig(bench: str, figure: str, size: int, value: float, reference: float | None, **kw: Any) -> dict[str, Any]:
    ratio = value / reference if reference else None
    goal_ratio, higher = kw.get("goal_ratio"), kw.get("higher_is_better", False)
    met = None
    if ratio is not None and goal_ratio is not None:
        met = ratio >= goal_ratio if higher else ratio <= goal_ratio
    return {
        "bench": bench,
        "figure": figure,
        "size": str(size),
        "value": value,
        "reference": reference,
        "ratio": ratio,
        "unit": kw.get("unit", "s"),
        "goal": kw.get("goal", ""),
        "goal_ratio": goal_ratio,
        "higher_is_better": higher,
        "met": met,
    }


def lines() -> list[dict[str, Any]]:
    return [
        {
            "kind": "machine",
            "cores": 2,
            "memory_gib": 23.4,
            "postgresql": "PostgreSQL 15.20",
            "python": "3.11.2",
            "system": "Linux",
            "started": "2026-12-04 16:00",
            "command": "bench/run_all.py --sizes 10000,1000000",
        },
        # Risk map: 4× the time for 100× the hazards (growth 0.04, linear or better); meets ≤ 1.5× at both sizes.
        fig("hazards_risk_map", "risk map, city", 10_000, 0.010, 0.008, goal="≤ 1.5×", goal_ratio=1.5),
        fig("hazards_risk_map", "risk map, city", 1_000_000, 0.040, 0.032, goal="≤ 1.5×", goal_ratio=1.5),
        # A sync growing quadratically: 10,000× the time for 100× the rows; misses ≤ 1.3× at the large size.
        fig("credit_feeds", "full sync", 10_000, 0.1, 0.1, goal="≤ 1.3×", goal_ratio=1.3),
        fig("credit_feeds", "full sync", 1_000_000, 1000.0, 400.0, goal="≤ 1.3×", goal_ratio=1.3),
        # A rate: 1,000 → 500 req/s over 100× the size is time per request ×2, growth 0.02.
        fig(
            "credit_feeds",
            "ratings feed",
            10_000,
            1000.0,
            1250.0,
            unit="req/s",
            goal="≥ 0.7×",
            goal_ratio=0.7,
            higher_is_better=True,
        ),
        fig(
            "credit_feeds",
            "ratings feed",
            1_000_000,
            500.0,
            1000.0,
            unit="req/s",
            goal="≥ 0.7×",
            goal_ratio=0.7,
            higher_is_better=True,
        ),
        {"kind": "run", "bench": "hazards_risk_map", "size": "10000", "seconds": 12.0, "database": "db_city"},
        {
            "kind": "run",
            "bench": "exports",
            "size": "1000000",
            "seconds": 3600.0,
            "database": "db_exports",
            "error": "timed out after 3600 s (KeyboardInterrupt)",
        },
        {"kind": "load", "size": "10000", "before": [8.9, 4.7, 2.0], "after": [11.2, 9.0, 5.5], "seconds": 300.0},
    ]


def rows_of(table: str, section: str) -> list[list[str]]:
    """The data rows of the first Markdown table after `## section`, as cells."""
    part = table.split(f"## {section}\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in part.splitlines() if line.startswith("|")]
    return [[c.strip() for c in row.strip("|").split("|")] for row in rows[2:]]


def test_figures_table_gives_value_reference_ratio_goal_and_verdict() -> None:
    table = run_all.render(lines())
    assert "| benchmark | figure | hazards | ours | reference | ratio | goal | goal met |" in table
    rows = {(r[1], r[2]): r for r in rows_of(table, "Figures") if len(r) == 8}
    assert rows[("risk map, city", "10,000")][3:] == ["10.0 ms", "8.00 ms", "1.25×", "≤ 1.5×", "met"]
    assert rows[("full sync", "1,000,000")][3:] == ["1,000 s", "400 s", "2.50×", "≤ 1.3×", "**missed**"]
    assert rows[("ratings feed", "1,000,000")][3:6] == ["500 req/s", "1,000 req/s", "0.50×"]
    assert rows[("ratings feed", "1,000,000")][7] == "**missed**"
    assert "Goals: 4 met, 2 missed of 6 figures with a goal; 1 benchmark run(s) failed." in table


def test_growth_is_time_per_hazard_from_smallest_to_largest() -> None:
    rows = {r[1]: r for r in rows_of(run_all.render(lines()), "Growth")}
    assert rows["risk map, city"][2:] == ["10,000 → 1,000,000", "10.0 ms → 40.0 ms", "0.04", "yes", "1.25× → 1.25×"]
    assert rows["full sync"][4:6] == ["100", "**no**"]  # (1000 / 0.1) / 100: quadratic
    assert rows["ratings feed"][4:6] == ["0.02", "yes"]  # a rate halving: time per request × 2 for 100× the size


def test_failed_runs_machine_and_load_are_shown() -> None:
    table = run_all.render(lines())
    assert "| exports | 1,000,000 | failed: timed out after 3600 s (KeyboardInterrupt) |" in table
    assert "2 cores, 23.4 GiB memory, PostgreSQL 15.20" in table
    assert "| 10,000 | 8.9 / 4.7 / 2.0 | 11.2 / 9.0 / 5.5 | 300 s |" in table
    runs = {r[0]: r for r in rows_of(table, "Runs")}
    assert runs["exports"][2] == "failed after 3,600 s"
    assert runs["hazards_risk_map"][1] == "12.0 s (database `db_city`)"


def test_one_size_has_no_growth_section() -> None:
    table = run_all.render([r for r in lines() if r.get("size") in (None, "10000")])
    assert "## Growth" not in table
    assert "| risk map, city | 10,000 |" in table.replace("| hazards_risk_map ", "")


def test_record_appends_a_line_with_ratio_and_both_goals(tmp_path: Path, monkeypatch: Any) -> None:
    target = tmp_path / "figures.jsonl"
    record("not written without BENCH_JSON", 1.0, 1.0)
    assert not target.exists()
    monkeypatch.setenv("BENCH_JSON", str(target))
    monkeypatch.setenv("BENCH_SIZE", "100000")
    record("city dashboard", 240.0, 200.0, unit="ms", goal="≤ 1.5×, < 300 ms", goal_ratio=1.5, goal_value=300)
    record("city dashboard slow", 400.0, 300.0, unit="ms", goal="≤ 1.5×, < 300 ms", goal_ratio=1.5, goal_value=300)
    record("no goal", 2.0, None)
    first, second, third = run_all.read_lines(target)
    assert (first["ratio"], first["met"], first["size"]) == (1.2, True, "100000")
    assert (second["ratio"], second["met"]) == (400 / 300, False)  # ratio met, absolute bound missed
    assert (third["ratio"], third["met"]) == (None, None)
    assert "| city dashboard slow | 100,000 | 400 ms | 300 ms | 1.33× | ≤ 1.5×, < 300 ms | **missed** |" in (
        run_all.render([first, second, third])
    )


def test_a_failing_benchmark_reports_its_last_stderr_line(tmp_path: Path) -> None:
    script = "import sys; print('working'); sys.stderr.write('step one\\nValueError: no data\\n'); sys.exit(3)"
    rc, _seconds, err = run_all.run_one([sys.executable, "-c", script], {}, tmp_path / "b.log", timeout=60)
    assert (rc, err) == (3, "ValueError: no data")
    assert (tmp_path / "b.log").read_text() == "working\n"
    rc, _, err = run_all.run_one([sys.executable, "-c", "import time; time.sleep(30)"], {}, tmp_path / "c.log", 1)
    assert rc is None and err.startswith("timed out after 1 s")


def test_render_reads_the_json_lines_file(tmp_path: Path) -> None:
    path = tmp_path / "results.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in lines()) + "\n")
    assert run_all.render(run_all.read_lines(path)) == run_all.render(lines())


def test_missed_goals_say_by_how_much_at_the_largest_size() -> None:
    rows = {r[1]: r for r in rows_of(run_all.render(lines()), "Goals missed at the largest size measured")}
    assert set(rows) == {"full sync", "ratings feed"}  # the risk map met its goal
    assert rows["full sync"][2:] == ["1,000,000", "1,000 s", "2.50×", "≤ 1.3×", "1.92×"]  # 2.5 / 1.3
    assert rows["ratings feed"][6] == "1.40×"  # a rate: 0.7 / 0.5
    count = run_all.render([fig("load_test", "failed requests", 10_000, 0, None, unit="requests")])
    assert "| load_test | failed requests | 10,000 | 0 requests | — | — |" in count
    slow = fig("hazard_list", "p95", 10_000, 150.0, 50.0, unit="ms") | {"goal_value": 100, "met": False}
    assert run_all.shortfall(slow) == 1.5


def test_a_later_run_replaces_that_benchmarks_figures_at_its_size() -> None:
    first = {"kind": "machine", "cores": 2, "started": "2026-12-04 16:00", "command": "first", "commit": "aaa"}
    second = {"kind": "machine", "cores": 2, "started": "2026-12-04 17:00", "command": "second", "commit": "bbb"}
    run = {"kind": "run", "bench": "hazards_risk_map", "seconds": 1.0, "database": "db"}
    table = run_all.render(
        [
            first,
            fig("hazards_risk_map", "risk map, city", 10_000, 0.5, 0.1),
            run | {"size": "10000"},
            fig("hazards_risk_map", "risk map, city", 100_000, 0.6, 0.1),
            run | {"size": "100000"},
            second,  # re-runs 10,000 only, under a new figure name
            fig("hazards_risk_map", "risk map API, city", 10_000, 0.2, 0.1),
            run | {"size": "10000"},
        ]
    )
    figures = [(r[1], r[2]) for r in rows_of(table, "Figures")]
    assert figures == [("risk map, city", "100,000"), ("risk map API, city", "10,000")]
    assert "`first` at commit aaa" in table and "`second` at commit bbb" in table
    only_second = run_all.render([first, run | {"size": "10000"}, second, run | {"size": "10000"}])
    assert "`first`" not in only_second and "`second` at commit bbb" in only_second
