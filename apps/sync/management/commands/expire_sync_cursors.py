"""`manage.py expire_sync_cursors`: after a database restore, make every sync cursor a 410."""

from typing import Any

from django.core.management.base import BaseCommand

from apps.sync.services import sync_expire_cursors


class Command(BaseCommand):
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
