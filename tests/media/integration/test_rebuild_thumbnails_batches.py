"""`rebuild_thumbnails` matches the `thumbs/` listing to blob rows a batch of files at a time,
never the whole listing held (at 4M renditions a set of their keys was ~0.5-1 GB): whatever the
batch, it finds the same blobs, a blob whose two renditions fall in different batches included."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.media import services, storage
from apps.media.models import Blob, ThumbnailState
from tests.media import samples
from tests.media.factories import BlobFactory

pytestmark = pytest.mark.django_db

COLOURS = ("#e33", "#3e3", "#33e", "#ee3", "#3ee", "#e3e")
RENDITION = re.compile(r"thumbs/sha256/[0-9a-f/]+\.webp")


@pytest.fixture
def ready_blobs(backend: str) -> list[Blob]:
    """Six ready blobs, each with two renditions of its own (twelve files under `thumbs/`)."""
    blobs = [
        BlobFactory(image=samples.image_bytes(size=(640, 480), color=colour), thumbnails=True)
        for colour in COLOURS
    ]
    assert all(blob.thumbnail_state == ThumbnailState.READY for blob in blobs)
    assert len({key for blob in blobs for key in blob.thumbnail_keys.values()}) == 2 * len(COLOURS)
    return blobs


def _lose_some(blobs: list[Blob]) -> list[Blob]:
    """A 256 px rendition lost, a 1024 px one, both of a third blob, a fourth blob pending:
    the four the rebuild is to make, in id order."""
    lost_256, lost_1024, lost_both, pending, *_ = blobs
    storage.delete_object(lost_256.thumbnail_256_key)
    storage.delete_object(lost_1024.thumbnail_1024_key)
    storage.delete_object(lost_both.thumbnail_256_key)
    storage.delete_object(lost_both.thumbnail_1024_key)
    Blob.objects.filter(pk=pending.pk).update(thumbnail_state=ThumbnailState.PENDING)
    return [lost_256, lost_1024, lost_both, pending]


@pytest.mark.parametrize("batch_size", [1, 2, 5, 1000])
def test_every_batch_size_finds_the_same_blobs(ready_blobs: list[Blob], batch_size: int) -> None:
    missing = _lose_some(ready_blobs)

    found = services.blobs_missing_renditions(batch_size=batch_size)

    assert list(found) == [blob.pk for blob in missing]
    assert len(found) == len(missing)


@pytest.mark.parametrize("batch_size", ["1", "3"])
def test_the_command_in_small_batches_remakes_what_was_lost(ready_blobs: list[Blob], batch_size: str) -> None:
    missing = _lose_some(ready_blobs)
    out = StringIO()

    call_command("rebuild_thumbnails", "--batch-size", batch_size, stdout=out)

    assert out.getvalue().strip() == f"Thumbnails: {len(missing)} blob(s) done, 0 failed."
    for blob in Blob.objects.all():
        assert blob.thumbnail_state == ThumbnailState.READY
        assert all(storage.object_exists(key) for key in blob.thumbnail_keys.values())
    call_command("rebuild_thumbnails", "--batch-size", batch_size, stdout=out)
    assert out.getvalue().splitlines()[-1] == "Thumbnails: 0 blob(s) done, 0 failed."


def test_the_listing_is_matched_to_rows_a_batch_at_a_time(ready_blobs: list[Blob]) -> None:
    """Each statement that matches stored files to rows names at most a batch of them, and
    every file is named by one: the listing goes by in batches, not held and matched whole."""
    with CaptureQueriesContext(connection) as queries:
        found = services.blobs_missing_renditions(batch_size=5)

    assert list(found) == []
    batches = [set(RENDITION.findall(query["sql"])) for query in queries]
    batches = [keys for keys in batches if keys]
    assert [len(keys) for keys in batches] == [5, 5, 2]  # twelve files
    assert set().union(*batches) == {key for blob in ready_blobs for key in blob.thumbnail_keys.values()}


@pytest.mark.parametrize("batch_size", ["0", "-1", "x", "10001"])
def test_a_batch_size_that_is_not_a_count_within_bounds_is_refused(batch_size: str) -> None:
    with pytest.raises(CommandError, match="--batch-size"):
        call_command("rebuild_thumbnails", "--batch-size", batch_size, stdout=StringIO())
