"""A write on a real estate is decided by who its actor is when it runs, not when the request was
authenticated: a manager demoted or deactivated while their review (an approve, reject, archive,
edit or delete) is in flight, or a collector deactivated while their edit, submit, delete or photo
upload is, is refused with 403 PERMISSION_DENIED and writes nothing, as the same request arriving
a moment later would be (the users' services do the same for admins: docs/adr/0016). The write
waits for the demotion at its first lock, the actor's row (ADR 0015). PostgreSQL row locks, two
connections."""

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from apps.media.models import Photo
from apps.real_estates import services as real_estate_services
from apps.real_estates.models import RealEstate, Status
from apps.users import services
from apps.users.models import Role, User
from tests.conftest import bearer_client
from tests.media.conftest import photos_url, post_photo
from tests.media.factories import png
from tests.real_estates.factories import RealEstateFactory
from tests.real_estates.helpers import URL, payload, writes_on_record
from tests.threads import waiting_for
from tests.users.factories import UserFactory

Write = Callable[[APIClient, RealEstate], Any]


def _changed_meanwhile(user: User, change: dict[str, Any], write: Callable[[], Any]) -> Any:
    """`write` (a request by `user`, authenticated as they were) arrives while an admin's change
    of `user` holds its locks; the change commits; the request's answer."""
    admin = UserFactory(role=Role.ADMIN)
    return waiting_for(lambda: services.user_update(user=user, actor=admin, **change), write)


MANAGER_WRITES: dict[str, tuple[Write, str]] = {
    "approve": (lambda client, r: client.post(f"{URL}/{r.pk}/approve"), Status.SUBMITTED),
    "reject": (
        lambda client, r: client.post(f"{URL}/{r.pk}/reject", {"reason": "Fotos escuras"}, format="json"),
        Status.SUBMITTED,
    ),
    "archive": (lambda client, r: client.post(f"{URL}/{r.pk}/archive"), Status.APPROVED),
    "edit": (
        lambda client, r: client.patch(f"{URL}/{r.pk}", {"title": "Casa revisada"}, format="json"),
        Status.REJECTED,
    ),
    "delete": (lambda client, r: client.delete(f"{URL}/{r.pk}"), Status.APPROVED),
    "photo upload": (lambda client, r: post_photo(client, r, png(234_567)), Status.DRAFT),
}

CHANGES: dict[str, dict[str, Any]] = {
    "demoted": {"role": Role.COLLECTOR},
    "deactivated": {"is_active": False},
}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
@pytest.mark.parametrize(("write", "status"), MANAGER_WRITES.values(), ids=MANAGER_WRITES.keys())
def test_a_managers_write_in_flight_when_they_lose_the_role_is_refused_and_writes_nothing(
    write: Write, status: str, change: dict[str, Any]
) -> None:
    manager = UserFactory(role=Role.MANAGER)
    real_estate = RealEstateFactory(status=status)
    client = bearer_client(manager)
    before = writes_on_record()

    response = _changed_meanwhile(manager, change, lambda: write(client, real_estate))

    assert response.status_code == 403, response.content
    assert response.json()["error"]["code"] == "PERMISSION_DENIED"
    assert writes_on_record() == before


COLLECTOR_WRITES: dict[str, tuple[Write, str]] = {
    "create": (lambda client, _: client.post(URL, payload(), format="json"), Status.DRAFT),
    "edit": (
        lambda client, r: client.patch(f"{URL}/{r.pk}", {"title": "Casa reformada"}, format="json"),
        Status.REJECTED,
    ),
    "submit": (lambda client, r: client.post(f"{URL}/{r.pk}/submit"), Status.DRAFT),
    "delete": (lambda client, r: client.delete(f"{URL}/{r.pk}"), Status.DRAFT),
    "photo upload": (lambda client, r: post_photo(client, r, png(345_678)), Status.DRAFT),
    "photo caption": (
        lambda client, r: client.patch(photos_url(r, _photo(r)), {"caption": "Fachada"}, format="json"),
        Status.REJECTED,
    ),
    "photo delete": (lambda client, r: client.delete(photos_url(r, _photo(r))), Status.DRAFT),
}


def _photo(real_estate: RealEstate) -> Any:
    return Photo.objects.filter(real_estate=real_estate).values_list("pk", flat=True).first()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("write", "status"), COLLECTOR_WRITES.values(), ids=COLLECTOR_WRITES.keys())
def test_a_collectors_write_in_flight_when_they_are_deactivated_is_refused_and_writes_nothing(
    write: Write, status: str
) -> None:
    collector = UserFactory()
    real_estate = RealEstateFactory(collected_by=collector, status=status, photos=1)
    client = bearer_client(collector)
    before = writes_on_record()

    response = _changed_meanwhile(collector, {"is_active": False}, lambda: write(client, real_estate))

    assert response.status_code == 403, response.content
    assert response.json()["error"]["code"] == "PERMISSION_DENIED"
    assert writes_on_record() == before


@pytest.mark.django_db(transaction=True)
def test_a_managers_approve_in_flight_before_their_demotion_commits() -> None:
    """The other order: the approve holds the manager's row first; the demotion waits for it."""
    manager, admin = UserFactory(role=Role.MANAGER), UserFactory(role=Role.ADMIN)
    real_estate = RealEstateFactory(status=Status.SUBMITTED)
    outcome = waiting_for(
        lambda: real_estate_services.real_estate_approve(real_estate=real_estate, actor=manager),
        lambda: services.user_update(user=manager, actor=admin, role=Role.COLLECTOR),
    )

    assert isinstance(outcome, User), outcome
    real_estate.refresh_from_db()
    assert (real_estate.status, real_estate.reviewed_by_id) == (Status.APPROVED, manager.pk)
