"""The list's `state` filter is taken exactly when the committed schema allows it.

The field trims the value (`?state=%20sp` is `SP`, as the address's `state` is), but the
parameter was declared `^(...)$` with no room for that whitespace: a value the server took was
one the schema refuses (negative data accepted). It now declares the address's pattern
(docs/adr/0104, whitespace around).
"""

import pytest
from rest_framework.test import APIClient

from tests.contract.openapi_validator import ContractValidator

pytestmark = pytest.mark.django_db

CONTRACT = ContractValidator()
VALUES = ["SP", "sp", "Rj", " sp", "df\t", "\u00a0DF\u00a0", "XX", "S P", "spx", "\uff33\uff30"]


@pytest.mark.parametrize("path", ["/api/v1/real-estates", "/api/v1/real-estates/stats"])
@pytest.mark.parametrize("value", VALUES)
def test_a_state_filter_is_taken_exactly_when_the_schema_allows_it(
    manager_client: APIClient, path: str, value: str
) -> None:
    parameters = CONTRACT.spec["paths"][path]["get"]["parameters"]
    declared = next(parameter["schema"] for parameter in parameters if parameter["name"] == "state")
    query = {"state": value, **({"group_by": "city"} if path.endswith("stats") else {})}

    response = manager_client.get(path, query)

    assert response.status_code in (200, 400), response.content
    try:
        CONTRACT.validate(value, declared)
    except AssertionError:
        assert response.status_code == 400
        assert response.json()["error"]["fields"]["state"][0]["code"] == "uf_invalid"
    else:
        assert response.status_code == 200
