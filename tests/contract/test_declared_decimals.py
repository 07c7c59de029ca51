"""A real estate's `price` and `area_m2` are taken exactly when the committed schema's pattern
matches them, in both directions (docs/adr/0124).

The declared pattern allowed a leading `-` on any value (`"-1"`, `"-0.01"`), and an area of
zero (`"0"`, `"0.00"`, `".0"`): the server refuses a price below 0 and an area below 0.01, so a
client validating against the schema sent them and got a 400. The pattern now says the minimum:
a price takes no sign but zero's own (`"-0.00"` is zero, docs/adr/0022), an area a non-zero
digit somewhere. Every short string over the characters a decimal is written with, and the
long ones at each digit limit, is compared.
"""

import itertools
import re
from typing import Any

import pytest
from rest_framework.test import APIClient

from apps.real_estates.api.serializers import RealEstateInputSerializer
from tests.contract.openapi_validator import ContractValidator
from tests.real_estates.helpers import payload

PROPERTIES: dict[str, Any] = ContractValidator().spec["components"]["schemas"]["RealEstateInputRequest"][
    "properties"
]
SHORT = ["".join(chars) for size in range(6) for chars in itertools.product("01-.", repeat=size)]
LONG = [
    sign + digits + fraction
    for size in (9, 10, 11, 12, 13)
    for digits in ("0" * size, "0" * (size - 1) + "1", "9" * size)
    for fraction in ("", ".", ".5", ".05", ".00", ".001")
    for sign in ("", "-")
]


def declared(field: str, value: str) -> bool:
    """The committed pattern, read as Schemathesis and Hypothesis read it (Python's `re`)."""
    return re.search(PROPERTIES[field]["pattern"], value) is not None


def taken(field: str, value: str) -> bool:
    serializer = RealEstateInputSerializer(data={field: value}, partial=True)
    return serializer.is_valid() or field not in serializer.errors


@pytest.mark.parametrize("field", ["price", "area_m2"])
def test_the_field_takes_a_decimal_exactly_when_the_declared_pattern_matches(field: str) -> None:
    disagreements = [value for value in SHORT + LONG if taken(field, value) != declared(field, value)]

    assert disagreements == []


def test_the_pattern_says_no_sign_but_zeros_on_a_price_and_none_on_an_area() -> None:
    prices = ("-0.00", "-0", "-.0", "-0.01", "-1")
    assert [declared("price", value) for value in prices] == [True, True, True, False, False]
    areas = ("0.01", ".01", "0", "0.00", "-0", "-1")
    assert [declared("area_m2", value) for value in areas] == [True, True, False, False, False, False]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [("price", "-0.01"), ("price", "-0.00"), ("area_m2", "0.00"), ("area_m2", "-0"), ("area_m2", "0.01")],
)
def test_a_create_is_refused_exactly_when_the_schema_refuses_its_decimal(
    collector_client: APIClient, field: str, value: str
) -> None:
    response = collector_client.post("/api/v1/real-estates", payload(**{field: value}), format="json")

    assert response.status_code in (201, 400), response.content
    assert (response.status_code == 201) == declared(field, value), response.content
