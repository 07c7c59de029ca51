"""The review workflow raced by the collector's photo writes and edits (PostgreSQL row locks,
tests/threads.py): the second waits at the real estate's lock, then decides on its status and
photo count as the first committed them."""

import pytest

from apps.core import errors
from apps.media import services as media_services
from apps.media.models import Photo
from apps.real_estates import services
from apps.real_estates.models import RealEstate, RealEstateTransition, Status
from apps.users.models import Role
from tests.media.factories import PhotoFactory
from tests.real_estates.factories import RealEstateFactory
from tests.threads import waiting_for
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_submit_racing_the_deletion_of_the_last_photo_needs_a_photo() -> None:
    collector = UserFactory(role=Role.COLLECTOR)
    real_estate = RealEstateFactory(collected_by=collector)
    photo = PhotoFactory(real_estate=real_estate)

    outcome = waiting_for(
        lambda: media_services.photo_delete(photo=photo, actor=collector),
        lambda: services.real_estate_submit(real_estate=real_estate, actor=collector),
    )

    assert isinstance(outcome, errors.RealEstateNeedsPhoto), outcome
    real_estate.refresh_from_db()
    assert (real_estate.status, real_estate.photo_count) == (Status.DRAFT, 0)


def test_deleting_the_last_photo_racing_the_submit_is_a_conflict_and_keeps_it() -> None:
    collector = UserFactory(role=Role.COLLECTOR)
    real_estate = RealEstateFactory(collected_by=collector)
    photo = PhotoFactory(real_estate=real_estate)

    outcome = waiting_for(
        lambda: services.real_estate_submit(real_estate=real_estate, actor=collector),
        lambda: media_services.photo_delete(photo=photo, actor=collector),
    )

    assert isinstance(outcome, errors.RealEstateNotEditable), outcome
    real_estate.refresh_from_db()
    assert (real_estate.status, real_estate.photo_count) == (Status.SUBMITTED, 1)
    assert Photo.objects.filter(pk=photo.pk).exists()


def test_the_collectors_caption_change_racing_a_rejection_reopens_it_once() -> None:
    """Rejected first, then the collector's change (on a copy read while it was submitted) goes
    through on the rejected one, and is what sends it back to draft, recorded once."""
    collector = UserFactory(role=Role.COLLECTOR)
    manager = UserFactory(role=Role.MANAGER)
    real_estate = RealEstateFactory(collected_by=collector)
    photo = PhotoFactory(real_estate=real_estate)
    real_estate = services.real_estate_submit(real_estate=real_estate, actor=collector)

    outcome = waiting_for(
        lambda: services.real_estate_reject(real_estate=real_estate, actor=manager, reason="Fotos escuras"),
        lambda: media_services.photo_update(photo=photo, actor=collector, caption="Sala"),
    )

    assert isinstance(outcome, Photo), outcome
    real_estate.refresh_from_db()
    assert real_estate.status == Status.DRAFT
    steps = RealEstateTransition.objects.filter(real_estate=real_estate).order_by("at", "id")
    assert [(s.from_status, s.to_status) for s in steps][-2:] == [
        (Status.SUBMITTED, Status.REJECTED),
        (Status.REJECTED, Status.DRAFT),
    ]


def test_an_edit_with_the_version_read_before_a_rejection_is_a_precondition_failure() -> None:
    collector = UserFactory(role=Role.COLLECTOR)
    manager = UserFactory(role=Role.MANAGER)
    real_estate = RealEstateFactory(collected_by=collector, status=Status.SUBMITTED, photos=1)
    version = real_estate.version

    outcome = waiting_for(
        lambda: services.real_estate_reject(real_estate=real_estate, actor=manager, reason="Endereço"),
        lambda: services.real_estate_update(
            real_estate=real_estate, actor=collector, fields={"title": "Casa"}, expected_version=version
        ),
    )

    assert isinstance(outcome, errors.PreconditionFailed), outcome
    assert RealEstate.objects.get(pk=real_estate.pk).status == Status.REJECTED
