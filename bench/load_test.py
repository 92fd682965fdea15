"""Load test: 50 concurrent users against gunicorn on PostgreSQL, the web mix and then the API mix (issue 15).

    .venv/bin/python bench/load_test.py --enterprises 5000 --users 50 --run-time 60

Everything stays on this machine and ends by itself. The script:
  1. starts a private redis-server on a free port (cache and Celery broker of production settings);
  2. creates its own PostgreSQL database (`sp_h4_load` on the server of DATABASE_URL, default
     postgres://postgres@127.0.0.1:5432/sp_h4_load), migrates it, loads the demo (`seed_demo`) and, once, a
     city-scale bulk of enterprises with risk sources and hazards (`populate` of bench/hazards_risk_map.py);
     later runs reuse them; collects the static files into var/bench-load/static;
  3. starts gunicorn (`safety_platform.wsgi`, 2 × cores + 1 sync workers) on 127.0.0.1 with a free port, on
     bench/load_settings.py: production settings served as plain HTTP (cookies not marked Secure);
  4. for each mix: a single sequential client sends every request of the mix `--repeat` times (the
     reference, same run, same server), then locust runs headless with `--users` users for `--run-time`
     seconds after they are all spawned and signed in (bench/locustfile.py; the requests in bench/load_mix.py);
  5. prints, per mix: requests/s, median, p95, failures (server errors apart), the slowest endpoints, and
     p95 under load / single-client median (the bench/README.md convention: ratios against a reference
     measured in the same run);
  6. stops gunicorn and redis-server whatever happened.

Web mix: inspectors, enterprise staff, committee staff and department staff (demo logins inspector,
enterprise, committee, dept_yjj; weights 4:3:2:1) signed in through /accounts/login/ with CSRF, reading
their menu's pages, 1–3 s between pages. API mix: a department system with the demo API key pulling the
credit feeds and the registry, and inspector/committee scripts with `Authorization: Token` (weights 3:2:1),
0.5–1.5 s between calls. Both mixes only read (see load_mix.py). Locust runs on the same machine as the server.
Logs: var/bench-load/ (gunicorn.log, access.log, locust CSV files).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VAR = ROOT / "var" / "bench-load"
BIN = Path(sys.executable).parent
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/sp_h4_load"
SIGNIN_BOUND = 300  # seconds allowed for spawning and signing in every user before the run is cut short

from bench._report import record  # noqa: E402
from bench.load_mix import (  # noqa: E402
    API_CLASSES,
    API_CLIENTS,
    API_REQUESTS,
    API_WAIT,
    API_WEIGHTS,
    WEB_CLASSES,
    WEB_PAGES,
    WEB_ROLES,
    WEB_WAIT,
    WEB_WEIGHTS,
    Req,
    api_token,
    fill,
    web_login,
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until(check: Any, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"{what} did not come up within {timeout:.0f} s")


def ensure_database(url: str) -> None:
    import psycopg2

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    conn = psycopg2.connect(urlunsplit(parts._replace(path="/postgres")))
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def seed(enterprises: int, per_enterprise: int) -> dict[str, Any]:
    """Migrate, load the demo and the bulk, collect static files; the ids and secrets the requests need."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    print("migrating and loading the demo and the bulk …")
    call_command("migrate", verbosity=0)
    call_command("seed_demo", stdout=io.StringIO())
    # The bulk of bench/hazards_risk_map.py: enterprises over every grid, each with risk sources and hazards.
    from bench.hazards_risk_map import populate
    from enterprises.models import Enterprise
    from hazards.models import Hazard, RiskSource
    from safety_platform.demo_data import DEMO_PASSWORD
    from safety_platform.management.commands.seed_demo import demo_api_key_stored
    from safety_platform.models import User

    have = Enterprise.objects.count()
    if have < enterprises and Enterprise.objects.filter(name__startswith="基准企业").exists():
        # populate() would give the earlier bulk its risk sources and hazards a second time.
        raise SystemExit(f"the database holds {have} enterprises from an earlier run: drop it to seed {enterprises}")
    populate(enterprises, per_enterprise)
    print("collecting static files …")
    call_command("collectstatic", interactive=False, verbosity=0)
    api_key = demo_api_key_stored()
    if api_key is None:
        raise SystemExit(f"the demo API key is not in {VAR}/demo-api-key.txt: delete the database and run again")
    own = User.objects.get(username="enterprise").enterprise
    assert own is not None
    own_hazard = Hazard.objects.filter(enterprise=own).order_by("pk").first()
    own_risk = RiskSource.objects.filter(enterprise=own).order_by("pk").first()
    ids = {
        "password": DEMO_PASSWORD,
        "api_key": api_key,
        "enterprises": Enterprise.objects.count(),
        "hazards": Hazard.objects.count(),
        "risk_sources": RiskSource.objects.count(),
        # The inspector's, committee's and department's detail pages open the demo enterprise of 东城化工 (新罗区,
        # chemicals): every role of the mix may see it, the enterprise user as its own.
        "enterprise": own.pk,
        "own_enterprise": own.pk,
        "hazard": own_hazard.pk if own_hazard else 0,
        "own_hazard": own_hazard.pk if own_hazard else 0,
        "own_risk": own_risk.pk if own_risk else 0,
    }
    connection.close()
    return ids


