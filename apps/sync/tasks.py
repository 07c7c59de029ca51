"""Background tasks of the sync app (in-process when no broker is configured)."""

from datetime import timedelta

from apps.sync.services import sync_purge
from config.celery import app


@app.task(name="apps.sync.tasks.purge_sync_log")
def purge_sync_log(retention_days: float | None = None) -> dict[str, int]:
    """Daily: delete change-log rows (tombstones included) older than `SYNC_RETENTION_DAYS`.

    Idempotent: a repeated run finds nothing more to delete.
    """
    retention = None if retention_days is None else timedelta(days=retention_days)
    return {"deleted": sync_purge(retention=retention)}
