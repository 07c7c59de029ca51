"""Our `manage.py` commands stopped mid-run: by Ctrl-C, the command says it was interrupted and
that what it had not committed is rolled back, and ends with exit status 130 (as a shell reports
a process Ctrl-C stopped), never a Python traceback; by SIGTERM (`kill`, `timeout`, a container
stopping), it says it was terminated and ends by the signal. Nothing of the interrupted work is
left. `seed_demo` (the longest writer) printed psycopg's traceback of the statement it was waiting
on at Ctrl-C, and ended at SIGTERM without a word."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, connections

from apps.real_estates.models import RealEstate
from apps.users.models import User
from tests.threads import table_held
from tests.worker import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def _waiting_for_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        row = cursor.fetchone()
    return bool(row and row[0])


def _sigint_as_at_a_terminal() -> None:
    """Ctrl-C's default in the child, whatever this process inherited (a job started in the
    background of a non-interactive shell ignores SIGINT, and so would its children)."""
    signal.signal(signal.SIGINT, signal.default_int_handler)


def interrupted_while_waiting(
    tmp_path: Path, table: str, *args: str, signum: int = signal.SIGINT
) -> subprocess.CompletedProcess[str]:
    """`manage.py *args` on the test database, sent `signum` while it waits for `table`, which
    another session holds: mid-run, its transaction open."""
    db = connections["default"].settings_dict
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    command = [sys.executable, "manage.py", *args]
    with table_held(table, mode="ACCESS EXCLUSIVE", lock_timeout=None):
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and command
            command,
            cwd=settings.BASE_DIR,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            preexec_fn=_sigint_as_at_a_terminal,  # noqa: PLW1509 - the child's own signal disposition
        )
        try:
            wait_for(_waiting_for_a_lock, "the command to wait for the table")
            process.send_signal(signum)
            stdout, stderr = process.communicate(timeout=60)
        finally:
            process.kill()
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


def test_seed_demo_stopped_by_ctrl_c_says_so_and_leaves_no_account(tmp_path: Path) -> None:
    done = interrupted_while_waiting(
        tmp_path, RealEstate._meta.db_table, "seed_demo", "--users", "5", "--real-estates", "10"
    )

    assert "Traceback" not in done.stderr, done.stderr
    assert "CommandError: Interrupted" in done.stderr, done.stderr
    assert done.returncode == 130
    assert not User.objects.exists()  # the accounts it had inserted were rolled back
    assert not RealEstate.objects.exists()


def test_seed_demo_stopped_by_sigterm_says_so_and_leaves_no_account(tmp_path: Path) -> None:
    done = interrupted_while_waiting(
        tmp_path,
        RealEstate._meta.db_table,
        *("seed_demo", "--users", "5", "--real-estates", "10"),
        signum=signal.SIGTERM,
    )

    assert "Traceback" not in done.stderr, done.stderr
    assert "Terminated (SIGTERM): what the command had not committed is rolled back." in done.stderr
    assert done.returncode == -signal.SIGTERM  # ended by the signal, as a shell sees it (143)
    assert not User.objects.exists()
    assert not RealEstate.objects.exists()
