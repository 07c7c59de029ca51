"""A query value of whitespace alone is refused as an empty one (`parameter_empty`) on the users
and audit lists too, and the committed schema says so (`pattern: \\S`), so a client generated
from it never sends what the server refuses."""

import re

import pytest
from rest_framework.test import APIClient

from tests.contract.openapi_validator import ContractValidator

pytestmark = pytest.mark.django_db

PARAMETERS = [
    ("/api/v1/users", "search"),
    ("/api/v1/audit-events", "target_id"),
    ("/api/v1/audit-events", "action"),
]


def declared(path: str, name: str) -> dict[str, str]:
    operation = ContractValidator().spec["paths"][path]["get"]
    (parameter,) = [p for p in operation["parameters"] if p["in"] == "query" and p["name"] == name]
    schema: dict[str, str] = parameter["schema"]
    return schema


@pytest.mark.parametrize(("path", "name"), PARAMETERS)
@pytest.mark.parametrize("blank", [" ", "\t", "\u00a0"])
def test_a_blank_value_is_refused_and_the_schema_says_so(
    admin_client: APIClient, path: str, name: str, blank: str
) -> None:
    response = admin_client.get(path, {name: blank})

    assert response.status_code == 400, response.content
    assert [f["code"] for f in response.json()["error"]["fields"][name]] == ["parameter_empty"]
    assert not re.search(declared(path, name)["pattern"], blank)


@pytest.mark.parametrize(("path", "name"), PARAMETERS)
def test_a_value_with_words_matches_the_declared_pattern(
    admin_client: APIClient, path: str, name: str
) -> None:
    assert admin_client.get(path, {name: " real_estate.approve "}).status_code == 200
    assert re.search(declared(path, name)["pattern"], " real_estate.approve ")
