"""A text's `maxLength` in the committed schema is what the server takes, counted as sent.

DRF checked `max_length` on the value once trimmed, and an optional field read whitespace alone
as `""` before any check: 200 characters and a space passed a title declared `maxLength: 200`,
21 spaces a `number` declared `maxLength: 20` (negative data accepted). A name was declared
`maxLength: 200`, its limit being 150. Each value here is accepted exactly when the declared
property allows it (docs/adr/0110).
"""

from typing import Any

import pytest
from rest_framework.test import APIClient

from tests.contract.openapi_validator import ContractValidator
from tests.real_estates.helpers import payload

pytestmark = pytest.mark.django_db

CONTRACT = ContractValidator()

REAL_ESTATE = [
    ("title", "a" * 200),
    ("title", " " + "a" * 199),
    ("title", "a" * 200 + " "),
    ("title", "\t" + "a" * 200),
    ("title", "a" * 201),
    ("description", "a" * 9_999 + "\n\n"),
    ("description", " " * 10_001),
]
ADDRESS = [
    ("street", "a" * 200 + "\t"),
    ("city", "a" * 100),
    ("city", "a" * 100 + " "),
    ("number", " " * 20),
    ("number", " " * 21),  # whitespace alone, read as "" by the optional field
    ("complement", "\u200b" * 101),  # nothing visible, read as "" too
    ("neighborhood", "b" * 99 + "  "),
]
NAMES = ["a" * 150, " " + "a" * 149, "a" * 150 + " ", "a" * 151, "a" * 200]


def refused_code(response: Any, *path: str) -> str:
    fields = response.json()["error"]["fields"]
    for key in path:
        fields = fields[key]
    return str(fields[0]["code"])


@pytest.mark.parametrize(("field", "value"), REAL_ESTATE)
def test_a_real_estate_text_is_taken_exactly_when_the_schema_allows_it(
    collector_client: APIClient, field: str, value: str
) -> None:
    response = collector_client.post("/api/v1/real-estates", payload(**{field: value}), format="json")

    assert response.status_code in (201, 400), response.content
    assert (response.status_code == 201) == CONTRACT.allows("RealEstateInputRequest", field, value)
    if response.status_code == 400:
        assert refused_code(response, field) in ("max_length", "blank")


@pytest.mark.parametrize(("field", "value"), ADDRESS)
def test_an_address_text_is_taken_exactly_when_the_schema_allows_it(
    collector_client: APIClient, field: str, value: str
) -> None:
    response = collector_client.post("/api/v1/real-estates", payload(address={field: value}), format="json")

    assert response.status_code in (201, 400), response.content
    assert (response.status_code == 201) == CONTRACT.allows("AddressInputRequest", field, value)
    if response.status_code == 400:
        assert refused_code(response, "address", field) == "max_length"


def test_a_text_longer_than_declared_is_refused_and_nothing_is_written(collector_client: APIClient) -> None:
    response = collector_client.post("/api/v1/real-estates", payload(title="a" * 200 + " "), format="json")

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "title": [{"code": "max_length", "message": "Ensure this field has no more than 200 characters."}]
    }
    assert collector_client.get("/api/v1/real-estates").json()["count"] == 0


@pytest.mark.parametrize("name", NAMES)
def test_a_name_is_taken_exactly_when_the_schema_allows_it(api_client: APIClient, name: str) -> None:
    body = {"cpf": "52998224725", "name": name, "password": "Senha-forte-123"}

    response = api_client.post("/api/v1/sign-up", body, format="json")

    assert response.status_code in (201, 400), response.content
    assert (response.status_code == 201) == CONTRACT.allows("SignUpInputRequest", "name", name)
    if response.status_code == 400:
        assert refused_code(response, "name") == "name_length"


@pytest.mark.parametrize("name", NAMES)
def test_a_renamed_profile_takes_what_the_schema_allows(collector_client: APIClient, name: str) -> None:
    response = collector_client.patch("/api/v1/users/me", {"name": name}, format="json")

    assert response.status_code in (200, 400), response.content
    assert (response.status_code == 200) == CONTRACT.allows("PatchedProfileUpdateInputRequest", "name", name)


def test_every_name_in_the_schema_declares_the_limit_the_server_keeps() -> None:
    schemas = CONTRACT.spec["components"]["schemas"]
    names = {
        component: schema["properties"]["name"].get("maxLength")
        for component, schema in schemas.items()
        if component.endswith("Request") and "name" in schema.get("properties", {})
    }

    assert len(names) >= 4  # sign-up, the profile, a user's creation and edit
    assert set(names.values()) == {150}, names


@pytest.mark.parametrize("term", ["a" * 150, "a" * 149 + " ", "a" * 150 + " ", " " * 151, "b" * 151])
def test_a_user_search_is_taken_exactly_when_the_schema_allows_it(admin_client: APIClient, term: str) -> None:
    parameters = CONTRACT.spec["paths"]["/api/v1/users"]["get"]["parameters"]
    declared = next(parameter["schema"] for parameter in parameters if parameter["name"] == "search")

    response = admin_client.get("/api/v1/users", {"search": term})

    assert response.status_code in (200, 400), response.content
    try:
        CONTRACT.validate(term, declared)
    except AssertionError:
        assert response.status_code == 400
        assert response.json()["error"]["fields"]["search"][0]["code"] in ("max_length", "parameter_empty")
    else:
        assert response.status_code == 200


@pytest.mark.parametrize("role", ["admin", "", None, "x" * 32, "x" * 33, " " * 33, 5, 1.5])
def test_sign_ups_ignored_role_is_taken_exactly_when_the_schema_allows_it(
    api_client: APIClient, role: Any
) -> None:
    body = {"cpf": "52998224725", "name": "Maria da Silva", "password": "Senha-forte-123", "role": role}

    response = api_client.post("/api/v1/sign-up", body, format="json")

    assert response.status_code in (201, 400), response.content
    assert (response.status_code == 201) == CONTRACT.allows("SignUpInputRequest", "role", role)
    assert response.status_code == 400 or response.json()["role"] == "collector"
