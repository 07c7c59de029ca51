"""Our `manage.py` commands with the database gone (PostgreSQL down, a wrong host or port): each
ends with a CommandError saying so, exit status 1, never a Python traceback. Every one of them
but `gc_media` and `run_scheduled_tasks` printed psycopg's connection traceback, `migrate` too."""

import subprocess
from pathlib import Path

import pytest

from tests.operations.helpers import manage

pytestmark = pytest.mark.django_db(databases=[])  # no test database: the command's is gone

CPF = "529.982.247-25"
PASSWORD = "uma-senha-bem-longa-42"


def run_without_a_database(tmp_path: Path, port: int, *args: str) -> subprocess.CompletedProcess[str]:
    """`manage.py *args` in a process of its own whose PostgreSQL refuses every connection."""
    return manage(
        tmp_path,
        *args,
        database_url=f"postgres://vivenda@127.0.0.1:{port}/vivenda",
        settings_module="config.settings.local",  # ensure_local_admin runs only there
        DJANGO_SUPERUSER_CPF=CPF,
        DJANGO_SUPERUSER_NAME="Ana Operadora",
        DJANGO_SUPERUSER_PASSWORD=PASSWORD,
    )


@pytest.mark.parametrize(
    "command",
    [
        ("changepassword", CPF),
        ("createsuperuser", "--noinput"),
        ("ensure_local_admin",),
        ("seed_demo", "--users", "3", "--real-estates", "1"),
        ("export_real_estates",),
        ("expire_sync_cursors",),
        ("rebuild_thumbnails",),
        ("migrate", "--noinput"),
        ("flushexpiredtokens",),
    ],
    ids=lambda command: command[0],
)
def test_a_command_says_the_database_is_unavailable_without_a_traceback(
    tmp_path: Path, closed_port: int, command: tuple[str, ...]
) -> None:
    done = run_without_a_database(tmp_path, closed_port, *command)

    assert "Traceback" not in done.stderr, done.stderr
    assert "CommandError: The database is unavailable" in done.stderr, done.stderr
    assert "Connection refused" in done.stderr  # what the driver said, for the operator
    assert done.returncode == 1
