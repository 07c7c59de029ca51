"""A required text is declared with something besides whitespace in it (`pattern: \\S`), which
the server requires (docs/adr/0124).

A title, a street, a city, a rejection's reason, a name, sign-in's CPF and a refresh token were
declared `minLength: 1` only: `" "` was schema-valid and a 400 `blank`. Invisible characters
alone (`"\\u200b"`) still match the pattern: they are the rule of ADR 0094, refused with the
field's `blank` (`rejection_reason_required` for the reason), the one refusal of such a value.
"""

import re
from typing import Any

import pytest
from rest_framework.test import APIClient

from apps.real_estates.models import Status
from tests.contract.openapi_validator import ContractValidator
from tests.real_estates.factories import RealEstateFactory
from tests.real_estates.helpers import payload

pytestmark = pytest.mark.django_db

SCHEMAS: dict[str, Any] = ContractValidator().spec["components"]["schemas"]
WHITESPACE = [" ", "\t\n", "\u3000"]


def pattern_of(component: str, field: str) -> str:
    return str(SCHEMAS[component]["properties"][field]["pattern"])


def refused_code(response: Any, *path: str) -> str:
    assert response.status_code == 400, response.content
    fields = response.json()["error"]["fields"]
    for key in path:
        fields = fields[key]
    return str(fields[0]["code"])


@pytest.mark.parametrize("value", WHITESPACE)
@pytest.mark.parametrize(
    ("component", "field", "body"),
    [
        ("RealEstateInputRequest", "title", lambda v: payload(title=v)),
        ("AddressInputRequest", "street", lambda v: payload(address={"street": v})),
        ("AddressInputRequest", "city", lambda v: payload(address={"city": v})),
    ],
)
def test_whitespace_alone_is_refused_by_the_schema_and_the_server(
    collector_client: APIClient, component: str, field: str, body: Any, value: str
) -> None:
    assert re.search(pattern_of(component, field), value) is None

    response = collector_client.post("/api/v1/real-estates", body(value), format="json")

    assert "blank" in response.content.decode()
    assert response.status_code == 400


def test_a_reason_of_whitespace_is_refused_by_the_schema_and_the_server(manager_client: APIClient) -> None:
    assert re.search(pattern_of("RejectInputRequest", "reason"), " ") is None
    real_estate = RealEstateFactory(status=Status.SUBMITTED)

    response = manager_client.post(
        f"/api/v1/real-estates/{real_estate.pk}/reject", {"reason": " "}, format="json"
    )

    assert refused_code(response, "reason") == "rejection_reason_required"


@pytest.mark.parametrize(
    ("path", "component", "field", "body"),
    [
        ("/api/v1/sign-in", "SignInInputRequest", "cpf", {"password": "x"}),
        ("/api/v1/token/refresh", "RefreshInputRequest", "refresh", {}),
        (
            "/api/v1/sign-up",
            "SignUpInputRequest",
            "name",
            {"cpf": "52998224725", "password": "uma-senha-longa-42"},
        ),
    ],
)
def test_a_whitespace_credential_or_name_is_refused_by_the_schema_and_the_server(
    api_client: APIClient, path: str, component: str, field: str, body: dict[str, str]
) -> None:
    value = " " * 4
    assert re.search(pattern_of(component, field), value) is None

    assert refused_code(api_client.post(path, {**body, field: value}, format="json"), field) == "blank"


def test_invisible_characters_alone_match_the_pattern_and_are_the_rules_refusal(
    collector_client: APIClient,
) -> None:
    assert re.search(pattern_of("RealEstateInputRequest", "title"), "\u200b") is not None

    response = collector_client.post("/api/v1/real-estates", payload(title="\u200b"), format="json")

    assert refused_code(response, "title") == "blank"
