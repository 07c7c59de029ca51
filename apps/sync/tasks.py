"""Background tasks of the sync app (in-process when no broker is configured)."""

from apps.core.periods import period
from apps.sync.services import sync_purge
from config.celery import app


@app.task(name="apps.sync.tasks.purge_sync_log")
def purge_sync_log(retention_days: float | None = None) -> dict[str, int]:
    """Daily: delete change-log rows (tombstones included) older than `SYNC_RETENTION_DAYS`.

    Idempotent: a repeated run finds nothing more to delete. A `retention_days` that is not a
    number from 0 to a century is refused (ValueError) before anything is deleted.
    """
    retention = None if retention_days is None else period(retention_days, unit="days", name="retention_days")
    return {"deleted": sync_purge(retention=retention)}
