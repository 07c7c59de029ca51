"""Photo writes raced by other photo writes, by the real estate's deletion and by the collector,
on real PostgreSQL locks (tests/threads.py): the second one waits at the real estate's lock (or
the key's), then decides on what the first committed."""

import io
from datetime import timedelta

import pytest

from apps.core import errors
from apps.media import services, storage
from apps.media.models import MAX_PHOTOS_PER_REAL_ESTATE, Blob, Photo
from apps.real_estates import services as real_estate_services
from apps.real_estates.models import RealEstate
from apps.users.models import Role, User
from tests.media import samples
from tests.media.conftest import stored_blob, stored_keys
from tests.media.factories import PhotoFactory, png
from tests.real_estates.factories import RealEstateFactory
from tests.threads import waiting_for
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _upload(real_estate: RealEstate, actor: User, data: bytes) -> services.UploadResult:
    return services.photo_upload(real_estate=real_estate, actor=actor, file=io.BytesIO(data))


def test_an_upload_racing_the_deletion_of_its_real_estate_is_a_404_and_leaves_nothing() -> None:
    collector = UserFactory(role=Role.COLLECTOR)
    real_estate = RealEstateFactory(collected_by=collector)
    PhotoFactory(real_estate=real_estate)
    keys, blobs = stored_keys(), Blob.objects.count()

    outcome = waiting_for(
        lambda: real_estate_services.real_estate_delete(real_estate=real_estate, actor=collector),
        lambda: _upload(real_estate, collector, png(10_001)),
    )

    assert isinstance(outcome, errors.RealEstateNotFound), outcome
    assert stored_keys() == keys  # the object it wrote went with the refusal
    assert Blob.objects.count() == blobs
    assert not Photo.objects.exists()


def test_the_upload_that_takes_the_last_slot_second_is_refused_and_removes_its_object() -> None:
    collector = UserFactory(role=Role.COLLECTOR)
    real_estate = RealEstateFactory(collected_by=collector)
    for n in range(MAX_PHOTOS_PER_REAL_ESTATE - 1):
        PhotoFactory(real_estate=real_estate, image=png(20_000 + n), thumbnails=False)

    outcome = waiting_for(
        lambda: _upload(real_estate, collector, png(30_001)),
        lambda: _upload(real_estate, collector, png(30_002)),
    )

    assert isinstance(outcome, errors.PhotoLimitReached), outcome
    real_estate.refresh_from_db()
    assert real_estate.photo_count == MAX_PHOTOS_PER_REAL_ESTATE
    assert sorted(Photo.objects.values_list("position", flat=True)) == list(range(MAX_PHOTOS_PER_REAL_ESTATE))
    known = set(Blob.objects.values_list("key", flat=True))
    assert {key for key in stored_keys() if key.startswith("blobs/")} == known


def test_a_caption_change_racing_the_photos_deletion_is_a_404() -> None:
    collector = UserFactory(role=Role.COLLECTOR)
    real_estate = RealEstateFactory(collected_by=collector)
    photo = PhotoFactory(real_estate=real_estate)
    PhotoFactory(real_estate=real_estate)

    outcome = waiting_for(
        lambda: services.photo_delete(photo=photo, actor=collector),
        lambda: services.photo_update(photo=photo, actor=collector, caption="Fachada"),
    )

    assert isinstance(outcome, errors.PhotoNotFound), outcome
    assert list(Photo.objects.values_list("position", flat=True)) == [0]


def test_a_move_racing_an_upload_keeps_the_order_dense_and_the_cover_the_first_photo() -> None:
    collector = UserFactory(role=Role.COLLECTOR)
    real_estate = RealEstateFactory(collected_by=collector)
    first = PhotoFactory(real_estate=real_estate)
    PhotoFactory(real_estate=real_estate)

    outcome = waiting_for(
        lambda: _upload(real_estate, collector, png(40_001)),
        lambda: services.photo_update(photo=first, actor=collector, position=99),
    )

    assert isinstance(outcome, Photo), outcome
    ordered = list(Photo.objects.of_real_estate(real_estate.pk))
    assert [p.position for p in ordered] == [0, 1, 2]
    assert ordered[-1].pk == first.pk
    real_estate.refresh_from_db()
    assert (real_estate.photo_count, real_estate.cover_blob_id) == (3, ordered[0].blob_id)


def test_an_upload_of_bytes_whose_blob_the_collector_is_taking_waits_and_writes_them_again() -> None:
    """The upload saw the unreferenced blob's row (so did not write), then waits at the key lock
    the collector holds while it deletes the object and the row."""
    collector = UserFactory(role=Role.COLLECTOR)
    real_estate = RealEstateFactory(collected_by=collector)
    data = samples.image_bytes("PNG", size=(40, 30))
    orphan = stored_blob(data)

    outcome = waiting_for(
        lambda: services.media_gc(grace=timedelta(0)),
        lambda: _upload(real_estate, collector, data),
    )

    assert isinstance(outcome, services.UploadResult), outcome
    assert outcome.created
    blob = Blob.objects.get()
    assert blob.pk != orphan.pk
    assert storage.object_exists(blob.key)
