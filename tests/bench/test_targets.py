"""bench/run.py holds each scenario to issue 17's per-node targets and names what it misses."""

import json
from pathlib import Path
from typing import Any

import pytest

from tests.bench import load_bench_module

run = load_bench_module("run")


def _scenario(name: str) -> Any:
    return next(s for s in run.SCENARIOS if s.name == name)


def _result(rps: float, worker_ms: float, pg_ms: float) -> dict[str, Any]:
    return {
        "rps": rps,
        "latency_ms": {"p99": 120.0, "max": 150.0},
        "errors": 0,
        "cpu_ms_per_request": {"worker": worker_ms, "postgres": pg_ms, "redis": 0.1},
        "host_stall_ms": {"io_full": 0, "memory_full": 0, "steal": 0},
    }


def test_every_list_shape_but_the_managers_list_is_held_to_the_filtered_lists_targets() -> None:
    shapes = [
        s for s in run.SCENARIOS if s.name.startswith(("filter-", "list-")) or s.name in {"near", "sync"}
    ]
    assert len(shapes) >= 13
    assert {(s.target_rps, s.target_pg_ms) for s in shapes} == {(270, 1.5)}
    assert (_scenario("list").target_rps, _scenario("list").target_pg_ms) == (450, None)


def test_a_shape_misses_on_throughput_or_on_postgresql_cpu_and_says_which() -> None:
    near = _scenario("near")
    assert run.verdict(near, _result(rps=280.0, worker_ms=5.0, pg_ms=1.5)) == []
    assert run.verdict(near, _result(rps=264.0, worker_ms=5.0, pg_ms=1.5)) == ["req/s 264.0 < 270"]
    over = _result(rps=280.0, worker_ms=5.0, pg_ms=1.55)
    assert run.verdict(near, over) == ["PostgreSQL CPU 1.55 ms > 1.5"]


def test_detail_and_create_are_held_to_the_peers_throughput_and_worker_cpu() -> None:
    detail, create = _scenario("detail"), _scenario("create")
    assert run.verdict(detail, _result(rps=540.0, worker_ms=2.7, pg_ms=0.9)) == []
    assert run.verdict(detail, _result(rps=540.0, worker_ms=3.2, pg_ms=0.9)) == ["worker CPU 3.2 ms > 3.0"]
    assert run.verdict(create, _result(rps=350.0, worker_ms=4.3, pg_ms=1.1)) == [
        "req/s 350.0 < 589",
        "worker CPU 4.3 ms > 2.5",
    ]
    assert run.target_cell({"target_rps": 589, "target_worker_ms": 2.5}) == "589, worker ≤ 2.5 ms"
    assert run.target_cell({"target_rps": 270, "target_pg_ms": 1.5}) == "270, PG ≤ 1.5 ms"
    assert run.target_cell({"target_rps": None}) == "-"


def test_the_export_misses_under_20k_rows_a_second_or_at_150_mb() -> None:
    export = {"rows": 100_000, "rows_per_s": 42_000.0, "worker_peak_rss_mb": 134.9}
    assert run.export_verdict(export) == []
    assert run.export_verdict({**export, "rows_per_s": 19_000.0}) == ["19000.0 rows/s < 20000"]
    assert run.export_verdict({**export, "worker_peak_rss_mb": 150.0}) == ["worker peak RSS 150.0 MB >= 150"]
    assert run.export_verdict({**export, "rows": 2_000, "rows_per_s": 900.0}) == []  # a smoke run's export
    assert run.export_verdict({"skipped": "--no-export"}) == []
    assert run.export_verdict({"error": "status 500"}) == ["status 500"]


def _stats_query(ms: float, *, created: int = 201, status: int = 200) -> dict[str, Any]:
    path = "/api/v1/real-estates/stats?group_by=city"
    return {"path": path, "created": created, "status": status, "ms": ms}


def test_the_stats_without_their_cache_miss_at_500_ms_or_on_a_failed_request() -> None:
    fast = {"queries": [_stats_query(180.0), _stats_query(420.5)], "max_ms": 420.5}
    assert run.stats_uncached_verdict(fast) == []
    slow = {"queries": [_stats_query(180.0), _stats_query(500.0)], "max_ms": 500.0}
    assert run.stats_uncached_verdict(slow) == ["500.0 ms >= 500"]
    # A create that did not commit bumped nothing: the query after it may have read the cache.
    uncreated = {"queries": [_stats_query(3.0, created=429)], "max_ms": 3.0}
    assert run.stats_uncached_verdict(uncreated) == [
        "a create before /api/v1/real-estates/stats?group_by=city answered 429"
    ]
    failed = {"queries": [_stats_query(3.0, status=400)], "max_ms": 3.0}
    assert run.stats_uncached_verdict(failed) == ["/api/v1/real-estates/stats?group_by=city answered 400"]
    assert run.stats_uncached_verdict({"skipped": "--only without stats"}) == []


def test_a_run_at_more_rows_is_held_to_80_percent_of_each_scenarios_throughput_at_100k() -> None:
    at_100k = {"scenarios": {"floor": {"rps": 2500.0}, "list": {"rps": 450.0}, "near": {"rps": 300.0}}}
    at_1m = {"floor": {"rps": 2400.0}, "list": {"rps": 460.0}, "near": {"rps": 239.0}, "sync": {"rps": 180.0}}
    ratios = run.against_baseline(at_1m, at_100k)
    assert ratios == {"list": 1.02, "near": 0.8}  # the floor is no scenario; sync was not run at 100k
    assert run.scale_verdict(ratios) == []
    assert run.scale_verdict({**ratios, "near": 0.79}) == ["near 0.79 of its 100000 rows' req/s < 0.8"]


def test_the_baseline_is_the_newest_clean_run_of_the_same_commit_at_100k(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def write(stem: str, *, rows: int, commit: str, dirty: bool = False) -> Path:
        path = tmp_path / f"{stem}.json"
        path.write_text(json.dumps({"config": {"rows": rows}, "git": {"commit": commit, "dirty": dirty}}))
        return path

    monkeypatch.setattr(run, "RESULTS", tmp_path)
    write("2026-12-03T1000Z", rows=100_000, commit="abc1234")
    wanted = write("2026-12-03T1100Z", rows=100_000, commit="abc1234")
    write("2026-12-03T1200Z", rows=100_000, commit="abc1234", dirty=True)
    write("2026-12-03T1300Z", rows=1_000_000, commit="abc1234")
    write("2026-12-03T1400Z", rows=100_000, commit="def5678")
    (tmp_path / "upload-memory-2026-12-02T0543Z.json").write_text(json.dumps([{"rows": 1}]))
    assert run.find_baseline(1_000_000, "abc1234") == wanted
    assert run.find_baseline(100_000, "abc1234") is None  # a run at 100k is its own reference
    assert run.find_baseline(1_000_000, "0000000") is None
