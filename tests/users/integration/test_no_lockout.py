"""No one locks the platform out (ADR 0012): an admin cannot demote, deactivate or delete
themselves, and the last active admin stays one, through the API (here) and the admin
(test_admin_writes.py). Races between admins are decided under a lock of the admin rows."""

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connection
from rest_framework.test import APIClient

from apps.core import errors
from apps.real_estates import services as real_estate_services
from apps.users import services
from apps.users.models import Role, User
from tests.conftest import bearer_client
from tests.real_estates.factories import RealEstateFactory
from tests.threads import waiting_for
from tests.users.factories import UserFactory
from tests.users.helpers import error_of, sign_in

OWN = "CANNOT_CHANGE_OWN_ACCOUNT"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/users/me", "/api/v1/users/{id}"])
def test_an_admin_cannot_delete_themselves(admin_client: APIClient, admin_user: User, path: str) -> None:
    UserFactory(role=Role.ADMIN)  # not the last admin: the refusal is about oneself

    response = admin_client.delete(path.format(id=admin_user.pk))

    assert response.status_code == 409
    assert error_of(response)["code"] == OWN
    assert User.objects.filter(pk=admin_user.pk).exists()


@pytest.mark.django_db
def test_the_refusal_speaks_portuguese_when_asked(admin_client: APIClient, admin_user: User) -> None:
    response = admin_client.delete("/api/v1/users/me", HTTP_ACCEPT_LANGUAGE="pt-BR")

    assert error_of(response) | {"request_id": None} == {
        "code": OWN,
        "message": "Administradores não podem rebaixar, desativar nem excluir a própria conta; "
        "outro administrador deve fazê-lo.",
        "request_id": None,
    }


@pytest.mark.django_db
def test_collectors_and_managers_still_delete_their_own_accounts() -> None:
    for role in (Role.COLLECTOR, Role.MANAGER):
        user = UserFactory(role=role)
        assert bearer_client(user).delete("/api/v1/users/me").status_code == 200
        assert not User.objects.filter(pk=user.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change", [{"role": "manager"}, {"is_active": False}, "delete"], ids=["demote", "deactivate", "delete"]
)
def test_another_admin_may_be_demoted_deactivated_or_deleted(admin_client: APIClient, change: Any) -> None:
    other = UserFactory(role=Role.ADMIN)
    url = f"/api/v1/users/{other.pk}"

    response = (
        admin_client.delete(url) if change == "delete" else admin_client.patch(url, change, format="json")
    )

    assert response.status_code in (200, 204), response.content


@pytest.mark.django_db
@pytest.mark.parametrize(
    "take_rights",
    [
        lambda user, actor: services.user_update(user=user, actor=actor, role=Role.COLLECTOR),
        lambda user, actor: services.user_update(user=user, actor=actor, is_active=False),
        lambda user, actor: services.user_delete(user=user, actor=actor),
    ],
    ids=["demote", "deactivate", "delete"],
)
def test_the_last_active_admin_stays_one(take_rights: Callable[[User, User], object]) -> None:
    last = UserFactory(role=Role.ADMIN)
    UserFactory(role=Role.ADMIN, is_active=False)  # an inactive admin does not count
    # An admin deactivated a moment ago whose request is still running: the row decides, not the actor.
    stale = UserFactory(role=Role.ADMIN)
    User.objects.filter(pk=stale.pk).update(is_active=False)

    with pytest.raises(errors.LastActiveAdmin):
        take_rights(last, stale)

    last.refresh_from_db()
    assert (last.role, last.is_active) == (Role.ADMIN, True)


@pytest.mark.django_db
def test_an_operator_command_cannot_erase_the_last_active_admin() -> None:
    last = UserFactory(role=Role.ADMIN)
    with pytest.raises(errors.LastActiveAdmin):
        services.user_delete(user=last, actor=None)
    inactive = UserFactory(role=Role.ADMIN, is_active=False)
    services.user_delete(user=inactive, actor=None)
    assert list(User.objects.values_list("pk", flat=True)) == [last.pk]


