"""The CSV export of a filtered list, in constant memory: a header, then one row per item.

Shared by `GET /api/v1/real-estates/export` and the `export_real_estates` task, which writes
the same file to storage (`real_estate_export_to_storage`). Rows come from `.iterator()` (a
server-side cursor on PostgreSQL), never a list of the whole result.
"""

import csv
import tempfile
import uuid
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime, timedelta
from typing import Any, Final

import structlog
from django.conf import settings
from django.core.files import File
from django.core.files.storage import storages
from django.http import QueryDict
from django.utils import timezone
from django_filters.utils import translate_validation

from apps.real_estates.models import RealEstate
from apps.real_estates.querysets import ListingRows
from apps.real_estates.rendering import iso

logger = structlog.get_logger(__name__)

EXPORT_PREFIX: Final = "exports/"
FORMATS: Final = ("csv",)

# CSV header → the key of a `with_listing_data()` row it is read from (the list item's
# fields, the collector flattened, the cover as its thumbnail key).
_FIELDS: tuple[tuple[str, str], ...] = (
    ("id", "id"),
    ("title", "title"),
    ("kind", "kind"),
    ("purpose", "purpose"),
    ("status", "status"),
    ("price", "price"),
    ("area_m2", "area_m2"),
    ("bedrooms", "bedrooms"),
    ("city", "city"),
    ("state", "state"),
    ("collected_by_id", "collected_by_id"),
    ("collected_by_name", "collected_by_name"),
    ("photo_count", "photo_count"),
    ("cover", "cover_key"),
    ("created_at", "created_at"),
    ("updated_at", "updated_at"),
)
HEADER: tuple[str, ...] = tuple(header for header, _ in _FIELDS)
# With `near`, a last column: kilometres from the point, three decimals (docs/adr/0081).
DISTANCE_HEADER = "distance_km"
CHUNK_SIZE = 2000
# Cells a spreadsheet would run as a formula (CSV injection) get a leading apostrophe.
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _text(value: str | None) -> str:
    if not value:
        return ""
    return "'" + value if value.startswith(_FORMULA_PREFIXES) else value


def rows(queryset: ListingRows, *, with_distance: bool = False) -> Iterator[list[Any]]:
    """One list per real estate, in HEADER order, from the rows of `with_listing_data()`;
    `with_distance` (a `near` query) appends the row's `distance_km`."""
    from apps.media.api.serializers import media_url

    for row in queryset.iterator(chunk_size=CHUNK_SIZE):
        item = {header: row[key] for header, key in _FIELDS}
        yield [
            str(item["id"]),
            _text(item["title"]),
            item["kind"],
            item["purpose"],
            item["status"],
            str(item["price"]),
            str(item["area_m2"]),
            item["bedrooms"],
            _text(item["city"]),
            item["state"],
            str(item["collected_by_id"]) if item["collected_by_id"] else "",
            _text(item["collected_by_name"]),
            item["photo_count"],
            media_url(item["cover"]) or "",
            iso(item["created_at"]),
            iso(item["updated_at"]),
            *([f"{row['distance_km']:.3f}"] if with_distance else []),
        ]


class _Line:
    """A file-like object whose `write` hands back the line csv.writer produced."""

    def write(self, value: str) -> str:
        return value


def csv_lines(queryset: ListingRows, *, with_distance: bool = False) -> Iterable[str]:
    writer = csv.writer(_Line())
    yield writer.writerow((*HEADER, DISTANCE_HEADER) if with_distance else HEADER)
    for row in rows(queryset, with_distance=with_distance):
        yield writer.writerow(row)


def filtered_queryset(filters: Mapping[str, str]) -> ListingRows:
    """Every real estate (what a manager's export sees) narrowed by the list's query parameters.

    Invalid filters raise DRF's ValidationError naming the parameter, as the API answers them.
    """
    from apps.real_estates.api.filters import RealEstateFilterSet  # the API's FilterSet, one definition

    data = QueryDict(mutable=True)
    data.update(filters)
    filterset = RealEstateFilterSet(data=data, queryset=RealEstate.objects.with_listing_data())
    if not filterset.is_valid():
        raise translate_validation(filterset.errors)
    queryset: ListingRows = filterset.qs
    return queryset


def export_key(export_id: uuid.UUID | str) -> str:
    return f"{EXPORT_PREFIX}{export_id}.csv"


def real_estate_export_to_storage(
    *, filters: Mapping[str, str], fmt: str = "csv", export_id: uuid.UUID | str | None = None
) -> str:
    """Write the CSV of the filtered list to default storage; answers its key, `exports/<id>.csv`.

    Idempotent for one `export_id` (the task passes its own id): a rerun rewrites the same key.
    The file is spooled to a temporary file first, so memory stays flat and a failed run never
    leaves a partial object under the key.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; expected one of {FORMATS}")
    queryset = filtered_queryset(filters)  # validated before anything is written
    key = export_key(export_id or uuid.uuid4())
    storage = storages["default"]
    with tempfile.TemporaryFile() as spool:
        for line in csv_lines(queryset, with_distance=bool(filters.get("near"))):
            spool.write(line.encode())
        size = spool.tell()
        spool.seek(0)
        if storage.exists(key):
            storage.delete(key)  # a rerun: FileSystemStorage would otherwise pick another name
        stored = storage.save(key, File(spool, name=key))
    logger.info("real_estates_exported", key=stored, size=size, filters=dict(filters))
    return stored


def purge_exports(*, retention: timedelta | None = None, now: datetime | None = None) -> list[str]:
    """Delete the exports in default storage last written more than `retention` before `now`
    (`REAL_ESTATES_EXPORT_RETENTION_DAYS` by default; 0 keeps them); answers the deleted keys.

    Only the CSV files `export_key` names are considered, not what else may lie under the
    prefix or below it.
    """
    if retention is None:
        if settings.REAL_ESTATES_EXPORT_RETENTION_DAYS <= 0:
            return []
        retention = timedelta(days=settings.REAL_ESTATES_EXPORT_RETENTION_DAYS)
    cutoff = (now or timezone.now()) - retention
    storage = storages["default"]
    try:
        _, names = storage.listdir(EXPORT_PREFIX.rstrip("/"))
    except FileNotFoundError:  # local storage before the first export
        return []
    deleted = []
    for name in sorted(names):
        key = f"{EXPORT_PREFIX}{name}"
        if name.endswith(".csv") and storage.get_modified_time(key) < cutoff:
            storage.delete(key)
            deleted.append(key)
    logger.info("real_estate_exports_purged", deleted=len(deleted), cutoff=cutoff.isoformat())
    return deleted
