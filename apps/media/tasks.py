"""Background tasks of the media app (in-process when no broker is configured).

Both are idempotent: thumbnails of a ready blob are not derived again, and the collector
re-checks everything it deletes.
"""

from datetime import timedelta
from typing import Any

import structlog
from celery import shared_task

from apps.media import services

logger = structlog.get_logger(__name__)


@shared_task(name="apps.media.tasks.generate_thumbnails")
def generate_thumbnails(blob_id: int) -> bool:
    """Derive a blob's renditions; True when they are ready.

    Never raises: it runs after the upload's commit (in-process by default), where an error
    would reach a client whose photo is already saved. A failure is logged and leaves the blob
    `failed`; `manage.py rebuild_thumbnails` retries those.
    """
    try:
        blob = services.blob_generate_thumbnails(blob_id=blob_id)
    except Exception:  # noqa: BLE001 - the blob is marked failed and the error logged by the service
        logger.warning("thumbnail_task_failed", blob_id=blob_id)
        return False
    return blob is not None


@shared_task(name="apps.media.tasks.gc_media")
def gc_media(grace_hours: float | None = None, dry_run: bool = False) -> dict[str, Any]:
    """Daily: remove unreferenced blobs and orphan objects older than the grace period."""
    grace = None if grace_hours is None else timedelta(hours=grace_hours)
    report = services.media_gc(grace=grace, dry_run=dry_run)
    return {"blobs": len(report.blobs), "objects": len(report.objects), "freed_bytes": report.freed_bytes}
