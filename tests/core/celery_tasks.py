"""Test-only tasks, loaded into the test worker with `--include`."""

import os
import time
from pathlib import Path

from celery import shared_task


@shared_task(name="tests.hang_once")
def hang_once(path: str) -> int:
    """First run: records itself and waits to be killed. Later runs: record and finish."""
    marker = Path(path)
    earlier_runs = marker.read_text().count("start") if marker.exists() else 0
    with marker.open("a") as out:
        out.write(f"start {os.getpid()}\n")
    if earlier_runs == 0:
        time.sleep(600)  # the test kills this process while it waits here
    with marker.open("a") as out:
        out.write("done\n")
    return earlier_runs + 1


@shared_task(name="tests.echo")
def echo(value: str) -> str:
    return value


@shared_task(name="tests.flaky")
def flaky(path: str, failures: int) -> int:
    """Fails with a transient database error `failures` times, then answers its attempt count."""
    from django.db import OperationalError

    marker = Path(path)
    with marker.open("a") as out:
        out.write("attempt\n")
    attempts = marker.read_text().count("attempt")
    if attempts <= failures:
        raise OperationalError("the database went away (test)")
    return attempts


@shared_task(name="tests.broken")
def broken(path: str) -> None:
    """Fails with a programming error: never retried."""
    with Path(path).open("a") as out:
        out.write("attempt\n")
    raise ValueError("a bug, not a transient failure")
