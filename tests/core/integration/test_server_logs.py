"""The server's own lines (granian's start, its workers) are structured like the app's: one JSON
object a line with LOG_FORMAT=json, where granian's default printed `[INFO] ...` text."""

import json
from pathlib import Path

from tests.served import embedded_environment, serving


def test_every_line_the_server_writes_is_a_json_object(tmp_path: Path) -> None:
    env = embedded_environment(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", LOG_FORMAT="json", LOG_LEVEL="INFO"
    )
    with serving(env, log=tmp_path / "server.log", workers=1):
        pass  # up once /health/live answered: a request the access log has to show

    lines = [line for line in (tmp_path / "server.log").read_text().splitlines() if line.strip()]
    records = [json.loads(line) for line in lines]  # a plain `[INFO] ...` line fails here
    granian = [record for record in records if record["logger"].startswith("_granian")]
    assert any("Listening at" in record["event"] for record in granian)
    access = [record for record in records if record["logger"] == "vivenda.access"]
    assert any(record["path"] == "/health/live" for record in access)
