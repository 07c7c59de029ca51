"""What an upload reads back after its commit, raced by the photo's deletion and the collector,
on real PostgreSQL (tests/threads.py): the upload's commit is where its client's answer is
decided, so whatever commits after it is no error of the upload."""

from datetime import timedelta

import pytest
from rest_framework.test import APIClient

from apps.media import services, tasks
from apps.media.models import Blob, Photo
from apps.real_estates.models import RealEstate
from apps.users.models import User
from tests.media import samples
from tests.media.conftest import as_stored, post_photo
from tests.threads import in_background

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_upload_whose_photo_and_blob_go_right_after_its_commit_is_answered_as_created(
    collector: User, collector_client: APIClient, draft: RealEstate, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Between the upload's commit and its response (where the broker takes the thumbnails' job),
    another request deletes the photo and the collector, with no grace (`gc_media --grace 0`),
    takes the blob. The upload created the photo: 201 with the photo as it committed it, not a
    500 from reading back the blob the collector took."""
    data = samples.image_bytes()
    reports: list[object] = []

    def deleted_and_collected(blob_id: int) -> None:
        def delete_then_collect() -> object:
            services.photo_delete(photo=Photo.objects.get(blob_id=blob_id), actor=collector)
            return services.media_gc(grace=timedelta(0))

        thread, outcome = in_background(delete_then_collect)
        thread.join(timeout=30)
        reports.extend(outcome)

    monkeypatch.setattr(tasks.generate_thumbnails, "delay", deleted_and_collected)

    response = post_photo(collector_client, draft, data)

    assert len(reports) == 1
    assert isinstance(reports[0], services.GcReport), reports
    assert reports[0].blob_count == 1  # the collector did take the blob
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["sha256"] == as_stored(data).sha256
    assert body["position"] == 0
    assert body["thumbnails"] == {"256": None, "1024": None}  # none were made
    assert not Photo.objects.exists()
    assert not Blob.objects.exists()
