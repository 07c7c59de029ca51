"""Photos as the real-estates API shows them: list covers, detail photos, the submit rule."""

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from apps.media import services
from apps.media.models import Blob, ThumbnailState
from apps.media.storage import key_from_token
from apps.real_estates.models import RealEstate, Status
from apps.users.models import User
from tests.media import samples
from tests.media.conftest import photos_url, post_photo
from tests.real_estates.factories import RealEstateFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("real-estate-list")


def detail_url(real_estate: RealEstate) -> str:
    return reverse("real-estate-detail", kwargs={"pk": real_estate.pk})


def test_the_list_shows_the_first_photos_thumbnail_as_cover(
    upload: Any, collector_client: APIClient, draft: RealEstate
) -> None:
    first = upload(samples.image_bytes(size=(600, 400))).json()
    upload(samples.image_bytes("PNG", size=(500, 400)))
    bare = RealEstateFactory(collected_by=draft.collected_by)

    items = {item["id"]: item for item in collector_client.get(LIST_URL).json()["results"]}

    cover = items[str(draft.pk)]["cover"]
    assert cover is not None
    assert items[str(draft.pk)]["photo_count"] == 2
    assert collector_client.get(cover).status_code == 200
    assert cover.split("/")[-1] != first["url"].split("/")[-1]  # the thumbnail, not the original
    assert items[str(bare.pk)]["cover"] is None


def cover_of(client: APIClient, real_estate: RealEstate) -> str | None:
    items = {item["id"]: item for item in client.get(LIST_URL).json()["results"]}
    cover: str | None = items[str(real_estate.pk)]["cover"]
    return cover


def test_the_cover_follows_the_first_photo_through_moves_and_deletes(
    upload: Any, collector_client: APIClient, draft: RealEstate
) -> None:
    first, second = (upload(samples.image_bytes("PNG", size=(30 + i, 30))).json() for i in range(2))
    blobs = {photo["id"]: Blob.objects.get(photos__id=photo["id"]) for photo in (first, second)}

    def cover_blob() -> Blob | None:
        cover = cover_of(collector_client, draft)
        if cover is None:
            return None
        key = key_from_token(cover.rstrip("/").split("/")[-1])
        return next(b for b in blobs.values() if b.thumbnail_256_key == key)

    assert cover_blob() == blobs[first["id"]]
    collector_client.patch(photos_url(draft, second["id"]), {"position": 0})
    assert cover_blob() == blobs[second["id"]]
    collector_client.delete(photos_url(draft, second["id"]))
    assert cover_blob() == blobs[first["id"]]
    collector_client.delete(photos_url(draft, first["id"]))
    assert cover_of(collector_client, draft) is None
    draft.refresh_from_db()
    assert (draft.photo_count, draft.cover_blob_id) == (0, None)


def test_the_migration_gives_existing_real_estates_their_covers(upload: Any, draft: RealEstate) -> None:
    from importlib import import_module

    from django.apps import apps

    upload(samples.image_bytes("PNG", size=(40, 40)))
    expected = RealEstate.objects.get(pk=draft.pk).cover_blob_id
    assert expected is not None
    RealEstate.objects.filter(pk=draft.pk).update(cover_blob=None)  # as before the migration
    migration = import_module("apps.real_estates.migrations.0005_cover_blob")
    migration.fill_covers(apps, None)
    assert RealEstate.objects.get(pk=draft.pk).cover_blob_id == expected


def test_the_migration_gives_existing_real_estates_their_cover_keys(upload: Any, draft: RealEstate) -> None:
    from importlib import import_module

    from django.apps import apps

    upload(samples.image_bytes("PNG", size=(40, 40)))
    expected = RealEstate.objects.get(pk=draft.pk).cover_key
    assert expected
    RealEstate.objects.filter(pk=draft.pk).update(cover_key=None)  # as before the migration
    import_module("apps.real_estates.migrations.0006_listing_denormalised").fill_listing_columns(apps, None)
    assert RealEstate.objects.get(pk=draft.pk).cover_key == expected


