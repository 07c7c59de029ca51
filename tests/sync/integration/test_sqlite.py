"""The sync's SQLite path (ids in commit order, no transaction ids), in a subprocess on its own
SQLite file: the suite itself runs on PostgreSQL."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings


def _run_on_sqlite(tmp_path: Path, module: str, *args: str) -> str:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "REDIS_URL": "",
        "CELERY_BROKER_URL": "",
        "LOG_LEVEL": "WARNING",
    }
    done = subprocess.run(  # noqa: S603 - our own interpreter and test modules
        [sys.executable, "-m", module, *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_the_sync_follows_a_simple_sequence_on_sqlite(tmp_path: Path) -> None:
    assert "sqlite sync ok" in _run_on_sqlite(tmp_path, "tests.sync.sqlite_sequence")


@pytest.mark.parametrize(
    "scenario",
    [
        # Every entry purged: a first sync's cursor stays above the purge mark (was a 410 forever).
        "after_a_purge_of_the_whole_log",
        # Writer processes (as `make run`'s two workers) commit while readers sync: nothing missed.
        "concurrent_writers",
        # The API, the admin's bulk actions, a command, the in-process tasks and an erasure record.
        "every_write_path",
        # 410 for a cursor too old or behind the (in-process) purge task; 400 for a bad one.
        "expired_and_bad_cursors",
    ],
)
def test_the_sync_on_sqlite(tmp_path: Path, scenario: str) -> None:
    assert f"{scenario} ok" in _run_on_sqlite(tmp_path, "tests.sync.sqlite_scenarios", scenario)
