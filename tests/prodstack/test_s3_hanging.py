"""An S3 endpoint that stops answering (it takes the request and never responds) during an upload:
the client gets 503 `STORAGE_UNAVAILABLE` well before nginx's 504 (35 s, docs/operations.md
"Limits"), and nothing is written. The process runs production's S3 settings (`STORAGE_BACKEND=s3`,
read at its start) against moto behind tests/media/flaky_s3.py, which hangs the object's PUT.

botocore's defaults wait 60 s for an answer, three attempts: the upload held its request and its
server thread for three minutes, the client long gone with nginx's 504 and no catalog code."""

import subprocess

import pytest

from apps.media.models import Blob, Photo
from apps.real_estates.models import RealEstate
from tests.media.flaky_s3 import FlakyS3
from tests.prodstack.conftest import UPLOAD, manage

pytestmark = pytest.mark.django_db(transaction=True)

ANSWER_WITHIN = 30  # nginx answers the client 504 after 35 s


def test_an_upload_whose_put_s3_never_answers_is_a_503_in_time(
    s3_through_proxy: dict[str, str], flaky_s3: FlakyS3
) -> None:
    flaky_s3.hang(method="PUT", path_contains="/blobs/", times=10)

    try:
        done = manage("shell", "-c", UPLOAD, timeout=ANSWER_WITHIN + 15, **s3_through_proxy)
    except subprocess.TimeoutExpired:
        pytest.fail(f"no answer within {ANSWER_WITHIN + 15} s: the upload waits on the storage")

    assert "status 503" in done.stdout, done.stdout + done.stderr
    assert '"code":"STORAGE_UNAVAILABLE"' in done.stdout.replace(" ", "")
    assert float(done.stdout.split("seconds")[1].split()[0]) < ANSWER_WITHIN
    assert not Photo.objects.exists()
    assert not Blob.objects.exists()
    assert RealEstate.objects.get().photo_count == 0
    assert flaky_s3.requests("PUT", "/blobs/")  # it did reach the storage's write
