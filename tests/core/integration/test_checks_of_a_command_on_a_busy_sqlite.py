"""A command (`migrate`, `check`, ours) on the embedded default while another process holds
SQLite's write lock longer than a connection waits for it (5 s): the command says the database is
busy, instead of the false `fields.E180` "SQLite does not support JSONFields" its system checks
reported (Django's JSON probe opens a transaction, IMMEDIATE here: it needs that lock)."""

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import pytest

from tests.sqlite import run_on_sqlite

# A command in a process of its own on a fresh SQLite file: no test database of this process.
pytestmark = pytest.mark.django_db(databases=[])


@contextmanager
def write_lock_held(database: Path) -> Iterator[None]:
    """Another process's long write (a `seed_demo`, a long migration) holds the write lock."""
    with closing(sqlite3.connect(database, isolation_level=None)) as holder:
        holder.execute("BEGIN IMMEDIATE")
        yield
        holder.execute("ROLLBACK")


@pytest.fixture
def migrated(tmp_path: Path) -> Path:
    done = run_on_sqlite(tmp_path, "manage.py", "migrate", "--noinput", "-v", "0")
    assert done.returncode == 0, done.stderr
    return tmp_path / "db.sqlite3"


@pytest.mark.parametrize(
    "command",
    [
        ("migrate", "--noinput"),
        ("check", "--database", "default"),
        ("check",),  # without --database, the model checks still probe every database
        ("expire_sync_cursors",),  # one of ours: every command's checks probed it
    ],
    ids=["migrate", "check-database", "check", "expire_sync_cursors"],
)
def test_a_command_says_the_database_is_busy_not_that_sqlite_lacks_json(
    tmp_path: Path, migrated: Path, command: tuple[str, ...]
) -> None:
    with write_lock_held(migrated):
        busy = run_on_sqlite(tmp_path, "manage.py", *command)

    assert busy.returncode != 0
    assert "E180" not in busy.stderr + busy.stdout
    assert "CommandError: The database is busy" in busy.stderr

    done = run_on_sqlite(tmp_path, "manage.py", *command)  # once the lock is gone, as before
    assert done.returncode == 0, done.stderr
