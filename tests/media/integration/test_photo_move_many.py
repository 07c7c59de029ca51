"""`photo_move_many`, the admin's photo inline's moves: each photo asked to move lands at its place,
one write, and a refusal moves nothing."""

import pytest

from apps.audit.models import AuditEvent
from apps.core import errors
from apps.media import services
from apps.media.models import Photo
from apps.real_estates.models import RealEstate
from apps.users.models import User
from tests.real_estates.factories import RealEstateFactory

pytestmark = pytest.mark.django_db


def _order(real_estate: RealEstate) -> list[object]:
    return list(Photo.objects.of_real_estate(real_estate.pk).values_list("pk", flat=True))


def test_a_rotation_is_stored_as_asked_in_one_write(collector: User) -> None:
    real_estate: RealEstate = RealEstateFactory(collected_by=collector, photos=3)
    a, b, c = _order(real_estate)
    events = AuditEvent.objects.count()

    services.photo_move_many(real_estate_id=real_estate.pk, actor=collector, positions={a: 1, b: 2, c: 0})

    assert _order(real_estate) == [c, a, b]
    assert RealEstate.objects.get(pk=real_estate.pk).version == real_estate.version + 1
    assert (
        list(AuditEvent.objects.order_by("id").values_list("action", flat=True)[events:])
        == ["photo.reorder"] * 3
    )


def test_moves_to_the_places_the_photos_have_write_nothing(collector: User) -> None:
    real_estate: RealEstate = RealEstateFactory(collected_by=collector, photos=2)
    a, b = _order(real_estate)
    events = AuditEvent.objects.count()

    services.photo_move_many(real_estate_id=real_estate.pk, actor=collector, positions={a: 0, b: 1})

    assert RealEstate.objects.get(pk=real_estate.pk).version == real_estate.version
    assert AuditEvent.objects.count() == events


def test_a_photo_of_another_real_estate_is_a_404_and_moves_nothing(collector: User) -> None:
    real_estate: RealEstate = RealEstateFactory(collected_by=collector, photos=2)
    other: RealEstate = RealEstateFactory(collected_by=collector, photos=1)
    a, b = _order(real_estate)
    [foreign] = _order(other)

    with pytest.raises(errors.PhotoNotFound):
        services.photo_move_many(real_estate_id=real_estate.pk, actor=collector, positions={b: 0, foreign: 1})

    assert _order(real_estate) == [a, b]
    assert RealEstate.objects.get(pk=real_estate.pk).version == real_estate.version
