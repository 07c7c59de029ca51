"""The base of every command of ours: a database that cannot be reached, or that refuses the
command, ends it with a CommandError saying so (exit status 1), not psycopg's traceback."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import InterfaceError, OperationalError


class OperatorCommand(BaseCommand):
    """A command whose failures an operator reads as sentences: the database down, gone or busy
    (`OperationalError`, `InterfaceError`: what the API answers 503 for) is a CommandError
    naming what the driver said. A command that handles them itself (`gc_media`) still does."""

    def execute(self, *args: Any, **options: Any) -> Any:
        try:
            return super().execute(*args, **options)
        except (OperationalError, InterfaceError) as exc:
            raise CommandError(
                f"The database is unavailable ({str(exc).strip()}): what the command had not committed "
                "is rolled back. Run it again once the database answers."
            ) from exc
