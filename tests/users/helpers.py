"""Small helpers shared by the users tests."""

import json
from typing import Any

from rest_framework.test import APIClient

from apps.users.models import User
from tests.users.factories import DEFAULT_PASSWORD


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
