"""An upload whose in-process thumbnail run (no broker: at the upload's commit) the database
refuses, and refuses again its `failed` mark: the photo is saved, so the client gets its 201, not
a 503 it would retry; the blob stays `pending`, which `rebuild_thumbnails` makes. On real
PostgreSQL: the blob's row held by another connection past the request's statement timeout."""

import threading

import pytest
from django.db import transaction
from rest_framework.test import APIClient

from apps.media.models import Blob, Photo, ThumbnailState
from apps.real_estates.models import RealEstate
from tests.media import samples
from tests.media.conftest import post_photo, stored_blob
from tests.threads import in_background

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_upload_whose_in_process_thumbnails_the_database_refuses_is_answered(
    collector_client: APIClient, draft: RealEstate, impatient_connection: None
) -> None:
    data = samples.image_bytes()
    blob = stored_blob(data)  # the same bytes stored before (pending): the upload links this row
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        # As a thumbnail run of the same blob saving its renditions: the photo's insert may still
        # reference the row (no key update), the run's link and its `failed` mark wait.
        with transaction.atomic():
            Blob.objects.select_for_update(no_key=True).get(pk=blob.pk)
            held.set()
            release.wait(timeout=30)

    holder, _ = in_background(hold)
    assert held.wait(timeout=10)
    try:
        response = post_photo(collector_client, draft, data)
    finally:
        release.set()
        holder.join(timeout=30)

    assert response.status_code == 201, response.content
    assert Photo.objects.get().blob_id == blob.pk
    assert Blob.objects.get(pk=blob.pk).thumbnail_state == ThumbnailState.PENDING  # for the rebuild
