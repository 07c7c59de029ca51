"""A page's results as the API answers them (no database): items, tombstones, cover links."""

import uuid
from datetime import UTC, datetime
from decimal import Decimal

import time_machine
from drf_orjson_renderer.renderers import ORJSONRenderer

from apps.media import storage
from apps.sync.api.serializers import render_changes
from apps.sync.api.views import SyncRenderer
from apps.sync.feed import SYNC_COLUMNS

KEY = "thumbs/sha256/ab/cd/abcd" + "0" * 60 + ".webp"
CREATED = datetime(2026, 11, 30, 13, 2, 11, 482_000, tzinfo=UTC)
UPDATED = datetime(2026, 12, 1, 9, 45, 3, 117_000, tzinfo=UTC)


def _row(**values: object) -> tuple[object, ...]:
    defaults: dict[str, object] = {
        "id": uuid.uuid4(),
        "title": "Casa com quintal",
        "kind": "house",
        "purpose": "sale",
        "status": "draft",
        "price": Decimal("850000.00"),
        "area_m2": Decimal("140.50"),
        "bedrooms": 3,
        "city": "São Paulo",
        "state": "SP",
        "collected_by_id": uuid.uuid4(),
        "collected_by_name": "Maria Souza",
        "photo_count": 2,
        "cover_key": KEY,
        "created_at": CREATED,
        "updated_at": UPDATED,
        "version": 7,
    }
    defaults.update(values)
    return tuple(defaults[column] for column in SYNC_COLUMNS)


def test_a_row_is_the_list_item_with_its_version_and_a_tombstone_is_id_and_deleted() -> None:
    row = _row()
    gone = uuid.uuid4()
    item, tombstone = render_changes([row, gone])
    assert tombstone == {"id": gone, "deleted": True}
    cover = item.pop("cover")
    assert item == {
        "id": row[0],
        "title": "Casa com quintal",
        "kind": "house",
        "purpose": "sale",
        "status": "draft",
        "price": "850000.00",
        "area_m2": "140.50",
        "bedrooms": 3,
        "city": "São Paulo",
        "state": "SP",
        "collected_by": {"id": row[SYNC_COLUMNS.index("collected_by_id")], "name": "Maria Souza"},
        "photo_count": 2,
        "created_at": CREATED,
        "updated_at": UPDATED,
        "version": 7,
    }
    assert storage.key_from_token(cover.removeprefix("/media/")) == KEY


def test_no_collector_and_no_thumbnail_yet_are_nulls() -> None:
    (item,) = render_changes([_row(collected_by_id=None, collected_by_name="", cover_key="")])
    assert item["collected_by"] is None
    assert item["cover"] is None
    (item,) = render_changes([_row(photo_count=0, cover_key=None)])
    assert item["cover"] is None


def test_a_row_read_as_text_and_naive_utc_is_written_as_the_typed_row_is() -> None:
    """On PostgreSQL the feed reads ids and decimals as text and timestamps as naive UTC; the
    sync's renderer writes them byte for byte as the configured renderer writes typed values."""
    typed = _row(
        created_at=datetime(2026, 11, 30, 13, 2, 11, tzinfo=UTC),  # whole seconds: no fraction
        collected_by_name='Zé "Tião" Ñ',
    )
    as_read = tuple(
        value.replace(tzinfo=None)
        if isinstance(value, datetime)
        else str(value)
        if isinstance(value, (uuid.UUID, Decimal))
        else value
        for value in typed
    )
    gone = uuid.uuid4()
    with time_machine.travel("2026-12-02T12:00:00Z", tick=False):
        expected = ORJSONRenderer().render({"results": render_changes([typed, gone])})
        written = SyncRenderer().render({"results": render_changes([as_read, gone])})
    assert written == expected
    assert b'"created_at":"2026-11-30T13:02:11Z"' in written
    assert b'"updated_at":"2026-12-01T09:45:03.117000Z"' in written
