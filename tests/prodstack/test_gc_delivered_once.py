"""The daily collection delivered once however long it runs. Its own time limit is 3 h
(apps/media/tasks.py); the broker (Redis) gives a task unacknowledged for its visibility timeout
(1 h) to a worker again, even while the first still runs it: a long collection (after a mass
deletion, a slow bucket) was started again every hour beside itself, each copy listing the
whole bucket. Here the visibility timeout is 2 s (tests/prodstack/settings.py) and the bucket's
first listing takes 6 s (tests/media/flaky_s3.py, `hang` with `seconds`)."""

import uuid
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from celery import Celery

from tests.media.flaky_s3 import FlakyS3
from tests.storage_backends import S3_CREDENTIALS, S3_REGION, s3_environment
from tests.worker import start_worker, wait_result

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]

LISTING = "prefix=blobs"  # the collection's first request: the listing of blobs/


@pytest.fixture
def hasty_worker(
    django_db_setup: None, flaky_s3: FlakyS3, tmp_path: Path, s3_endpoint: str
) -> Iterator[Celery]:
    """A worker on a bucket through the proxy, whose broker redelivers after 2 s."""
    bucket = f"vivenda-{uuid.uuid4().hex[:12]}"
    boto3.client("s3", endpoint_url=s3_endpoint, region_name=S3_REGION, **S3_CREDENTIALS).create_bucket(
        Bucket=bucket
    )
    flaky_s3.reset()
    yield from start_worker(
        media_root=tmp_path / "unused-media",
        log_dir=tmp_path,
        extra_env={
            "DJANGO_SETTINGS_MODULE": "tests.prodstack.settings",
            **s3_environment(bucket=bucket, endpoint=flaky_s3.endpoint),
        },
    )
    flaky_s3.reset()


def test_a_collection_longer_than_the_visibility_timeout_runs_once(
    hasty_worker: Celery, flaky_s3: FlakyS3
) -> None:
    flaky_s3.hang(method="GET", path_contains=LISTING, times=1, seconds=6)

    report = wait_result(hasty_worker.send_task("apps.media.tasks.gc_media", kwargs={"grace_hours": 0}))
    # A task sent after it, on the worker's one process: a copy of the collection given back to
    # the queue meanwhile goes first (to its head), so it has run once this one is answered.
    wait_result(hasty_worker.send_task("apps.media.tasks.generate_thumbnails", args=[0]))

    assert report == {"blobs": 0, "objects": 0, "freed_bytes": 0}
    assert len(flaky_s3.requests("GET", LISTING)) == 1  # one collection listed the bucket