class Server:
    """A process started by this script, in its own process group, stopped (group and all) by `stop`."""

    def __init__(self, name: str, cmd: list[str], env: dict[str, str], log: Path) -> None:
        self.name = name
        self.log = log.open("ab")
        self.proc = subprocess.Popen(
            cmd, env=env, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()


def http_ok(url: str) -> bool:
    import requests

    return requests.get(url, timeout=2).status_code == 200


def weighted_median(pairs: list[tuple[float, float]]) -> float:
    pairs = sorted(pairs)
    total = sum(w for _, w in pairs)
    acc = 0.0
    for value, weight in pairs:
        acc += weight
        if acc >= total / 2:
            return value
    return float("nan")


def server_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by gunicorn's master and workers."""
    import psutil  # installed with locust

    master = psutil.Process(pid)
    return sum(sum(p.cpu_times()[:2]) for p in [master, *master.children(recursive=True)])


def single_client(base: str, mix: str, ids: dict[str, Any], repeat: int, server_pid: int) -> dict[str, Any]:
    """Every request of the mix from one client, one after another: per-endpoint medians and the weighted median.

    Each sample weighs what locust would make of it: the user class's weight × the request's share of its class.
    Also the gunicorn CPU time each request costs (PostgreSQL's is not counted), weighted the same way.
    """
    import requests

    samples: dict[str, list[float]] = defaultdict(list)
    weighted: list[tuple[float, float]] = []
    login_ms: list[float] = []
    cpu_ms = 0.0
    if mix == "web":
        plan = [(role, WEB_WEIGHTS[role], WEB_PAGES[role]) for role in WEB_CLASSES.values()]
    else:
        plan = [(client, API_WEIGHTS[client], API_REQUESTS[client]) for client in API_CLASSES.values()]
    for who, class_weight, reqs in plan:
        session = requests.Session()
        start = time.perf_counter()
        if mix == "web":
            web_login(session, WEB_ROLES[who][0], ids["password"], base)
        else:
            session.headers["Accept"] = "application/json"
            login = API_CLIENTS[who]
            if login is None:
                session.headers["Authorization"] = f"Api-Key {ids['api_key']}"
            else:
                session.headers["Authorization"] = f"Token {api_token(session, login, ids['password'], base)}"
        login_ms.append((time.perf_counter() - start) * 1000)
        total_weight = sum(r.weight for r in reqs)
        for req in reqs:
            url = base + fill(req.url, ids)
            check(session.get(url), req)  # warm-up
            share = class_weight * req.weight / total_weight / repeat
            cpu_before = server_cpu(server_pid)
            for _ in range(repeat):
                start = time.perf_counter()
                response = session.get(url)
                elapsed = (time.perf_counter() - start) * 1000
                check(response, req)
                samples[req.name].append(elapsed)
                weighted.append((elapsed, share))
            cpu_ms += (server_cpu(server_pid) - cpu_before) * 1000 * share
    return {
        "cpu_ms": cpu_ms / sum(w for _, w in weighted),
        "median": {name: statistics.median(v) for name, v in samples.items()},
        "overall": weighted_median(weighted),
        "login": statistics.median(login_ms),
    }


def check(response: Any, req: Req) -> None:
    if response.status_code != 200 or "/accounts/login/" in response.url:
        raise SystemExit(
            f"{req.name} ({req.url}) answered {response.status_code} at {response.url}: fix before loading"
        )


def run_locust(mix: str, base: str, ids: dict[str, Any], args: argparse.Namespace, env: dict[str, str]) -> Path:
    prefix = VAR / f"locust-{mix}"
    classes = list(WEB_CLASSES if mix == "web" else API_CLASSES)
    cmd = [
        str(BIN / "locust"),
        "-f",
        str(ROOT / "bench" / "locustfile.py"),
        "--headless",
        "--users",
        str(args.users),
        "--spawn-rate",
        str(args.spawn_rate),
        # An upper bound only: the locustfile stops the run `--run-time` seconds after every user signed in.
        "--run-time",
        f"{args.run_time + SIGNIN_BOUND:.0f}s",
        "--host",
        base,
        "--csv",
        str(prefix),
        "--only-summary",
        "--stop-timeout",
        "10",
        "--loglevel",
        "WARNING",
        *classes,
    ]
    locust_env = env | {
        "LOAD_IDS": json.dumps(ids),
        "LOAD_MEASURE_SECONDS": str(args.run_time),
        "LOAD_NO_WAIT": "1" if args.no_wait else "",
        "LOAD_SIGNIN_FILE": str(VAR / f"locust-{mix}-signin.json"),
    }
    (VAR / f"locust-{mix}-signin.json").unlink(missing_ok=True)
    timeout = args.run_time + SIGNIN_BOUND + 60
    with (VAR / f"locust-{mix}.log").open("wb") as log:
        subprocess.run(
            cmd, env=locust_env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, timeout=timeout, check=False
        )
    return prefix


def read_stats(prefix: Path) -> tuple[dict[str, dict[str, str]], list[dict[str, str]]]:
    with Path(f"{prefix}_stats.csv").open() as f:
        rows = {row["Name"]: row for row in csv.DictReader(f) if int(row["Request Count"])}
    failures_file = Path(f"{prefix}_failures.csv")
    failures = list(csv.DictReader(failures_file.open())) if failures_file.exists() else []
    return rows, failures


def report(
    mix: str,
    rows: dict[str, dict[str, str]],
    failures: list[dict[str, str]],
    ref: dict[str, Any],
    signin: dict[str, Any] | None,
    users: int,
) -> None:
    total = rows["Aggregated"]
    n = int(total["Request Count"])
    failed = int(total["Failure Count"])
    server_errors = sum(
        int(f["Occurrences"]) for f in failures if "HTTP 5" in f["Error"] or "Server Error" in f["Error"]
    )
    p95 = float(total["95%"])
    print(
        f"\n{mix} mix: {float(total['Requests/s']):.1f} requests/s,"
        f" median {float(total['Median Response Time']):.0f} ms,"
        f" p95 {p95:.0f} ms, {failed} failed of {n} ({server_errors} server errors)"
    )
    print(
        f"  single sequential client, same requests (weighted median): {ref['overall']:.0f} ms;"
        f" p95 under load / single-client median = {p95 / ref['overall']:.1f}"
    )
    cores, (low, high) = os.cpu_count() or 1, WEB_WAIT if mix == "web" else API_WAIT
    print(
        f"  gunicorn CPU per request (single client, weighted): {ref['cpu_ms']:.0f} ms, so {cores} idle cores"
        f" serve at most {cores * 1000 / ref['cpu_ms']:.0f} requests/s (PostgreSQL's CPU not counted); the users"
        f" ask up to {users / ((low + high) / 2):.0f} requests/s ({low:g}–{high:g} s between requests)"
    )
    if signin is None:
        print("  the users never all signed in: the figures include the sign-in phase (see the locust log)")
    else:
        st = signin["stats"]
        print(
            f"  before the measured part: spawning and signing in every user took {signin['seconds']:.0f} s"
            f" ({st['requests']} requests, {st['failures']} failed, median {st['median_ms'] or 0:.0f} ms,"
            f" p95 {st['p95_ms'] or 0:.0f} ms; one sign-in alone: {ref['login']:.0f} ms)"
        )
    endpoints = sorted(
        (r for name, r in rows.items() if name != "Aggregated" and int(r["Request Count"])),
        key=lambda r: -float(r["95%"]),
    )
    print(f"  {'slowest endpoints':34} {'n':>6} {'median':>8} {'p95':>8} {'single':>8} {'p95/single':>10}")
    for r in endpoints[:8]:
        single = ref["median"].get(r["Name"], float("nan"))
        print(
            f"  {r['Name']:34} {int(r['Request Count']):6d} {float(r['Median Response Time']):6.0f}ms"
            f" {float(r['95%']):6.0f}ms {single:6.0f}ms {float(r['95%']) / single:10.1f}"
        )
    for f in failures[:10]:
        print(f"  failed: {f['Method']} {f['Name']}: {f['Error']} ×{f['Occurrences']}")
    # Issue 15: no errors, p95 under 500 ms for both mixes; the reference is one sequential client's median.
    record(f"load test, {mix} mix, {users} users: p95", p95, ref["overall"], unit="ms", goal="< 500 ms", goal_value=500)
    record(f"load test, {mix} mix: failed requests", failed, None, unit="requests", goal="none", goal_value=0)
    record(f"load test, {mix} mix: throughput", float(total["Requests/s"]), None, unit="req/s", higher_is_better=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("LOAD_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--enterprises", type=int, default=5000, help="bulk size (30,000 is the city's real size)")
    parser.add_argument("--per-enterprise", type=int, default=3, help="risk sources and hazards per bulk enterprise")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--run-time", type=int, default=60, help="seconds measured after every user is spawned")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1, help="gunicorn workers")
    parser.add_argument("--repeat", type=int, default=5, help="single-client samples per request")
    parser.add_argument("--mix", choices=["web", "api", "both"], default="both")
    parser.add_argument(
        "--no-wait",
        action="store_true",
        help="users send their next request at once (saturates the server: throughput, e.g. --workers 1 vs 2)",
    )
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    # A timeout or Ctrl-C still stops gunicorn and redis-server (the finally below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if not args.database_url.startswith("postgres"):
        sys.exit("The load test runs on PostgreSQL: --database-url postgres://…")
    VAR.mkdir(parents=True, exist_ok=True)
    redis_port, web_port = free_port(), free_port()
    env = dict(os.environ) | {
        "DJANGO_SETTINGS_MODULE": "bench.load_settings",
        "DATABASE_URL": args.database_url,
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        # The demo API key's secret file, collected static files and logs: this script's own folder under var/.
        "DJANGO_VAR_DIR": str(VAR),
        "DJANGO_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    os.environ.update(env)
    base = f"http://127.0.0.1:{web_port}"
    servers: list[Server] = []
    try:
        redis = Server(
            "redis-server",
            ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            env,
            VAR / "redis.log",
        )
        servers.append(redis)
        wait_until(lambda: socket.create_connection(("127.0.0.1", redis_port), timeout=1).close() is None, "redis")
        ensure_database(args.database_url)
        started = time.perf_counter()
        ids = seed(args.enterprises, args.per_enterprise)
        print(
            f"database {urlsplit(args.database_url).path.lstrip('/')}: {ids['enterprises']} enterprises,"
            f" {ids['risk_sources']} risk sources, {ids['hazards']} hazards"
            f" (ready in {time.perf_counter() - started:.0f} s)"
        )
        gunicorn = Server(
            "gunicorn",
            [
                str(BIN / "gunicorn"),
                "safety_platform.wsgi",
                "--bind",
                f"127.0.0.1:{web_port}",
                "--workers",
                str(args.workers),
                "--timeout",
                "120",
                "--access-logfile",
                str(VAR / "access.log"),
            ],
            env,
            VAR / "gunicorn.log",
        )
        servers.append(gunicorn)
        wait_until(lambda: gunicorn.alive() and http_ok(base + "/healthz/"), "gunicorn")
        pace = ", no wait between requests" if args.no_wait else ""
        print(
            f"gunicorn: {args.workers} sync workers on {base};"
            f" locust: {args.users} users (spawn {args.spawn_rate:g}/s{pace}),"
            f" {args.run_time} s measured after spawning; {os.cpu_count()} cores shared by server, locust and"
            f" anything else running (load average {os.getloadavg()[0]:.1f} before the run)"
        )
        for mix in ["web", "api"] if args.mix == "both" else [args.mix]:
            print(f"{mix} mix: single-client reference, then locust …")
            ref = single_client(base, mix, ids, args.repeat, gunicorn.proc.pid)
            prefix = run_locust(mix, base, ids, args, env)
            rows, failures = read_stats(prefix)
            signin_file = VAR / f"locust-{mix}-signin.json"
            signin = json.loads(signin_file.read_text()) if signin_file.exists() else None
            report(mix, rows, failures, ref, signin, args.users)
            if not gunicorn.alive():
                sys.exit("gunicorn stopped during the run: see var/bench-load/gunicorn.log")
    finally:
        for server in reversed(servers):
            server.stop()


if __name__ == "__main__":
    main()
