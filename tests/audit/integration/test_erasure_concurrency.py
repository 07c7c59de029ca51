"""A reviewer's erasure while another manager's review of a real estate they reviewed is in flight:
that review's event names them (`reviewed_by: [<erased>, <reviewer>]`). The erasure locks the
real estates the user collected or reviewed before it pseudonymises the trail (ADR 0015), so it
waits for the review to commit and then finds its event too, or holds the real estate first and
the review then reads no reviewer at all. PostgreSQL row locks, two connections."""

from collections.abc import Callable
from typing import Any

import pytest

from apps.audit.models import AuditEvent
from apps.real_estates import services as real_estate_services
from apps.real_estates.models import RealEstate, Status
from apps.users import services
from apps.users.models import Role, User
from tests.audit.helpers import all_events_text
from tests.real_estates.factories import RealEstateFactory
from tests.threads import waiting_for
from tests.users.factories import UserFactory

REVIEWS: dict[str, Callable[[RealEstate, User], Any]] = {
    "approve": lambda r, u: real_estate_services.real_estate_approve(real_estate=r, actor=u),
    "reject": lambda r, u: real_estate_services.real_estate_reject(
        real_estate=r, actor=u, reason="Fotos escuras"
    ),
}


def _resubmitted_after_a_rejection_by(reviewer: User) -> RealEstate:
    collector = UserFactory()
    real_estate = RealEstateFactory(collected_by=collector, status=Status.REJECTED, reviewed_by=reviewer)
    real_estate_services.real_estate_update(
        real_estate=real_estate, actor=collector, fields={"title": "Nova"}
    )
    return real_estate_services.real_estate_submit(real_estate=real_estate, actor=collector)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("review", REVIEWS.values(), ids=REVIEWS.keys())
def test_a_review_in_flight_naming_the_erased_reviewer_is_pseudonymised_too(
    review: Callable[[RealEstate, User], Any],
) -> None:
    first, second = UserFactory.create_batch(2, role=Role.MANAGER)
    admin = UserFactory(role=Role.ADMIN)
    real_estate = _resubmitted_after_a_rejection_by(first)
    # The review has read `reviewed_by = first`, not committed, when the erasure starts.
    outcome = waiting_for(
        lambda: review(real_estate, second), lambda: services.user_delete(user=first, actor=admin)
    )

    assert outcome is None, outcome
    event = AuditEvent.objects.filter(target_id=str(real_estate.pk)).latest("id")
    assert event.changes["reviewed_by"][1] == str(second.pk)
    assert event.changes["reviewed_by"][0].startswith("erased-")
    assert str(first.pk) not in all_events_text()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("review", REVIEWS.values(), ids=REVIEWS.keys())
def test_a_review_arriving_during_the_erasure_of_the_previous_reviewer_names_nobody(
    review: Callable[[RealEstate, User], Any],
) -> None:
    first, second = UserFactory.create_batch(2, role=Role.MANAGER)
    admin = UserFactory(role=Role.ADMIN)
    real_estate = _resubmitted_after_a_rejection_by(first)
    outcome = waiting_for(
        lambda: services.user_delete(user=first, actor=admin), lambda: review(real_estate, second)
    )

    assert isinstance(outcome, RealEstate), outcome
    event = AuditEvent.objects.filter(target_id=str(real_estate.pk)).latest("id")
    assert event.changes["reviewed_by"] == [None, str(second.pk)]
    assert str(first.pk) not in all_events_text()
