"""A hash made at another cost is upgraded when its password is next checked (Django's
`check_password` setter), but only over the hash it checked: a password changed while it was being
checked (a sign-in with the old password racing the change) stays changed."""

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from rest_framework.test import APIClient

from apps.users import services
from apps.users.models import User
from tests.users.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "uma-senha-nova-bem-longa-7"
DURING_VERIFY: list[Callable[[], Any]] = []
OLD_HASHER = "tests.users.integration.test_hash_upgrade.OldCostHasher"
CURRENT_HASHER = "django.contrib.auth.hashers.MD5PasswordHasher"


class OldCostHasher(MD5PasswordHasher):
    """Stands for the hasher at an older cost: its hashes verify and are then upgraded. Runs what
    `DURING_VERIFY` holds while it checks, as a concurrent request would meanwhile."""

    algorithm = "old_cost_md5"

    def verify(self, password: str, encoded: str) -> bool:
        while DURING_VERIFY:
            DURING_VERIFY.pop()()
        return super().verify(password, encoded)


@pytest.fixture
def old_hash(settings: Any) -> Iterator[User]:
    """A user whose hash was made at the old cost, now that the current one is preferred."""
    settings.PASSWORD_HASHERS = [OLD_HASHER]
    user = UserFactory()
    settings.PASSWORD_HASHERS = [CURRENT_HASHER, OLD_HASHER]
    yield user
    DURING_VERIFY.clear()


def test_a_sign_in_upgrades_an_old_hash(api_client: APIClient, old_hash: User) -> None:
    response = api_client.post("/api/v1/sign-in", {"cpf": old_hash.cpf, "password": DEFAULT_PASSWORD})

    assert response.status_code == 200
    old_hash.refresh_from_db()
    assert old_hash.password.startswith("md5$")
    assert old_hash.check_password(DEFAULT_PASSWORD)


def test_a_sign_in_racing_a_password_change_does_not_undo_it(api_client: APIClient, old_hash: User) -> None:
    # The owner changes the password while an attacker's sign-in with the old one is being checked.
    DURING_VERIFY.append(
        lambda: services.user_set_password(
            user=User.objects.get(pk=old_hash.pk), actor=None, password=NEW_PASSWORD
        )
    )

    response = api_client.post("/api/v1/sign-in", {"cpf": old_hash.cpf, "password": DEFAULT_PASSWORD})

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "INVALID_CREDENTIALS"
    stored = User.objects.get(pk=old_hash.pk)
    assert stored.check_password(NEW_PASSWORD)
    assert not stored.check_password(DEFAULT_PASSWORD)
