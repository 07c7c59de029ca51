"""A photo write's look at the cover after its commit (`photos._copy_cover_thumbnail`, ADR 0102)
that the database refuses: the write is saved, so the client gets its success, not a 5xx it would
retry; the callbacks after it still run, and the thumbnail task copies the cover later. On real
PostgreSQL: the real estate's row held by another connection past the request's statement timeout."""

import threading
from typing import Any

import pytest
from django.db import transaction
from rest_framework.test import APIClient

from apps.media import services, tasks
from apps.media.models import Blob, ThumbnailState
from apps.media.services import photos
from apps.real_estates import list_cache
from apps.real_estates.models import RealEstate
from apps.users.models import User
from tests.media import samples
from tests.media.conftest import photos_url
from tests.media.factories import PhotoFactory
from tests.real_estates.factories import RealEstateFactory
from tests.threads import in_background

pytestmark = pytest.mark.django_db(transaction=True)


class RowHolder:
    """Another connection taking a real estate's row and keeping it until released."""

    def __init__(self, real_estate_id: object) -> None:
        self.real_estate_id = real_estate_id
        self.release = threading.Event()
        self.threads: list[threading.Thread] = []

    def __call__(self) -> None:
        held = threading.Event()

        def hold() -> None:
            with transaction.atomic():
                RealEstate.objects.select_for_update().get(pk=self.real_estate_id)
                held.set()
                self.release.wait(timeout=30)

        self.threads.append(in_background(hold)[0])
        assert held.wait(timeout=10)

    def let_go(self) -> None:
        self.release.set()
        for thread in self.threads:
            thread.join(timeout=30)


def test_a_move_whose_cover_copy_the_database_refuses_is_answered_and_the_task_copies_it(
    collector: User,
    collector_client: APIClient,
    impatient_connection: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A thumbnail run commits the blob's first key while a move making it the cover is open (the
    race the look after the commit is for); then, the move committed, its look finds the row held
    past its statement timeout. The move is answered 200, the list counts are invalidated, and the
    thumbnail task, queued for the blob, shows the cover once it runs."""
    real_estate = RealEstateFactory(collected_by=collector)
    PhotoFactory(real_estate=real_estate)
    second = PhotoFactory(real_estate=real_estate, image=samples.image_bytes())
    # Its thumbnails not made yet (the task queued, not run).
    Blob.objects.filter(pk=second.blob_id).update(
        thumbnail_state=ThumbnailState.PENDING, thumbnail_256_key="", thumbnail_1024_key=""
    )
    holder = RowHolder(real_estate.pk)
    count_changed = photos.real_estate_photo_count_changed

    def then_thumbnails_commit(**kwargs: Any) -> None:
        count_changed(**kwargs)  # the move gives its cover the key it read: none yet
        thread, outcome = in_background(lambda: services.blob_generate_thumbnails(blob_id=second.blob_id))
        thread.join(timeout=30)
        assert isinstance(outcome[0], Blob), outcome  # linked, copied to the covers it could see
        # Once the move commits, before the look it registers next: the row taken by another.
        transaction.on_commit(holder)

    monkeypatch.setattr(photos, "real_estate_photo_count_changed", then_thumbnails_commit)
    queued: list[int] = []  # the broker: the worker runs these later
    monkeypatch.setattr(tasks.generate_thumbnails, "delay", queued.append)
    generation = list_cache.generation()

    try:
        response = collector_client.patch(photos_url(real_estate, second.pk), {"position": 0}, format="json")
    finally:
        holder.let_go()

    assert response.status_code == 200, response.content
    assert response.json()["position"] == 0
    assert list_cache.generation() != generation  # the callback after the look still ran
    real_estate.refresh_from_db()
    assert (real_estate.cover_blob_id, real_estate.cover_key) == (second.blob_id, "")  # not copied yet
    assert queued == [second.blob_id]

    for blob_id in queued:
        assert tasks.generate_thumbnails.apply(args=[blob_id]).result is True

    blob = Blob.objects.get(pk=second.blob_id)
    assert blob.thumbnail_state == ThumbnailState.READY
    real_estate.refresh_from_db()
    assert real_estate.cover_key == blob.thumbnail_256_key
