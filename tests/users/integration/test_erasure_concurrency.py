"""A user erasing their account while they write elsewhere (edit their real estates or photos,
their profile), or a manager's account erased while one of their reviews is in flight: every
write by a user takes its locks in the erasure's order (ADR 0015: the user's row, then the real
estates, then the rest), so neither deadlocks, and a write that comes second is refused (401)
rather than failing at commit on a reference to a deleted row (PostgreSQL row locks, two
connections)."""

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from apps.audit.models import AuditEvent
from apps.media.models import Photo
from apps.real_estates import services as real_estate_services
from apps.real_estates.models import RealEstate, Status
from apps.users import services
from apps.users.models import Role, User
from tests.conftest import bearer_client
from tests.media.conftest import photos_url, post_photo
from tests.media.factories import PhotoFactory, png
from tests.real_estates.factories import RealEstateFactory
from tests.real_estates.helpers import writes_on_record
from tests.threads import waiting_for
from tests.users.factories import UserFactory

URL = "/api/v1/real-estates"


@pytest.mark.django_db(transaction=True)
def test_erasing_oneself_while_editing_ones_real_estate_waits_for_the_edit() -> None:
    collector = UserFactory()
    real_estate = RealEstateFactory(collected_by=collector)
    client = bearer_client(collector)

    # The edit holds its locks (the collector's row, then the real estate) until it commits; the
    # erasure starts meanwhile and waits for the first of them.
    response = waiting_for(
        lambda: real_estate_services.real_estate_update(
            real_estate=real_estate, actor=collector, fields={"title": "Casa reformada no centro"}
        ),
        lambda: client.delete("/api/v1/users/me"),
    )

    assert response.status_code == 200, response.content
    assert not User.objects.filter(pk=collector.pk).exists()
    real_estate.refresh_from_db()
    assert (real_estate.title, real_estate.collected_by_id, real_estate.collected_by_name) == (
        "Casa reformada no centro",
        None,
        "",
    )


def _erased_meanwhile(user: User, *, by: User, write: Callable[[], Any]) -> Any:
    """`write` (a request by `user`) arrives while `user`'s erasure holds its locks; the erasure
    commits; the request's answer."""
    outcome = waiting_for(lambda: services.user_delete(user=user, actor=by), write)
    assert not User.objects.filter(pk=user.pk).exists()
    return outcome


COLLECTOR_WRITES: dict[str, Callable[[APIClient, RealEstate, Photo], Any]] = {
    "edit": lambda client, real_estate, _: client.patch(
        f"{URL}/{real_estate.pk}", {"title": "Casa reformada"}, format="json"
    ),
    "delete": lambda client, real_estate, _: client.delete(f"{URL}/{real_estate.pk}"),
    "submit": lambda client, real_estate, _: client.post(f"{URL}/{real_estate.pk}/submit"),
    "photo upload": lambda client, real_estate, _: post_photo(client, real_estate, png(123_456)),
    "photo caption": lambda client, real_estate, photo: client.patch(
        photos_url(real_estate, photo.pk), {"caption": "Fachada"}, format="json"
    ),
    "photo move": lambda client, real_estate, photo: client.patch(
        photos_url(real_estate, photo.pk), {"position": 1}, format="json"
    ),
    "photo delete": lambda client, real_estate, photo: client.delete(photos_url(real_estate, photo.pk)),
}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("write", COLLECTOR_WRITES.values(), ids=COLLECTOR_WRITES.keys())
def test_a_collectors_write_arriving_during_their_erasure_is_refused_and_writes_nothing(
    write: Callable[[APIClient, RealEstate, Photo], Any],
) -> None:
    """It waits for the erasure at its first lock (the collector's row), then finds the collector
    gone: 401, not the 500 of a reference to a deleted user failing at commit."""
    collector = UserFactory()
    real_estate = RealEstateFactory(collected_by=collector)
    photo = PhotoFactory(real_estate=real_estate)
    PhotoFactory(real_estate=real_estate)
    client = bearer_client(collector)
    before = writes_on_record()

    response = _erased_meanwhile(collector, by=collector, write=lambda: write(client, real_estate, photo))

    assert response.status_code == 401, response.content
    assert response.json()["error"]["code"] == "AUTHENTICATION_FAILED"
    assert writes_on_record() == before  # the upload's object too: removed with the refusal


@pytest.mark.django_db(transaction=True)
def test_a_managers_approve_in_flight_commits_before_their_erasure() -> None:
    """The erasure of a manager locks no real estate: it waits at the manager's row, which the
    approve holds from its start, then erases the manager from the review."""
    manager, admin = UserFactory(role=Role.MANAGER), UserFactory(role=Role.ADMIN)
    real_estate = RealEstateFactory(status=Status.SUBMITTED)

    response = waiting_for(
        lambda: real_estate_services.real_estate_approve(real_estate=real_estate, actor=manager),
        lambda: bearer_client(admin).delete(f"/api/v1/users/{manager.pk}"),
    )

    assert response.status_code == 204, response.content
    assert not User.objects.filter(pk=manager.pk).exists()
    real_estate.refresh_from_db()
    assert (real_estate.status, real_estate.reviewed_by_id) == (Status.APPROVED, None)
    assert not AuditEvent.objects.filter(actor_id=manager.pk).exists()


REVIEWS: dict[str, Callable[[APIClient, RealEstate], Any]] = {
    "approve": lambda client, real_estate: client.post(f"{URL}/{real_estate.pk}/approve"),
    "reject": lambda client, real_estate: client.post(
        f"{URL}/{real_estate.pk}/reject", {"reason": "Fotos escuras"}, format="json"
    ),
    "edit": lambda client, real_estate: client.patch(
        f"{URL}/{real_estate.pk}", {"title": "Casa revisada"}, format="json"
    ),
}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("review", REVIEWS.values(), ids=REVIEWS.keys())
def test_a_managers_review_arriving_during_their_erasure_is_refused(
    review: Callable[[APIClient, RealEstate], Any],
) -> None:
    manager, admin = UserFactory(role=Role.MANAGER), UserFactory(role=Role.ADMIN)
    status = Status.REJECTED if review is REVIEWS["edit"] else Status.SUBMITTED
    real_estate = RealEstateFactory(status=status)
    client = bearer_client(manager)
    before = writes_on_record()

    response = _erased_meanwhile(manager, by=admin, write=lambda: review(client, real_estate))

    assert response.status_code == 401, response.content
    assert response.json()["error"]["code"] == "AUTHENTICATION_FAILED"
    assert writes_on_record() == before


@pytest.mark.django_db(transaction=True)
def test_a_profile_edit_racing_the_erasure_deadlocks_neither() -> None:
    """The profile edit holds the user row and copies the name to the real estates; the erasure
    waits for it, then erases the new name too."""
    collector = UserFactory()
    real_estate = RealEstateFactory(collected_by=collector)
    client = bearer_client(collector)

    response = waiting_for(
        lambda: services.user_update_profile(user=collector, name="Nome Novo Antes de Sair"),
        lambda: client.delete("/api/v1/users/me"),
    )

    assert response.status_code == 200, response.content
    real_estate.refresh_from_db()
    assert (real_estate.collected_by_id, real_estate.collected_by_name) == (None, "")
