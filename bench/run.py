"""`make bench`: seeds a throwaway PostgreSQL, serves the app as production does with one
worker process, drives load at it from wrk on loopback, and writes the figures.

Runs inside `scripts/with-services --redis` (DATABASE_URL and REDIS_URL exported):

    1. migrate, then `seed_demo --real-estates N` (timed: the seeding target is < 60 s);
    2. bench/prepare.py: bench accounts, tokens and one request file per scenario;
    3. python -m config.server (granian), WEB_CONCURRENCY=1, config.settings.production
       (DEBUG off, throwaway secrets, SSL redirect off, loopback ALLOWED_HOSTS);
    4. per scenario: a probe (a missing endpoint is skipped, with the reason), a warm-up,
       then wrk -c 32 with bench/wrk/replay.lua; CPU time of the worker, PostgreSQL, Redis
       and everything else on the machine is sampled around each run (the machine is
       shared, so the figures say how loaded it was);
    5. the worker's peak RSS (VmHWM) after all scenarios; then the server stops and
       bench/queries.py counts SQL queries per request for each scenario;
    6. bench/results/<UTC timestamp>.json and .md, and a table on stdout.

Requests rotate over 64 users' tokens per role, so the per-user throttle keeps its
production rate (1200/min) and still runs (one Redis round trip) on every request; the
anonymous and sign-in throttles, keyed by IP and CPF, are raised because all the load
comes from one loopback IP. The worker's memory recycling (WEB_WORKER_MAX_RSS_MB) is off
(so VmHWM covers the whole run).
"""

import argparse
import json
import os
import platform
import secrets
import signal
import socket
import subprocess
import sys
import sysconfig
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
LUA = ROOT / "bench" / "wrk" / "replay.lua"
CLK_TCK = os.sysconf("SC_CLK_TCK")
P99_TARGET_MS = 250
RSS_TARGET_MB = 200


@dataclass(frozen=True)
class Scenario:
    name: str
    what: str
    token: str | None  # whose bearer token the requests carry
    target_rps: float | None
    ok_status: int


SCENARIOS = [
    Scenario(
        "floor",
        "GET /health/live: server and middleware, no database (the stack's floor; no target)",
        None,
        None,
        200,
    ),
    Scenario(
        "list",
        "GET /api/v1/real-estates?page_size=50&page=1..10 as a manager (sees every row)",
        "manager",
        350,
        200,
    ),
    Scenario(
        "filtered-list",
        "GET /api/v1/real-estates?status&state&city&kind&purpose&min_price&max_price"
        "&ordering=-price&page_size=50 (15 combinations on the busiest cities)",
        "manager",
        350,
        200,
    ),
    Scenario(
        "search",
        "GET /api/v1/real-estates?q=<term>&page_size=50 (8 pt-BR terms; no target)",
        "manager",
        None,
        200,
    ),
    Scenario(
        "detail", "GET /api/v1/real-estates/{id} over 2000 random ids as a manager", "manager", 300, 200
    ),
    Scenario("sign-in", "POST /api/v1/sign-in over 16 accounts (Argon2id m=19 MiB, t=2, p=1)", None, 20, 200),
    Scenario(
        "create", "POST /api/v1/real-estates as a collector, 500 distinct bodies", "collector", 250, 201
    ),
]


