"""A collection the storage interrupts midway (S3 shedding load on one delete, through
tests/media/flaky_s3.py): what survives it still works when the same bytes come back."""

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from apps.media import storage
from apps.media.models import Blob, ThumbnailState
from apps.real_estates.models import RealEstate
from tests.media import samples
from tests.media.conftest import photos_url
from tests.media.flaky_s3 import FlakyS3
from tests.media.integration.test_photo_upload_api import fetch

pytestmark = pytest.mark.django_db


def test_a_blob_whose_collection_failed_midway_gets_its_thumbnails_again(
    on_flaky_s3: FlakyS3, upload: Any, collector_client: APIClient, draft: RealEstate
) -> None:
    data = samples.image_bytes(size=(1600, 1200))
    photo_id = upload(data).json()["id"]
    collector_client.delete(photos_url(draft, photo_id))
    blob = Blob.objects.get()
    on_flaky_s3.fail(method="DELETE", path_contains=blob.key, times=1)

    with pytest.raises(CommandError, match="STORAGE_UNAVAILABLE"):
        call_command("gc_media", "--grace", "0", stdout=StringIO())
    assert Blob.objects.get().pk == blob.pk  # the row survives the interrupted collection

    response = upload(data)  # the same photo, added again (its thumbnail task run)

    assert response.status_code == 201
    links = collector_client.get(photos_url(draft, response.json()["id"])).json()["thumbnails"]
    assert all(links.values())
    for link in links.values():
        status, _, _ = fetch(collector_client, link)
        assert status == 200
    blob.refresh_from_db()
    assert blob.thumbnail_state == ThumbnailState.READY
    assert all(storage.object_exists(key) for key in blob.thumbnail_keys.values())
