"""`make run` (python -m config.server) on a port another program listens on: one line naming
the address and what to do, exit status 1; it was granian's Python traceback and Rust backtrace
(~40 lines) ending "RuntimeError: Address already in use (os error 98)"."""

import socket
from pathlib import Path

import pytest

from tests.sqlite import run_on_sqlite

pytestmark = pytest.mark.django_db(databases=[])


def test_a_port_in_use_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = run_on_sqlite(
            tmp_path,
            "-m",
            "config.server",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            settings_module="config.settings.local",
        )

    assert "Traceback" not in done.stderr, done.stderr
    assert f"127.0.0.1:{port}" in done.stderr
    assert "already in use" in done.stderr
    assert done.returncode == 1
