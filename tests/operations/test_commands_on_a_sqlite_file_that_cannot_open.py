"""A command on the embedded default whose SQLite file cannot be opened (its directory missing,
`DATABASE_URL` mistyped) is told so, not that another process holds the write lock: the checks'
lock (ADR 0107) called every refusal to open the file "busy", naming seed_demo or a migrate."""

from pathlib import Path

import pytest

from tests.sqlite import run_on_sqlite

pytestmark = pytest.mark.django_db(databases=[])


@pytest.mark.parametrize("command", [("expire_sync_cursors",), ("migrate", "--noinput")], ids=lambda c: c[0])
def test_a_database_file_that_cannot_open_is_not_called_busy(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    missing = tmp_path / "no-such-directory" / "db.sqlite3"

    done = run_on_sqlite(tmp_path, "manage.py", *command, DATABASE_URL=f"sqlite:///{missing}")

    assert "busy" not in done.stderr, done.stderr
    assert "CommandError: The database is unavailable (unable to open database file)" in done.stderr
    assert "Traceback" not in done.stderr
    assert done.returncode == 1
    assert not missing.parent.exists()
