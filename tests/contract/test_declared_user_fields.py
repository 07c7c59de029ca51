"""A user body's fields are taken exactly when the committed schema allows them, but for the
business rules a schema cannot state, each answered with its own code (docs/adr/0124).

A name was declared `minLength: 1` while the server refuses fewer than four characters: a client
validating against the schema sent `"Ana"` and got a 400. So was a new password, which Django's
`MinimumLengthValidator` refuses under eight, and a CPF, any string of 1 to 32 characters.
"""

from typing import Any

import pytest
from rest_framework.test import APIClient

from tests.contract.openapi_validator import ContractValidator
from tests.users.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db

CONTRACT = ContractValidator()


def refused_code(response: Any, field: str) -> str | None:
    if response.status_code != 400:
        return None
    return str(response.json()["error"]["fields"][field][0]["code"])


@pytest.mark.parametrize("name", ["Ana", "Lu", "", "Anna", "Zoë Li", "a" * 150, "a" * 151])
def test_a_name_is_taken_exactly_when_the_schema_allows_it(collector_client: APIClient, name: str) -> None:
    response = collector_client.patch("/api/v1/users/me", {"name": name}, format="json")

    assert response.status_code in (200, 400), response.content
    assert (response.status_code == 200) == CONTRACT.allows("PatchedProfileUpdateInputRequest", "name", name)


@pytest.mark.parametrize("name", ["A\u200bn\u200ba", "A n a", "Ana\u0301"])
def test_a_name_of_fewer_visible_characters_is_the_rules_own_refusal(
    collector_client: APIClient, name: str
) -> None:
    # Four characters or more, which the schema allows, fewer than four a reader sees (ADR 0094).
    assert CONTRACT.allows("PatchedProfileUpdateInputRequest", "name", name)

    response = collector_client.patch("/api/v1/users/me", {"name": name}, format="json")

    assert refused_code(response, "name") == "name_length"


def sign_up(client: APIClient, **fields: Any) -> Any:
    body = {"cpf": "529.982.247-25", "name": "Maria da Silva", "password": "uma-senha-bem-longa-42", **fields}
    return client.post("/api/v1/sign-up", body, format="json")


@pytest.mark.parametrize("password", ["Qz7!vK2", "Qz7!vK2#", "       ", "\t" * 8])
def test_a_new_password_is_taken_exactly_when_the_schema_allows_it(
    api_client: APIClient, password: str
) -> None:
    response = sign_up(api_client, password=password)

    assert response.status_code in (201, 400), response.content
    assert (response.status_code == 201) == CONTRACT.allows("SignUpInputRequest", "password", password)


@pytest.mark.parametrize("password", ["Qz7!vK2", "Qz7!vK2#"])
def test_a_changed_password_is_taken_exactly_when_the_schema_allows_it(
    collector_client: APIClient, password: str
) -> None:
    body = {"current_password": DEFAULT_PASSWORD, "new_password": password}
    response = collector_client.post("/api/v1/users/me/password", body, format="json")

    assert response.status_code in (204, 400), response.content
    assert (response.status_code == 204) == CONTRACT.allows(
        "PasswordChangeInputRequest", "new_password", password
    )


@pytest.mark.parametrize(
    ("password", "code"),
    [("password", "password_too_common"), ("52998224725", "password_entirely_numeric")],
)
def test_a_long_enough_password_a_validator_refuses_is_that_validators_refusal(
    api_client: APIClient, password: str, code: str
) -> None:
    assert CONTRACT.allows("SignUpInputRequest", "password", password)

    response = sign_up(api_client, password=password)

    assert code in [item["code"] for item in response.json()["error"]["fields"]["password"]]


@pytest.mark.parametrize(
    "cpf",
    [
        "529.982.247-25",
        " 52998224725\t",
        "529982247-25",
        "5299822472",
        "529 982 247 25",
        "a" * 11,
        "529-982-247-25",
    ],
)
def test_a_cpf_is_taken_exactly_when_the_schema_allows_it(api_client: APIClient, cpf: str) -> None:
    response = sign_up(api_client, cpf=cpf)

    assert response.status_code in (201, 400), response.content
    assert (response.status_code == 201) == CONTRACT.allows("SignUpInputRequest", "cpf", cpf)


@pytest.mark.parametrize("cpf", ["529.982.247-24", "111.111.111-11"])
def test_a_cpf_of_the_declared_shape_with_wrong_check_digits_is_the_rules_refusal(
    api_client: APIClient, cpf: str
) -> None:
    assert CONTRACT.allows("SignUpInputRequest", "cpf", cpf)

    assert refused_code(sign_up(api_client, cpf=cpf), "cpf") == "cpf_invalid"
