"""`manage.py rebuild_thumbnails [--all] [--batch-size N]`: derive missing (or all) renditions,
with a progress bar on a terminal. Missing: a blob's not `ready`, or `ready` and a rendition
object lost from storage, found by matching the `thumbs/` listing to the rows N files at a time
(`services.blobs_missing_renditions`): memory stays a bit per blob whatever the size.

Every blob is tried; when any failed (storage unreachable, an original gone or undecodable, a
statement the database cancelled twice: its link or its copy to the covers, which the collector
puts right, ADR 0118) the command ends in a CommandError (exit status 1) after its summary, so
cron and scripts see it. A blob whose statement the database refuses is tried once more, on a
new connection if that one was lost (a restart, a failover: `close_old_connections()` drops a
connection that no longer answers, the next statement opens one); a database that then takes no
connection at all stops the run at once, with a CommandError naming how many blobs were done,
failed and not tried (the next run takes them), rather than failing every blob left.
"""

import argparse
import sys
from typing import Any

import structlog
from django.core.management.base import CommandError, CommandParser
from django.db import OperationalError, close_old_connections, connection
from tqdm import tqdm

from apps.core import errors
from apps.core.management.busy_sqlite import WriteLockedChecksCommand
from apps.media.models import Blob, ThumbnailState
from apps.media.services import blob_generate_thumbnails, blobs_missing_renditions
from apps.media.services.thumbnails import RENDITION_BATCH, BlobIds

logger = structlog.get_logger(__name__)

# A batch's keys are one statement's parameters: SQLite (the embedded default) refuses a
# statement of more than 250,000 variables, two a key; a larger batch gains nothing anyway.
MAX_BATCH = 10_000


def _count(value: str) -> int:
    try:
        count = int(value)
    except ValueError:
        count = 0
    if not 1 <= count <= MAX_BATCH:
        raise argparse.ArgumentTypeError(f"must be a whole number from 1 to {MAX_BATCH}, not {value!r}")
    return count


class Command(WriteLockedChecksCommand):
    help = (
        "Generate the thumbnails of blobs that miss them, not ready or an object lost "
        "(or of every blob with --all); "
        "exits 1 when any failed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--all", action="store_true", help="Regenerate even the ready ones.")
        parser.add_argument(
            "--batch-size",
            type=_count,
            default=RENDITION_BATCH,
            metavar="N",
            help=f"Stored files matched to blob rows a query, 1 to {MAX_BATCH} (default {RENDITION_BATCH}).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            ids = (
                BlobIds(Blob.objects.values_list("pk", flat=True).iterator())
                if options["all"]
                else blobs_missing_renditions(batch_size=options["batch_size"])
            )
        except errors.StorageUnavailable as error:  # its listing of the renditions
            raise CommandError(f"{error.code}: {error.message}") from error
        failed = 0
        # On a terminal only: a log (cron, `2>> file`) would get every frame of the bar.
        show_progress = bool(ids) and sys.stderr.isatty()
        progress = tqdm(ids, desc="thumbnails", unit="blob", file=sys.stderr, disable=not show_progress)
        for tried, blob_id in enumerate(progress):
            try:
                made = _rebuild(blob_id)
            except _DatabaseUnreachable as error:
                raise CommandError(
                    f"The database took no new connection: {tried - failed} blob(s) done, {failed} failed, "
                    f"{len(ids) - tried} not tried (run it again once the database is back)."
                ) from error
            if not made:
                failed += 1
        self.stdout.write(f"Thumbnails: {len(ids) - failed} blob(s) done, {failed} failed.")
        if failed:
            raise CommandError(f"{failed} blob(s) failed (see the log and the admin's blobs).")


class _DatabaseUnreachable(Exception):
    """A lost connection the database then refused to open again."""


def _rebuild(blob_id: int) -> bool:
    """Whether the blob's renditions were made (or it is gone). A statement the database refuses
    (cancelled behind a held row, a lost connection) is one more try, on a working connection."""
    for attempt in (1, 2):
        try:
            blob = blob_generate_thumbnails(blob_id=blob_id, force=True)  # idempotent
        except (errors.StorageUnavailable, errors.ServiceUnavailable):
            return False
        except OperationalError:
            logger.warning("thumbnail_rebuild_refused", blob_id=blob_id, attempt=attempt, exc_info=True)
            _reconnect()
            continue
        return blob is None or blob.thumbnail_state == ThumbnailState.READY
    return False


def _reconnect() -> None:
    """Drop the connection if it no longer answers and open a new one, as a request does at its
    start: a connection still working (a statement cancelled) is kept."""
    close_old_connections()
    try:
        connection.cursor().close()  # opens a connection if there is none
    except OperationalError as error:
        raise _DatabaseUnreachable() from error
