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
