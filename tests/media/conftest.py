"""Media fixtures: a draft to attach photos to and helpers to post them (the S3 server and the
`backend` fixture are in tests/storage_backends.py, for every app)."""

import io
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from apps.media import images, storage
from apps.media.models import Blob
from apps.real_estates.models import RealEstate
from apps.users.models import User
from tests.media.factories import BlobFactory
from tests.media.flaky_s3 import FlakyS3, run_flaky_s3
from tests.real_estates.factories import RealEstateFactory
from tests.storage_backends import use_s3


@pytest.fixture(scope="module")
def flaky_s3(s3_endpoint: str) -> Iterator[FlakyS3]:
    """An S3 endpoint answering chosen requests `503 SlowDown` (tests/media/flaky_s3.py)."""
    yield from run_flaky_s3(s3_endpoint)


@pytest.fixture
def impatient_connection() -> Iterator[None]:
    """This thread's connection (the request's) cancels a statement after 300 ms."""
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 300")
    yield
    with connection.cursor() as cursor:
        cursor.execute("RESET statement_timeout")


@pytest.fixture
def staff(admin_user: User) -> Client:
    """An admin signed in to the admin site."""
    client = Client()
    client.force_login(admin_user)
    return client


@pytest.fixture
def draft(collector: User) -> RealEstate:
    return RealEstateFactory(collected_by=collector)


def photos_url(real_estate: RealEstate, photo_id: object = None) -> str:
    if photo_id is None:
        return reverse("real-estate-photos", kwargs={"real_estate_id": real_estate.pk})
    return reverse("real-estate-photo", kwargs={"real_estate_id": real_estate.pk, "photo_id": photo_id})


def post_photo(
    client: APIClient,
    real_estate: RealEstate,
    data: bytes,
    *,
    name: str = "photo.jpg",
    content_type: str = "image/jpeg",
    caption: str | None = None,
) -> Any:
    payload: dict[str, Any] = {"file": SimpleUploadedFile(name, data, content_type=content_type)}
    if caption is not None:
        payload["caption"] = caption
    return client.post(photos_url(real_estate), payload, format="multipart")


@pytest.fixture
def upload(
    collector_client: APIClient, draft: RealEstate, django_capture_on_commit_callbacks: Any
) -> Callable[..., Any]:
    """POST a photo to the collector's draft, running on-commit tasks (thumbnails) like production."""

    def _upload(data: bytes, **kwargs: Any) -> Any:
        client = kwargs.pop("client", collector_client)
        real_estate = kwargs.pop("real_estate", draft)
        with django_capture_on_commit_callbacks(execute=True):
            return post_photo(client, real_estate, data, **kwargs)

    return _upload


def stored_keys() -> list[str]:
    return sorted(obj.key for obj in storage.iter_objects())


def as_stored(
    data: bytes, *, max_pixels: int = 0, max_decode_bytes: int = 0, max_jpeg_scans: int = 0
) -> images.NormalisedImage:
    """`data` as the upload service stores it: under the configured limits, unless given others."""
    return images.normalise(
        io.BytesIO(data),
        max_pixels=max_pixels or settings.MEDIA_MAX_PIXELS,
        max_decode_bytes=max_decode_bytes or settings.MEDIA_DECODE_MAX_BYTES,
        max_jpeg_scans=max_jpeg_scans or settings.MEDIA_JPEG_MAX_SCANS,
    )


def orphan_object(data: bytes) -> str:
    """What a request that failed after its storage write leaves behind: the object, no row."""
    image = as_stored(data)
    key = storage.blob_key(image.sha256, image.extension)
    storage.put_object(key, image.data)
    return key


def stored_blob(data: bytes) -> Blob:
    """What an upload leaves before its thumbnails: the object and its row."""
    blob: Blob = BlobFactory(image=data)
    return blob


def set_storage_options(settings: Any, **options: Any) -> None:
    """Change the default storage's options; a new STORAGES makes Django drop the storages it built."""
    default = settings.STORAGES["default"]
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**default, "OPTIONS": {**default["OPTIONS"], **options}},
    }


@pytest.fixture
def on_flaky_s3(
    settings: Any, s3_endpoint: str, flaky_s3: FlakyS3, monkeypatch: pytest.MonkeyPatch
) -> FlakyS3:
    """The storage is S3 through the flaky proxy, one attempt per call: every 503 reaches our code."""
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    use_s3(settings, s3_endpoint)
    set_storage_options(settings, endpoint_url=flaky_s3.endpoint)
    flaky_s3.reset()
    return flaky_s3
