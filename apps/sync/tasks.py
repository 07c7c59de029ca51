"""Background tasks of the sync app (in-process when no broker is configured)."""

from datetime import timedelta

from apps.core.periods import period
from apps.sync.services import sync_purge
from config.celery import app


@app.task(name="apps.sync.tasks.purge_sync_log")
def purge_sync_log(retention_days: float | None = None) -> dict[str, int]:
    """Daily: delete change-log rows (tombstones included) older than `SYNC_RETENTION_DAYS`.

    Idempotent: a repeated run finds nothing more to delete. A `retention_days` that is not a
    number from 1 (the setting's least: a cursor's lifetime too) to a century is refused
    (ValueError) before anything is deleted (docs/adr/0106); `expire_sync_cursors` is the
    deliberate reset of every client's sync.
    """
    retention = None if retention_days is None else period(retention_days, unit="days", name="retention_days")
    if retention is not None and retention < timedelta(days=1):
        raise ValueError(
            f"retention_days must be at least 1, as SYNC_RETENTION_DAYS, not {retention_days!r}: "
            "to make every client sync again from the beginning, run expire_sync_cursors."
        )
    return {"deleted": sync_purge(retention=retention)}
