"""An email is taken exactly when the committed schema allows it.

The schema declares an email as an address (`format: email`, `maxLength: 254`), `""` or null (to
clear it). The server read whitespace alone as `""` and cleared the email with it, although no
branch of the schema allows `" "` (negative data accepted; docs/adr/0110).
"""

from typing import Any

import pytest
from rest_framework.test import APIClient

from tests.contract.openapi_validator import ContractValidator

pytestmark = pytest.mark.django_db

CONTRACT = ContractValidator()
VALUES = ["", " ", "\t\n", "\u00a0", None, "maria@example.com.br", "a" * 243 + "@example.com"]


def allowed(component: str, value: Any) -> bool:
    try:
        CONTRACT.validate(value, CONTRACT.spec["components"]["schemas"][component]["properties"]["email"])
    except AssertionError:
        return False
    return True


@pytest.mark.parametrize("email", VALUES)
def test_a_profiles_email_is_taken_exactly_when_the_schema_allows_it(
    collector_client: APIClient, email: Any
) -> None:
    response = collector_client.patch("/api/v1/users/me", {"email": email}, format="json")

    assert response.status_code in (200, 400), response.content
    assert (response.status_code == 200) == allowed("PatchedProfileUpdateInputRequest", email)


@pytest.mark.parametrize("email", VALUES)
def test_a_sign_ups_email_is_taken_exactly_when_the_schema_allows_it(
    api_client: APIClient, email: Any
) -> None:
    body = {"cpf": "52998224725", "name": "Maria da Silva", "password": "Senha-forte-123", "email": email}

    response = api_client.post("/api/v1/sign-up", body, format="json")

    assert response.status_code in (201, 400), response.content
    assert (response.status_code == 201) == allowed("SignUpInputRequest", email)
