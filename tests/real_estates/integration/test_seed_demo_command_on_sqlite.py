"""`manage.py seed_demo` on the embedded default database, SQLite, which takes at most
SQLITE_MAX_VARIABLE_NUMBER parameters in one statement (250,000 in Debian's build, 32,766 in
SQLite's own default): `--users 260000` was a traceback ("too many SQL variables") from the one
lookup of every drawn CPF. The process lowers the limit on its connections (sqlite3's
`setlimit`, the run-time switch Django's `max_query_params` reads) so a small run crosses it."""

from pathlib import Path

from tests.sqlite import run_on_sqlite

SCRIPT = """
import sqlite3

import django

django.setup()
from django.core.management import call_command
from django.db.backends.signals import connection_created


def lower_the_variable_limit(sender, connection, **kwargs):
    connection.connection.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 999)


connection_created.connect(lower_the_variable_limit)
call_command("migrate", verbosity=0)
call_command("seed_demo", "--users", "1500", "--real-estates", "0", "--seed", "7", verbosity=0)
call_command("seed_demo", "--users", "1500", "--real-estates", "0", verbosity=0)

from apps.users.models import User

print(User.objects.count(), User.objects.exclude(email=None).count() > 2900)
"""


def test_seed_demo_creates_more_accounts_than_a_statement_takes_variables(tmp_path: Path) -> None:
    done = run_on_sqlite(tmp_path, "-c", SCRIPT)

    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.split()[-2:] == ["3000", "True"]
