"""Two reviewers acting at once: the row lock leaves exactly one outcome and one history entry."""

import pytest

from apps.core import errors
from apps.real_estates import services
from apps.real_estates.models import RealEstate, RealEstateTransition, Status
from apps.users.models import Role, User
from tests.real_estates.factories import RealEstateFactory
from tests.threads import run_at_once
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _submitted() -> tuple[RealEstate, User, User]:
    collector = UserFactory(role=Role.COLLECTOR)
    real_estate = RealEstateFactory(collected_by=collector, status=Status.SUBMITTED, photos=1)
    return real_estate, UserFactory(role=Role.MANAGER), UserFactory(role=Role.ADMIN)


def test_approve_and_reject_at_once_leave_exactly_one_outcome() -> None:
    real_estate, manager, admin = _submitted()
    version, steps = real_estate.version, real_estate.transitions.count()
    # Both act on the same stale copy, as two request handlers would.
    outcomes = run_at_once(
        lambda: services.real_estate_approve(real_estate=real_estate, actor=manager),
        lambda: services.real_estate_reject(real_estate=real_estate, actor=admin, reason="Duplicado"),
    )
    successes = [o for o in outcomes if isinstance(o, RealEstate)]
    conflicts = [
        o for o in outcomes if isinstance(o, (errors.RealEstateCannotApprove, errors.RealEstateCannotReject))
    ]
    assert (len(successes), len(conflicts)) == (1, 1), outcomes
    real_estate.refresh_from_db()
    assert real_estate.status == successes[0].status
    assert real_estate.version == version + 1
    assert RealEstateTransition.objects.filter(real_estate=real_estate).count() == steps + 1


def test_two_approvals_at_once_record_one_transition() -> None:
    real_estate, manager, admin = _submitted()
    steps = real_estate.transitions.count()
    outcomes = run_at_once(
        lambda: services.real_estate_approve(real_estate=real_estate, actor=manager),
        lambda: services.real_estate_approve(real_estate=real_estate, actor=admin),
    )
    assert sum(isinstance(o, RealEstate) for o in outcomes) == 1
    assert sum(isinstance(o, errors.RealEstateCannotApprove) for o in outcomes) == 1
    assert RealEstateTransition.objects.filter(real_estate=real_estate).count() == steps + 1


def test_concurrent_edits_with_the_same_if_match_lose_no_update() -> None:
    collector = UserFactory(role=Role.COLLECTOR)
    real_estate = RealEstateFactory(collected_by=collector)
    outcomes = run_at_once(
        *(
            (
                lambda title=title: services.real_estate_update(
                    real_estate=real_estate, actor=collector, fields={"title": title}, expected_version=1
                )
            )
            for title in ("Primeira", "Segunda")
        )
    )
    assert sum(isinstance(o, RealEstate) for o in outcomes) == 1
    assert sum(isinstance(o, errors.PreconditionFailed) for o in outcomes) == 1
    real_estate.refresh_from_db()
    assert real_estate.version == 2