@pytest.mark.django_db
def test_a_role_change_through_the_api_kills_the_refresh_token(admin_client: APIClient) -> None:
    target = UserFactory(role=Role.COLLECTOR)
    tokens = sign_in(APIClient(), target)

    assert admin_client.patch(f"/api/v1/users/{target.pk}", {"role": "manager"}).status_code == 200

    refreshed = APIClient().post("/api/v1/token/refresh", {"refresh": tokens["refresh"]}, format="json")
    assert error_of(refreshed)["code"] == "TOKEN_INVALID"


ROUNDS = 5


def each_takes_the_others_rights(first: User, second: User, body: dict[str, Any]) -> list[int]:
    """Both admins PATCH each other at the same moment; the two status codes, sorted."""
    clients = {first.pk: bearer_client(first), second.pk: bearer_client(second)}
    start = threading.Barrier(2)

    def attempt(pair: tuple[User, User]) -> int:
        actor, target = pair
        try:
            start.wait()
            return clients[actor.pk].patch(f"/api/v1/users/{target.pk}", body, format="json").status_code
        finally:
            connection.close()  # each thread has its own connection

    with ThreadPoolExecutor(max_workers=2) as pool:
        return sorted(pool.map(attempt, [(first, second), (second, first)]))


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("body", [{"role": "collector"}, {"is_active": False}], ids=["demote", "deactivate"])
def test_two_admins_taking_each_others_rights_at_once_leave_one_admin(body: dict[str, Any]) -> None:
    for _ in range(ROUNDS):
        User.objects.all().delete()

        statuses = each_takes_the_others_rights(
            UserFactory(role=Role.ADMIN), UserFactory(role=Role.ADMIN), body
        )

        # The loser is refused: LAST_ACTIVE_ADMIN if it was authenticated before the winner
        # committed; if after, 403 (no longer an admin) or 401 (deactivated).
        assert statuses[0] == 200, statuses
        assert statuses[1] in (401, 403, 409), statuses
        assert User.objects.filter(role=Role.ADMIN, is_active=True).count() == 1


@pytest.mark.django_db(transaction=True)
def test_an_admin_editing_an_account_while_it_is_erased_deadlocks_no_one() -> None:
    """The erasure locks the admin rows before the account's; an admin's own write holds the
    account's row and references the admin (its audit event), which the lock must not block."""
    admin = UserFactory(role=Role.ADMIN)
    collector = UserFactory()
    client = bearer_client(collector)

    response = waiting_for(  # the erasure locks the admins, then waits for the collector's row
        lambda: services.user_update(user=collector, actor=admin, name="Nome Corrigido"),
        lambda: client.delete("/api/v1/users/me"),
    )

    assert response.status_code == 200, response.content
    assert not User.objects.filter(pk=collector.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_renaming_a_collector_while_they_edit_a_real_estate_deadlocks_no_one(admin_client: APIClient) -> None:
    """The rename holds the collector's row and copies the name to their real estates; the
    collector's edit holds one of those and references the collector (its audit event)."""
    collector = UserFactory()
    real_estate = RealEstateFactory(collected_by=collector, collected_by_name=collector.name)

    response = waiting_for(  # the rename holds the collector's row, then waits for the real estate
        lambda: real_estate_services.real_estate_update(
            real_estate=real_estate, actor=collector, fields={"title": "Casa reformada no centro"}
        ),
        lambda: admin_client.patch(f"/api/v1/users/{collector.pk}", {"name": "Nome Corrigido"}),
    )

    assert response.status_code == 200, response.content
    real_estate.refresh_from_db()
    assert (real_estate.title, real_estate.collected_by_name) == (
        "Casa reformada no centro",
        "Nome Corrigido",
    )
