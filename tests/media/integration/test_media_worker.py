"""The media tasks, run by a real Celery worker process on the test database and media directory."""

from datetime import timedelta
from pathlib import Path

import pytest
from celery import Celery
from django.utils import timezone

from apps.media import storage
from apps.media.models import Blob, ThumbnailState
from tests.media import samples
from tests.media.conftest import stored_blob
from tests.media.factories import BlobFactory, PhotoFactory
from tests.worker import wait_result

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def test_the_worker_derives_a_blobs_thumbnails(worker: Celery, use_worker_media: Path) -> None:
    blob = stored_blob(samples.image_bytes(size=(1600, 1200)))
    PhotoFactory(blob=blob)

    result = worker.send_task("apps.media.tasks.generate_thumbnails", args=[blob.pk])

    assert wait_result(result) is True
    blob.refresh_from_db()
    assert blob.thumbnail_state == ThumbnailState.READY
    assert blob.thumbnail_256_key != blob.thumbnail_1024_key
    for key in (blob.thumbnail_256_key, blob.thumbnail_1024_key):
        assert key.startswith(storage.THUMBNAIL_PREFIX)
        assert storage.object_exists(key)
        assert (use_worker_media / key).is_file()  # written by the worker, in its MEDIA_ROOT


def test_the_worker_reports_a_blob_whose_object_is_missing_as_failed(
    worker: Celery, use_worker_media: Path
) -> None:
    blob = BlobFactory()
    storage.delete_object(blob.key)  # its object went missing

    assert wait_result(worker.send_task("apps.media.tasks.generate_thumbnails", args=[blob.pk])) is False
    blob.refresh_from_db()
    assert blob.thumbnail_state == ThumbnailState.FAILED


def test_the_worker_collects_an_old_orphaned_blob_and_keeps_the_rest(
    worker: Celery, use_worker_media: Path
) -> None:
    old_orphan = stored_blob(samples.image_bytes(color="#111"))
    Blob.objects.filter(pk=old_orphan.pk).update(created_at=timezone.now() - timedelta(days=2))
    young_orphan = stored_blob(samples.image_bytes(color="#222"))
    referenced = stored_blob(samples.image_bytes(color="#333"))
    Blob.objects.filter(pk=referenced.pk).update(created_at=timezone.now() - timedelta(days=2))
    PhotoFactory(blob=referenced)

    result = worker.send_task("apps.media.tasks.gc_media")  # the default grace: 24 hours

    report = wait_result(result)
    assert report["blobs"] == 1
    assert report["objects"] == 0
    assert report["freed_bytes"] == old_orphan.size
    assert set(Blob.objects.values_list("pk", flat=True)) == {young_orphan.pk, referenced.pk}
    assert not storage.object_exists(old_orphan.key)
    assert storage.object_exists(young_orphan.key)
    assert storage.object_exists(referenced.key)
