"""Thumbnail runs raced by the collector and by photo writes, on real PostgreSQL locks (tests/threads.py)."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import transaction

from apps.media import images, services, storage, tasks
from apps.media.models import Blob, ThumbnailState
from apps.media.services import thumbnails
from apps.users.models import Role
from tests.media import samples
from tests.media.conftest import stored_blob
from tests.media.factories import PhotoFactory
from tests.real_estates.factories import RealEstateFactory
from tests.threads import in_background, waiting_for
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

NO_GRACE = timedelta(0)


def test_a_thumbnail_run_the_collector_overtakes_finds_its_blob_gone() -> None:
    """The collector deletes an unreferenced blob's object and row; a thumbnail run (the task, a
    rebuild) that read the row before that commit finds no object, and its `failed` mark waits
    for the row the collector deletes: the blob is collected, which is no error of the run."""
    blob = stored_blob(samples.image_bytes())

    outcome = waiting_for(
        lambda: services.media_gc(grace=NO_GRACE),
        lambda: services.blob_generate_thumbnails(blob_id=blob.pk),
    )

    assert outcome is None
    assert not Blob.objects.exists()


def _orphan_renditions(blob: Blob) -> list[str]:
    """What a thumbnail run whose blob was collected before it linked leaves (or a blob of the
    same pixels in another encoding, collected): its renditions' objects, no row naming them."""
    made = images.thumbnails(storage.read_object(blob.key), max_decode_bytes=settings.MEDIA_DECODE_MAX_BYTES)
    keys = []
    for data in made.values():
        keys.append(storage.thumbnail_key(images.sha256_hex(data)))
        storage.put_object(keys[-1], data)
    return keys


def test_a_run_whose_renditions_the_collector_takes_before_it_links_writes_them_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The renditions were already stored, old, and named by no row: the run's writes leave them
    as they are, the collector (its grace passed) deletes them, then the run links. In-process
    (no broker, no retry) that was the blob `failed`; it writes them again, as an upload whose
    object the collector took writes it again."""
    blob = stored_blob(samples.image_bytes(size=(1600, 1200)))  # two renditions, two keys
    PhotoFactory(real_estate=RealEstateFactory(), blob=blob)  # referenced: the collector keeps it
    renditions = _orphan_renditions(blob)
    assert len(set(renditions)) == 2
    put_object = storage.put_object
    written: list[str] = []
    collected: list[services.GcReport] = []

    def write_then_collect(key: str, data: bytes) -> None:
        put_object(key, data)
        written.append(key)
        if sorted(written) == sorted(renditions):  # both written, not linked yet
            collected.append(services.media_gc(grace=NO_GRACE))

    monkeypatch.setattr(storage, "put_object", write_then_collect)

    result = tasks.generate_thumbnails.apply(args=[blob.pk])  # as it runs with no broker

    assert sorted(collected[0].objects) == sorted(renditions)  # the collector did take them
    assert result.result is True
    blob.refresh_from_db()
    assert blob.thumbnail_state == ThumbnailState.READY
    assert all(storage.object_exists(key) for key in (blob.thumbnail_256_key, blob.thumbnail_1024_key))


def test_a_rebuild_committing_while_a_photo_move_makes_its_blob_the_cover_reaches_the_cover() -> None:
    """The blob's renditions were made by an older encoder (other bytes, other keys); the admin's
    rebuild (force) links new ones and copies the new key to the covers it sees, committed,
    while a move that makes the blob the cover, having read the old key, is still open: once the
    move commits, the cover shows the new key, not one no row names (the collector's to delete)."""
    collector = UserFactory(role=Role.COLLECTOR)
    real_estate = RealEstateFactory(collected_by=collector)
    PhotoFactory(real_estate=real_estate)
    second = PhotoFactory(real_estate=real_estate, image=samples.image_bytes(size=(600, 400)))
    older = b"RIFF an older encoder's rendition"
    older_key = storage.thumbnail_key(images.sha256_hex(older))
    storage.put_object(older_key, older)
    Blob.objects.filter(pk=second.blob_id).update(thumbnail_256_key=older_key)

    with transaction.atomic():
        services.photo_update(photo=second, actor=collector, position=0)
        thread, outcome = in_background(
            lambda: services.blob_generate_thumbnails(blob_id=second.blob_id, force=True)
        )
        thread.join(timeout=30)
        assert not thread.is_alive()

    rebuilt = outcome[0]
    assert isinstance(rebuilt, Blob), rebuilt
    assert rebuilt.thumbnail_256_key != older_key
    real_estate.refresh_from_db()
    assert (real_estate.cover_blob_id, real_estate.cover_key) == (second.blob_id, rebuilt.thumbnail_256_key)


def test_a_run_copying_a_key_a_rebuild_replaced_meanwhile_leaves_the_cover_on_the_new_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A run on a `ready` blob (a task's retry, a second task queued for it, a photo write's
    deferred copy) copies the key it read to the blob's covers. An admin's rebuild (force)
    linking new keys, and copying them, between that read and that copy: the covers show the
    rebuild's key, not the one it replaced, which no row names (the collector's to delete)."""
    blob = stored_blob(samples.image_bytes(size=(600, 400)))
    real_estate = PhotoFactory(blob=blob).real_estate
    older = b"RIFF an older encoder's rendition"
    older_key = storage.thumbnail_key(images.sha256_hex(older))
    storage.put_object(older_key, older)
    Blob.objects.filter(pk=blob.pk).update(thumbnail_state=ThumbnailState.READY, thumbnail_256_key=older_key)
    copy = thumbnails.real_estate_cover_thumbnail_made
    rebuilt: list[object] = []
    calls: list[str] = []

    def rebuild_first(*, blob_id: int, key: str) -> int:
        calls.append(key)
        if len(calls) == 1:  # the run's copy, of the key it read: the rebuild (and its copy) first
            thread, outcome = in_background(
                lambda: services.blob_generate_thumbnails(blob_id=blob_id, force=True)
            )
            thread.join(timeout=30)
            rebuilt.extend(outcome)
        return copy(blob_id=blob_id, key=key)

    monkeypatch.setattr(thumbnails, "real_estate_cover_thumbnail_made", rebuild_first)

    services.blob_generate_thumbnails(blob_id=blob.pk)  # ready: copies the key it read

    assert isinstance(rebuilt[0], Blob), rebuilt
    new_key = rebuilt[0].thumbnail_256_key
    assert calls == [older_key, new_key]  # the run read the old key; the rebuild copied its own
    real_estate.refresh_from_db()
    assert real_estate.cover_key == new_key
