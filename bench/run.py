"""`make bench`: seeds a throwaway PostgreSQL as production's data looks, serves the app as
production does on the whole node, drives load at it from wrk on loopback, and writes the figures.

Runs inside `scripts/with-services --redis` (DATABASE_URL and REDIS_URL exported):

    1. migrate, then `seed_demo --real-estates N --photos every` (timed; N is BENCH_ROWS,
       default 100000): every real estate with 1-3 photos (six real JPEGs stored once,
       thumbnails ready), covers, history, the spread of statuses, cities, kinds and prices;
    2. bench/prepare.py: bench accounts, tokens (also for the 64 seeded collectors with the
       most real estates) and one request file per scenario, every line validated against
       the API's filters; the export's filter (the oldest 100k rows);
    3. python -m config.server (granian), WEB_CONCURRENCY=BENCH_WORKERS (default 2, one per
       core as production runs on a node), config.settings.production (DEBUG off, throwaway
       secrets, SSL redirect off, loopback ALLOWED_HOSTS);
    4. the floor first (GET /health/live), then per scenario: a probe (a missing endpoint or
       an unsupported parameter is skipped, with the reason), a warm-up, then wrk -c 32 with
       bench/wrk/replay.lua for BENCH_SECONDS (default 15) (sign-in: -c 8, between two
       measures of the node's hash ceiling, bench/hash_ceiling.py); CPU time of the workers,
       PostgreSQL, Redis and everything else on the machine is sampled around each run (the
       machine is shared, so the figures say how loaded it was), and the host's own stalls
       (pressure stall information and CPU steal: a p99 outlier is the host's or ours); each
       scenario's ratio to the floor of the same run;
    5. the workers' peak RSS (VmHWM) after the scenarios; then each stats query once with no
       cached result (just after a create through the API), timed; then one CSV export of 100k
       rows, streamed and counted (rows/s, the workers' RSS sampled every 20 ms meanwhile); then
       the server stops and bench/queries.py counts SQL queries per request per scenario;
    6. at more than 100k rows, each scenario's req/s against a run at 100k of the same commit
       (--baseline / BENCH_BASELINE, else the newest in bench/results/);
    7. bench/results/<UTC timestamp>.json and .md, and a table on stdout.

Requests rotate over 64 users' tokens per role, so the per-user throttle keeps its
production rate (1200/min) and still runs (one Redis round trip) on every request; the
anonymous and sign-in throttles, keyed by IP and CPF, are raised because all the load
comes from one loopback IP. The workers' memory recycling (WEB_WORKER_MAX_RSS_MB) is off
(so VmHWM covers the whole run).
"""

import argparse
import json
import os
import platform
import resource
import secrets
import signal
import socket
import subprocess
import sys
import sysconfig
import tempfile
import threading
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
# Sign-in at 8 connections: at least this share of the verifications/s the node's cores can do.
HASH_CEILING_RATIO_TARGET = 0.8
HASH_CEILING_SECONDS = 4
RSS_TARGET_MB = 200
SEED_TARGET_S_PER_MILLION = 300  # seed_demo --real-estates 1000000 in under 5 minutes
# io or memory `full` stall, or CPU steal, this long in one scenario: the host stalled, not us.
HOST_STALL_MS = 1000
# A scenario whose host speed probe ran this much slower than the floor's ran on a slower host.
HOST_SLOW_RATIO = 1.15
# Issue 17's per-node targets at 100k real estates and 32 connections, from the FastAPI peer
# measured with two processes on this machine kind (issue 18 holds sync and `near` to the
# filtered list's): the list 2.5x the peer's, every other list shape 1.5x its filtered list with
# PostgreSQL CPU at most FILTERED_PG_MS a request, the detail and create at least the peer's
# throughput, i.e. worker CPU of about 3 and 2.5 ms a request.
LIST_RPS = 450
FILTERED_RPS = 270
FILTERED_PG_MS = 1.5
DETAIL_RPS, DETAIL_WORKER_MS = 437, 3.0
CREATE_RPS, CREATE_WORKER_MS = 589, 2.5
EXPORT_ROWS_PER_S = 20_000  # the CSV export of 100k rows, streaming in constant memory:
EXPORT_RSS_MB = 150  # the worker's peak RSS while it streams
# Issue 17's targets at more rows (1M): every scenario at least SCALE_RATIO_TARGET of its
# throughput in a run of the same commit at BASELINE_ROWS, and the stats of a query that no cached
# result answers in under STATS_UNCACHED_MS.
BASELINE_ROWS = 100_000
SCALE_RATIO_TARGET = 0.8
STATS_UNCACHED_MS = 500


@dataclass(frozen=True)
class Scenario:
    name: str
    what: str
    # Whose bearer tokens the requests carry: "manager" and "collector" are accounts
    # bench/prepare.py creates (a manager sees every row; those collectors own none and
    # create); "field" are the 64 seeded collectors with the most real estates.
    token: str | None
    target_rps: float | None
    ok_status: int
    # A request that a server without the feature answers with ok_status (an unknown query
    # parameter is ignored): when it does, the scenario is skipped like a missing endpoint.
    unsupported_if_ok: str | None = None
    # wrk's connections for this scenario when the issue sets its own (else --connections).
    connections: int | None = None
    # Measure the node's hash ceiling (bench/hash_ceiling.py) before and after the scenario
    # and hold its req/s against it (HASH_CEILING_RATIO_TARGET).
    against_hash_ceiling: bool = False
    # The most CPU a request may cost the workers, and PostgreSQL, where the issue sets it.
    target_worker_ms: float | None = None
    target_pg_ms: float | None = None


LIST = "GET /api/v1/real-estates?"


