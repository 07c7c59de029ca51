"""The sync's SQLite path (ids in commit order, no transaction ids), in a subprocess on its own
SQLite file: the suite itself runs on PostgreSQL."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings


def test_the_sync_follows_a_simple_sequence_on_sqlite(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "REDIS_URL": "",
        "CELERY_BROKER_URL": "",
        "LOG_LEVEL": "WARNING",
    }
    done = subprocess.run(
        [sys.executable, "-m", "tests.sync.sqlite_sequence"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "sqlite sync ok" in done.stdout
