"""The system checks of our commands (and of our `migrate` and `check`) on SQLite, under its
write lock (docs/adr/0107).

Django's check that a database supports JSONFields (`fields.E180`) probes SQLite (every database
when a command names none) in a transaction, which this project's SQLite connections open
IMMEDIATE (config/settings/base.py): it needs the write lock. While another process held that
lock longer than a connection waits for it (5 s: a `seed_demo`, a long migration), the probe
failed with "database is locked", read that as "no JSON support", and the command stopped on a
false "SQLite does not support JSONFields". Here the command takes the lock first, waiting as any
writer does, and runs its checks holding it, so the probe runs inside that transaction; a lock
it cannot get is said as it is.
"""

from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from typing import Any

from django.core.management.base import CommandError
from django.db import OperationalError, connections, transaction

from apps.core.management.operator import OperatorCommand


@contextmanager
def write_locked(databases: Sequence[str] | None) -> Iterator[None]:
    """Holds the write lock of each SQLite database among `databases` (None: every database, as
    Django's checks then probe each) for the block, a transaction with nothing in it;
    CommandError if another process keeps one busy. PostgreSQL's probes take no lock: nothing
    is done for it."""
    with ExitStack() as stack:
        for alias in connections if databases is None else databases:
            if connections[alias].vendor != "sqlite":
                continue
            try:
                stack.enter_context(transaction.atomic(using=alias))
            except OperationalError as exc:
                if not _busy(exc):  # a file that cannot open: "unavailable" (OperatorCommand)
                    raise
                raise CommandError(
                    f"The database is busy: another process holds its write lock ({exc}), a long "
                    "command such as seed_demo or another migrate. Run this again once it ends."
                ) from exc
        yield


def _busy(exc: OperationalError) -> bool:
    """Whether SQLite refused for its lock (SQLITE_BUSY, `sqlite3`'s public error name), not for
    anything else (`unable to open database file`: a missing directory, a mistyped path)."""
    return getattr(exc.__cause__, "sqlite_errorname", None) == "SQLITE_BUSY"


class WriteLockedChecksCommand(OperatorCommand):
    """The base of our commands (and of our `migrate` and `check`): their system checks, which
    probe every database when none is named, run under SQLite's write lock (`write_locked`), and
    a database unavailable is a CommandError (`OperatorCommand`)."""

    def check(self, *args: Any, **kwargs: Any) -> None:
        with write_locked(kwargs.get("databases")):  # Django passes its checks' arguments by name
            super().check(*args, **kwargs)
