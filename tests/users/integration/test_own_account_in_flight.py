"""A user's own profile edit or password change in flight when an admin deactivates them is
refused (403 PERMISSION_DENIED) and writes nothing, as the same request a moment later would be
(its token is dead then): the service decides on the row it locked, not the one the request was
authenticated with (the rule of docs/adr/0016 for admins, ADR 0015's lock order). PostgreSQL row
locks, two connections."""

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from apps.audit.models import AuditEvent
from apps.users import services
from apps.users.models import Role, User
from tests.conftest import bearer_client
from tests.threads import waiting_for
from tests.users.factories import DEFAULT_PASSWORD, UserFactory

OWN_WRITES: dict[str, Callable[[APIClient], Any]] = {
    "profile": lambda client: client.patch("/api/v1/users/me", {"name": "Nome Novo Dela"}, format="json"),
    "password": lambda client: client.post(
        "/api/v1/users/me/password",
        {"current_password": DEFAULT_PASSWORD, "new_password": "outra-senha-bem-longa-42"},
        format="json",
    ),
}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("write", OWN_WRITES.values(), ids=OWN_WRITES.keys())
def test_an_own_account_write_in_flight_when_deactivated_is_refused_and_writes_nothing(
    write: Callable[[APIClient], Any],
) -> None:
    user, admin = UserFactory(role=Role.COLLECTOR), UserFactory(role=Role.ADMIN)
    client = bearer_client(user)
    name, password = user.name, user.password

    response = waiting_for(
        lambda: services.user_update(user=user, actor=admin, is_active=False), lambda: write(client)
    )

    assert response.status_code == 403, response.content
    assert response.json()["error"]["code"] == "PERMISSION_DENIED"
    user = User.objects.get(pk=user.pk)
    assert (user.name, user.password) == (name, password)
    assert not AuditEvent.objects.filter(actor=user).exists()
