"""The server's own lines (granian's start, its workers) are structured like the app's: one JSON
object a line with LOG_FORMAT=json, where granian's default printed `[INFO] ...` text."""

import http.client
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.storage_backends import started_on_a_free_port

ROOT = Path(__file__).resolve().parents[3]


def test_every_line_the_server_writes_is_a_json_object(tmp_path: Path) -> None:
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"REDIS_URL", "CELERY_BROKER_URL", "PROMETHEUS_MULTIPROC_DIR"}
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "INFO",
    }

    def serve(port: int) -> subprocess.Popen[bytes]:
        with (tmp_path / "server.log").open("wb") as log:  # this attempt's output alone
            return subprocess.Popen(  # noqa: S603 - our own server
                [sys.executable, "-m", "config.server", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    server, port = started_on_a_free_port(serve, timeout=60)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, (tmp_path / "server.log").read_text()
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", "/health/live")
                if connection.getresponse().status == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.3)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    lines = [line for line in (tmp_path / "server.log").read_text().splitlines() if line.strip()]
    records = [json.loads(line) for line in lines]  # a plain `[INFO] ...` line fails here
    granian = [record for record in records if record["logger"].startswith("_granian")]
    assert any("Listening at" in record["event"] for record in granian)
    access = [record for record in records if record["logger"] == "vivenda.access"]
    assert any(record["path"] == "/health/live" for record in access)