def log(message: str) -> None:
    print(f"[bench {datetime.now(UTC):%H:%M:%S}] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --- /proc sampling ------------------------------------------------------------------


def proc_ticks(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0
    return int(fields[11]) + int(fields[12])  # utime + stime


def children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except FileNotFoundError:
            continue
    return found


def machine_busy_ticks() -> int:
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return sum(values[:8]) - idle


def status_kb(pid: int, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


def postgres_pids() -> list[int]:
    pid_file = Path(os.environ["PG_DATA_DIR"]) / "postmaster.pid"
    master = int(pid_file.read_text().splitlines()[0])
    return [master, *children(master)]


def redis_pids() -> list[int]:
    port = os.environ.get("REDIS_PORT")
    if not port:
        return []
    pids = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            text = cmdline.read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        # redis-server rewrites its title to `redis-server 127.0.0.1:PORT`.
        if text.startswith("redis-server") and (f":{port}" in text or f"--port {port}" in text):
            pids.append(int(cmdline.parent.name))
    return pids


class CpuMeter:
    """CPU seconds used over a window by the worker, PostgreSQL, Redis, wrk and the rest."""

    def __init__(self, workers: list[int]) -> None:
        self.workers = workers

    def snapshot(self) -> dict[str, dict[int, int]]:
        return {
            "worker": {w: proc_ticks(w) for w in self.workers},
            "postgres": {p: proc_ticks(p) for p in postgres_pids()},
            "redis": {p: proc_ticks(p) for p in redis_pids()},
            "machine": {0: machine_busy_ticks()},
        }

    @staticmethod
    def delta(
        before: dict[str, dict[int, int]], after: dict[str, dict[int, int]], wrk_ticks: int
    ) -> dict[str, float]:
        # Per process: one that started meanwhile counts whole; one that exited (an
        # autovacuum worker, say) is lost rather than subtracted.
        d = {
            group: sum(ticks - before[group].get(pid, 0) for pid, ticks in after[group].items()) / CLK_TCK
            for group in before
        }
        d["wrk"] = wrk_ticks / CLK_TCK
        d["others"] = max(0.0, d["machine"] - d["worker"] - d["postgres"] - d["redis"] - d["wrk"])
        return d


# --- steps ---------------------------------------------------------------------------


def manage(env: dict[str, str], *args: str, capture: bool = False) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        text=True,
        capture_output=capture,
    )


def seed(env: dict[str, str], rows: int, users: int) -> dict[str, Any]:
    has_command = (
        subprocess.run(
            [sys.executable, "manage.py", "help", "seed_demo"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            check=False,
        ).returncode
        == 0
    )
    if not has_command:
        log("SKIPPED seeding: manage.py seed_demo does not exist on this branch yet")
        return {"skipped": "manage.py seed_demo does not exist yet"}
    log(f"seed_demo --real-estates {rows} --users {users} --seed 1")
    started = time.perf_counter()
    result = manage(
        env, "seed_demo", "--real-estates", str(rows), "--users", str(users), "--seed", "1", capture=True
    )
    seconds = round(time.perf_counter() - started, 1)
    log(f"seeded in {seconds} s")
    return {"seconds": seconds, "real_estates": rows, "users": users, "output_tail": result.stdout[-600:]}


def start_server(env: dict[str, str], port: int, log_path: Path) -> subprocess.Popen[bytes]:
    with log_path.open("wb") as out:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "config.server",
                "--bind",
                f"127.0.0.1:{port}",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(
                f"the server exited during start-up; see {log_path}:\n{log_path.read_text()[-3000:]}"
            )
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/live", timeout=2) as r:
                if r.status == 200 and children(server.pid):
                    return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.3)
    raise SystemExit("the server did not answer /health/live within 60 s")


def first_line(path: str | None) -> str | None:
    return Path(path).read_text(encoding="utf-8").splitlines()[0] if path else None


def probe(port: int, request_file: str, token: str | None) -> tuple[int, str]:
    method, path, *rest = Path(request_file).read_text(encoding="utf-8").splitlines()[0].split("\t")
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        method=method,
        headers=headers,
        data=rest[0].encode() if rest else None,
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read(300).decode(errors="replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(300).decode(errors="replace")


def run_wrk(
    port: int,
    scenario: Scenario,
    *,
    request_file: str,
    token_file: str | None,
    seconds: int,
    connections: int,
    threads: int,
) -> tuple[dict[str, Any], int]:
    env = {**os.environ, "BENCH_REQUESTS": request_file, "BENCH_TOKENS": token_file or ""}
    proc = subprocess.Popen(
        [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(LUA),
            f"http://127.0.0.1:{port}",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    # wrk's own CPU time, read while it still exists.
    ticks = 0
    while proc.poll() is None:
        ticks = max(ticks, proc_ticks(proc.pid))
        time.sleep(0.2)
    out, err = proc.communicate()
    for line in out.splitlines():
        if line.startswith("BENCH_RESULT "):
            return json.loads(line.removeprefix("BENCH_RESULT ")), ticks
    raise SystemExit(f"wrk gave no result for {scenario.name}:\n{out}\n{err}")


def summarise(
    scenario: Scenario, raw: dict[str, Any], cpu: dict[str, float], *, single_worker: bool, serial: bool
) -> dict[str, Any]:
    seconds = raw["duration_us"] / 1e6
    requests = raw["requests"]
    statuses = {int(k): v for k, v in raw["statuses"].items()}
    socket_errors = sum(v for k, v in raw["errors"].items() if k != "status")
    bad = sum(v for k, v in statuses.items() if k != scenario.ok_status) + socket_errors
    per_req = (lambda s: round(s * 1000 / requests, 2)) if requests else (lambda s: None)
    worker_ms, pg_ms = per_req(cpu["worker"]), per_req(cpu["postgres"])
    return {
        "requests": requests,
        "seconds": round(seconds, 2),
        "rps": round(requests / seconds, 1),
        "latency_ms": {k: round(v / 1000, 1) for k, v in raw["latency_us"].items()},
        "statuses": statuses,
        "errors": bad,
        "socket_errors": raw["errors"],
        "cpu_seconds": {k: round(v, 2) for k, v in cpu.items()},
        "cpu_ms_per_request": {"worker": worker_ms, "postgres": pg_ms, "redis": per_req(cpu["redis"])},
        # What else ran on the 2 cores meanwhile, in cores (other engineers' builds and tests).
        "other_load_cores": round(cpu["others"] / seconds, 2),
        # One worker runs Python on one core at a time (the GIL). With one thread it also waits
        # for PostgreSQL, so its CPU plus PostgreSQL's is each request's service time; with more
        # threads the waits overlap and its CPU alone is: the ceiling when nothing else competes.
        "uncontended_ceiling_rps": round(1000 / (worker_ms + (pg_ms if serial else 0)))
        if single_worker and worker_ms and pg_ms is not None
        else None,
    }


def verdict(scenario: Scenario, result: dict[str, Any]) -> list[str]:
    misses = []
    if scenario.target_rps and result["rps"] < scenario.target_rps:
        misses.append(f"req/s {result['rps']} < {scenario.target_rps}")
    if result["latency_ms"]["p99"] >= P99_TARGET_MS:
        misses.append(f"p99 {result['latency_ms']['p99']} ms >= {P99_TARGET_MS}")
    if result["errors"]:
        misses.append(f"{result['errors']} errors")
    return misses


def markdown(report: dict[str, Any]) -> str:
    lines = [
        f"# Benchmark {report['started_at']}",
        "",
        f"- commit `{report['git']['commit']}`{' (uncommitted changes)' if report['git']['dirty'] else ''}",
        f"- machine: {report['machine']['cpus']} CPUs ({report['machine']['cpu_model']}), "
        f"load average before the run {report['machine']['loadavg_before']}",
        f"- Python {report['python']['version']}"
        + (" built with PGO and LTO" if report["python"]["pgo"] and report["python"]["lto"] else "")
        + (" (not built as production's image builds it)" if not report["python"]["pgo"] else ""),
        f"- {report['config']['connections']} connections, {report['config']['duration_s']} s per scenario "
        f"after a {report['config']['warmup_s']} s warm-up, {report['config']['workers']} worker process(es) "
        f"({report['config']['threads']} thread(s) each, granian), "
        "config.settings.production",
        f"- seed: {json.dumps(report['seed'].get('seconds', report['seed'].get('skipped')))} s for "
        f"{report['config']['rows']} real estates",
        "",
        "| scenario | req/s | target | p50 ms | p99 ms | errors | SQL/req | worker CPU ms/req "
        "| PG CPU ms/req | other load (cores) | ceiling req/s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, r in report["scenarios"].items():
        q = report["queries"].get(name, {})
        lines.append(
            f"| {name} | {r['rps']} | {r['target_rps'] or '-'} | {r['latency_ms']['p50']} "
            f"| {r['latency_ms']['p99']} | {r['errors']} | {q.get('queries', '?')} "
            f"| {r['cpu_ms_per_request']['worker']} | {r['cpu_ms_per_request']['postgres']} "
            f"| {r['other_load_cores']} | {r['uncontended_ceiling_rps']} |"
        )
    for name, reason in report["skipped"].items():
        lines.append(f"| {name} | skipped: {reason} | | | | | | | | | |")
    server = report["server"]
    lines += [
        "",
        f"Worker peak RSS (VmHWM): {server.get('worker_peak_rss_mb')} MB (target < {RSS_TARGET_MB} MB); "
        f"worker pid stable over the run: {server.get('worker_pid_stable')}.",
        "",
        "Misses: "
        + (
            "none"
            if not report["misses"]
            else "; ".join(f"{k}: {', '.join(v)}" for k, v in report["misses"].items())
        ),
        "",
    ]
    return "\n".join(lines)


def git_state() -> dict[str, Any]:
    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=False
        ).stdout.strip()

    return {
        "commit": git("rev-parse", "--short", "HEAD"),
        "dirty": bool(git("status", "--porcelain", "--", "apps", "config")),
    }


def interpreter() -> dict[str, Any]:
    """The Python that seeds, serves and measures (bench/ensure-python chooses it): production's
    image runs CPython built with PGO and LTO, and the figures depend on it (docs/adr/0044)."""
    configure = sysconfig.get_config_var("CONFIG_ARGS") or ""
    return {
        "executable": sys.executable,
        "version": platform.python_version(),
        "pgo": "--enable-optimizations" in configure,
        "lto": "--with-lto" in configure,
    }


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor()


def main() -> int:  # noqa: PLR0915 (one linear script, read top to bottom)
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=int(os.environ.get("BENCH_ROWS", "100000")))
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--duration", type=int, default=int(os.environ.get("BENCH_DURATION", "15")))
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument(
        "--threads",
        type=int,
        default=int(os.environ.get("WEB_THREADS", "2")),
        help="Python threads per worker process (config/server.py's WEB_THREADS; default 2)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="worker processes (WEB_CONCURRENCY); the targets are for 1, the default",
    )
    parser.add_argument("--only", default="", help="comma-separated scenario names")
    parser.add_argument("--no-write", action="store_true", help="print only; write nothing to bench/results/")
    args = parser.parse_args()
    if "DATABASE_URL" not in os.environ or "PG_DATA_DIR" not in os.environ:
        raise SystemExit("Run through scripts/with-services --redis (make bench does).")

    started_at = datetime.now(UTC)
    loadavg_before = Path("/proc/loadavg").read_text().split()[:3]
    work = Path(tempfile.mkdtemp(prefix="vivenda-bench."))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(48),
        "JWT_SIGNING_KEY": secrets.token_urlsafe(48),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "METRICS_ALLOWED_CIDRS": "127.0.0.1/32",
        "DJANGO_SECURE_SSL_REDIRECT": "False",
        "WEB_CONCURRENCY": str(args.workers),
        "WEB_THREADS": str(args.threads),
        "WEB_WORKER_MAX_RSS_MB": "0",
        "JWT_ACCESS_TOKEN_MINUTES": "120",
        "MEDIA_ROOT": str(work / "media"),
        "THROTTLE_ANON_RATE": "100000000/min",
        "THROTTLE_SIGN_IN_IP_RATE": "100000000/min",
        "THROTTLE_SIGN_IN_CPF_RATE": "100000000/min",
        "PYTHONPATH": str(ROOT),
    }
    python = interpreter()
    log(f"Python {python['version']} ({python['executable']}; PGO {python['pgo']}, LTO {python['lto']})")
    log(f"work directory {work}; migrating")
    manage(env, "migrate", "--noinput", "-v", "0")
    seed_info = seed(env, args.rows, args.users)
    # A bulk load leaves the tables unanalysed and autovacuum about to run: do once what an
    # operator (or autovacuum, later) does, so the figures are steady state, not its noise.
    log("VACUUM (ANALYZE)")
    subprocess.run(
        [
            str(Path(os.environ["PG_BINDIR"]) / "psql"),
            "-q",
            os.environ["DATABASE_URL"],
            "-c",
            "VACUUM (ANALYZE)",
        ],
        check=True,
    )
    log("preparing accounts, tokens and request files")
    prepared = json.loads(
        subprocess.run(
            [sys.executable, "bench/prepare.py", str(work)],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    tokens = prepared["tokens"]
    skipped: dict[str, str] = dict(prepared["unavailable"])
    wanted = [s for s in SCENARIOS if not args.only or s.name in args.only.split(",")]

    port = free_port()
    server = start_server(env, port, work / "server.log")
    deadline = time.monotonic() + 30
    while len(children(server.pid)) < args.workers and time.monotonic() < deadline:
        time.sleep(0.2)
    workers = children(server.pid)
    log(f"server {server.pid}, workers {workers}, port {port}")
    meter = CpuMeter(workers)
    single_worker, serial = args.workers == 1, args.threads == 1
    results: dict[str, Any] = {}
    try:
        for scenario in wanted:
            if scenario.name in skipped:
                log(f"SKIPPED {scenario.name}: {skipped[scenario.name]}")
                continue
            request_file = prepared["files"][scenario.name]
            token_file = tokens.get(scenario.token) if scenario.token else None
            status, body = probe(port, request_file, first_line(token_file))
            if status != scenario.ok_status:
                reason = (
                    "endpoint not there yet (404 NOT_FOUND)"
                    if status == 404 and '"NOT_FOUND"' in body
                    else f"probe answered {status}: {body[:200]}"
                )
                skipped[scenario.name] = reason
                log(f"SKIPPED {scenario.name}: {reason}")
                continue
            log(
                f"{scenario.name}: warm-up {args.warmup} s, then {args.duration} s "
                f"at {args.connections} connections"
            )
            load = {
                "request_file": request_file,
                "token_file": token_file,
                "connections": args.connections,
                "threads": args.wrk_threads,
            }
            run_wrk(port, scenario, seconds=args.warmup, **load)
            before = meter.snapshot()
            raw, wrk_ticks = run_wrk(port, scenario, seconds=args.duration, **load)
            cpu = CpuMeter.delta(before, meter.snapshot(), wrk_ticks)
            results[scenario.name] = {
                "what": scenario.what,
                "target_rps": scenario.target_rps,
                **summarise(scenario, raw, cpu, single_worker=single_worker, serial=serial),
            }
            r = results[scenario.name]
            log(
                f"  {r['rps']} req/s, p50 {r['latency_ms']['p50']} ms, p99 {r['latency_ms']['p99']} ms, "
                f"errors {r['errors']}, other load {r['other_load_cores']} cores"
            )
        alive = all(Path(f"/proc/{w}").exists() for w in workers)
        server_info = {
            # The largest worker's: the target is per worker.
            "worker_peak_rss_mb": max(round(status_kb(w, "VmHWM") / 1024, 1) for w in workers)
            if alive
            else None,
            "worker_rss_end_mb": max(round(status_kb(w, "VmRSS") / 1024, 1) for w in workers)
            if alive
            else None,
            "worker_pid_stable": alive and sorted(children(server.pid)) == sorted(workers),
        }
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    plan = {
        s.name: {"file": prepared["files"][s.name], "token": first_line(tokens.get(s.token or ""))}
        for s in wanted
        if s.name in results
    }
    log("counting SQL queries per request (instrumented pass)")
    queries = (
        json.loads(
            subprocess.run(
                [sys.executable, "bench/queries.py", json.dumps(plan)],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
                text=True,
            ).stdout
        )
        if plan
        else {}
    )

    misses = {s.name: m for s in wanted if s.name in results and (m := verdict(s, results[s.name]))}
    peak = server_info["worker_peak_rss_mb"]
    if peak is None or peak >= RSS_TARGET_MB:
        misses["memory"] = [f"worker peak RSS {peak} MB"]
    report = {
        "started_at": started_at.isoformat(timespec="seconds"),
        "git": git_state(),
        "machine": {
            "cpus": os.cpu_count(),
            "cpu_model": cpu_model(),
            "loadavg_before": loadavg_before,
            "loadavg_after": Path("/proc/loadavg").read_text().split()[:3],
            "mem_total_mb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**20),
        },
        "python": python,
        "config": {
            "rows": args.rows,
            "duration_s": args.duration,
            "warmup_s": args.warmup,
            "connections": args.connections,
            "wrk_threads": args.wrk_threads,
            "server": "granian",
            "threads": args.threads,
            "workers": args.workers,
        },
        "seed": seed_info,
        "scenarios": results,
        "skipped": skipped,
        "queries": queries,
        "server": server_info,
        "targets": {
            "rps": {s.name: s.target_rps for s in SCENARIOS if s.target_rps},
            "p99_ms": P99_TARGET_MS,
            "errors": 0,
            "worker_rss_mb": RSS_TARGET_MB,
        },
        "misses": misses,
    }
    md = markdown(report)
    print("\n" + md)
    if not args.no_write:
        RESULTS.mkdir(parents=True, exist_ok=True)
        stem = started_at.strftime("%Y-%m-%dT%H%MZ")
        (RESULTS / f"{stem}.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
        (RESULTS / f"{stem}.md").write_text(md)
        log(f"wrote bench/results/{stem}.json and .md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
