"""The benchmark's hash ceiling (bench/hash_ceiling.py) and how bench/run.py holds sign-in to it."""

import json
import os
import subprocess
import sys
from typing import Any

from django.conf import settings

from tests.bench import BENCH, load_bench_module

run = load_bench_module("run")


def _ceiling(per_s: float, cpu_ms: float) -> dict[str, Any]:
    return {"per_s": per_s, "cpu_ms_per_verification": cpu_ms, "processes": 2}


def _sign_in(rps: float, worker_ms: float) -> dict[str, Any]:
    return {
        "rps": rps,
        "latency_ms": {"p99": 120.0},
        "errors": 0,
        "cpu_ms_per_request": {"worker": worker_ms, "postgres": 1.0, "redis": 0.2},
    }


def test_the_ceiling_is_every_core_verifying_with_the_configured_hasher() -> None:
    # Run as bench/run.py runs it: its own process, which forks its pool single-threaded (this
    # one may hold earlier tests' hashing threads).
    out = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, str(BENCH / "hash_ceiling.py"), "--seconds", "0.3", "--processes", "2"],
        cwd=BENCH.parent,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "PYTHONPATH": str(BENCH.parent)},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    measured = json.loads(out)
    assert measured["hasher"] == settings.PASSWORD_HASHERS[0]
    assert measured["processes"] == 2
    assert measured["verifications"] > 0
    assert measured["per_s"] > 0


def test_sign_in_under_eight_tenths_of_the_ceiling_is_a_miss() -> None:
    scenario = next(s for s in run.SCENARIOS if s.name == "sign-in")
    assert scenario.connections == 8
    result = _sign_in(rps=70.0, worker_ms=28.0)
    result["hash_ceiling"] = run.against_hash_ceiling(result, _ceiling(95.0, 21.0), _ceiling(105.0, 21.0))
    assert result["hash_ceiling"]["ratio"] == 0.7
    assert result["hash_ceiling"]["cpu_ratio"] == 0.72  # 21 / (28 + 1 + 0.2)
    assert result["hash_ceiling"]["worker_cpu_ms_beyond_hash"] == 7.0
    assert any("hash ceiling" in miss for miss in run.verdict(scenario, result))


def test_sign_in_at_eight_tenths_of_the_ceiling_meets_it() -> None:
    scenario = next(s for s in run.SCENARIOS if s.name == "sign-in")
    result = _sign_in(rps=85.0, worker_ms=24.0)
    result["hash_ceiling"] = run.against_hash_ceiling(result, _ceiling(100.0, 21.0), _ceiling(100.0, 21.0))
    assert run.verdict(scenario, result) == []
