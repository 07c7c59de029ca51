"""Django's `migrate`, its system checks run under SQLite's write lock (`busy_sqlite`): a
database another process keeps busy is said to be busy, not to lack JSON support."""

from django.core.management.commands import migrate

from apps.core.management.busy_sqlite import WriteLockedChecksCommand


class Command(WriteLockedChecksCommand, migrate.Command):
    pass
