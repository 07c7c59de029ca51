"""An admin's write on a user (an edit, a role change, a deactivation, a new account, a
password, an erasure) while that admin's own account is erased, or while another admin acts on
them: every such service takes its actor's row first, with the active admins' (ADR 0015), so
the write either commits before the erasure or waits for it and is refused (401), never fails at
commit on its reference to the deleted admin (500), and two admins acting on each other queue
instead of deadlocking (PostgreSQL row locks, two connections)."""

from collections.abc import Callable
from typing import Any

import pytest
from django.db import OperationalError
from rest_framework.test import APIClient

from apps.audit.models import AuditEvent
from apps.core import errors
from apps.users import services
from apps.users.models import Role, User
from tests.conftest import bearer_client
from tests.threads import run_at_once, waiting_for
from tests.users.factories import DEFAULT_PASSWORD, UserFactory

URL = "/api/v1/users"


def _users() -> list[tuple[Any, ...]]:
    return sorted(User.objects.values_list("pk", "name", "role", "is_active", "password"))


ADMIN_WRITES: dict[str, Callable[[APIClient, User], Any]] = {
    "rename": lambda client, user: client.patch(f"{URL}/{user.pk}", {"name": "Nome Trocado"}, format="json"),
    "role change": lambda client, user: client.patch(
        f"{URL}/{user.pk}", {"role": Role.MANAGER}, format="json"
    ),
    "deactivation": lambda client, user: client.patch(
        f"{URL}/{user.pk}", {"is_active": False}, format="json"
    ),
    "creation": lambda client, _: client.post(
        URL,
        {"cpf": "52998224725", "name": "Conta Nova", "password": DEFAULT_PASSWORD, "role": Role.COLLECTOR},
        format="json",
    ),
    "erasure": lambda client, user: client.delete(f"{URL}/{user.pk}"),
}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("write", ADMIN_WRITES.values(), ids=ADMIN_WRITES.keys())
def test_an_admins_write_arriving_during_their_erasure_is_refused_and_writes_nothing(
    write: Callable[[APIClient, User], Any],
) -> None:
    """It waits for the erasure at its first lock (the admins' rows), then finds its actor gone:
    401, not the 500 of an audit event referencing a deleted user failing at commit."""
    admin, other_admin = UserFactory(role=Role.ADMIN), UserFactory(role=Role.ADMIN)
    user = UserFactory()
    client = bearer_client(admin)
    before = (_users(), AuditEvent.objects.exclude(action="user.delete").count())

    response = waiting_for(
        lambda: services.user_delete(user=admin, actor=other_admin), lambda: write(client, user)
    )

    assert response.status_code == 401, response.content
    assert response.json()["error"]["code"] == "AUTHENTICATION_FAILED"
    users_before, events_before = before
    assert _users() == [row for row in users_before if row[0] != admin.pk]
    assert AuditEvent.objects.exclude(action="user.delete").count() == events_before


@pytest.mark.django_db(transaction=True)
def test_setting_a_password_during_the_admins_erasure_is_refused() -> None:
    """The Django admin's password page (`user_set_password`), the same way."""
    admin, other_admin, user = UserFactory(role=Role.ADMIN), UserFactory(role=Role.ADMIN), UserFactory()
    password = User.objects.values_list("password", flat=True).get(pk=user.pk)

    outcome = waiting_for(
        lambda: services.user_delete(user=admin, actor=other_admin),
        lambda: services.user_set_password(user=user, actor=admin, password="outra-senha-longa-42"),
    )

    assert isinstance(outcome, errors.AuthenticationFailed)
    assert User.objects.values_list("password", flat=True).get(pk=user.pk) == password


@pytest.mark.django_db(transaction=True)
def test_an_admins_edit_in_flight_commits_before_their_erasure() -> None:
    """The erasure waits at the admins' rows, which the edit holds from its start, then erases the
    admin from the edit's audit event."""
    admin, other_admin, user = UserFactory(role=Role.ADMIN), UserFactory(role=Role.ADMIN), UserFactory()
    client = bearer_client(other_admin)

    response = waiting_for(
        lambda: services.user_update(user=user, actor=admin, name="Nome Trocado", is_active=False),
        lambda: client.delete(f"{URL}/{admin.pk}"),
    )

    assert response.status_code == 204, response.content
    assert not User.objects.filter(pk=admin.pk).exists()
    user.refresh_from_db()
    assert (user.name, user.is_active) == ("Nome Trocado", False)
    event = AuditEvent.objects.get(action="user.deactivate", target_id=str(user.pk))
    assert event.actor_id is None


ON_EACH_OTHER: dict[str, dict[str, Any]] = {
    "role change": {"role": Role.MANAGER},
    "deactivation": {"is_active": False},
    "rename": {"name": "Nome Trocado"},
}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("change", ON_EACH_OTHER.values(), ids=ON_EACH_OTHER.keys())
def test_two_admins_acting_on_each_other_at_once_deadlock_neither(change: dict[str, Any]) -> None:
    """Both take the admins' rows first, in primary-key order: the second waits for the first,
    then acts on what it committed (a third admin keeps the site administered): a rename, or
    nothing when the first took its actor's rights away (ADR 0016)."""
    first, second = UserFactory(role=Role.ADMIN), UserFactory(role=Role.ADMIN)
    UserFactory(role=Role.ADMIN)

    outcomes = run_at_once(
        lambda: services.user_update(user=second, actor=first, **change),
        lambda: services.user_update(user=first, actor=second, **change),
    )

    assert not [o for o in outcomes if isinstance(o, OperationalError)], outcomes
    expected = ["User", "User"] if "name" in change else ["PermissionDenied", "User"]
    assert sorted(type(o).__name__ for o in outcomes) == expected, outcomes


@pytest.mark.django_db(transaction=True)
def test_two_admins_deactivating_each_other_leave_one_active_admin() -> None:
    """With two admins only, the second to get the admins' rows finds itself the last one."""
    first, second = UserFactory(role=Role.ADMIN), UserFactory(role=Role.ADMIN)

    outcomes = run_at_once(
        lambda: services.user_update(user=second, actor=first, is_active=False),
        lambda: services.user_update(user=first, actor=second, is_active=False),
    )

    assert sorted(type(o).__name__ for o in outcomes) == ["LastActiveAdmin", "User"], outcomes
    assert User.objects.filter(role=Role.ADMIN, is_active=True).count() == 1
