"""Every way a user row can go (docs/adr/0095-deleting-a-user-outside-the-erasure.md).

The product's paths are the erasure (`user_delete`): the API, and the admin's delete page and bulk
delete (tests/users/integration/test_admin_writes.py checks each leaves nothing of the person). The
ORM's own `Model.delete()` and `QuerySet.delete()` are no erasure and are not refused (a test's or
an operator's clean-up uses them); what holds on them too is what the schema and the audit app's
`pre_delete` receiver keep: no business record goes with the user (every reference is
`SET_NULL`, ADR 0010), and the audit trail forgets them."""

from collections.abc import Callable

import pytest

from apps.audit.models import AuditEvent
from apps.media.models import Photo
from apps.real_estates.models import RealEstate, RealEstateTransition, Status
from apps.users.models import Role, User
from tests.real_estates.factories import RealEstateFactory
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db

RAW_DELETES: list[object] = [
    pytest.param(lambda user: user.delete(), id="Model.delete"),
    pytest.param(lambda user: User.objects.filter(pk=user.pk).delete(), id="QuerySet.delete"),
]


@pytest.mark.parametrize("delete", RAW_DELETES)
def test_a_raw_delete_of_a_collector_keeps_their_real_estates_photos_and_history(
    delete: Callable[[User], object],
) -> None:
    collector = UserFactory(name="Fulana Coletora")
    real_estate = RealEstateFactory(collected_by=collector, status=Status.APPROVED)
    before = (
        Photo.objects.filter(real_estate=real_estate).count(),
        RealEstateTransition.objects.filter(real_estate=real_estate).count(),
        AuditEvent.objects.count(),
    )
    collector_id = collector.pk  # Model.delete() sets the instance's to None

    delete(collector)

    real_estate.refresh_from_db()
    assert real_estate.collected_by is None
    assert not Photo.objects.filter(uploaded_by=collector_id).exists()
    after = (
        Photo.objects.filter(real_estate=real_estate).count(),
        RealEstateTransition.objects.filter(real_estate=real_estate).count(),
        AuditEvent.objects.count(),
    )
    assert after == before
    assert not AuditEvent.objects.filter(actor=collector_id).exists()
    assert not AuditEvent.objects.filter(changes__icontains=collector.cpf).exists()
    assert not AuditEvent.objects.filter(changes__icontains=str(collector_id)).exists()


@pytest.mark.parametrize("delete", RAW_DELETES)
def test_a_raw_delete_of_a_reviewer_keeps_what_they_reviewed(delete: Callable[[User], object]) -> None:
    manager = UserFactory(role=Role.MANAGER)
    real_estate = RealEstateFactory(reviewed_by=manager, status=Status.REJECTED)
    manager_id = manager.pk

    delete(manager)

    real_estate.refresh_from_db()
    assert (real_estate.status, real_estate.reviewed_by) == (Status.REJECTED, None)
    assert RealEstate.objects.filter(pk=real_estate.pk).exists()
    assert not AuditEvent.objects.filter(changes__icontains=str(manager_id)).exists()
