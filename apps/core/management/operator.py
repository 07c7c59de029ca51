"""The base of every command of ours: a database that cannot be reached, refuses the command or
has not been migrated ends it with a CommandError saying so (exit status 1), not the driver's
traceback; Ctrl-C ends it with one too (exit status 130, as a shell reports a process Ctrl-C
stopped); SIGTERM unwinds it the same way, says so, and ends it by the signal (143)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import InterfaceError, OperationalError, ProgrammingError

from apps.core.management.termination import unwound_on_sigterm

# 128 + SIGINT: what a shell's `$?` shows for a process Ctrl-C ended, as it did before.
INTERRUPTED_STATUS = 130
# A table or column `migrate` makes, missing: PostgreSQL's SQLSTATEs (psycopg's public `sqlstate`)
# and the start of SQLite's messages.
_UNDEFINED_TABLE_OR_COLUMN = {"42P01", "42703"}
_SQLITE_MISSING = ("no such table", "no such column")


class OperatorCommand(BaseCommand):
    """A command whose failures an operator reads as sentences: the database down, gone or busy
    (`OperationalError`, `InterfaceError`: what the API answers 503 for) is a CommandError
    naming what the driver said, and a table or column missing says to run `migrate`. A command
    that handles them itself (`gc_media`) still does. Ctrl-C (`KeyboardInterrupt`), once every
    `atomic` block and `finally` on its way out has run (a transaction rolled back, a temporary
    file removed), is a CommandError too."""

    def execute(self, *args: Any, **options: Any) -> Any:
        try:
            with unwound_on_sigterm():  # SIGTERM: unwound as Ctrl-C is, said, then ended by it
                return super().execute(*args, **options)
        except (OperationalError, InterfaceError, ProgrammingError) as exc:
            said = str(exc).strip()
            if _not_migrated(exc):
                raise CommandError(
                    f"The database is not migrated ({said}): run `manage.py migrate`, then this "
                    "again. What the command had not committed is rolled back."
                ) from exc
            if isinstance(exc, ProgrammingError):  # a defect, not the database's state: its traceback
                raise
            raise CommandError(
                f"The database is unavailable ({said}): what the command had not committed "
                "is rolled back. Run it again once the database answers."
            ) from exc
        except KeyboardInterrupt:
            raise CommandError(
                "Interrupted (Ctrl-C): what the command had not committed is rolled back.",
                returncode=INTERRUPTED_STATUS,
            ) from None


def _not_migrated(exc: Exception) -> bool:
    """Whether the database lacks a table or column of ours (Django's error's `__cause__` is the
    driver's)."""
    driver = exc.__cause__
    return getattr(driver, "sqlstate", None) in _UNDEFINED_TABLE_OR_COLUMN or str(driver).startswith(
        _SQLITE_MISSING
    )
