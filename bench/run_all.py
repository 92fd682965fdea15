"""Every benchmark at several sizes, from one command, into one Markdown table (issue 16, item 3).

    .venv/bin/python bench/run_all.py --sizes 10000,100000 --out bench/RESULTS.md
    .venv/bin/python bench/run_all.py --sizes 1000000 --append          # add a size to the same table
    .venv/bin/python bench/run_all.py --table-only                       # re-render the table from the JSON

For each size (a number of hazards; enterprises = hazards / 10) it creates, or reuses, PostgreSQL
databases named `<prefix>_<size>_<group>` on the server of DATABASE_URL (default
postgres://postgres@127.0.0.1:5432), runs each benchmark as a subprocess on its database with the size
flags that benchmark takes, and collects what each benchmark `record()`s (bench/_report.py: every
figure with its reference measured in the same run) through the JSON-lines file named by BENCH_JSON.
Benchmarks whose data fit together share one database per size (the risk map, the rescue-team
search and the sweep of every page on the generated city; the registry list and the credit feeds on
the registry generator's enterprises); the others fill their data their own way and get a database of their own. Each
database is filled once: a later run at the same size reuses it (`--fresh` drops the size's
databases first). The load test runs once, not per size, on its own database `<prefix>_load`.

A benchmark that fails or runs out of time (`--timeout`) does not stop the others: the table says
"failed: <last line of its stderr>". Logs: var/bench-all/<size>/<benchmark>.log. The table (also
printed) shows every figure at every size beside its reference and goal, how each figure grows from the
smallest to the largest size (time per hazard; at most 1 = linear or better), each run's wall time, and
the machine: cores, memory, PostgreSQL version, load average before and after each size.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench-all"
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432"
LOAD_SIZE = "load test"  # the size label of the load test's rows (run once, not per size)


@dataclass(frozen=True)
class Bench:
    name: str
    group: str  # benchmarks of one group share a database per size
    args: Callable[[int, int], list[str]]  # (hazards, enterprises) -> the size flags


def _ints(*pairs: Any) -> list[str]:
    return [str(x) for x in pairs]


# In the order they run; cheap ones first so that a timeout late in a size loses the least.
BENCHES: list[Bench] = [
    Bench("hazard_list", "list", lambda h, e: _ints("--enterprises", e, "--hazards", h)),
    Bench("hazards_risk_map", "city", lambda h, e: _ints("--enterprises", e, "--per-enterprise", max(1, h // e))),
    Bench("emergency_team_search", "city", lambda h, e: _ints("--teams", max(1000, e // 2))),
    Bench(
        "page_sweep",
        "city",
        lambda h, e: _ints("--enterprises", e, "--per-enterprise", max(1, h // e), "--pages", 150, "--runs", 2),
    ),
    Bench("enterprise_api", "registry", lambda h, e: _ints("--enterprises", e)),
    Bench(
        "credit_feeds",
        "registry",
        lambda h, e: _ints("--ratings", e, "--blacklist", max(100, e // 10), "--seconds", 2, "--rounds", 3),
    ),
    Bench("exports", "exports", lambda h, e: _ints("--ratings", e, "--memory-rows", min(20_000, e))),
    Bench("credit_recalc", "recalc", lambda h, e: _ints("--enterprises", e, "--records", 20 * e)),
    Bench("assessment_dashboard", "assessment", lambda h, e: _ints("--enterprises", e, "--hazards", h)),
]
LOAD_TEST = "load_test"
NAMES = [b.name for b in BENCHES] + [LOAD_TEST]


# The table ----------------------------------------------------------------------------------------


def read_lines(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line:
            rows.append(json.loads(line))
    return rows


def _size_key(size: str) -> tuple[int, str]:
    return (int(size), "") if str(size).isdigit() else (sys.maxsize, str(size))


def _size_label(size: str) -> str:
    return f"{int(size):,}" if str(size).isdigit() else str(size)


def fmt(value: float | None, unit: str = "") -> str:
    if value is None:
        return "—"
    if isinstance(value, int):  # a count (failed requests)
        return f"{value:,} {unit}".strip()
    if unit == "s" and abs(value) < 1:
        value, unit = value * 1000, "ms"
    magnitude = abs(value)
    if magnitude >= 100:
        text = f"{value:,.0f}"
    elif magnitude >= 10:
        text = f"{value:.1f}"
    elif magnitude >= 1 or magnitude == 0:
        text = f"{value:.2f}"
    else:
        text = f"{value:.3g}"
    return f"{text} {unit}".strip()


def fmt_ratio(ratio: float | None) -> str:
    return "—" if ratio is None else f"{ratio:.2f}×"


def _met(row: dict[str, Any]) -> str:
    if row.get("met") is None:
        return "—"
    return "met" if row["met"] else "**missed**"


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def shortfall(row: dict[str, Any]) -> float | None:
    """How far a missed figure is from its goal: the worst of its bounds, as a factor (> 1 = missed)."""
    factors = []
    higher = row.get("higher_is_better")
    ratio, goal_ratio = row.get("ratio"), row.get("goal_ratio")
    if ratio and goal_ratio:
        factors.append(goal_ratio / ratio if higher else ratio / goal_ratio)
    value, goal_value = row.get("value"), row.get("goal_value")
    if value is not None and goal_value is not None:
        if higher:
            factors.append(goal_value / value if value else float("inf"))
        else:
            factors.append(value / goal_value if goal_value else float("inf"))
    return max(factors) if factors else None


def growth(small: dict[str, Any], large: dict[str, Any]) -> float | None:
    """Time per hazard at the largest size / at the smallest (≤ 1: linear or better).

    A time (or memory) grows with its value; a rate (higher is better) with its inverse."""
    size_factor = int(large["size"]) / int(small["size"])
    a, b = small.get("value"), large.get("value")
    if not a or not b or size_factor <= 1:
        return None
    value_factor = (a / b) if small.get("higher_is_better") else (b / a)
    return value_factor / size_factor


def render(lines: Iterable[dict[str, Any]], command: str = "") -> str:
    """The Markdown report from run_all's JSON lines (figures from record(), plus run/machine/load lines)."""
    figures: dict[tuple[str, str], dict[str, dict[str, Any]]] = {}  # (bench, figure) -> size -> last record
    runs: dict[tuple[str, str], dict[str, Any]] = {}  # (bench, size) -> last run
    loads: dict[str, dict[str, Any]] = {}
    machines: list[dict[str, Any]] = []
    invocation = -1  # lines are appended in order: each belongs to the run_all started by the machine line above it
    for row in lines:
        kind = row.get("kind", "figure")
        if kind == "machine":
            machines.append(row)
            invocation = len(machines) - 1
            continue
        row = {**row, "_invocation": invocation}
        if kind == "load":
            loads[str(row["size"])] = row
        elif kind == "run":
            runs[(row["bench"], str(row["size"]))] = row
        else:
            figures.setdefault((row["bench"], row["figure"]), {})[str(row.get("size", ""))] = row
    # A later run of a benchmark at a size (`--append`) replaces all its figures there, renamed ones included.
    for key, by_size in list(figures.items()):
        for size, row in list(by_size.items()):
            run = runs.get((key[0], size))
            if run is not None and run["_invocation"] != row["_invocation"]:
                del by_size[size]
        if not by_size:
            del figures[key]
    used = {r["_invocation"] for by_size in figures.values() for r in by_size.values()}
    used |= {r["_invocation"] for r in runs.values()} | {r["_invocation"] for r in loads.values()}
    machines = [m for i, m in enumerate(machines) if i in used]  # the invocations the table still shows
    order = {name: i for i, name in enumerate(NAMES)}
    sizes = sorted({s for by_size in figures.values() for s in by_size} | {s for _, s in runs}, key=_size_key)
    numeric = [s for s in sizes if str(s).isdigit()]

    out = ["# Benchmark results", ""]
    out.append(
        "Written by `bench/run_all.py` from the figures each benchmark recorded (bench/_report.py); not edited "
        "by hand. Each figure is measured beside its reference in the same run on the same machine; ratio = "
        "ours / reference (for requests/s higher is better, for times lower is better)."
    )
    out.append("")
    for machine in machines:  # one per invocation (`--append` adds sizes to earlier runs)
        out.append(
            f"- started {machine.get('started', '?')} UTC: `{machine.get('command') or command}` at commit "
            f"{machine.get('commit') or '?'} — "
            f"{machine.get('cores')} cores, {fmt(machine.get('memory_gib'), 'GiB')} memory, "
            f"{machine.get('postgresql', '?')}, Python {machine.get('python', '?')}, {machine.get('system', '')}"
        )
    if machines:
        out.append("")
    if loads:
        out += ["| size (hazards) | load average before (1 / 5 / 15 min) | after | wall time |", "|---|---|---|---|"]
        for size in sorted(loads, key=_size_key):
            row = loads[size]
            before, after = row.get("before") or [], row.get("after") or []
            out.append(
                f"| {_size_label(size)} | {' / '.join(f'{x:.1f}' for x in before)} | "
                f"{' / '.join(f'{x:.1f}' for x in after)} | {fmt(row.get('seconds'), 's')} |"
            )
        out += [
            "",
            "The machine is shared: other work ran alongside, so absolute times vary; the ratios are the figures.",
            "",
        ]

    met = [r for by_size in figures.values() for r in by_size.values() if r.get("met") is not None]
    missed = [r for r in met if not r["met"]]
    failed = [r for r in runs.values() if r.get("error")]
    out.append(
        f"Goals: {len(met) - len(missed)} met, {len(missed)} missed of {len(met)} figures with a goal; "
        f"{len(failed)} benchmark run(s) failed."
    )
    out += ["", "## Figures", ""]
    out += [
        "| benchmark | figure | hazards | ours | reference | ratio | goal | goal met |",
        "|---|---|---:|---:|---:|---:|---|---|",
    ]
    keys = sorted(figures, key=lambda k: (order.get(k[0], len(order)), list(figures).index(k)))
    for bench, figure in keys:
        for size in sorted(figures[(bench, figure)], key=_size_key):
            r = figures[(bench, figure)][size]
            unit = r.get("unit", "")
            out.append(
                f"| {bench} | {_cell(figure)} | {_size_label(size)} | {fmt(r.get('value'), unit)} | "
                f"{fmt(r.get('reference'), unit)} | {fmt_ratio(r.get('ratio'))} | "
                f"{_cell(r.get('goal') or '—')} | {_met(r)} |"
            )
    failed_rows = sorted(failed, key=lambda r: (order.get(r["bench"], len(order)), _size_key(str(r["size"]))))
    if failed_rows:
        out += ["", "Failed runs (the figures a run recorded before it failed, if any, are above):", ""]
        out += ["| benchmark | hazards | result |", "|---|---:|---|"]
        for r in failed_rows:
            out.append(f"| {r['bench']} | {_size_label(str(r['size']))} | failed: {_cell(r['error'])} |")

    largest_missed = []
    for bench, figure in keys:
        by_size = figures[(bench, figure)]
        last = by_size[max(by_size, key=_size_key)]
        if last.get("met") is False:
            largest_missed.append(last)
    if largest_missed:
        out += ["", "## Goals missed at the largest size measured", ""]
        out.append(
            "By how much: ours / the bound the goal sets (the ratio's bound, or the absolute one), or its inverse"
        )
        out.append("for requests/s; 1.50× = 50 % over the goal.")
        out += [
            "",
            "| benchmark | figure | hazards | ours | ratio | goal | by how much |",
            "|---|---|---:|---:|---:|---|---:|",
        ]
        for r in largest_missed:
            unit = r.get("unit", "")
            out.append(
                f"| {r['bench']} | {_cell(r['figure'])} | {_size_label(str(r.get('size', '')))} | "
                f"{fmt(r.get('value'), unit)} | {fmt_ratio(r.get('ratio'))} | {_cell(r.get('goal') or '—')} | "
                f"{fmt_ratio(shortfall(r))} |"
            )

    if len(numeric) >= 2:
        out += ["", "## Growth", ""]
        out.append(
            "From the smallest to the largest size each figure was measured at: growth = (time at the larger size "
            "/ time at the smaller) / (hazards at the larger / hazards at the smaller), i.e. time per hazard; "
            "at most 1 is linear or better (a page of 50 rows should stay flat, far below 1). For requests/s the "
            "time is 1 / rate. The ratio to the reference at each size shows whether we keep pace with it."
        )
        out += ["", "| benchmark | figure | sizes | ours | growth | linear or better | ratio at each size |"]
        out.append("|---|---|---|---|---:|---|---|")
        for bench, figure in keys:
            by_size = figures[(bench, figure)]
            present = [s for s in numeric if s in by_size]
            if len(present) < 2:
                continue
            small, large = by_size[present[0]], by_size[present[-1]]
            g = growth(small, large)
            unit = small.get("unit", "")
            ratios = " → ".join(fmt_ratio(by_size[s].get("ratio")) for s in present)
            verdict = "—" if g is None else ("yes" if g <= 1 else "**no**")
            out.append(
                f"| {bench} | {_cell(figure)} | {_size_label(present[0])} → {_size_label(present[-1])} | "
                f"{fmt(small.get('value'), unit)} → {fmt(large.get('value'), unit)} | {fmt(g)} | {verdict} | "
                f"{ratios} |"
            )

    if runs:
        out += ["", "## Runs", ""]
        run_sizes = sorted({s for _, s in runs}, key=_size_key)
        out.append("| benchmark | " + " | ".join(_size_label(s) for s in run_sizes) + " |")
        out.append("|---|" + "---|" * len(run_sizes))
        benches = sorted({b for b, _ in runs}, key=lambda b: order.get(b, len(order)))
        for bench in benches:
            cells = []
            for size in run_sizes:
                r = runs.get((bench, size))
                if r is None:
                    cells.append("")
                elif r.get("error"):
                    cells.append(f"failed after {fmt(r.get('seconds'), 's')}")
                else:
                    cells.append(f"{fmt(r.get('seconds'), 's')} (database `{r.get('database', '')}`)")
            out.append(f"| {bench} | " + " | ".join(cells) + " |")
        out += [
            "",
            (
                "Wall time of each benchmark run, including filling its database where it did not hold the data yet "
                "(a first run at that size; later runs reuse it)."
            ),
        ]
    out.append("")
    return "\n".join(out)


