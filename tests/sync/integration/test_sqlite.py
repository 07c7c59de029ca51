"""The sync's SQLite path (ids in commit order, no transaction ids), in a subprocess on its own
SQLite file: the suite itself runs on PostgreSQL."""

from pathlib import Path

import pytest

from tests.sqlite import run_on_sqlite


def _run_on_sqlite(tmp_path: Path, module: str, *args: str) -> str:
    done = run_on_sqlite(
        tmp_path, "-m", module, *args, settings_module="config.settings.local", LOG_LEVEL="WARNING"
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
        # A restored older copy of the file: cursors issued since are 410, all after the command.
        "after_a_restore",
        # The API, the admin's bulk actions, a command, the in-process tasks and an erasure record.
        "every_write_path",
        # 410 for a cursor too old or behind the (in-process) purge task; 400 for a bad one.
        "expired_and_bad_cursors",
    ],
)
def test_the_sync_on_sqlite(tmp_path: Path, scenario: str) -> None:
    assert f"{scenario} ok" in _run_on_sqlite(tmp_path, "tests.sync.sqlite_scenarios", scenario)
