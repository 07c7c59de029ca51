"""Our own server (`python -m config.server`, granian) started for a test on the embedded
default: SQLite, no Redis, no broker."""

import http.client
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.storage_backends import started_on_a_free_port

ROOT = Path(__file__).resolve().parents[1]


def embedded_environment(**values: str) -> dict[str, str]:
    """This process's environment without the shared services (Redis, the broker, the metrics
    directory), as `make run` has it, with `values` on top."""
    shared = {"REDIS_URL", "CELERY_BROKER_URL", "PROMETHEUS_MULTIPROC_DIR"}
    environment = {name: value for name, value in os.environ.items() if name not in shared}
    return environment | {"DJANGO_SETTINGS_MODULE": "config.settings.local", **values}


@contextmanager
def serving(
    env: dict[str, str],
    *,
    log: Path,
    workers: int,
    probe: str = "/health/live",
    ready: Callable[[subprocess.Popen[bytes]], bool] = lambda process: True,
    timeout: float = 60,
) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    """The server with `workers` processes on a port of its own, its output in `log`, once `probe`
    answers 200 and `ready(process)` holds; its whole process group stopped on leaving."""

    def serve(port: int) -> subprocess.Popen[bytes]:
        with log.open("wb") as output:  # this attempt's output alone
            return subprocess.Popen(  # noqa: S603 - our own server
                [
                    sys.executable,
                    "-m",
                    "config.server",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    str(workers),
                ],
                cwd=ROOT,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    process, port = started_on_a_free_port(serve, timeout=timeout)
    try:
        deadline = time.monotonic() + timeout
        while not (_answers(port, probe) and ready(process)):
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.3)
        yield process, port
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def _answers(port: int, path: str) -> bool:
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        connection.request("GET", path)
        return connection.getresponse().status == 200
    except OSError:
        return False
