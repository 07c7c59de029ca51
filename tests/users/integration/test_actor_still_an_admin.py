"""An admin's write on a user is decided by who the admin is when it runs, not when the request
was authenticated: an admin demoted or deactivated by another while their request (an API call,
a Django admin page) was in flight is refused, 403 PERMISSION_DENIED, and writes nothing, as the
same request arriving a moment later would be (docs/adr/0016). PostgreSQL row locks, two
connections."""

from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction
from rest_framework.test import APIClient

from apps.audit.models import AuditEvent
from apps.core import errors
from apps.users import services
from apps.users.models import Role, User
from tests.conftest import bearer_client
from tests.threads import in_background, run_at_once, wait_for_a_lock_wait, waiting_for
from tests.users.factories import DEFAULT_PASSWORD, UserFactory

URL = "/api/v1/users"


def _users() -> list[tuple[Any, ...]]:
    return sorted(User.objects.values_list("pk", "name", "role", "is_active", "password"))


ADMIN_WRITES: dict[str, Callable[[APIClient, User], Any]] = {
    "rename": lambda client, user: client.patch(f"{URL}/{user.pk}", {"name": "Nome Trocado"}, format="json"),
    "promotion": lambda client, user: client.patch(f"{URL}/{user.pk}", {"role": Role.ADMIN}, format="json"),
    "deactivation": lambda client, user: client.patch(
        f"{URL}/{user.pk}", {"is_active": False}, format="json"
    ),
    "creation": lambda client, _: client.post(
        URL,
        {"cpf": "52998224725", "name": "Conta Nova", "password": DEFAULT_PASSWORD, "role": Role.ADMIN},
        format="json",
    ),
    "erasure": lambda client, user: client.delete(f"{URL}/{user.pk}"),
}

DEMOTIONS: dict[str, dict[str, Any]] = {
    "demoted": {"role": Role.MANAGER},
    "deactivated": {"is_active": False},
}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("demotion", DEMOTIONS.values(), ids=DEMOTIONS.keys())
@pytest.mark.parametrize("write", ADMIN_WRITES.values(), ids=ADMIN_WRITES.keys())
def test_an_admins_write_in_flight_when_they_lose_the_role_is_refused_and_writes_nothing(
    write: Callable[[APIClient, User], Any], demotion: dict[str, Any]
) -> None:
    """The request passed the role check before the demotion committed, then waits for it at the
    admins' rows; it then finds its actor no longer an active admin."""
    admin, other_admin = UserFactory(role=Role.ADMIN), UserFactory(role=Role.ADMIN)
    user = UserFactory()
    client = bearer_client(admin)

    with transaction.atomic():
        services.user_update(user=admin, actor=other_admin, **demotion)
        writer, outcome = in_background(lambda: write(client, user))
        wait_for_a_lock_wait()
    before = (_users(), AuditEvent.objects.count())
    writer.join(timeout=30)
    assert not writer.is_alive()

    response = outcome[0]
    assert response.status_code == 403, response.content
    assert response.json()["error"]["code"] == "PERMISSION_DENIED"
    assert (_users(), AuditEvent.objects.count()) == before


@pytest.mark.django_db(transaction=True)
def test_setting_a_password_as_an_admin_demoted_meanwhile_is_refused() -> None:
    """The Django admin's password page (`user_set_password`), the same way."""
    admin, other_admin, user = UserFactory(role=Role.ADMIN), UserFactory(role=Role.ADMIN), UserFactory()
    password = User.objects.values_list("password", flat=True).get(pk=user.pk)

    outcome = waiting_for(
        lambda: services.user_update(user=admin, actor=other_admin, role=Role.COLLECTOR),
        lambda: services.user_set_password(user=user, actor=admin, password="outra-senha-longa-42"),
    )

    assert isinstance(outcome, errors.PermissionDenied)
    assert User.objects.values_list("password", flat=True).get(pk=user.pk) == password


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "act",
    [
        pytest.param(
            lambda user, actor: services.user_update(user=user, actor=actor, role=Role.ADMIN), id="promote"
        ),
        pytest.param(lambda user, actor: services.user_delete(user=user, actor=actor), id="erase"),
    ],
)
def test_two_demoted_admins_acting_on_each_other_are_both_refused(act: Callable[[User, User], Any]) -> None:
    """Both were admins when their requests were authenticated (the instances still say so), a
    third demoted them before the services ran: neither takes the admin's rights back, nor
    erases the other, and neither waits for the other (no deadlock)."""
    first, second, third = (UserFactory(role=Role.ADMIN) for _ in range(3))
    services.user_update(user=first, actor=third, role=Role.MANAGER)
    services.user_update(user=second, actor=third, role=Role.MANAGER)
    before = _users()

    outcomes = run_at_once(lambda: act(second, first), lambda: act(first, second))

    assert all(isinstance(o, errors.PermissionDenied) for o in outcomes), outcomes
    assert _users() == before


@pytest.mark.django_db
def test_a_collector_still_erases_their_own_account() -> None:
    """The erasure of one's own account needs no role."""
    collector = UserFactory()

    services.user_delete(user=collector, actor=collector)

    assert not User.objects.filter(pk=collector.pk).exists()
