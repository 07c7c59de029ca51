"""An address's CEP and UF as the committed schema declares them are what the server takes.

The schema said `zip_code` was any string of 1 to 9 characters and `state` any of 1 to 2, so a
client (or Schemathesis) drawing from it sent a valid CEP and UF almost never: every generated
create was a 400, and what follows a create (photos, transitions, history) went unexercised.
Each value here is accepted by the server exactly when the declared property allows it.
"""

from typing import Any

import pytest
from rest_framework.test import APIClient

from tests.contract.openapi_validator import ContractValidator
from tests.real_estates.helpers import payload

pytestmark = pytest.mark.django_db

VALUES = {
    "zip_code": [
        "01310100",
        "01310-100",
        " 01310-100\t",  # the server trims what surrounds a value
        "0131010",
        "013101000",
        "0131-0100",
        "01310--100",
        "0131O100",
        "\uff10\uff11\uff13\uff11\uff10\uff11\uff10\uff10",  # full-width digits
        "",
    ],
    "state": ["SP", "sp", "Rj", " df ", "XX", "S", "SPX", "S P", "\uff33\uff30", ""],
}


def allowed(field: str, value: str) -> bool:
    contract = ContractValidator()
    schema: dict[str, Any] = contract.spec["components"]["schemas"]["AddressInputRequest"]
    try:
        contract.validate(value, schema["properties"][field])
    except AssertionError:
        return False
    return True


@pytest.mark.parametrize(
    ("field", "value"), [(field, value) for field, values in VALUES.items() for value in values]
)
def test_the_server_takes_an_address_value_exactly_when_the_schema_allows_it(
    collector_client: APIClient, field: str, value: str
) -> None:
    response = collector_client.post("/api/v1/real-estates", payload(address={field: value}), format="json")

    assert response.status_code in (201, 400), response.content
    assert (response.status_code == 201) == allowed(field, value), response.content