def filtered(name: str, what: str, role: str, **options: Any) -> Scenario:
    """A list shape held to the filtered list's targets (FILTERED_RPS, FILTERED_PG_MS)."""
    return Scenario(name, what, role, FILTERED_RPS, 200, target_pg_ms=FILTERED_PG_MS, **options)


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
        LIST + "page_size=50&page=1..10 as a manager (sees every row)",
        "manager",
        LIST_RPS,
        200,
    ),
    filtered(
        "list-collector",
        LIST + "page_size=50 (and ordering=-created_at, status=draft) as 64 seeded collectors, "
        "their own real estates",
        "field",
    ),
    filtered(
        "filter-status",
        LIST + "status=approved&page_size=50&page=1..5 (the default order)",
        "manager",
    ),
    filtered(
        "filter-status-city-price",
        LIST + "status=approved&state&city&kind&purpose&min_price&max_price&ordering=-price"
        "&page_size=50 (15 combinations on the busiest cities)",
        "manager",
    ),
    filtered(
        "filter-city-kind",
        LIST + "city&kind&purpose&ordering=price&page_size=50, no status (15 combinations)",
        "manager",
    ),
    filtered(
        "filter-price-range",
        LIST + "min_price&max_price&ordering=-price&page_size=50, no status (8 ranges)",
        "manager",
    ),
    filtered(
        "filter-area-range",
        LIST + "min_area&max_area&ordering=area_m2&page_size=50, no status (8 ranges)",
        "manager",
    ),
    filtered(
        "filter-status-area-bedrooms",
        LIST + "status=approved&state&min_area&max_area&min_bedrooms&ordering=-area_m2&page_size=50",
        "manager",
    ),
    filtered(
        "filter-review-queue",
        LIST + "status=submitted&ordering=created_at&page_size=50&page=1..5 (oldest first)",
        "manager",
    ),
    filtered(
        "filter-kind-two-keys",
        LIST + "kind&purpose&ordering=-price,created_at&page_size=50, no status",
        "manager",
    ),
    filtered(
        "filter-q",
        LIST + "q=<term>&page_size=50 (8 pt-BR terms), no status",
        "manager",
    ),
    filtered(
        "filter-q-status",
        LIST + "q=<term>&status=approved&ordering=-created_at&page_size=50 (8 terms)",
        "manager",
    ),
    filtered(
        "near",
        LIST + "near=-23.55,-46.63&radius_km=5&page_size=50 (and three more centres)",
        "manager",
        unsupported_if_ok="/api/v1/real-estates?near=not-a-point&radius_km=5",
    ),
    Scenario(
        "detail",
        "GET /api/v1/real-estates/{id} over 2000 random ids (each with 1-3 photos) as a manager",
        "manager",
        DETAIL_RPS,
        200,
        target_worker_ms=DETAIL_WORKER_MS,
    ),
    Scenario(
        "stats",
        "GET /api/v1/real-estates/stats?group_by=city|state|kind|status, with and without filters",
        "manager",
        None,
        200,
    ),
    filtered(
        "sync",
        "GET /api/v1/sync/real-estates?limit=500 as 64 seeded collectors (a page of 500 changes)",
        "field",
    ),
    Scenario(
        "sign-in",
        "POST /api/v1/sign-in over 16 accounts at 8 connections (Argon2id m=19 MiB, t=2, p=1), "
        "against the node's hash ceiling",
        None,
        None,
        200,
        connections=8,
        against_hash_ceiling=True,
    ),
    Scenario(
        "create",
        "POST /api/v1/real-estates as a collector, 500 distinct bodies",
        "collector",
        CREATE_RPS,
        201,
        target_worker_ms=CREATE_WORKER_MS,
    ),
]
EXPORT_ROWS = 100_000


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


def worker_memory(workers: list[int]) -> dict[str, list[float]]:
    """Each worker's resident set now and its peak so far (VmRSS, VmHWM), in MB: read after each
    scenario, they say which scenarios leave the workers bigger."""
    try:
        return {
            key: [round(status_kb(w, name) / 1024, 1) for w in workers]
            for key, name in (("rss", "VmRSS"), ("hwm", "VmHWM"))
        }
    except (FileNotFoundError, ProcessLookupError):  # a worker died: the run reports it
        return {"rss": [], "hwm": []}


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


