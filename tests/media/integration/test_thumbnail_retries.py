"""Thumbnail jobs on a real worker, against a real S3 endpoint that fails the first attempts.

The worker (`celery -A config worker`, tests/worker.py) and this process both reach moto's S3
server through tests/media/flaky_s3.py, which answers chosen requests `503 SlowDown`. botocore
makes one attempt per call (AWS_MAX_ATTEMPTS=1), so every failure reaches our task.
"""

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from celery import Celery
from django.test import Client
from django.urls import reverse

from apps.media import storage, tasks
from apps.media.models import Blob, ThumbnailState
from apps.users.models import User
from tests.media import samples
from tests.media.conftest import set_storage_options, stored_blob
from tests.media.factories import BlobFactory, PhotoFactory
from tests.media.flaky_s3 import FlakyS3
from tests.storage_backends import S3_CREDENTIALS, S3_REGION, s3_environment, use_s3
from tests.worker import start_worker, wait_for, wait_result

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]

BACKOFF_SECONDS = 0.5
MAX_RETRIES = 2


@pytest.fixture(scope="module")
def bucket(s3_endpoint: str) -> str:
    name = f"vivenda-{uuid.uuid4().hex[:12]}"
    boto3.client("s3", endpoint_url=s3_endpoint, region_name=S3_REGION, **S3_CREDENTIALS).create_bucket(
        Bucket=name
    )
    return name


@pytest.fixture(scope="module")
def s3_worker(
    django_db_setup: None, flaky_s3: FlakyS3, bucket: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Celery]:
    yield from start_worker(
        media_root=tmp_path_factory.mktemp("unused-media"),
        log_dir=tmp_path_factory.mktemp("s3-worker"),
        extra_env={
            **s3_environment(bucket=bucket, endpoint=flaky_s3.endpoint),
            "AWS_MAX_ATTEMPTS": "1",
            "AWS_RETRY_MODE": "standard",
            "MEDIA_THUMBNAIL_RETRY_BACKOFF_SECONDS": str(BACKOFF_SECONDS),
            "MEDIA_THUMBNAIL_MAX_RETRIES": str(MAX_RETRIES),
        },
    )


@pytest.fixture
def on_flaky_s3(
    settings: Any, s3_endpoint: str, flaky_s3: FlakyS3, bucket: str, monkeypatch: pytest.MonkeyPatch
) -> FlakyS3:
    """This process's storage is the worker's bucket, through the same proxy, one attempt per call."""
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    use_s3(settings, s3_endpoint)
    set_storage_options(settings, bucket_name=bucket, endpoint_url=flaky_s3.endpoint)
    flaky_s3.reset()
    return flaky_s3


def photographed_blob(data: bytes) -> Blob:
    blob = stored_blob(data)
    PhotoFactory(blob=blob)
    return blob


def reads_of(proxy: FlakyS3, blob: Blob) -> list[float]:
    return [seen.at for seen in proxy.requests("GET", blob.key)]


def test_a_thumbnail_job_failing_on_storage_is_retried_with_backoff_until_it_succeeds(
    s3_worker: Celery, on_flaky_s3: FlakyS3
) -> None:
    blob = photographed_blob(samples.image_bytes(size=(1600, 1200)))
    on_flaky_s3.fail(method="GET", path_contains=blob.key, times=2)

    result = s3_worker.send_task("apps.media.tasks.generate_thumbnails", args=[blob.pk])

    assert wait_result(result) is True
    blob.refresh_from_db()
    assert blob.thumbnail_state == ThumbnailState.READY
    assert storage.object_exists(blob.thumbnail_256_key)
    assert storage.object_exists(blob.thumbnail_1024_key)
    first, second, third = reads_of(on_flaky_s3, blob)  # two refused, the third served
    # Exponential: about 0.5 s, then about 1 s (each +-25 %).
    assert second - first >= BACKOFF_SECONDS * 0.75
    assert third - second >= 2 * BACKOFF_SECONDS * 0.75


def test_after_the_last_retry_the_blob_is_failed_and_the_admin_rebuilds_it(
    s3_worker: Celery, on_flaky_s3: FlakyS3, admin_user: User
) -> None:
    blob = photographed_blob(samples.image_bytes(size=(900, 600), color="#a53"))
    on_flaky_s3.fail(method="GET", path_contains=blob.key, times=1000)

    result = s3_worker.send_task("apps.media.tasks.generate_thumbnails", args=[blob.pk])

    with pytest.raises(Exception):  # noqa: B017, PT011 - the task fails; its type is the worker's
        wait_result(result)
    assert len(reads_of(on_flaky_s3, blob)) == MAX_RETRIES + 1
    blob.refresh_from_db()
    assert blob.thumbnail_state == ThumbnailState.FAILED
    assert (blob.thumbnail_256_key, blob.thumbnail_1024_key) == ("", "")

    # Storage is back: the admin's action queues it again (the worker's client app is this
    # process's current Celery app, so the task goes to the worker, as in production).
    on_flaky_s3.reset()
    staff = Client()
    staff.force_login(admin_user)
    changelist = reverse("admin:media_blob_changelist")
    assert "failed" in staff.get(changelist, {"thumbnail_state__exact": "failed"}).content.decode()
    response = staff.post(
        changelist, {"action": "rebuild_thumbnails", "_selected_action": [blob.pk]}, follow=True
    )

    assert response.status_code == 200
    assert "queued for 1 blob" in response.content.decode()
    wait_for(
        lambda: Blob.objects.filter(pk=blob.pk, thumbnail_state=ThumbnailState.READY).exists(),
        "the rebuilt thumbnails",
        seconds=30,
    )


def test_a_blob_whose_bytes_cannot_decode_fails_at_once_without_retries(
    s3_worker: Celery, on_flaky_s3: FlakyS3, tmp_path: Path
) -> None:
    key = storage.blob_key("0" * 64, "png")
    storage.put_object(key, samples.truncated_jpeg())
    blob = BlobFactory(key=key)

    assert wait_result(s3_worker.send_task("apps.media.tasks.generate_thumbnails", args=[blob.pk])) is False
    assert len(on_flaky_s3.requests("GET", key)) == 1
    blob.refresh_from_db()
    assert blob.thumbnail_state == ThumbnailState.FAILED


def test_in_process_a_storage_failure_is_swallowed_and_the_blob_failed_without_retries(
    on_flaky_s3: FlakyS3,
) -> None:
    blob = photographed_blob(samples.image_bytes(size=(800, 600), color="#5a3"))
    on_flaky_s3.fail(method="GET", path_contains=blob.key, times=1000)

    # `apply` runs the task here, as it runs with no broker (after an upload's commit).
    result = tasks.generate_thumbnails.apply(args=[blob.pk])

    assert result.result is False  # swallowed: it would otherwise reach the uploading client
    blob.refresh_from_db()
    assert blob.thumbnail_state == ThumbnailState.FAILED
    assert len(reads_of(on_flaky_s3, blob)) == 1  # no retries in-process
