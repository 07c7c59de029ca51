"""A thumbnail run on a real worker whose copy of the cover the database refuses: retried, the
real estate then shows its cover (the worker, tests/worker.py, cancels a statement after 300 ms)."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from celery import Celery
from django.db import transaction

from apps.media.models import Blob, ThumbnailState
from apps.real_estates.models import RealEstate
from tests.media import samples
from tests.media.conftest import stored_blob
from tests.media.factories import PhotoFactory
from tests.worker import start_worker, wait_for, wait_result

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def impatient_worker(
    django_db_setup: None, worker_media_root: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Celery, Path]]:
    """A worker whose statements give up after 300 ms, and its log."""
    log_dir = tmp_path_factory.mktemp("impatient-worker")
    environment = {"DATABASE_STATEMENT_TIMEOUT_MS": "300", "MEDIA_THUMBNAIL_RETRY_BACKOFF_SECONDS": "0.2"}
    for client in start_worker(media_root=worker_media_root, log_dir=log_dir, extra_env=environment):
        yield client, log_dir / "worker.log"


def test_a_run_whose_cover_copy_the_database_refused_is_retried_and_the_cover_shows(
    impatient_worker: tuple[Celery, Path], use_worker_media: Path
) -> None:
    worker, log = impatient_worker
    blob = stored_blob(samples.image_bytes(size=(1600, 1200)))
    real_estate = PhotoFactory(blob=blob).real_estate
    assert real_estate.cover_key is None  # its cover's thumbnail is not made yet

    with transaction.atomic():  # the row stays locked past the worker's statement timeout
        RealEstate.objects.select_for_update().get(pk=real_estate.pk)
        result = worker.send_task("apps.media.tasks.generate_thumbnails", args=[blob.pk])
        wait_for(lambda: "thumbnail_task_retry" in log.read_text(), "the refused copy's retry", seconds=30)
        assert Blob.objects.get(pk=blob.pk).thumbnail_state == ThumbnailState.READY  # linked before

    assert wait_result(result) is True
    real_estate.refresh_from_db()
    assert real_estate.cover_key == Blob.objects.get(pk=blob.pk).thumbnail_256_key