def host_stall_us() -> dict[str, int | None]:
    """The whole host's cumulative stall in µs: pressure stall information (`some`: at least one
    task waited on the resource; `full`: all non-idle tasks did) and CPU steal (the hypervisor
    ran someone else). None where this kernel has no such file."""
    totals: dict[str, int | None] = {}
    for kind in ("io", "cpu", "memory"):
        try:
            lines = Path(f"/proc/pressure/{kind}").read_text().splitlines()
            parsed = {line.split()[0]: int(line.partition("total=")[2]) for line in lines}
        except (OSError, ValueError):
            parsed = {}
        totals |= {f"{kind}_{level}": parsed.get(level) for level in ("some", "full")}
    steal_ticks = int(Path("/proc/stat").read_text().split()[8])  # the `cpu ` line's 8th value
    return totals | {"steal": steal_ticks * 1_000_000 // CLK_TCK}


def host_speed_ms() -> float:
    """CPU milliseconds this process takes for a fixed piece of pure-Python work, the best of
    three: constant on a host at rest, more when the host runs our vCPUs slower (a busy
    hyperthread sibling, a lower clock), which neither steal nor PSI reports. Taken with the
    server idle, just before and just after each scenario."""
    best = float("inf")
    for _ in range(3):
        start, total = time.thread_time(), 0
        for i in range(200_000):
            total += i * i % 7
        best = min(best, time.thread_time() - start)
    return round(best * 1000, 2)


def host_slowed(speed: dict[str, float], floor_speed: dict[str, float] | None) -> float | None:
    """How many times slower than the floor's the host ran around a scenario (the slower of its
    two probes against the faster of the floor's), when that is at least HOST_SLOW_RATIO."""
    if not floor_speed:
        return None
    ratio = max(speed.values()) / min(floor_speed.values())
    return round(ratio, 2) if ratio >= HOST_SLOW_RATIO else None


def host_stall_delta(before: dict[str, int | None], after: dict[str, int | None]) -> dict[str, int | None]:
    """Milliseconds of each stall between two readings."""
    return {
        key: None if b is None or a is None else round((a - b) / 1000)
        for (key, b), a in zip(before.items(), after.values(), strict=True)
    }


def host_stalled(stall: dict[str, int | None]) -> str:
    """Whether the host stalled long enough over a scenario to explain its slowest requests."""
    keys = ("io_full", "memory_full", "steal")
    over = [
        f"{k.replace('_', ' ')} {v:,} ms" for k in keys if (v := stall[k]) is not None and v >= HOST_STALL_MS
    ]
    if over:
        return "host stalled: " + ", ".join(over)
    if any(stall[k] is None for k in keys):
        return "host stall unknown (no /proc/pressure)"
    return "host did not stall"


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
    args = ["--real-estates", str(rows), "--users", str(users), "--seed", "1", "--photos", "every"]
    log("seed_demo " + " ".join(args))
    done = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_children_before = done.ru_utime + done.ru_stime
    # PostgreSQL's CPU: the seed's backend exits with the command, so its ticks are read
    # while it runs (the largest reading per process), as wrk's are.
    pg_before = {p: proc_ticks(p) for p in postgres_pids()}
    pg_seen: dict[int, int] = {}
    machine_before, started = machine_busy_ticks(), time.perf_counter()
    with tempfile.TemporaryFile("w+") as out:
        command = subprocess.Popen(
            [sys.executable, "manage.py", "seed_demo", *args], cwd=ROOT, env=env, stdout=out, text=True
        )
        while command.poll() is None:
            for p in postgres_pids():
                pg_seen[p] = max(pg_seen.get(p, 0), proc_ticks(p))
            time.sleep(0.2)
        seconds = round(time.perf_counter() - started, 1)
        if command.returncode:
            raise SystemExit(f"seed_demo failed ({command.returncode})")
        out.seek(0)
        output = out.read()
    machine_s = (machine_busy_ticks() - machine_before) / CLK_TCK
    pg_s = round(sum(t - pg_before.get(p, 0) for p, t in pg_seen.items()) / CLK_TCK, 1)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    python_s = round(usage.ru_utime + usage.ru_stime - cpu_children_before, 1)
    log(f"seeded in {seconds} s (CPU: seed_demo {python_s} s, PostgreSQL {pg_s} s)")
    return {
        "seconds": seconds,
        "real_estates": rows,
        "users": users,
        # Where the time went: the command's own CPU (Python) and PostgreSQL's (COPY, the
        # foreign-key checks, the index builds), and what else ran on the machine meanwhile.
        "cpu_seconds": {"seed_demo": python_s, "postgres": pg_s},
        "other_load_cores": round(max(0.0, machine_s - python_s - pg_s) / seconds, 2) if seconds else None,
        "output_tail": output[-600:],
    }


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


def send(port: int, method: str, path: str, token: str | None, body: str | None = None) -> tuple[int, bytes]:
    """One request to the server, its status and its whole body."""
    headers = {"Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if body is not None:
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        method=method,
        headers=headers,
        data=body.encode() if body is not None else None,
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def probe(port: int, request_file: str, token: str | None) -> tuple[int, str]:
    method, path, *rest = Path(request_file).read_text(encoding="utf-8").splitlines()[0].split("\t")
    status, body = send(port, method, path, token, rest[0] if rest else None)
    return status, body[:300].decode(errors="replace")


def probe_path(port: int, path: str, token: str | None) -> tuple[int, str]:
    status, body = send(port, "GET", path, token)
    return status, body[:300].decode(errors="replace")


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


def summarise(scenario: Scenario, raw: dict[str, Any], cpu: dict[str, float]) -> dict[str, Any]:
    seconds = raw["duration_us"] / 1e6
    requests = raw["requests"]
    statuses = {int(k): v for k, v in raw["statuses"].items()}
    socket_errors = sum(v for k, v in raw["errors"].items() if k != "status")
    bad = sum(v for k, v in statuses.items() if k != scenario.ok_status) + socket_errors
    per_req = (lambda s: round(s * 1000 / requests, 2)) if requests else (lambda s: None)
    worker_ms, pg_ms, redis_ms = per_req(cpu["worker"]), per_req(cpu["postgres"]), per_req(cpu["redis"])
    service_ms = (worker_ms or 0) + (pg_ms or 0) + (redis_ms or 0)
    return {
        "requests": requests,
        "seconds": round(seconds, 2),
        "rps": round(requests / seconds, 1),
        "latency_ms": {k: round(v / 1000, 1) for k, v in raw["latency_us"].items()},
        "statuses": statuses,
        "errors": bad,
        "socket_errors": raw["errors"],
        "cpu_seconds": {k: round(v, 2) for k, v in cpu.items()},
        "cpu_ms_per_request": {"worker": worker_ms, "postgres": pg_ms, "redis": redis_ms},
        # What else ran on the cores meanwhile, in cores (other engineers' builds and tests).
        "other_load_cores": round(cpu["others"] / seconds, 2),
        # The machine's cores divided by the CPU one request costs the worker processes,
        # PostgreSQL and Redis together: the throughput if the stack had the cores to itself
        # (wrk's own CPU left out), whatever the number of worker processes.
        "cpu_ceiling_rps": round((os.cpu_count() or 1) * 1000 / service_ms) if service_ms else None,
    }


def hash_ceiling(env: dict[str, str]) -> dict[str, Any]:
    """bench/hash_ceiling.py: the verifications/s of os.cpu_count() processes hashing at once with
    the configured hasher, on the server's interpreter and settings; with the cores the rest of
    the machine used meanwhile (this machine is shared)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    children_before = usage.ru_utime + usage.ru_stime
    machine_before, started = machine_busy_ticks(), time.perf_counter()
    out = subprocess.run(
        [sys.executable, "bench/hash_ceiling.py", "--seconds", str(HASH_CEILING_SECONDS)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    wall = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    own = usage.ru_utime + usage.ru_stime - children_before  # the pool's processes were waited for
    others = (machine_busy_ticks() - machine_before) / CLK_TCK - own
    return {**json.loads(out), "other_load_cores": round(max(0.0, others) / wall, 2)}


def against_hash_ceiling(
    result: dict[str, Any], before: dict[str, Any], after: dict[str, Any]
) -> dict[str, Any]:
    """The scenario's req/s as a share of the ceiling measured just before and just after it; the
    same share by CPU (one verification's CPU over the CPU a request costs the workers, PostgreSQL
    and Redis: what the ratio is when both saturate the cores, readable on a shared machine); and
    the worker CPU a request costs beyond one verification (the part the code can cut)."""
    ceiling = (before["per_s"] + after["per_s"]) / 2
    verify_ms = (before["cpu_ms_per_verification"] + after["cpu_ms_per_verification"]) / 2
    per_request = result["cpu_ms_per_request"]
    worker_ms = per_request["worker"]
    service_ms = sum(per_request[k] or 0 for k in ("worker", "postgres", "redis"))
    return {
        "before": before,
        "after": after,
        "per_s": round(ceiling, 1),
        "ratio": round(result["rps"] / ceiling, 2) if ceiling else None,
        "cpu_ratio": round(verify_ms / service_ms, 2) if service_ms else None,
        "target_ratio": HASH_CEILING_RATIO_TARGET,
        "cpu_ms_per_verification": round(verify_ms, 2),
        "worker_cpu_ms_beyond_hash": round(worker_ms - verify_ms, 2) if worker_ms is not None else None,
    }


def against_floor(result: dict[str, Any], floor: dict[str, Any] | None) -> dict[str, float | None]:
    """How many times the floor's throughput, and its CPU per request, a scenario costs."""

    def ratio(a: float | None, b: float | None) -> float | None:
        return round(a / b, 1) if a and b else None

    if floor is None:
        return {"rps": None, "worker_cpu": None, "cpu_ceiling": None}
    return {
        # floor req/s / this req/s: 10 means ten times slower than the cheapest request.
        "rps": ratio(floor["rps"], result["rps"]),
        "worker_cpu": ratio(result["cpu_ms_per_request"]["worker"], floor["cpu_ms_per_request"]["worker"]),
        "cpu_ceiling": ratio(floor["cpu_ceiling_rps"], result["cpu_ceiling_rps"]),
    }


def verdict(scenario: Scenario, result: dict[str, Any]) -> list[str]:
    misses = []
    if scenario.target_rps and result["rps"] < scenario.target_rps:
        misses.append(f"req/s {result['rps']} < {scenario.target_rps}")
    cpu = result["cpu_ms_per_request"]
    if scenario.target_worker_ms and cpu["worker"] > scenario.target_worker_ms:
        misses.append(f"worker CPU {cpu['worker']} ms > {scenario.target_worker_ms}")
    if scenario.target_pg_ms and cpu["postgres"] > scenario.target_pg_ms:
        misses.append(f"PostgreSQL CPU {cpu['postgres']} ms > {scenario.target_pg_ms}")
    latency = result["latency_ms"]
    if latency["p99"] >= P99_TARGET_MS:
        misses.append(
            f"p99 {latency['p99']} ms >= {P99_TARGET_MS} "
            f"(max {latency['max']} ms, {host_stalled(result['host_stall_ms'])})"
        )
    if result["errors"]:
        misses.append(f"{result['errors']} errors")
    ceiling = result.get("hash_ceiling")
    if ceiling and (ceiling["ratio"] is None or ceiling["ratio"] < HASH_CEILING_RATIO_TARGET):
        misses.append(
            f"{result['rps']} req/s = {ceiling['ratio']} of the hash ceiling ({ceiling['per_s']}/s) "
            f"< {HASH_CEILING_RATIO_TARGET}"
        )
    return misses


def export_verdict(export: dict[str, Any]) -> list[str]:
    """The export's misses: an error, its rate over EXPORT_ROWS rows, the worker's peak RSS."""
    if "skipped" in export:
        return []
    if export.get("error"):
        return [export["error"]]
    misses = []
    if export["rows"] >= EXPORT_ROWS and export["rows_per_s"] < EXPORT_ROWS_PER_S:
        misses.append(f"{export['rows_per_s']} rows/s < {EXPORT_ROWS_PER_S}")
    if export["worker_peak_rss_mb"] >= EXPORT_RSS_MB:
        misses.append(f"worker peak RSS {export['worker_peak_rss_mb']} MB >= {EXPORT_RSS_MB}")
    return misses


class RssSampler(threading.Thread):
    """The largest resident set among the workers, sampled every 20 ms while it runs."""

    def __init__(self, workers: list[int]) -> None:
        super().__init__(daemon=True)
        self.workers = workers
        self.peak_kb = 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            for w in self.workers:
                try:
                    self.peak_kb = max(self.peak_kb, status_kb(w, "VmRSS"))
                except (FileNotFoundError, ProcessLookupError):
                    continue
            self.stop.wait(0.02)


def measure_export(port: int, path: str, token: str | None, meter: CpuMeter) -> dict[str, Any]:
    """One CSV export streamed and counted: rows/s, and the workers' peak RSS meanwhile
    (sampled, and VmHWM before and after: the one that served it is the one that grew)."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        headers={"Accept": "text/csv", **({"Authorization": f"Bearer {token}"} if token else {})},
    )
    rss_before = max(status_kb(w, "VmRSS") for w in meter.workers)
    hwm_before = {w: status_kb(w, "VmHWM") for w in meter.workers}
    sampler = RssSampler(meter.workers)
    sampler.start()
    before = meter.snapshot()
    started = time.perf_counter()
    first_byte = None
    lines = size = 0
    try:
        with urllib.request.urlopen(request, timeout=600) as response:
            status = response.status
            while chunk := response.read(1 << 16):
                if first_byte is None:
                    first_byte = time.perf_counter() - started
                lines += chunk.count(b"\n")
                size += len(chunk)
    except urllib.error.HTTPError as exc:
        status = exc.code
    seconds = time.perf_counter() - started
    cpu = CpuMeter.delta(before, meter.snapshot(), 0)
    sampler.stop.set()
    sampler.join()
    rows = max(0, lines - 1)  # the header
    return {
        "what": f"GET {path} (Accept: text/csv) as a manager, streamed to the end",
        "status": status,
        "rows": rows,
        "megabytes": round(size / 2**20, 1),
        "seconds": round(seconds, 2),
        "first_byte_s": round(first_byte, 3) if first_byte is not None else None,
        "rows_per_s": round(rows / seconds) if seconds else None,
        "worker_rss_before_mb": round(rss_before / 1024, 1),
        "worker_peak_rss_mb": round(sampler.peak_kb / 1024, 1),
        "worker_hwm_growth_mb": round(
            max(status_kb(w, "VmHWM") - hwm_before[w] for w in meter.workers) / 1024, 1
        ),
        "cpu_seconds": {k: round(v, 2) for k, v in cpu.items()},
        "other_load_cores": round(cpu["others"] / seconds, 2) if seconds else None,
    }


def export_step(port: int, prepared: dict[str, Any], meter: CpuMeter, *, skip: str | None) -> dict[str, Any]:
    reason = skip or prepared["unavailable"].get("export")
    if reason:
        log(f"SKIPPED export: {reason}")
        return {"skipped": reason}
    log(f"CSV export of {prepared['export']['rows']} rows")
    export = measure_export(
        port, prepared["export"]["path"], first_line(prepared["tokens"]["manager"]), meter
    )
    log(
        f"  {export['rows']} rows in {export['seconds']} s ({export['rows_per_s']} rows/s), "
        f"worker peak RSS {export['worker_peak_rss_mb']} MB"
    )
    if export["status"] != 200:
        export["error"] = f"status {export['status']}"
    return export


def stats_uncached_step(port: int, prepared: dict[str, Any], *, skip: str | None) -> dict[str, Any]:
    """Each query of the stats scenario once with no cached result to answer it: just before it, a
    create through the API makes every cached count and stats result obsolete, as every write does
    (apps/real_estates/list_cache.py). Its time as the client sees it, the server otherwise idle."""
    reason = skip or prepared["unavailable"].get("stats") or prepared["unavailable"].get("create")
    if reason:
        log(f"SKIPPED the stats without their cache: {reason}")
        return {"skipped": reason}
    creates = Path(prepared["files"]["create"]).read_text(encoding="utf-8").splitlines()
    collector = first_line(prepared["tokens"]["collector"])
    manager = first_line(prepared["tokens"]["manager"])
    queries: list[dict[str, Any]] = []
    lines = Path(prepared["files"]["stats"]).read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines):
        method, path, body = creates[number % len(creates)].split("\t")
        created, _ = send(port, method, path, collector, body)
        query = line.split("\t")[1]
        started = time.perf_counter()
        status, _ = send(port, "GET", query, manager)
        elapsed_ms = round((time.perf_counter() - started) * 1000, 1)
        queries.append({"path": query, "created": created, "status": status, "ms": elapsed_ms})
    stats = {"queries": queries, "max_ms": max(q["ms"] for q in queries)}
    log(f"  the stats without their cache: {', '.join(str(q['ms']) for q in queries)} ms")
    return stats


def stats_uncached_verdict(stats: dict[str, Any]) -> list[str]:
    """A query of the stats that failed (or whose create did), or the slowest at STATS_UNCACHED_MS."""
    if "skipped" in stats:
        return []
    queries = stats["queries"]
    misses = [f"a create before {q['path']} answered {q['created']}" for q in queries if q["created"] != 201]
    misses += [f"{q['path']} answered {q['status']}" for q in queries if q["status"] != 200]
    if stats["max_ms"] >= STATS_UNCACHED_MS:
        misses.append(f"{stats['max_ms']} ms >= {STATS_UNCACHED_MS}")
    return misses


def find_baseline(rows: int, commit: str) -> Path | None:
    """For a run at more than BASELINE_ROWS: the newest run in bench/results of the same commit, at
    BASELINE_ROWS, without uncommitted changes."""
    if rows <= BASELINE_ROWS:
        return None
    for path in sorted(RESULTS.glob("*.json"), reverse=True):
        report = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(report, dict):  # another harness's figures (upload-memory-*.json)
            continue
        git, rows_there = report.get("git", {}), report.get("config", {}).get("rows")
        if rows_there == BASELINE_ROWS and git.get("commit") == commit and not git.get("dirty"):
            return path
    return None


def against_baseline_run(
    given: str | None, rows: int, commit: str, results: dict[str, Any]
) -> dict[str, Any]:
    """The run at fewer rows this one is held to (`given`, else `find_baseline`), and the ratios."""
    path = Path(given) if given else find_baseline(rows, commit)
    if path is None:
        return {"path": None, "ratios": {}}
    before = json.loads(path.read_text(encoding="utf-8"))
    return {
        "path": str(path.resolve().relative_to(ROOT, walk_up=True)),
        "commit": before["git"]["commit"],
        "rows": before["config"]["rows"],
        "ratios": against_baseline(results, before),
    }


def against_baseline(results: dict[str, Any], baseline: dict[str, Any]) -> dict[str, float]:
    """Each scenario's req/s as a share of its req/s in `baseline` (a report of a run at fewer rows)."""
    before = baseline["scenarios"]
    return {
        name: round(r["rps"] / before[name]["rps"], 2)
        for name, r in results.items()
        if name != "floor" and before.get(name, {}).get("rps")
    }


def scale_verdict(ratios: dict[str, float]) -> list[str]:
    return [
        f"{name} {ratio} of its {BASELINE_ROWS} rows' req/s < {SCALE_RATIO_TARGET}"
        for name, ratio in ratios.items()
        if ratio < SCALE_RATIO_TARGET
    ]


def memory_cell(memory: dict[str, list[float]] | None) -> str:
    if not memory or not memory["rss"]:
        return "-"
    return ", ".join(f"{rss:g} / {hwm:g}" for rss, hwm in zip(memory["rss"], memory["hwm"], strict=True))


def stall_cell(stall: dict[str, int | None]) -> str:
    def ms(key: str) -> str:
        return "?" if (v := stall[key]) is None else f"{v:,}"

    return (
        f"io {ms('io_some')}/{ms('io_full')}, cpu {ms('cpu_some')}, "
        f"mem {ms('memory_some')}/{ms('memory_full')}, steal {ms('steal')}"
    )


def target_cell(result: dict[str, Any]) -> str:
    """A scenario's targets: req/s, then the most worker and PostgreSQL CPU ms a request."""
    parts = [f"{result['target_rps']:g}" if result.get("target_rps") else "-"]
    if result.get("target_worker_ms"):
        parts.append(f"worker ≤ {result['target_worker_ms']:g} ms")
    if result.get("target_pg_ms"):
        parts.append(f"PG ≤ {result['target_pg_ms']:g} ms")
    return ", ".join(parts)


def host_speed_note(scenarios: dict[str, Any]) -> str:
    """A line on the host speed probe: its range over the run, and the scenarios it ran slowed."""
    speeds = {name: r["host_speed_ms"] for name, r in scenarios.items() if "host_speed_ms" in r}
    if not speeds:
        return "Host speed probe: not taken."
    values = [v for speed in speeds.values() for v in speed.values()]
    floor = speeds.get("floor")
    slowed = {name: ratio for name, speed in speeds.items() if (ratio := host_slowed(speed, floor))}
    verdict = (
        "slowed around " + ", ".join(f"{name} (x{ratio:g})" for name, ratio in slowed.items())
        if slowed
        else "no scenario slowed"
    )
    return (
        f"Host speed probe (CPU ms of a fixed pure-Python loop in the bench process, the server idle, "
        f"before and after each scenario): {min(values):g} to {max(values):g} ms; {verdict} "
        f"(at least {HOST_SLOW_RATIO:g}x the floor's: its CPU ms per request are the host's as much as ours)."
    )


def stats_uncached_note(stats: dict[str, Any] | None) -> str:
    if not stats or "skipped" in stats:
        return f"Stats without their cache: skipped ({(stats or {}).get('skipped', 'not measured')})."
    times = ", ".join(f"{q['ms']:g}" for q in stats["queries"])
    return (
        f"Stats without their cache (each of the stats scenario's {len(stats['queries'])} queries once, "
        f"just after a create through the API made every cached result obsolete): {times} ms; "
        f"**slowest {stats['max_ms']:g} ms** (target < {STATS_UNCACHED_MS} ms)."
    )


def scale_note(baseline: dict[str, Any] | None) -> str:
    if not baseline or not baseline.get("path"):
        return f"Against a run at {BASELINE_ROWS} rows: none (only a run at more rows is held to one)."
    ratios = baseline["ratios"]
    cells = ", ".join(f"{name} {ratio:g}" for name, ratio in ratios.items())
    lowest = min(ratios.values(), default=None)
    return (
        f"Against the run at {baseline['rows']} rows `{baseline['path']}` (commit `{baseline['commit']}`), "
        f"each scenario's req/s as a share of its req/s there: {cells}; **lowest {lowest}** "
        f"(target ≥ {SCALE_RATIO_TARGET})."
    )


def markdown(report: dict[str, Any]) -> str:
    config = report["config"]
    seed = report["seed"]
    lines = [
        f"# Benchmark {report['started_at']}",
        "",
        f"- commit `{report['git']['commit']}`{' (uncommitted changes)' if report['git']['dirty'] else ''}",
        f"- machine: {report['machine']['cpus']} CPUs ({report['machine']['cpu_model']}), "
        f"load average before the run {report['machine']['loadavg_before']}",
        f"- Python {report['python']['version']}"
        + (" built with PGO and LTO" if report["python"]["pgo"] and report["python"]["lto"] else "")
        + (" (not built as production's image builds it)" if not report["python"]["pgo"] else ""),
        f"- {config['connections']} connections (a scenario with its own count says so below), "
        f"{config['duration_s']} s per scenario "
        f"after a {config['warmup_s']} s warm-up, {config['workers']} worker process(es) "
        f"({config['threads']} thread(s) each, granian), config.settings.production",
        f"- seed: {json.dumps(seed.get('seconds', seed.get('skipped')))} s for "
        f"{config['rows']} real estates (`--photos every`: each with 1-3 photos); CPU s "
        f"{json.dumps(seed.get('cpu_seconds'))}, other load {seed.get('other_load_cores')} cores",
        "",
        "| scenario | req/s | target | p50 ms | p99 ms | max ms | errors | SQL/req | worker CPU ms/req "
        "| PG CPU ms/req | CPU ceiling req/s | x floor (req/s) | x floor (worker CPU) | other load (cores) "
        "| host stall ms (PSI some/full, steal) | workers' RSS / VmHWM after, MB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for name, r in report["scenarios"].items():
        q = report["queries"].get(name, {})
        f = r["vs_floor"]
        lines.append(
            f"| {name} | {r['rps']} | {target_cell(r)} | {r['latency_ms']['p50']} "
            f"| {r['latency_ms']['p99']} | {r['latency_ms']['max']} | {r['errors']} "
            f"| {q.get('queries', '?')} "
            f"| {r['cpu_ms_per_request']['worker']} | {r['cpu_ms_per_request']['postgres']} "
            f"| {r['cpu_ceiling_rps']} | {f['rps']} | {f['worker_cpu']} | {r['other_load_cores']} "
            f"| {stall_cell(r['host_stall_ms'])} | {memory_cell(r.get('worker_memory_mb'))} |"
        )
    for name, reason in report["skipped"].items():
        lines.append(f"| {name} | skipped: {reason} |" + " |" * 14)
    lines += ["", host_speed_note(report["scenarios"])]
    for name, r in report["scenarios"].items():
        if c := r.get("hash_ceiling"):
            lines += [
                "",
                f"{name} at {r['connections']} connections against the node's hash ceiling "
                f"({c['before']['processes']} processes verifying with `{c['before']['hasher']}` "
                f"{json.dumps(c['before']['params'])} for {c['before']['seconds']} s, "
                "just before and just after): "
                f"{c['before']['per_s']} and {c['after']['per_s']} verifications/s "
                f"({c['cpu_ms_per_verification']} ms CPU each; other load {c['before']['other_load_cores']} "
                f"and {c['after']['other_load_cores']} cores) → **{r['rps']} req/s = {c['ratio']} of "
                f"{c['per_s']}/s** (target ≥ {c['target_ratio']}); by CPU (one verification over a "
                f"sign-in's worker, PostgreSQL and Redis CPU) {c['cpu_ratio']}; worker CPU beyond the "
                f"hash {c['worker_cpu_ms_beyond_hash']} ms a sign-in.",
            ]
    server = report["server"]
    lines += [
        "",
        f"Worker peak RSS (VmHWM, largest worker) over the scenarios: {server.get('worker_peak_rss_mb')} MB "
        f"(target < {RSS_TARGET_MB} MB); worker pids stable over the run: {server.get('worker_pid_stable')}.",
        "",
    ]
    export = report.get("export")
    if export and "skipped" not in export:
        lines += [
            f"CSV export ({export['what']}): {export['rows']} rows, {export['megabytes']} MB in "
            f"{export['seconds']} s = **{export['rows_per_s']} rows/s** (status {export['status']}, "
            f"first byte after {export['first_byte_s']} s); worker RSS {export['worker_rss_before_mb']} MB "
            f"before, **peak {export['worker_peak_rss_mb']} MB** during (VmHWM grew "
            f"{export['worker_hwm_growth_mb']} MB); CPU s: worker {export['cpu_seconds']['worker']}, "
            f"PostgreSQL {export['cpu_seconds']['postgres']}.",
            "",
        ]
    elif export:
        lines += [f"CSV export skipped: {export['skipped']}", ""]
    lines += [stats_uncached_note(report.get("stats_uncached")), "", scale_note(report.get("baseline")), ""]
    lines += [
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
    parser.add_argument(
        "--duration",
        type=int,
        default=int(os.environ.get("BENCH_SECONDS") or os.environ.get("BENCH_DURATION") or "15"),
        help="measured seconds per scenario (BENCH_SECONDS; default 15)",
    )
    parser.add_argument("--warmup", type=int, default=int(os.environ.get("BENCH_WARMUP", "3")))
    parser.add_argument(
        "--connections",
        type=int,
        default=32,
        help="wrk connections (default 32); a scenario with its own count keeps it (sign-in: 8)",
    )
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
        default=int(os.environ.get("BENCH_WORKERS", "2")),
        help="worker processes (WEB_CONCURRENCY), as production runs on the whole node "
        "(BENCH_WORKERS; default 2, one per core)",
    )
    parser.add_argument(
        "--only", default="", help="comma-separated scenario names (the floor always runs, and first)"
    )
    parser.add_argument("--no-export", action="store_true", help="skip the CSV export measurement")
    parser.add_argument(
        "--baseline",
        default=os.environ.get("BENCH_BASELINE"),
        help=f"for a run at more than {BASELINE_ROWS} rows: the bench/results JSON of the run at "
        f"{BASELINE_ROWS} whose req/s each scenario is held to (BENCH_BASELINE; default: the newest "
        "of the same commit)",
    )
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
        # The create scenario spreads ~40 000 creates a minute over 64 collectors: far past the
        # per-user quota (60/min), which still runs its cache round trip on every create.
        "THROTTLE_REAL_ESTATE_CREATE_RATE": "100000000/min",
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
    skipped: dict[str, str] = {k: v for k, v in prepared["unavailable"].items() if k != "export"}
    only = set(filter(None, args.only.split(",")))
    wanted = [s for s in SCENARIOS if not only or s.name in only or s.name == "floor"]

    port = free_port()
    server = start_server(env, port, work / "server.log")
    deadline = time.monotonic() + 30
    while len(children(server.pid)) < args.workers and time.monotonic() < deadline:
        time.sleep(0.2)
    workers = children(server.pid)
    log(f"server {server.pid}, workers {workers}, port {port}")
    meter = CpuMeter(workers)
    results: dict[str, Any] = {}
    try:
        for scenario in wanted:
            if scenario.name in skipped:
                log(f"SKIPPED {scenario.name}: {skipped[scenario.name]}")
                continue
            request_file = prepared["files"][scenario.name]
            token_file = tokens.get(scenario.token) if scenario.token else None
            token = first_line(token_file)
            status, body = probe(port, request_file, token)
            unsupported = scenario.unsupported_if_ok
            if (
                status == scenario.ok_status
                and unsupported
                and probe_path(port, unsupported, token)[0] == scenario.ok_status
            ):
                reason = f"not supported yet (GET {unsupported} answers {scenario.ok_status})"
                skipped[scenario.name] = reason
                log(f"SKIPPED {scenario.name}: {reason}")
                continue
            if status != scenario.ok_status:
                reason = (
                    "endpoint not there yet (404 NOT_FOUND)"
                    if status == 404 and '"NOT_FOUND"' in body
                    else f"probe answered {status}: {body[:200]}"
                )
                skipped[scenario.name] = reason
                log(f"SKIPPED {scenario.name}: {reason}")
                continue
            connections = scenario.connections or args.connections
            log(
                f"{scenario.name}: warm-up {args.warmup} s, then {args.duration} s "
                f"at {connections} connections"
            )
            load = {
                "request_file": request_file,
                "token_file": token_file,
                "connections": connections,
                "threads": min(args.wrk_threads, connections),
            }
            run_wrk(port, scenario, seconds=args.warmup, **load)
            ceiling_before = hash_ceiling(env) if scenario.against_hash_ceiling else None
            speed_before = host_speed_ms()
            before, stall_before = meter.snapshot(), host_stall_us()
            raw, wrk_ticks = run_wrk(port, scenario, seconds=args.duration, **load)
            cpu = CpuMeter.delta(before, meter.snapshot(), wrk_ticks)
            stall = host_stall_delta(stall_before, host_stall_us())
            results[scenario.name] = {
                "what": scenario.what,
                "target_rps": scenario.target_rps,
                "target_worker_ms": scenario.target_worker_ms,
                "target_pg_ms": scenario.target_pg_ms,
                "connections": connections,
                **summarise(scenario, raw, cpu),
                # The host's own stalls meanwhile: a p99 outlier with seconds of these is not ours.
                "host_stall_ms": stall,
                # and its speed around it: CPU ms per request measured on a slowed host are not ours.
                "host_speed_ms": {"before": speed_before, "after": host_speed_ms()},
            }
            if ceiling_before is not None:
                ceiling = against_hash_ceiling(results[scenario.name], ceiling_before, hash_ceiling(env))
                results[scenario.name]["hash_ceiling"] = ceiling
                log(
                    f"  hash ceiling {ceiling['per_s']} verifications/s ({ceiling['before']['per_s']} "
                    f"before, {ceiling['after']['per_s']} after; {ceiling['cpu_ms_per_verification']} ms "
                    f"CPU each): ratio {ceiling['ratio']} (target {HASH_CEILING_RATIO_TARGET}), "
                    f"by CPU {ceiling['cpu_ratio']}"
                )
            results[scenario.name]["vs_floor"] = against_floor(results[scenario.name], results.get("floor"))
            results[scenario.name]["worker_memory_mb"] = worker_memory(workers)
            r = results[scenario.name]
            log(
                f"  {r['rps']} req/s, p50 {r['latency_ms']['p50']} ms, p99 {r['latency_ms']['p99']} ms, "
                f"max {r['latency_ms']['max']} ms, errors {r['errors']}, other load {r['other_load_cores']} "
                f"cores; host stall ms {stall_cell(r['host_stall_ms'])}; host speed probe "
                f"{r['host_speed_ms']['before']} / {r['host_speed_ms']['after']} ms; workers' RSS / VmHWM "
                f"after it {r['worker_memory_mb']['rss']} / {r['worker_memory_mb']['hwm']} MB"
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
        stats_uncached = stats_uncached_step(
            port, prepared, skip="--only without stats" if only and "stats" not in only else None
        )
        export = export_step(port, prepared, meter, skip="--no-export" if args.no_export else None)
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
    seeded = seed_info.get("seconds")
    if seeded and args.rows >= EXPORT_ROWS and seeded > SEED_TARGET_S_PER_MILLION * args.rows / 1e6:
        misses["seed"] = [
            f"{seeded} s for {args.rows} rows (target {SEED_TARGET_S_PER_MILLION} s per million)"
        ]
    git = git_state()
    baseline = against_baseline_run(args.baseline, args.rows, git["commit"], results)
    steps = {
        "export": export_verdict(export),
        "stats-uncached": stats_uncached_verdict(stats_uncached),
        "scale": scale_verdict(baseline["ratios"]),
    }
    misses |= {name: step_misses for name, step_misses in steps.items() if step_misses}
    report = {
        "started_at": started_at.isoformat(timespec="seconds"),
        "git": git,
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
            "export_rows": EXPORT_ROWS,
        },
        "seed": seed_info,
        "scenarios": results,
        "skipped": skipped,
        "queries": queries,
        "server": server_info,
        "export": export,
        "stats_uncached": stats_uncached,
        "baseline": baseline,
        "targets": {
            "rps": {s.name: s.target_rps for s in SCENARIOS if s.target_rps},
            "worker_cpu_ms": {s.name: s.target_worker_ms for s in SCENARIOS if s.target_worker_ms},
            "postgres_cpu_ms": {s.name: s.target_pg_ms for s in SCENARIOS if s.target_pg_ms},
            "export": {"rows_per_s": EXPORT_ROWS_PER_S, "worker_peak_rss_mb": EXPORT_RSS_MB},
            "p99_ms": P99_TARGET_MS,
            "hash_ceiling_ratio": HASH_CEILING_RATIO_TARGET,
            "errors": 0,
            "worker_rss_mb": RSS_TARGET_MB,
            "stats_uncached_ms": STATS_UNCACHED_MS,
            "scale_ratio": SCALE_RATIO_TARGET,
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
