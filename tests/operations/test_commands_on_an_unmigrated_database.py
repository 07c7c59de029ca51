"""A command run on a database `migrate` has not (fully) made, a fresh clone's first step on the
embedded default or a new PostgreSQL database: it says the database is not migrated and to run
`migrate`, exit status 1. On PostgreSQL it was psycopg's `UndefinedTable` traceback; on SQLite
"The database is unavailable (no such table: …) … run it again once the database answers"."""

import secrets
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

from tests.operations.helpers import manage
from tests.sqlite import run_on_sqlite

COMMANDS = [("createsuperuser", "--noinput"), ("expire_sync_cursors",), ("changepassword", "52998224725")]
ADMIN = {
    "DJANGO_SUPERUSER_CPF": "529.982.247-25",
    "DJANGO_SUPERUSER_NAME": "Ana Operadora",
    "DJANGO_SUPERUSER_PASSWORD": "uma-senha-bem-longa-42",
}


def assert_told_to_migrate(done: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in done.stderr, done.stderr
    assert "CommandError: The database is not migrated" in done.stderr, done.stderr
    assert "manage.py migrate" in done.stderr
    assert done.returncode == 1


@pytest.mark.django_db(databases=[])
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_on_a_fresh_sqlite_file(tmp_path: Path, command: tuple[str, ...]) -> None:
    assert_told_to_migrate(run_on_sqlite(tmp_path, "manage.py", *command, **ADMIN))


@pytest.fixture
def empty_postgresql_database() -> Iterator[str]:
    """A database of the test server with no table in it; its URL."""
    name = f"empty_{secrets.token_hex(4)}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE {name}")
    db = connection.settings_dict
    yield f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{name}"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE {name} WITH (FORCE)")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_on_an_empty_postgresql_database(
    tmp_path: Path, empty_postgresql_database: str, command: tuple[str, ...]
) -> None:
    done = manage(tmp_path, *command, database_url=empty_postgresql_database, **ADMIN)
    assert_told_to_migrate(done)
