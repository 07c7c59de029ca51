"""The collector's lookups on PostgreSQL: a stored file is matched to the blob rows naming it
through an index, not a scan of `media_blob` (docs/adr/0032, addendum).

At production size (2M blobs, 4M thumbnail files) a daily collection asks, for every stored file,
whether a row names it as its object or as a rendition; a scan per file never ends. A few
thousand rows are too few for the planner to prefer an index on its own, so the scans in `off`
are priced out: the plan shows what the indexes can serve, and a scan left in it is a missing one.
"""

import hashlib
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.media import storage
from apps.media.models import Blob, ThumbnailState

pytestmark = pytest.mark.django_db


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.fixture
def blobs(db: None) -> list[Blob]:
    """3000 ready blob rows with their renditions' keys. Rows only (no objects): the plans, not
    the storage, are under test; an upload makes the same columns."""
    rows = [
        Blob(
            sha256=_hash(f"blob{i}"),
            key=storage.blob_key(_hash(f"blob{i}"), "jpg"),
            size=1,
            content_type="image/jpeg",
            width=1,
            height=1,
            thumbnail_256_key=storage.thumbnail_key(_hash(f"256-{i}")),
            thumbnail_1024_key=storage.thumbnail_key(_hash(f"1024-{i}")),
            thumbnail_state=ThumbnailState.READY,
        )
        for i in range(3000)
    ]
    created = Blob.objects.bulk_create(rows)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE media_blob")
    return created


def _plans(read: Any) -> list[str]:
    """EXPLAIN of each statement `read` runs against media_blob, sequential scans priced out."""
    with CaptureQueriesContext(connection) as captured:
        read()
    plans = []
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        for query in captured.captured_queries:
            if 'FROM "media_blob"' in query["sql"]:
                cursor.execute(f"EXPLAIN {query['sql']}")
                plans.append("\n".join(row[0] for row in cursor.fetchall()))
    assert plans, "no statement read media_blob"
    return plans


def _served_by_indexes(plan: str) -> None:
    assert "Seq Scan" not in plan, plan
    assert "media_blob_thumb256_idx" in plan, plan
    assert "media_blob_thumb1024_idx" in plan, plan


def test_a_rendition_is_found_by_its_key_through_the_indexes(blobs: list[Blob]) -> None:
    key = blobs[1234].thumbnail_1024_key

    (plan,) = _plans(lambda: Blob.objects.with_thumbnail_key(key).exists())

    _served_by_indexes(plan)


def test_a_batch_of_stored_files_is_matched_to_rows_through_the_indexes(blobs: list[Blob]) -> None:
    keys = [b.key for b in blobs[:100]] + [b.thumbnail_256_key for b in blobs[100:200]]
    keys += [storage.blob_key(_hash(f"row-less{i}"), "png") for i in range(100)]

    (plan,) = _plans(lambda: Blob.objects.known_keys(keys))

    _served_by_indexes(plan)
    assert "media_blob_key_" in plan, plan  # the object's key: its unique constraint's index
    assert Blob.objects.known_keys(keys) == set(keys[:200])
