"""`manage.py gc_media [--dry-run] [--grace HOURS]`: remove unreferenced blobs and orphan objects,
each printed as it goes (a run the storage interrupts has printed what it removed), then the sums.
A statement the database cancels (a lock held past the statement timeout, a lost connection) ends
it the same way, in a CommandError: what it was removing stays for the next run."""

from typing import Any

from django.conf import settings
from django.core.management.base import CommandError, CommandParser
from django.db import OperationalError

from apps.core import errors
from apps.core.management.busy_sqlite import WriteLockedChecksCommand
from apps.core.management.output import silence_stdout
from apps.core.periods import MAX_HOURS, period
from apps.media.services import media_gc


class Command(WriteLockedChecksCommand):
    help = (
        "Remove blobs no photo references and stored objects without a blob row, older than the grace period."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Only list what would be removed.")
        parser.add_argument(
            "--grace",
            type=float,
            default=None,
            metavar="HOURS",
            help=f"Keep anything younger, 0 to {MAX_HOURS} "
            f"(default MEDIA_GC_GRACE_HOURS={settings.MEDIA_GC_GRACE_HOURS}).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        hours = options["grace"]
        try:
            grace = None if hours is None else period(hours, unit="hours", name="--grace")
        except ValueError as exc:  # a usage error: exit status 2, as argparse's
            raise CommandError(str(exc), returncode=2) from exc
        verb = "Would remove" if options["dry_run"] else "Removed"
        labels = {"blob": "blob", "object": "orphan object"}

        def removed(kind: str, name: str) -> None:  # as it happens: a run that fails has told what it did
            self.stdout.write(f"{verb} {labels[kind]} {name}")

        try:
            report = media_gc(grace=grace, dry_run=options["dry_run"], removed=removed)
            self.stdout.write(
                f"{verb} {report.blob_count} blob(s) and {report.object_count} orphan object(s), "
                f"{report.freed_bytes} bytes."
            )
        except errors.ApiError as error:  # the storage unreachable: what was removed so far stays removed
            raise CommandError(f"{error.code}: {error.message}") from error
        except OperationalError as exc:  # a statement cancelled behind a held lock, a lost connection
            unavailable = errors.ServiceUnavailable()
            raise CommandError(f"{unavailable.code}: {unavailable.message} ({exc})") from exc
        except BrokenPipeError:
            # The reader went away (`gc_media --dry-run | head`): stop there quietly, as Unix tools
            # do; each removal printed was committed, so the next run goes on from what is left.
            silence_stdout()
