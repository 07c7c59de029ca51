"""A query parameter declared `type: number` or `type: integer` is taken exactly when its text is
such a number, as JSON writes it (leading zeros allowed), within the declared bounds
(docs/adr/0125).

The price and area bounds read their text with Django's DecimalField, which took `+1`, `1.`,
`.5`, `1_0` and an Arabic-Indic three; the counts refused `-0`, an integer 0; `radius_km`
refused `1e2` and `1E-5`, numbers a schema-driven client writes (Python's `str` of a small
float is `1e-05`).
"""

import re
from typing import Any
from urllib.parse import quote

import pytest
from rest_framework.test import APIClient

from tests.contract.openapi_validator import ContractValidator, json_number

pytestmark = pytest.mark.django_db

CONTRACT = ContractValidator()
JSON_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
TEXTS = [
    "1",
    "0",
    "-0",
    "-1",
    "0.5",
    "007.50",
    "12.5",
    "1e2",
    "1E-5",
    "+1",
    "1.",
    ".5",
    "007",
    "1_0",
    "\u0663",
    "0x1",
    "NaN",
    "2.0",
]
PARAMETERS = [
    ("/api/v1/real-estates", "min_price"),
    ("/api/v1/real-estates", "max_area"),
    ("/api/v1/real-estates", "min_bedrooms"),
    ("/api/v1/real-estates", "radius_km"),
    ("/api/v1/real-estates", "page_size"),
    ("/api/v1/sync/real-estates", "limit"),
]


def declared(path: str, name: str, text: str) -> bool:
    parameters = CONTRACT.spec["paths"][path]["get"]["parameters"]
    schema: dict[str, Any] = next(p["schema"] for p in parameters if p["name"] == name)
    if not JSON_NUMBER.fullmatch(text):
        return False
    try:
        CONTRACT.validate(json_number(text), schema)
    except AssertionError:
        return False
    return True


@pytest.mark.parametrize(("path", "name"), PARAMETERS)
@pytest.mark.parametrize("text", TEXTS)
def test_a_query_number_is_taken_exactly_when_the_schema_allows_it(
    collector_client: APIClient, path: str, name: str, text: str
) -> None:
    companion = "&near=-23.5,-46.6" if name == "radius_km" else ""
    response = collector_client.get(f"{path}?{name}={quote(text)}{companion}")

    assert response.status_code in (200, 400), response.content
    refused = response.status_code == 400 and name in response.json()["error"]["fields"]
    assert refused != declared(path, name, text), response.content
