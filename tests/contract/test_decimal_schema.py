"""A real estate's `price` and `area_m2` as the committed schema declares them are what the
server takes: a decimal string in plain ASCII notation with at least one digit.

The declared pattern (`^-?\\d{0,12}(?:\\.\\d{0,2})?$`) matched `""`, `"."` and `"-"`, which the
server refuses, and its `\\d` (any decimal digit in Python's regular expressions, and so in
Schemathesis') matched an Arabic-Indic `"٣"`: most creates drawn from the schema were a 400.
Negative values are left out (`-0` but for `area_m2`, whose minimum is 0.01): the pattern allows
a sign, as `-0` is a price; a minimum is the server's alone.
"""

import re

import pytest
from rest_framework.test import APIClient

from tests.contract.openapi_validator import ContractValidator
from tests.real_estates.helpers import payload

pytestmark = pytest.mark.django_db

VALUES = ["", ".", "-", "-.", "5", "5.", ".5", "120.25", "-0", "0012.50", "1.234", "\u0663", "1\u06630", " 5"]


def allowed(field: str, value: str) -> bool:
    """The declared pattern read as Schemathesis and Hypothesis read it (Python's `re`); the
    custom `format: decimal` is not read: a generic client or fuzzer knows nothing of it."""
    schema = ContractValidator().spec["components"]["schemas"]["RealEstateInputRequest"]
    return re.search(schema["properties"][field]["pattern"], value) is not None


@pytest.mark.parametrize(
    ("field", "value"),
    [("price", value) for value in VALUES] + [("area_m2", value) for value in VALUES if value != "-0"],
)
def test_the_server_takes_a_decimal_exactly_when_the_schema_allows_it(
    collector_client: APIClient, field: str, value: str
) -> None:
    response = collector_client.post("/api/v1/real-estates", payload(**{field: value}), format="json")

    assert response.status_code in (201, 400), response.content
    assert (response.status_code == 201) == allowed(field, value), response.content
