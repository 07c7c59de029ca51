"""Listing the bucket (the collector's object pass, `rebuild_thumbnails`) a page at a time: at
production size (2M blobs, 4M renditions) a listing held whole is gigabytes on a worker kept
under 250 MB (docs/adr/0082)."""

from typing import Any

import boto3
import pytest

from apps.core import errors
from apps.media import storage
from tests.media.conftest import set_storage_options
from tests.media.flaky_s3 import FlakyS3
from tests.storage_backends import S3_CREDENTIALS, S3_REGION, use_s3

pytestmark = pytest.mark.django_db

PAGE = 1000  # S3's own page of a listing


@pytest.fixture
def two_pages(settings: Any, s3_endpoint: str, flaky_s3: FlakyS3, monkeypatch: pytest.MonkeyPatch) -> FlakyS3:
    """A bucket holding one object more than a page under `blobs/`, reached through the flaky
    proxy (every request recorded; a 503 reaches our code)."""
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    bucket = use_s3(settings, s3_endpoint)
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name=S3_REGION, **S3_CREDENTIALS)
    for n in range(PAGE + 1):
        client.put_object(Bucket=bucket, Key=storage.blob_key(f"{n:064x}", "jpg"), Body=b"x")
    set_storage_options(settings, endpoint_url=flaky_s3.endpoint)
    flaky_s3.reset()
    return flaky_s3


def _listings(proxy: FlakyS3) -> int:
    return len(proxy.requests("GET", "prefix=blobs"))


def test_an_s3_listing_is_read_a_page_at_a_time(two_pages: FlakyS3) -> None:
    listing = storage.iter_objects(prefixes=(storage.BLOB_PREFIX,))

    first = next(listing)

    assert first.key.startswith(storage.BLOB_PREFIX)
    assert _listings(two_pages) == 1  # the second page is not read before it is needed
    assert len([first, *listing]) == PAGE + 1
    assert _listings(two_pages) == 2


def test_a_page_the_storage_fails_to_list_is_storage_unavailable(two_pages: FlakyS3) -> None:
    two_pages.fail(method="GET", path_contains="marker=", times=1)  # the second page
    listing = storage.iter_objects(prefixes=(storage.BLOB_PREFIX,))

    with pytest.raises(errors.StorageUnavailable):
        list(listing)


def test_a_local_listing_is_read_as_the_directories_are_walked(settings: Any, tmp_path: Any) -> None:
    """On local disk too: a directory is read when the walk reaches it, not the whole tree held
    first (a file added meanwhile to a directory still ahead is listed)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path},
        },
    }
    early, late = storage.blob_key("00" * 32, "jpg"), storage.blob_key("ff" * 32, "jpg")
    storage.put_object(early, b"x")
    storage.put_object(late, b"x")
    listing = storage.iter_objects(prefixes=(storage.BLOB_PREFIX,))

    assert next(listing).key == early
    added = storage.blob_key("ff" * 31 + "fe", "jpg")  # beside `late`, in a directory still ahead
    storage.put_object(added, b"x")

    assert [stored.key for stored in listing] == [added, late]
