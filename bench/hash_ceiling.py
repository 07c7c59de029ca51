"""The node's password-hashing ceiling, measured by bench/run.py beside the sign-in scenario.

One process per core (`os.cpu_count()`), each verifying one password with the configured
hasher (`get_hasher("default")`: the first of PASSWORD_HASHERS, the Argon2id parameters of
the settings, the server's interpreter) in a loop for the same few seconds, started
together. The sum of their rates is what the node's cores can hash: a sign-in is one
verification, so no sign-in rate can pass it. Prints JSON on stdout:

    {"hasher", "params", "processes", "seconds", "verifications", "per_s", "cpu_ms_per_verification"}

    python bench/hash_ceiling.py [--seconds 4]   (DJANGO_SETTINGS_MODULE as the server's)
"""

import argparse
import json
import multiprocessing
import os
import time
from typing import Any

import django

django.setup()

from django.contrib.auth.hashers import get_hasher  # noqa: E402 - after django.setup()

PASSWORD = "bench-password-not-secret-2026"  # bench/prepare.py's; not a secret


def _verify_until(encoded: str, start_at: float, seconds: float) -> tuple[int, float, float]:
    """Verifications done between start_at and start_at + seconds, the wall and CPU time they took."""
    hasher = get_hasher("default")
    for _ in range(2):  # the first call of a process pays its allocations: not measured
        hasher.verify(PASSWORD, encoded)
    time.sleep(max(0.0, start_at - time.time()))
    count, cpu, started = 0, time.process_time(), time.perf_counter()
    deadline = started + seconds
    while time.perf_counter() < deadline:
        if not hasher.verify(PASSWORD, encoded):
            raise SystemExit("the hasher refused its own hash")
        count += 1
    return count, time.perf_counter() - started, time.process_time() - cpu


def _encode() -> str:
    hasher = get_hasher("default")
    return hasher.encode(PASSWORD, hasher.salt())


def measure(seconds: float, processes: int) -> dict[str, Any]:
    hasher = get_hasher("default")
    # This process computes no hash: a hash starts the process's hashing thread (apps/core/slots),
    # and the pool's processes are forked from it, which must be single-threaded to fork safely.
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        encoded = pool.apply(_encode)
        start_at = time.time() + 1.0  # every process warmed up and waiting
        done = pool.starmap(_verify_until, [(encoded, start_at, seconds)] * processes)
    verifications = sum(count for count, _, _ in done)
    return {
        "hasher": f"{type(hasher).__module__}.{type(hasher).__qualname__}",
        "params": {k: getattr(hasher, k, None) for k in ("time_cost", "memory_cost", "parallelism")},
        "processes": processes,
        "seconds": seconds,
        "verifications": verifications,
        "per_s": round(sum(count / wall for count, wall, _ in done), 1),
        "cpu_ms_per_verification": round(sum(cpu for _, _, cpu in done) * 1000 / verifications, 2)
        if verifications
        else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    print(json.dumps(measure(args.seconds, args.processes)))


if __name__ == "__main__":
    main()
