"""`manage.py expire_sync_cursors`: after a database restore, make every sync cursor a 410."""

from typing import Any

from apps.core.management.busy_sqlite import WriteLockedChecksCommand
from apps.sync.services import sync_expire_cursors


class Command(WriteLockedChecksCommand):
    help = (
        "After restoring the database from a backup: expire every sync cursor issued before now "
        "(410 SYNC_CURSOR_EXPIRED), so offline clients sync again from the beginning. Run it with "
        "the app, workers and beat stopped, as the restore procedure does."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = sync_expire_cursors()
        self.stdout.write(
            f"Every sync cursor issued before now is expired; {deleted} change-log entries removed."
        )