def test_a_thumbnail_made_after_the_upload_shows_on_every_real_estate_it_is_the_cover_of(
    collector_client: APIClient, draft: RealEstate, django_capture_on_commit_callbacks: Any
) -> None:
    other = RealEstateFactory(collected_by=draft.collected_by)
    data = samples.image_bytes()
    with django_capture_on_commit_callbacks(execute=False):  # the thumbnail task has not run yet
        for real_estate in (draft, other):
            assert post_photo(collector_client, real_estate, data).status_code == 201
    assert (cover_of(collector_client, draft), cover_of(collector_client, other)) == (None, None)

    blob = services.blob_generate_thumbnails(blob_id=Blob.objects.get().pk)

    assert blob is not None
    covers = [cover_of(collector_client, draft), cover_of(collector_client, other)]
    assert None not in covers
    # Each link is signed when it is rendered (two renders may fall in different seconds): compare
    # the keys they carry.
    keys = {key_from_token(cover.rstrip("/").split("/")[-1]) for cover in covers if cover is not None}
    assert keys == {blob.thumbnail_256_key}


def test_a_thumbnail_committed_while_a_photo_changes_still_reaches_the_cover(
    collector_client: APIClient, draft: RealEstate, django_capture_on_commit_callbacks: Any
) -> None:
    """The race the photo services guard against: the thumbnail task commits (and copies its key
    to the covers it can see) after a photo service read the blob, before it committed."""
    with django_capture_on_commit_callbacks(execute=False):
        assert post_photo(collector_client, draft, samples.image_bytes()).status_code == 201
    photo = draft.photos.get()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.photo_update(photo=photo, actor=draft.collected_by, caption="Fachada")
    Blob.objects.filter(pk=photo.blob_id).update(  # the task, committing in between
        thumbnail_256_key="thumbs/sha256/aa/bb/late.webp", thumbnail_state=ThumbnailState.READY
    )
    assert RealEstate.objects.get(pk=draft.pk).cover_key == ""
    for callback in callbacks:
        callback()

    assert RealEstate.objects.get(pk=draft.pk).cover_key == "thumbs/sha256/aa/bb/late.webp"


def test_covers_cost_no_query_per_row(upload: Any, collector_client: APIClient, collector: User) -> None:
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert collector_client.get(LIST_URL).status_code == 200
        return len(queries)

    upload(samples.image_bytes())
    few = count_queries()
    for index in range(4):
        real_estate = RealEstateFactory(collected_by=collector)
        upload(samples.image_bytes("PNG", size=(10 + index, 10)), real_estate=real_estate)

    assert count_queries() == few


def test_the_detail_lists_photos_in_order(
    upload: Any, collector_client: APIClient, draft: RealEstate
) -> None:
    ids = [upload(samples.image_bytes("PNG", size=(20 + i, 20))).json()["id"] for i in range(2)]
    collector_client.patch(photos_url(draft, ids[1]), {"position": 0})

    body = collector_client.get(detail_url(draft)).json()

    assert [photo["id"] for photo in body["photos"]] == [ids[1], ids[0]]
    assert body["photos"][0]["thumbnails"]["256"] is not None
    assert body["photo_count"] == 2


def test_a_real_estate_with_a_real_photo_can_be_submitted(
    upload: Any, collector_client: APIClient, draft: RealEstate
) -> None:
    submit = reverse("real-estate-submit", kwargs={"pk": draft.pk})
    assert collector_client.post(submit).json()["error"]["code"] == "REAL_ESTATE_NEEDS_PHOTO"

    upload(samples.image_bytes())

    assert collector_client.post(submit).status_code == 200
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED


def test_deleting_the_last_photo_brings_the_submit_rule_back(
    upload: Any, collector_client: APIClient, draft: RealEstate
) -> None:
    photo_id = upload(samples.image_bytes()).json()["id"]
    version = RealEstate.objects.get(pk=draft.pk).version

    collector_client.delete(photos_url(draft, photo_id))

    draft.refresh_from_db()
    assert draft.photo_count == 0
    assert draft.version > version  # the ETag moves with the photos
    submit = reverse("real-estate-submit", kwargs={"pk": draft.pk})
    assert collector_client.post(submit).json()["error"]["code"] == "REAL_ESTATE_NEEDS_PHOTO"


def test_deleting_a_real_estate_leaves_its_blobs_to_the_collector(
    upload: Any, collector_client: APIClient, draft: RealEstate
) -> None:
    upload(samples.image_bytes())

    assert collector_client.delete(detail_url(draft)).status_code == 204
    assert Blob.objects.orphaned().count() == 1


def test_the_detail_costs_the_same_queries_with_one_or_many_photos(
    upload: Any, collector_client: APIClient, draft: RealEstate
) -> None:
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert collector_client.get(detail_url(draft)).status_code == 200
        return len(queries)

    upload(samples.image_bytes())
    one = count_queries()
    for index in range(3):
        upload(samples.image_bytes("PNG", size=(10 + index, 10)))

    assert count_queries() == one
