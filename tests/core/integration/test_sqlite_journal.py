"""The embedded default's SQLite runs in WAL mode whatever serves the cache: with `REDIS_URL` set
(the Makefile's `createcachetable` line expects `make run` with it) the database was left in
SQLite's rollback journal, where a reader (a list, an export being downloaded) holds off every
writer of every worker, and each commit is an fsync of the database."""

from pathlib import Path

import pytest

from tests.sqlite import run_on_sqlite

JOURNAL_MODE = (
    "import django; django.setup(); from django.db import connection; cursor = connection.cursor(); "
    "cursor.execute('PRAGMA journal_mode'); print(cursor.fetchone()[0]); "
    "cursor.execute('PRAGMA synchronous'); print(cursor.fetchone()[0])"
)


@pytest.mark.parametrize("redis_url", ["", "redis://127.0.0.1:1/0"], ids=["database cache", "redis cache"])
def test_sqlite_is_in_wal_mode_with_or_without_redis(tmp_path: Path, redis_url: str) -> None:
    done = run_on_sqlite(
        tmp_path, "-c", JOURNAL_MODE, settings_module="config.settings.local", REDIS_URL=redis_url
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.split() == ["wal", "1"]  # synchronous=NORMAL
