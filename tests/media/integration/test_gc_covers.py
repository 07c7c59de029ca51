"""The collector and the list's covers (ADR 0118): a real estate's `cover_key` may name a 256 px
key a rebuild replaced (the copy to the covers lands after the link, and is deferred when the
database refuses it). The collector keeps what a cover names and puts the cover right; on real
PostgreSQL locks and statement timeouts, local storage (the links open the file)."""

from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from rest_framework.test import APIClient

from apps.media import images, services, storage, tasks
from apps.media.models import Blob, ThumbnailState
from apps.media.services import photos
from apps.real_estates.models import RealEstate
from apps.users.models import User
from tests.media import samples
from tests.media.conftest import photos_url
from tests.media.factories import PhotoFactory
from tests.media.integration.test_cover_copy_after_commit import RowHolder
from tests.real_estates.factories import RealEstateFactory
from tests.threads import in_background

pytestmark = pytest.mark.django_db(transaction=True)

NO_GRACE = timedelta(0)
LIST_URL = "/api/v1/real-estates"


def _older_rendition(blob_id: int) -> str:
    """The blob's 256 px rendition as an older encoder made it: other bytes, another key."""
    older = b"RIFF an older encoder's rendition"
    key = storage.thumbnail_key(images.sha256_hex(older))
    storage.put_object(key, older)
    Blob.objects.filter(pk=blob_id).update(thumbnail_state=ThumbnailState.READY, thumbnail_256_key=key)
    return key


def _cover_opens(client: APIClient, real_estate: RealEstate) -> bool:
    (item,) = [item for item in client.get(LIST_URL).json()["results"] if item["id"] == str(real_estate.pk)]
    assert item["cover"], item
    return bool(client.get(item["cover"]).status_code == 200)


@pytest.fixture
def stale_cover(
    collector: User, collector_client: APIClient, impatient_connection: None, monkeypatch: pytest.MonkeyPatch
) -> tuple[RealEstate, str, list[int]]:
    """A move makes a blob the cover with the key it read; a forced rebuild (an encoder upgrade)
    links new keys and copies them to the covers it sees, committing under the open move; the
    move's look after its commit meets the row held past its statement timeout: deferred to the
    thumbnail task (queued, not run yet). The cover names a key no blob row names."""
    real_estate = RealEstateFactory(collected_by=collector)
    PhotoFactory(real_estate=real_estate)
    second = PhotoFactory(real_estate=real_estate, image=samples.image_bytes(size=(600, 400)))
    older_key = _older_rendition(second.blob_id)
    holder = RowHolder(real_estate.pk)
    count_changed = photos.real_estate_photo_count_changed

    def then_a_rebuild_commits(**kwargs: Any) -> None:
        count_changed(**kwargs)  # the move gives its cover the key it read: the older one
        thread, outcome = in_background(
            lambda: services.blob_generate_thumbnails(blob_id=second.blob_id, force=True)
        )
        thread.join(timeout=30)
        assert isinstance(outcome[0], Blob), outcome
        transaction.on_commit(holder)

    monkeypatch.setattr(photos, "real_estate_photo_count_changed", then_a_rebuild_commits)
    queued: list[int] = []  # the broker: a worker runs these later, or never
    monkeypatch.setattr(tasks.generate_thumbnails, "delay", queued.append)
    try:
        response = collector_client.patch(photos_url(real_estate, second.pk), {"position": 0}, format="json")
    finally:
        holder.let_go()
    monkeypatch.undo()
    assert response.status_code == 200, response.content
    real_estate.refresh_from_db()
    assert real_estate.cover_key == older_key
    assert not Blob.objects.filter(thumbnail_256_key=older_key).exists()
    assert queued == [second.blob_id]
    return real_estate, older_key, queued


def test_the_collector_keeps_a_key_a_cover_names_and_puts_the_cover_right(
    stale_cover: tuple[RealEstate, str, list[int]], collector_client: APIClient
) -> None:
    """Before the deferred copy lands (or if it never does), a collection with no grace left the
    cover naming a deleted file: its link answered 404. The cover now shows the blob's key, the
    older file stays for this run, and the next collection takes it."""
    real_estate, older_key, _queued = stale_cover

    services.media_gc(grace=NO_GRACE)

    assert _cover_opens(collector_client, real_estate)
    real_estate.refresh_from_db()
    assert real_estate.cover_key == Blob.objects.get(pk=real_estate.cover_blob_id).thumbnail_256_key
    assert storage.object_exists(older_key)

    report = services.media_gc(grace=NO_GRACE)

    assert older_key in report.objects
    assert _cover_opens(collector_client, real_estate)


def test_a_dry_run_changes_no_cover_and_counts_no_file_a_cover_names(
    stale_cover: tuple[RealEstate, str, list[int]],
) -> None:
    real_estate, older_key, _queued = stale_cover

    report = services.media_gc(grace=NO_GRACE, dry_run=True)

    assert older_key not in report.objects
    real_estate.refresh_from_db()
    assert real_estate.cover_key == older_key


def test_a_cover_whose_repair_the_database_refuses_keeps_its_file(
    stale_cover: tuple[RealEstate, str, list[int]], collector_client: APIClient
) -> None:
    """The real estate's row held past the collector's statement timeout: the cover stays as it
    is for this run, and so does the file it names."""
    real_estate, older_key, _queued = stale_cover
    holder = RowHolder(real_estate.pk)
    holder()
    try:
        report = services.media_gc(grace=NO_GRACE)
    finally:
        holder.let_go()

    assert older_key not in report.objects
    assert _cover_opens(collector_client, real_estate)


def test_a_cover_whose_first_thumbnail_never_reached_it_gets_it_from_the_collector(
    collector: User, collector_client: APIClient
) -> None:
    """A photo write made the blob the cover before its thumbnail was made (`""`), and the copy
    of the thumbnail made later was deferred and never landed (the queued task lost, its
    in-process run refused too): the list showed no cover for good. A collection gives it."""
    real_estate = RealEstateFactory(collected_by=collector)
    blob = PhotoFactory(real_estate=real_estate).blob
    RealEstate.objects.filter(pk=real_estate.pk).update(cover_key="")

    services.media_gc(grace=NO_GRACE)

    real_estate.refresh_from_db()
    assert real_estate.cover_key == blob.thumbnail_256_key != ""
    assert _cover_opens(collector_client, real_estate)
