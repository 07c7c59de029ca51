"""Background tasks of the media app (in-process when no broker is configured).

Both are idempotent (docs/adr/0041): thumbnails of a ready blob are not derived again, and the
collector re-checks everything it deletes. Thumbnails retry storage and database failures with
backoff.
"""

import random
from typing import Any, Final

import structlog
from celery import Task
from django.conf import settings
from django.db import DatabaseError, OperationalError

from apps.core import errors
from apps.core.periods import period
from apps.media import services
from apps.media.models import ThumbnailState
from config.celery import app

logger = structlog.get_logger(__name__)


@app.task(name="apps.media.tasks.generate_thumbnails", bind=True)
def generate_thumbnails(self: Task[Any, Any], blob_id: int, force: bool = False) -> bool:
    """Derive a blob's renditions; True when they are ready. `force`: even a `ready` blob's (the
    admin's rebuild, for one whose rendition objects were lost).

    On a worker, a storage failure, a busy process or a database one that may pass (a lost
    connection, a statement cancelled; the run's retry copies a ready blob's cover again, which
    a failure after its link leaves undone) is retried with exponential backoff,
    `MEDIA_THUMBNAIL_MAX_RETRIES` times; after the last one the blob is marked `failed` (the
    admin and `manage.py rebuild_thumbnails` start it again) and the task fails. A blob that can
    never have renditions is marked `failed` by the service at once.

    In-process (no broker), it runs after the upload's commit, where an error would reach a
    client whose photo is already saved: there, and only there, a failure is logged and swallowed,
    and a `failed` mark the database refuses too leaves the blob `pending`, for the rebuild.
    """
    try:
        blob = services.blob_generate_thumbnails(blob_id=blob_id, force=force)
    except Exception as exc:
        if self.request.is_eager:  # in-process only: the client's photo is saved; logged
            logger.warning("thumbnail_task_failed", blob_id=blob_id, exc_info=True)
            try:
                services.blob_thumbnails_failed(blob_id=blob_id)
            except DatabaseError:  # refused too (the same lock, a lost connection): left pending
                logger.warning("thumbnail_failure_not_marked", blob_id=blob_id, exc_info=True)
            return False
        if not isinstance(exc, errors.StorageUnavailable | errors.ServiceUnavailable | OperationalError):
            raise
        retries = self.request.retries
        if retries >= settings.MEDIA_THUMBNAIL_MAX_RETRIES:
            logger.error("thumbnail_task_gave_up", blob_id=blob_id, attempts=retries + 1)
            services.blob_thumbnails_failed(blob_id=blob_id)
            raise
        countdown = retry_delay(retries)
        logger.warning("thumbnail_task_retry", blob_id=blob_id, attempt=retries + 1, countdown=countdown)
        raise self.retry(
            exc=exc, countdown=countdown, max_retries=settings.MEDIA_THUMBNAIL_MAX_RETRIES
        ) from exc
    return blob is not None and blob.thumbnail_state == ThumbnailState.READY


def retry_delay(retries: int) -> float:
    """Exponential backoff with jitter: base x 2^retries, capped at ten minutes, +-25 %."""
    delay: float = min(float(settings.MEDIA_THUMBNAIL_RETRY_BACKOFF_SECONDS) * 2**retries, 600.0)
    jitter: float = random.uniform(0.75, 1.25)  # noqa: S311 - spreading retries, not a secret
    return delay * jitter


# The daily collection's own limits: at production size (2M blobs, 4M renditions) listing the
# bucket and matching it to the rows takes longer than the 240 s every quick task gets, and a run
# stopped there every day would never reach the end of it (docs/adr/0032, addendum). Beat lets
# a run wait 6 h for a worker; one run at a time is what it schedules.
GC_SOFT_TIME_LIMIT: Final = 3 * 3600
GC_TIME_LIMIT: Final = GC_SOFT_TIME_LIMIT + 300


# Acknowledged as it starts, not late (ADR 0041's default): Redis gives a message unacknowledged
# for its visibility timeout (1 h) to a worker again, while the first still runs it, so a run
# longer than that was started again beside itself every hour. A run its worker loses (killed,
# its hard limit) is not redelivered: the next day's takes what it left (docs/adr/0132).
@app.task(
    name="apps.media.tasks.gc_media",
    soft_time_limit=GC_SOFT_TIME_LIMIT,
    time_limit=GC_TIME_LIMIT,
    acks_late=False,
)
def gc_media(grace_hours: float | None = None, dry_run: bool = False) -> dict[str, Any]:
    """Daily: remove unreferenced blobs and orphan objects older than the grace period.

    A `grace_hours` that is not a number from 0 to a century is refused (ValueError) before
    anything is deleted: a negative one would take objects an upload is about to link."""
    grace = None if grace_hours is None else period(grace_hours, unit="hours", name="grace_hours")
    report = services.media_gc(grace=grace, dry_run=dry_run, removed=_log_removal(dry_run=dry_run))
    return {"blobs": report.blob_count, "objects": report.object_count, "freed_bytes": report.freed_bytes}


def _log_removal(*, dry_run: bool) -> services.Removed:
    """Each removal logged as it happens: a run stopped half-way (the storage, its time limit) has
    said what it removed, and none keeps a list of every key."""
    return lambda kind, name: logger.info("media_gc_removed", kind=kind, name=name, dry_run=dry_run)
