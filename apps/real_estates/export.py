"""The CSV export of a filtered list, streamed in constant memory: a header, then one row per item.

Shared by `GET /api/v1/real-estates/export` (`csv_chunks`), the `export_real_estates` command
(`csv_lines`, the same bytes line by line) and the `export_real_estates` task, which writes
the same file to storage (`real_estate_export_to_storage`). Rows come a chunk at a time, never
a list of the whole result, on PostgreSQL from a server-side cursor read inside a transaction
(`streamed`, which the command's JSON Lines reads through too); each chunk of lines is written
by the csv module into one reused buffer (docs/adr/0055).
"""

import contextlib
import csv
import io
import uuid
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime, timedelta
from itertools import batched
from typing import Any, Final

import structlog
from botocore.exceptions import ClientError
from django.conf import settings
from django.core.files.storage import Storage, storages
from django.db import connections, transaction
from django.db.models import QuerySet, TextField
from django.db.models.functions import Cast
from django.http import QueryDict
from django.utils import timezone
from django_filters.utils import translate_validation

from apps.media import storage as media
from apps.real_estates.models import RealEstate
from apps.real_estates.querysets import ListingRows

logger = structlog.get_logger(__name__)

EXPORT_PREFIX: Final = "exports/"
FORMATS: Final = ("csv",)

# CSV header → the column its cell is read from.
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
# On PostgreSQL, identifiers and decimals are read as the text it writes for them (`::text`: the
# same characters `str()` of the UUID and of the Decimal gives), so no UUID or Decimal object is
# made per row only to be printed. Not elsewhere: SQLite's text of a UUID column is its 32 hex
# digits and of a decimal its floating-point value (`368000`, `207.8`); there the row's objects
# are read, which the csv module prints with `str()`, the same characters.
_AS_TEXT = frozenset({"id", "price", "area_m2", "collected_by_id"})
HEADER: tuple[str, ...] = tuple(header for header, _ in _FIELDS)
# With `near`, a last column: kilometres from the point, three decimals (docs/adr/0081).
DISTANCE_HEADER = "distance_km"
# Rows fetched from the server-side cursor per round trip.
CHUNK_SIZE = 2000
# Rows written per chunk of the response (~400 bytes each: ~200 KB). Each chunk crosses into
# the server once (granian hands it over through a one-slot channel, releasing the GIL), so
# the count of chunks, not of rows, is what the handover costs (docs/adr/0055).
ROWS_PER_CHUNK = 500
# Cells a spreadsheet would run as a formula (CSV injection) get a leading apostrophe.
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _text(value: str | None) -> str:
    if not value:
        return ""
    return "'" + value if value.startswith(_FORMULA_PREFIXES) else value


def _iso(value: datetime | None) -> str:
    """`apps.real_estates.rendering.iso`, for a CSV cell (None is empty): UTC, ending in `Z`."""
    if value is None:
        return ""
    return value.astimezone(UTC).isoformat()[:-6] + "Z"  # a UTC offset always prints `+00:00`


@contextlib.contextmanager
def streamed(queryset: QuerySet[Any]) -> Iterator[Iterator[Any]]:
    """`queryset`'s rows from a server-side cursor, `CHUNK_SIZE` a round trip, for as long as the
    block lasts; every export format reads its rows through it (docs/adr/0055).

    Inside a transaction on PostgreSQL: the cursor is then an ordinary server-side cursor, read
    as the rows are written, not one `WITH HOLD` cursor (what Django opens in autocommit, as a
    request or a command runs) whose whole result PostgreSQL would materialise before the first
    row. Not on SQLite (the embedded default), whose transactions begin IMMEDIATE, taking the
    write lock: every write of the other processes would wait for the whole export; one SELECT
    reads one snapshot there anyway. The transaction ends with the block: in a generator, at its
    last row or when it is closed (a client gone away rolls the read-only transaction back)."""
    in_transaction = (
        transaction.atomic(using=queryset.db)
        if connections[queryset.db].vendor == "postgresql"
        else contextlib.nullcontext()
    )
    with in_transaction:
        yield queryset.iterator(chunk_size=CHUNK_SIZE)


