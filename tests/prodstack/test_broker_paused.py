"""The Celery broker paused (it takes the connection and answers nothing) when an upload enqueues
its thumbnails: the upload is answered in seconds, its photo saved and the blob left `pending`
for `rebuild_thumbnails`, as when the broker refuses the connection
(tests/media/integration/test_broker_down.py). kombu's Redis transport waits forever by default:
the upload's request, and its server thread, never ended (docs/adr/0131)."""

import subprocess
from pathlib import Path

import pytest

from apps.media.models import Blob, Photo, ThumbnailState
from apps.real_estates.models import RealEstate
from tests.prodstack.conftest import UPLOAD, manage

pytestmark = pytest.mark.django_db(transaction=True)

# nginx answers the client 504 after 35 s (docs/operations.md, limits); the upload must end well before.
ANSWER_WITHIN = 15


def test_an_upload_with_the_broker_paused_is_answered_in_seconds(tmp_path: Path, paused_redis: str) -> None:
    try:
        done = manage(
            "shell",
            "-c",
            UPLOAD,
            MEDIA_ROOT=str(tmp_path),
            timeout=ANSWER_WITHIN + 30,
            CELERY_BROKER_URL=paused_redis,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("the upload was not answered: enqueuing its thumbnails waits on the paused broker")

    assert "status 201" in done.stdout, done.stdout + done.stderr
    seconds = float(done.stdout.split("seconds")[1].split()[0])
    assert seconds < ANSWER_WITHIN
    assert "thumbnails_not_queued" in done.stdout + done.stderr  # logged for the operator
    photo = Photo.objects.get()
    assert RealEstate.objects.get().photo_count == 1
    assert Blob.objects.get(pk=photo.blob_id).thumbnail_state == ThumbnailState.PENDING
    assert (tmp_path / Blob.objects.get().key).is_file()  # the photo's bytes are stored
