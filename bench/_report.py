"""Machine-readable results for `bench/run_all.py`.

Every benchmark keeps printing its own lines; in addition it calls `record()` for each figure it
measures against a reference. When the environment variable `BENCH_JSON` names a file (run_all sets
it), each call appends one JSON line there; otherwise `record()` does nothing, so a benchmark run by
hand behaves as before.

    from bench._report import record
    record("ratings feed, page 1", ours_rps, ref_rps, unit="req/s", goal="≥ 0.7×", higher_is_better=True)

`ratio` is always ours / reference; `higher_is_better` says how to read it (requests/s: higher is
better, so the goal is a floor; seconds: lower is better, so the goal is a ceiling). `goal_ratio` is
the bound the ratio must meet (None when the goal is absolute or there is none); `goal_value` is an
absolute bound on the value itself, in `unit` (e.g. a median under 300 ms: `value` in ms,
`goal_value=300`); when both are given both must hold. `goal` is the issue's wording shown in the table.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any


def record(
    figure: str,
    value: float,
    reference: float | None,
    *,
    unit: str = "s",
    goal: str = "",
    goal_ratio: float | None = None,
    higher_is_better: bool = False,
    goal_value: float | None = None,
    size: str = "",
    extra: dict[str, Any] | None = None,
) -> None:
    """Append one measured figure (and its same-run reference) to the file named by BENCH_JSON."""
    target = os.environ.get("BENCH_JSON")
    if not target:
        return
    ratio = (value / reference) if reference else None
    checks = []
    if ratio is not None and goal_ratio is not None:
        checks.append(ratio >= goal_ratio if higher_is_better else ratio <= goal_ratio)
    if goal_value is not None:
        checks.append(value >= goal_value if higher_is_better else value <= goal_value)
    met: bool | None = all(checks) if checks else None
    row = {
        "bench": Path(sys.argv[0]).stem,
        "figure": figure,
        "value": value,
        "reference": reference,
        "ratio": ratio,
        "unit": unit,
        "goal": goal,
        "goal_ratio": goal_ratio,
        "goal_value": goal_value,
        "higher_is_better": higher_is_better,
        "met": met,
        "size": size or os.environ.get("BENCH_SIZE", ""),
        "extra": extra or {},
    }
    with open(target, "a", encoding="utf-8") as out:
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
