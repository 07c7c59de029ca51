"""Coordinates are taken exactly when the committed schema allows them, their range included.

An address's `latitude` and `longitude` declared their string form (the decimal the output
writes) with no range: `"91"` or `"999.99"` matched, and the server refuses them. The list's
`near` and `bbox` declared three integer digits per number: `near=91,0` matched too. Both now say
the range in their patterns, and the server reads a number as written, not as the float nearest
it: `90.000000000000001` is past 90, as the pattern says (docs/adr/0120, docs/adr/0124).
"""

import re
from typing import Any
from urllib.parse import quote

import pytest
from rest_framework.test import APIClient

from apps.real_estates.api.serializers import AddressInputSerializer
from tests.contract.openapi_validator import ContractValidator

SPEC: dict[str, Any] = ContractValidator().spec
ADDRESS = SPEC["components"]["schemas"]["AddressInputRequest"]["properties"]
TEXTS = [
    "0",
    "-0",
    "90",
    "-90",
    "90.0",
    "90.",
    "0090",
    "89.999999999",
    "90.000000000000000001",
    "91",
    "-90.5",
]
TEXTS += ["180", "-180.000", "0180", "179.9", "180.000000000000000001", "181", "999.99", ".5", "-.5", "5."]


def string_branch_matches(field: str, value: str) -> bool:
    string = next(option for option in ADDRESS[field]["oneOf"] if option.get("type") == "string")
    return re.search(string["pattern"], value) is not None


def taken(field: str, value: str) -> bool:
    address = {"zip_code": "01310-100", "street": "Avenida Paulista", "city": "São Paulo", "state": "SP"}
    serializer = AddressInputSerializer(data={**address, field: value})
    return serializer.is_valid() or field not in serializer.errors


@pytest.mark.parametrize("field", ["latitude", "longitude"])
@pytest.mark.parametrize("value", TEXTS)
def test_a_coordinate_string_is_taken_exactly_when_the_schema_allows_it(field: str, value: str) -> None:
    assert taken(field, value) == string_branch_matches(field, value)


def parameter(name: str) -> dict[str, Any]:
    parameters = SPEC["paths"]["/api/v1/real-estates"]["get"]["parameters"]
    return next(p["schema"] for p in parameters if p["name"] == name)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("near", "90,180"),
        ("near", "-90.000,-180"),
        ("near", "91,0"),
        ("near", "090,0"),
        ("near", "90.000000000000001,0"),
        ("near", "0,180.000000000000001"),
        ("near", "89.999999999999999,179.999999999999999"),
        ("bbox", "-180,-90,180,90"),
        ("bbox", "0,0,181,0"),
        ("bbox", "0,-91,1,1"),
        ("bbox", "0,0,180.000000000000001,0"),
    ],
)
def test_a_point_or_box_is_taken_exactly_when_the_schema_allows_it(
    collector_client: APIClient, name: str, value: str
) -> None:
    response = collector_client.get(f"/api/v1/real-estates?{name}={quote(value)}")

    assert response.status_code in (200, 400), response.content
    assert (response.status_code == 200) == (re.search(parameter(name)["pattern"], value) is not None)
