"""The CSV export of a filtered list, in constant memory: a header, then one row per item.

Shared by `GET /api/v1/real-estates/export` and any command writing the same file. Rows come
from `.iterator()` (a server-side cursor on PostgreSQL), never a list of the whole result.
"""

import csv
from collections.abc import Iterable, Iterator
from typing import Any

from apps.real_estates.querysets import RealEstateQuerySet
from apps.real_estates.rendering import iso

HEADER: tuple[str, ...] = (
    "id",
    "title",
    "kind",
    "purpose",
    "status",
    "price",
    "area_m2",
    "bedrooms",
    "city",
    "state",
    "collected_by_id",
    "collected_by_name",
    "photo_count",
    "cover",
    "created_at",
    "updated_at",
)
_COLUMNS = (
    "id",
    "title",
    "kind",
    "purpose",
    "status",
    "price",
    "area_m2",
    "bedrooms",
    "city",
    "state",
    "collected_by_id",
    "collected_by__name",
    "photo_count",
    "created_at",
    "updated_at",
)
CHUNK_SIZE = 2000
# Cells a spreadsheet would run as a formula (CSV injection) get a leading apostrophe.
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _text(value: str | None) -> str:
    if not value:
        return ""
    return "'" + value if value.startswith(_FORMULA_PREFIXES) else value


def rows(queryset: RealEstateQuerySet) -> Iterator[list[Any]]:
    """One list per real estate, in HEADER order (the collector flattened)."""
    values = queryset.values_list(*_COLUMNS)
    for (
        pk,
        title,
        kind,
        purpose,
        status,
        price,
        area_m2,
        bedrooms,
        city,
        state,
        collector_id,
        collector_name,
        photo_count,
        created_at,
        updated_at,
    ) in values.iterator(chunk_size=CHUNK_SIZE):
        yield [
            str(pk),
            _text(title),
            kind,
            purpose,
            status,
            str(price),
            str(area_m2),
            bedrooms,
            _text(city),
            state,
            str(collector_id) if collector_id else "",
            _text(collector_name),
            photo_count,
            "",
            iso(created_at),
            iso(updated_at),
        ]


class _Line:
    """A file-like object whose `write` hands back the line csv.writer produced."""

    def write(self, value: str) -> str:
        return value


def csv_lines(queryset: RealEstateQuerySet) -> Iterable[str]:
    writer = csv.writer(_Line())
    yield writer.writerow(HEADER)
    for row in rows(queryset):
        yield writer.writerow(row)
