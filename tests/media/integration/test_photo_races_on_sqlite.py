"""Photo writes and the collector from several processes on the embedded default's SQLite
(tests/media/sqlite_photo_races.py, in a subprocess on its own file and media directory)."""

from pathlib import Path

from tests.sqlite import run_on_sqlite


def test_uploads_deletions_and_the_collector_from_several_processes_keep_every_promise(
    tmp_path: Path,
) -> None:
    done = run_on_sqlite(
        tmp_path,
        "-m",
        "tests.media.sqlite_photo_races",
        settings_module="config.settings.local",
        LOG_LEVEL="WARNING",
    )

    assert done.returncode == 0, done.stderr[-3000:]
    assert "sqlite photo races ok" in done.stdout