# Running ------------------------------------------------------------------------------------------


def server_url(args_server: str | None) -> str:
    if args_server:
        return args_server.rstrip("/")
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        parts = urlsplit(url)
        return urlunsplit((parts.scheme, parts.netloc, "", "", "")).rstrip("/")
    return DEFAULT_SERVER


def _admin(server: str) -> Any:
    import psycopg2

    conn = psycopg2.connect(f"{server}/postgres")
    conn.autocommit = True
    return conn


def ensure_database(server: str, name: str, fresh: bool) -> None:
    conn = _admin(server)  # not `with conn`: that opens a transaction, and CREATE DATABASE refuses one
    try:
        with conn.cursor() as cursor:
            if fresh:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{name}"')
    finally:
        conn.close()


def machine_info(server: str, command: str) -> dict[str, Any]:
    memory = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    conn = _admin(server)
    try:
        with conn.cursor() as cursor:
            cursor.execute("SHOW server_version")
            pg = f"PostgreSQL {cursor.fetchone()[0]}"
    finally:
        conn.close()

    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            return ""

    changed = git("status", "--porcelain", "--untracked-files=no")
    return {
        "kind": "machine",
        "command": command,
        "commit": git("rev-parse", "--short", "HEAD") + (" with uncommitted changes" if changed else ""),
        "cores": os.cpu_count(),
        "memory_gib": memory,
        "postgresql": pg,
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
        "started": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M"),
    }


