"""Small helpers shared by the users tests."""

import json
from typing import Any

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from rest_framework.test import APIClient

from apps.users import services
from apps.users.models import Role, User
from tests.users.factories import DEFAULT_PASSWORD, UserFactory

# Every way a user's tokens die at once (ADR 0011), for tests that check a cache keeps up.
REVOCATIONS = [
    pytest.param(
        lambda u: services.user_update(user=u, actor=UserFactory(role=Role.ADMIN), is_active=False),
        id="deactivated",
    ),
    pytest.param(
        lambda u: (u.set_password("uma-senha-nova-e-longa-1"), u.save()), id="password-set-in-admin"
    ),
    pytest.param(lambda u: u.delete(), id="deleted"),
]


HASH_CALLS: list[str] = []


class CountingHasher(MD5PasswordHasher):
    """Records every hash computed in HASH_CALLS (the `hash_calls` fixture, tests/conftest.py)."""

    algorithm = "counting_md5"

    def encode(self, password: str, salt: str) -> str:
        HASH_CALLS.append("hash")
        return super().encode(password, salt)


def error_of(response: Any) -> dict[str, Any]:
    body = json.loads(response.content)
    assert set(body) == {"error"}, body
    return body["error"]


def sign_in(client: APIClient, user: User, password: str = DEFAULT_PASSWORD) -> dict[str, Any]:
    response = client.post("/api/v1/sign-in", {"cpf": user.cpf, "password": password}, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def bearer(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client
