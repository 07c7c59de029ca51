"""Background tasks of the real estates app (in-process when no broker is configured)."""

from typing import Any

from celery import shared_task

from apps.real_estates.export import real_estate_export_to_storage

# An export of the whole table is the slowest job we run: more room than the global 240/300 s.
EXPORT_SOFT_TIME_LIMIT = 840
EXPORT_TIME_LIMIT = 900


@shared_task(
    name="apps.real_estates.tasks.export_real_estates",
    bind=True,
    soft_time_limit=EXPORT_SOFT_TIME_LIMIT,
    time_limit=EXPORT_TIME_LIMIT,
)
def export_real_estates(self: Any, *, filters: dict[str, str], fmt: str = "csv") -> str:
    """Write the filtered list's CSV to storage under `exports/<task id>.csv`; answers the key.

    Idempotent: a retried or redelivered run (acks_late) rewrites the same key.
    """
    return real_estate_export_to_storage(filters=filters, fmt=fmt, export_id=self.request.id)
