"""The review queue sorts on a submitted real estate's `updated_at`, taken for its submission
(docs/adr/0128: the partial index `re_submitted_queue_idx` serves the queue in that order). That
holds only while nothing writes a submitted row's `updated_at` but the step that takes it out of
`submitted`: every other write reaching a submitted real estate is run here, and none moves it in
the queue."""

import pytest

from apps.real_estates import dashboard, services
from apps.real_estates.models import RealEstate, Status
from apps.users.models import User
from apps.users.services import user_delete, user_update_profile
from tests.real_estates.factories import RealEstateFactory
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db


def _queue() -> list[RealEstate]:
    return list(dashboard.oldest_waiting())


def test_writes_to_a_submitted_real_estate_leave_its_place_in_the_queue() -> None:
    first, second = UserFactory(), UserFactory()
    waiting_longest = RealEstateFactory(collected_by=first, status=Status.SUBMITTED, photos=1)
    waiting_less = RealEstateFactory(collected_by=second, status=Status.SUBMITTED, photos=1)
    submitted_at = {r.pk: RealEstate.objects.get(pk=r.pk).updated_at for r in (waiting_longest, waiting_less)}
    assert _queue() == [waiting_longest, waiting_less]

    user_update_profile(user=first, name="Outro Nome da Silva")  # the name copied onto their rows
    cover = RealEstate.objects.get(pk=waiting_longest.pk)
    # A cover left on a key a rebuild replaced (its copy deferred, ADR 0118), then put right.
    RealEstate.objects.filter(pk=cover.pk).update(cover_key="thumbs/replaced.webp")
    assert services.real_estate_cover_thumbnail_made(blob_id=cover.cover_blob_id, key=cover.cover_key) == 1
    user_delete(user=User.objects.get(pk=second.pk), actor=None)  # their rows forget the name

    assert _queue() == [waiting_longest, waiting_less]
    for pk, at in submitted_at.items():
        assert RealEstate.objects.get(pk=pk).updated_at == at
