"""`manage.py gc_media [--dry-run] [--grace HOURS]`: remove unreferenced blobs and orphan objects."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.core import errors
from apps.core.periods import MAX_HOURS, period
from apps.media.services import media_gc


class Command(BaseCommand):
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
        try:
            report = media_gc(grace=grace, dry_run=options["dry_run"])
        except errors.ApiError as error:  # the storage unreachable: what was removed so far stays removed
            raise CommandError(f"{error.code}: {error.message}") from error
        verb = "Would remove" if options["dry_run"] else "Removed"
        for sha256 in report.blobs:
            self.stdout.write(f"{verb} blob {sha256}")
        for key in report.objects:
            self.stdout.write(f"{verb} orphan object {key}")
        self.stdout.write(
            f"{verb} {len(report.blobs)} blob(s) and {len(report.objects)} orphan object(s), "
            f"{report.freed_bytes} bytes."
        )