def append(path: Path, row: dict[str, Any]) -> None:
    with path.open("a", encoding="utf-8") as out:
        out.write(json.dumps(row, ensure_ascii=False) + "\n")


def last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1][:300] if lines else "no output"


def run_one(cmd: list[str], env: dict[str, str], log: Path, timeout: float) -> tuple[int | None, float, str]:
    """Run a benchmark; (exit code or None on timeout, seconds, last stderr line)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    err_path = log.with_suffix(".stderr")
    start = time.perf_counter()
    with log.open("wb") as out, err_path.open("wb") as err:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=err, start_new_session=True)
        try:
            rc: int | None = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            rc = None
            proc.send_signal(signal.SIGTERM)  # the load test stops its gunicorn and redis-server on SIGTERM
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=30)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)  # the benchmark's own process group only
            proc.wait()
    seconds = time.perf_counter() - start
    stderr = err_path.read_text(encoding="utf-8", errors="replace")
    if rc is None:
        return None, seconds, f"timed out after {timeout:.0f} s ({last_line(stderr)})"
    return rc, seconds, last_line(stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000,1000000", help="hazards, comma-separated")
    parser.add_argument("--out", default=str(ROOT / "bench" / "RESULTS.md"))
    parser.add_argument(
        "--json",
        default=str(ROOT / "bench" / "RESULTS.jsonl"),
        help="the figures, one JSON line each (kept beside the table, so --append and --table-only work on any clone)",
    )
    parser.add_argument("--only", default="", help=f"comma-separated benchmarks (of: {', '.join(NAMES)})")
    parser.add_argument("--skip", default="", help="comma-separated benchmarks not to run")
    parser.add_argument("--database-prefix", default="sp_benchall")
    parser.add_argument(
        "--server", default=None, help=f"PostgreSQL server URL (default: DATABASE_URL's, {DEFAULT_SERVER})"
    )
    parser.add_argument("--timeout", type=float, default=3600, help="seconds per benchmark run")
    parser.add_argument("--fresh", action="store_true", help="drop each size's databases first")
    parser.add_argument("--append", action="store_true", help="keep the figures of earlier runs in --json")
    parser.add_argument("--table-only", action="store_true", help="only write the table from --json")
    parser.add_argument("--load-run-time", type=int, default=30, help="seconds the load test measures per mix")
    parser.add_argument("--load-enterprises", type=int, default=2000, help="the load test's bulk enterprises")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]

    json_path, out_path = Path(args.json), Path(args.out)
    command = "bench/run_all.py " + " ".join(sys.argv[1:])
    if args.table_only:
        table = render(read_lines(json_path))
        out_path.write_text(table, encoding="utf-8")
        print(table)
        return

    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    only = {s.strip() for s in args.only.split(",") if s.strip()}
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    unknown = (only | skip) - set(NAMES)
    if unknown:
        sys.exit(f"unknown benchmark(s): {', '.join(sorted(unknown))}; choose from {', '.join(NAMES)}")
    selected = [name for name in NAMES if (not only or name in only) and name not in skip]
    server = server_url(args.server)

    json_path.parent.mkdir(parents=True, exist_ok=True)
    if not args.append:
        json_path.unlink(missing_ok=True)
    append(json_path, machine_info(server, command))
    base_env = {k: v for k, v in os.environ.items() if k not in {"BENCH_JSON", "BENCH_SIZE", "DATABASE_URL"}}
    base_env |= {"BENCH_JSON": str(json_path), "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}

    def run(bench: str, size: str, database: str, flags: list[str]) -> None:
        cmd = [sys.executable, str(ROOT / "bench" / f"{bench}.py"), *flags]
        env = base_env | {"BENCH_SIZE": size, "DATABASE_URL": f"{server}/{database}"}
        print(f"[{_size_label(size)}] {bench} {' '.join(flags)} on {database} …", flush=True)
        rc, seconds, err = run_one(cmd, env, VAR / size.replace(" ", "_") / f"{bench}.log", args.timeout)
        row: dict[str, Any] = {"kind": "run", "bench": bench, "size": size, "seconds": seconds, "database": database}
        if rc != 0:
            row["error"] = err if rc is None else f"exit {rc}: {err}"
            print(f"    failed after {seconds:.0f} s: {row['error']}", flush=True)
        else:
            print(f"    done in {seconds:.0f} s", flush=True)
        append(json_path, row)
        # The table so far, after every run: an interrupted run_all still leaves what it measured.
        out_path.write_text(render(read_lines(json_path), command=command), encoding="utf-8")

    per_size = [bench for bench in BENCHES if bench.name in selected]
    for hazards in sizes if per_size else []:  # `--only load_test`: no size to run (nor its load average)
        enterprises = max(100, hazards // 10)
        size = str(hazards)
        started, before = time.perf_counter(), list(os.getloadavg())
        prepared: set[str] = set()  # groups whose database this size has made ready (dropped once with --fresh)
        for bench in per_size:
            database = f"{args.database_prefix}_{hazards}_{bench.group}"
            if bench.group not in prepared:
                ensure_database(server, database, args.fresh)
                prepared.add(bench.group)
            run(bench.name, size, database, bench.args(hazards, enterprises))
        append(
            json_path,
            {
                "kind": "load",
                "size": size,
                "before": before,
                "after": list(os.getloadavg()),
                "seconds": time.perf_counter() - started,
            },
        )

    if LOAD_TEST in selected:
        database = f"{args.database_prefix}_load"
        ensure_database(server, database, args.fresh)
        started, before = time.perf_counter(), list(os.getloadavg())
        flags = [
            "--database-url",
            f"{server}/{database}",
            "--enterprises",
            str(args.load_enterprises),
            "--run-time",
            str(args.load_run_time),
        ]
        run(LOAD_TEST, LOAD_SIZE, database, flags)
        append(
            json_path,
            {
                "kind": "load",
                "size": LOAD_SIZE,
                "before": before,
                "after": list(os.getloadavg()),
                "seconds": time.perf_counter() - started,
            },
        )

    table = render(read_lines(json_path), command=command)
    out_path.write_text(table, encoding="utf-8")
    print()
    print(table)


if __name__ == "__main__":
    main()
