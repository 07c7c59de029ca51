"""How values look on the wire (API and CSV alike): ISO 8601 UTC times with a `Z`."""

from datetime import UTC, datetime

from django.utils import timezone


def iso(value: datetime | None) -> str | None:
    """ISO 8601 in UTC with a `Z`, as DRF renders datetimes."""
    if value is None:
        return None
    text = timezone.localtime(value, UTC).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text
