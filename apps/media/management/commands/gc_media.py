"""`manage.py gc_media [--dry-run] [--grace HOURS]`: remove unreferenced blobs and orphan objects."""

import math
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from apps.media.services import media_gc

# A century: enough to keep everything, and a cutoff date Python can still compute.
MAX_GRACE_HOURS = 100 * 365 * 24


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
            help=f"Keep anything younger (default MEDIA_GC_GRACE_HOURS={settings.MEDIA_GC_GRACE_HOURS}).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        hours = options["grace"]
        if hours is not None and not (math.isfinite(hours) and 0 <= hours <= MAX_GRACE_HOURS):
            self.stderr.write(f"--grace must be a number of hours from 0 to {MAX_GRACE_HOURS}")
            raise SystemExit(2)
        grace = None if hours is None else timedelta(hours=hours)
        report = media_gc(grace=grace, dry_run=options["dry_run"])
        verb = "Would remove" if options["dry_run"] else "Removed"
        for sha256 in report.blobs:
            self.stdout.write(f"{verb} blob {sha256}")
        for key in report.objects:
            self.stdout.write(f"{verb} orphan object {key}")
        self.stdout.write(
            f"{verb} {len(report.blobs)} blob(s) and {len(report.objects)} orphan object(s), "
            f"{report.freed_bytes} bytes."
        )
