"""Thumbnail runs raced by the collector and by photo writes, on real PostgreSQL locks (tests/threads.py)."""

from datetime import timedelta

import pytest

from apps.media import services
from apps.media.models import Blob
from tests.media import samples
from tests.media.conftest import stored_blob
from tests.threads import waiting_for

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
