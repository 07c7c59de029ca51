"""Django's `migrate`, its system checks run under SQLite's write lock (`busy_sqlite`): a
database another process keeps busy is said to be busy, not to lack JSON support."""

from typing import Any

from django.core.management.commands import migrate

from apps.core.management.busy_sqlite import write_locked


class Command(migrate.Command):
    def check(self, *args: Any, **kwargs: Any) -> None:
        with write_locked(kwargs.get("databases")):  # Django passes its checks' arguments by name
            super().check(*args, **kwargs)
