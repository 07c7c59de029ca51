"""A real Celery worker process for integration tests: `celery -A config worker` on the Redis
that `make test` starts, against the pytest-django test database.

The `worker` fixture (tests/conftest.py) starts one per module; its media directory is
`worker_media_root`, which `use_worker_media` points this process's storage at.
"""

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from celery import Celery
from celery.result import AsyncResult, allow_join_result
from django.db import connections

ROOT = Path(__file__).resolve().parents[1]


def wait_result(result: AsyncResult) -> Any:
    """The test process is not a worker, whatever an earlier test set in Celery's globals
    (an eager task leaves `task_join_will_block` on): waiting for a result is allowed here."""
    with allow_join_result():
        return result.get(timeout=60)


def redis_url(db: int) -> str:
    base = os.environ.get("REDIS_URL")
    if not base:
        pytest.fail("These tests need the Redis that `make test` starts (REDIS_URL).")
    # Database 0 is the cache, which every test clears; the broker and results live elsewhere.
    return base.rsplit("/", 1)[0] + f"/{db}"


def wait_for(predicate: Callable[[], bool], what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"gave up waiting for {what}")


def start_worker(
    *, media_root: Path, log_dir: Path, extra_env: Mapping[str, str] | None = None
) -> Iterator[Celery]:
    """Runs the worker until the generator is closed; yields a client app on the same broker.
    `extra_env` adds to (or overrides) its environment, e.g. to put it on an S3 endpoint."""
    db = connections["default"].settings_dict
    broker, results = redis_url(1), redis_url(2)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_BROKER_URL": broker,
        "CELERY_RESULT_BACKEND": results,
        "MEDIA_ROOT": str(media_root),
        **(extra_env or {}),
    }
    log = log_dir / "worker.log"
    name = f"test-{uuid.uuid4().hex[:8]}@localhost"
    command = [
        sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "prefork", "--concurrency", "1",
        "--loglevel", "INFO", "--include", "tests.core.celery_tasks", "--hostname", name,
        "--without-gossip", "--without-mingle", "--without-heartbeat",
    ]  # fmt: skip
    with log.open("w") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603 - our own Celery worker
    # Not the current app: a `shared_task` first touched after this line would bind to the client,
    # which knows none of Vivenda's tasks.
    client = Celery("vivenda-test-client", broker=broker, backend=results, set_as_current=False)
    client.conf.broker_connection_retry_on_startup = True
    try:
        wait_for(
            lambda: process.poll() is None and bool(client.control.ping([name], timeout=0.5)), "the worker"
        )
        yield client
    except AssertionError:
        raise AssertionError(log.read_text()) from None
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        client.close()