def _rows(queryset: ListingRows, *, with_distance: bool) -> Iterator[tuple[Any, ...]]:
    """One tuple of cells per real estate, in HEADER order (and `distance_km` last with
    `with_distance`), `streamed`."""
    link = media.object_urls()
    text = _text
    iso = _iso
    as_text = connections[queryset.db].vendor == "postgresql"
    columns: list[Any] = [Cast(c, TextField()) if as_text and c in _AS_TEXT else c for _, c in _FIELDS]
    if with_distance:
        columns.append("distance_km")
    with streamed(queryset.values_list(*columns)) as rows:
        for row in rows:
            (
                pk, title, kind, purpose, status, price, area_m2, bedrooms, city, state,
                collected_by_id, collected_by_name, photo_count, cover, created_at, updated_at, *rest,
            ) = row  # fmt: skip
            cells = (
                pk,
                text(title),
                kind,
                purpose,
                status,
                price,
                area_m2,
                bedrooms,
                text(city),
                state,
                collected_by_id or "",
                text(collected_by_name),
                photo_count,
                link(cover) if cover else "",
                iso(created_at),
                iso(updated_at),
            )
            yield (*cells, f"{rest[0]:.3f}") if with_distance else cells


def _header(with_distance: bool) -> tuple[str, ...]:
    return (*HEADER, DISTANCE_HEADER) if with_distance else HEADER


def csv_chunks(queryset: ListingRows, *, with_distance: bool = False) -> Iterator[bytes]:
    """The CSV as UTF-8 bytes: the header line, then chunks of `ROWS_PER_CHUNK` whole lines."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def take() -> bytes:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text.encode()

    writer.writerow(_header(with_distance))
    yield take()
    for batch in batched(_rows(queryset, with_distance=with_distance), ROWS_PER_CHUNK, strict=False):
        writer.writerows(batch)
        yield take()


class _Line:
    """A file-like object whose `write` hands back the line csv.writer produced."""

    def write(self, value: str) -> str:
        return value


def csv_lines(queryset: ListingRows, *, with_distance: bool = False) -> Iterable[str]:
    """The same CSV as `csv_chunks`, one line (a str) at a time."""
    writer = csv.writer(_Line())
    yield writer.writerow(_header(with_distance))
    for row in _rows(queryset, with_distance=with_distance):
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

    Idempotent for one `export_id` (the task passes its own id): a rerun replaces the same key.
    Written through `media.save_whole`: the key shows the previous export, or none, until the
    last row is in, and a run that fails (the database, the storage, a full disk) leaves nothing
    behind, no partial file under the key and no temporary (docs/adr/0093). A storage failure
    (the bucket unreachable or gone, the disk full) raises `StorageUnavailable`, as the media
    app's writes do; a database error reaches the caller as it is.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; expected one of {FORMATS}")
    queryset = filtered_queryset(filters)  # validated before anything is written
    key = export_key(export_id or uuid.uuid4())
    size = media.save_whole(key, csv_chunks(queryset, with_distance=bool(filters.get("near"))))
    logger.info("real_estates_exported", key=key, size=size, filters=dict(filters))
    return key


def purge_exports(*, retention: timedelta | None = None, now: datetime | None = None) -> list[str]:
    """Delete the exports in default storage last written more than `retention` before `now`
    (`REAL_ESTATES_EXPORT_RETENTION_DAYS` by default; 0 keeps them); answers the deleted keys.

    Only the CSV files `export_key` names are considered, not what else may lie under the
    prefix or below it. A file gone between the listing and the reading of its age (another
    purge at the same time, a rerun rewriting its key) is skipped, not an error.
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
        if not name.endswith(".csv"):
            continue
        modified = _modified_time(storage, key)
        if modified is not None and modified < cutoff:
            storage.delete(key)  # deleting what is already gone is no error, on disk or on S3
            deleted.append(key)
    logger.info("real_estate_exports_purged", deleted=len(deleted), cutoff=cutoff.isoformat())
    return deleted


def _modified_time(storage: Storage, key: str) -> datetime | None:
    """When `key` was last written, or None when it is not there (any more)."""
    try:
        modified: datetime = storage.get_modified_time(key)
    except FileNotFoundError:
        return None
    except ClientError as exc:  # S3 answers a HEAD of a missing key with a bare 404
        if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey"):
            return None
        raise
    return modified
