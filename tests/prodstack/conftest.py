"""The production-shaped stack's parts, started by the tests that break them: a Redis of the
test's own to pause, and `manage.py` run as a process of its own on the test database (its
settings read from its environment at start, as a deployed process reads them)."""

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections

from tests.storage_backends import started_on_a_free_port


@pytest.fixture
def paused_redis(tmp_path: Path) -> Iterator[str]:
    """The URL of a Redis that takes connections and answers nothing (SIGSTOP): a server paused,
    failing over, or behind a dropped route, which closes no connection. Resumed and stopped
    after the test."""
    server = shutil.which("redis-server") or "redis-server"
    process, port = started_on_a_free_port(
        lambda port: subprocess.Popen(  # noqa: S603 - our own throwaway server, fixed arguments
            [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(tmp_path)],
            stdout=subprocess.DEVNULL,
        )
    )
    process.send_signal(signal.SIGSTOP)
    try:
        yield f"redis://127.0.0.1:{port}/1"
    finally:
        process.send_signal(signal.SIGCONT)
        process.terminate()
        process.wait(timeout=10)


def manage(*args: str, media_root: Path, timeout: float, **env: str) -> subprocess.CompletedProcess[str]:
    """`python manage.py *args` on the test database, with `env` added to the test settings'
    environment; TimeoutExpired past `timeout` seconds."""
    db = connections["default"].settings_dict
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            "MEDIA_ROOT": str(media_root),
            **env,
        },
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
