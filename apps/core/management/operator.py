"""The base of every command of ours: a database that cannot be reached, or that refuses the
command, ends it with a CommandError saying so (exit status 1), not psycopg's traceback; Ctrl-C
ends it with one too (exit status 130, as a shell reports a process Ctrl-C stopped)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import InterfaceError, OperationalError

# 128 + SIGINT: what a shell's `$?` shows for a process Ctrl-C ended, as it did before.
INTERRUPTED_STATUS = 130


class OperatorCommand(BaseCommand):
    """A command whose failures an operator reads as sentences: the database down, gone or busy
    (`OperationalError`, `InterfaceError`: what the API answers 503 for) is a CommandError
    naming what the driver said. A command that handles them itself (`gc_media`) still does.
    Ctrl-C (`KeyboardInterrupt`), once every `atomic` block and `finally` on its way out has run
    (a transaction rolled back, a temporary file removed), is a CommandError too."""

    def execute(self, *args: Any, **options: Any) -> Any:
        try:
            return super().execute(*args, **options)
        except (OperationalError, InterfaceError) as exc:
            raise CommandError(
                f"The database is unavailable ({str(exc).strip()}): what the command had not committed "
                "is rolled back. Run it again once the database answers."
            ) from exc
        except KeyboardInterrupt:
            raise CommandError(
                "Interrupted (Ctrl-C): what the command had not committed is rolled back.",
                returncode=INTERRUPTED_STATUS,
            ) from None
