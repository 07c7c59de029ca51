"""A staff member's admin session dies with their tokens (ADR 0133): a deactivation, a role
change or a new password ends it, and it stays dead when the account is restored, as their API
tokens do (`tokens_revoked_at`, docs/adr/0011)."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from apps.users import services
from apps.users.models import Role, User
from tests.users.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "uma-senha-nova-bem-longa-7"


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    assert client.get("/admin/").status_code == 200
    return client


def _signed_out(client: Client) -> bool:
    response = client.get("/admin/")
    return response.status_code == 302 and response["Location"].startswith("/admin/login/")


def _deactivated_and_back(user: User, admin: User) -> None:
    services.user_update(user=user, actor=admin, is_active=False)
    services.user_update(user=user, actor=admin, is_active=True)


def _demoted_and_back(user: User, admin: User) -> None:
    role = user.role
    services.user_update(user=user, actor=admin, role=Role.COLLECTOR)
    services.user_update(user=user, actor=admin, role=role)


@pytest.mark.parametrize("role", [Role.ADMIN, Role.MANAGER])
@pytest.mark.parametrize(
    "restored", [_deactivated_and_back, _demoted_and_back], ids=["reactivated", "role-restored"]
)
def test_a_session_ended_by_a_revocation_stays_dead_when_the_account_is_restored(
    role: str, restored: Callable[[User, User], Any]
) -> None:
    user = UserFactory(role=role)
    admin = UserFactory(role=Role.ADMIN)
    client = _signed_in(user)

    restored(user, admin)

    assert _signed_out(client)
    _signed_in(User.objects.get(pk=user.pk))  # a new sign-in works


def test_a_password_set_by_another_admin_ends_the_session() -> None:
    user = UserFactory(role=Role.MANAGER)
    client = _signed_in(user)

    services.user_set_password(user=user, actor=UserFactory(role=Role.ADMIN), password=NEW_PASSWORD)

    assert _signed_out(client)


def test_a_session_outlives_changes_that_revoke_nothing() -> None:
    user = UserFactory(role=Role.MANAGER)
    admin = UserFactory(role=Role.ADMIN)
    client = _signed_in(user)
    admin_client = _signed_in(admin)

    services.user_update(user=user, actor=admin, name="Outro Nome Qualquer", email="outro@example.com.br")
    services.user_update(user=UserFactory(), actor=admin, role=Role.MANAGER)  # the actor's own stays

    assert client.get("/admin/").status_code == 200
    assert admin_client.get("/admin/").status_code == 200


def test_the_admin_sign_in_form_starts_a_session_after_a_restore() -> None:
    user = UserFactory(role=Role.MANAGER)
    _deactivated_and_back(user, UserFactory(role=Role.ADMIN))
    client = Client()

    response = client.post("/admin/login/?next=/admin/", {"username": user.cpf, "password": DEFAULT_PASSWORD})

    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_a_session_survives_a_secret_key_rotation_while_the_old_key_is_a_fallback(settings: Any) -> None:
    user = UserFactory(role=Role.MANAGER)
    _deactivated_and_back(user, UserFactory(role=Role.ADMIN))
    old_key = settings.SECRET_KEY
    kept = _signed_in(User.objects.get(pk=user.pk))
    dropped = _signed_in(User.objects.get(pk=user.pk))

    settings.SECRET_KEY = "a-new-secret-key-" + "x" * 50
    settings.SECRET_KEY_FALLBACKS = [old_key]
    assert kept.get("/admin/").status_code == 200  # and its hash is signed again with the new key
    settings.SECRET_KEY_FALLBACKS = []

    assert kept.get("/admin/").status_code == 200
    assert _signed_out(dropped)
