"""Background tasks of the real estates app (in-process when no broker is configured)."""

from typing import Any

from celery.utils.time import get_exponential_backoff_interval

from apps.core import errors
from apps.core.periods import period
from apps.real_estates.export import purge_exports, real_estate_export_to_storage
from config.celery import BaseTask, app

# An export of the whole table is the slowest job we run: more room than the global 240/300 s.
EXPORT_SOFT_TIME_LIMIT = 840
EXPORT_TIME_LIMIT = 900


@app.task(
    name="apps.real_estates.tasks.export_real_estates",
    bind=True,
    soft_time_limit=EXPORT_SOFT_TIME_LIMIT,
    time_limit=EXPORT_TIME_LIMIT,
)
def export_real_estates(self: Any, *, filters: dict[str, str], fmt: str = "csv") -> str:
    """Write the filtered list's CSV to storage under `exports/<task id>.csv`; answers the key.

    Idempotent: a retried or redelivered run (acks_late) rewrites the same key. A storage
    failure (StorageUnavailable: the network, the bucket) is retried on a worker with the same
    backoff as the other transient errors; in-process it reaches the caller at once.
    """
    try:
        return real_estate_export_to_storage(filters=filters, fmt=fmt, export_id=self.request.id)
    except errors.StorageUnavailable as exc:
        if self.request.is_eager:
            raise
        countdown = get_exponential_backoff_interval(
            factor=1, retries=self.request.retries, maximum=BaseTask.retry_backoff_max, full_jitter=True
        )
        raise self.retry(exc=exc, countdown=countdown) from exc


@app.task(name="apps.real_estates.tasks.purge_old_exports")
def purge_old_exports(retention_days: float | None = None) -> dict[str, int]:
    """Daily: delete exports older than `REAL_ESTATES_EXPORT_RETENTION_DAYS` (or `retention_days`).

    Idempotent: a repeated run finds nothing more to delete. A `retention_days` that is not a
    number above 0 and up to a century is refused (ValueError) before anything is deleted: 0 is
    the setting's "keep every export", never "delete every one" (docs/adr/0106).
    """
    retention = None if retention_days is None else period(retention_days, unit="days", name="retention_days")
    if retention is not None and not retention:
        raise ValueError(
            "retention_days must be more than 0: a retention of 0 days means keep every export "
            "(REAL_ESTATES_EXPORT_RETENTION_DAYS=0), never delete every one."
        )
    return {"deleted": len(purge_exports(retention=retention))}
