"""A query value with whitespace around it is taken exactly when the committed schema allows it.

Several filter fields strip what they read (Django's number, date and UUID fields do), so
`?min_price=%201` was `1` while the schema declares a number, whose text has no spaces: negative
data accepted, which a fuzzer's new seed could find. Text fields that trim declare it (`state`,
`city`: ADR 0104); every other value is refused with its field's own `invalid` code.
"""

import json
import re
from typing import Any

import pytest
from rest_framework.test import APIClient

from tests.contract.openapi_validator import ContractValidator

pytestmark = pytest.mark.django_db

CONTRACT = ContractValidator()
NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
UUID = "0b5d3c1e-8f4a-4c2b-9d6e-7a1f2e3b4c5d"
VALID = {
    "/api/v1/real-estates": {
        "min_price": "1",
        "max_price": "1",
        "min_area": "1",
        "max_area": "1",
        "min_bedrooms": "1",
        "collected_by": UUID,
        "created_after": "2026-01-01",
        "created_before": "2026-01-01T00:00:00Z",
        "kind": "house",
        "purpose": "sale",
        "status": "draft",
        "city": "Campinas",
        "state": "SP",
        "q": "casa",
        "page": "1",
        "page_size": "10",
        "near": "-23.5,-46.6",
        "radius_km": "5",
        "bbox": "-47,-24,-46,-23",
    },
    "/api/v1/users": {"role": "manager", "is_active": "true", "search": "ana", "page_size": "10"},
    "/api/v1/audit-events": {
        "actor": UUID,
        "target_type": "user",
        "target_id": UUID,
        "action": "user.update",
        "created_after": "2026-01-01",
    },
}
TOGETHER = {"near": {"radius_km": "5"}, "radius_km": {"near": "-23.5,-46.6"}}
CASES = [
    pytest.param(path, name, padded, id=f"{path}?{name}={padded!r}")
    for path, values in VALID.items()
    for name, value in values.items()
    for padded in (f" {value}", f"{value} ", f"\t{value}")
]


def _declared(path: str, name: str) -> dict[str, Any]:
    parameters = CONTRACT.spec["paths"][path]["get"]["parameters"]
    return next(parameter["schema"] for parameter in parameters if parameter["name"] == name)


def _schema_allows(value: str, schema: dict[str, Any]) -> bool:
    """As a query string carries it: a number's text is a JSON number's, a string is itself."""
    if schema.get("type") in ("number", "integer"):
        if not NUMBER.fullmatch(value):
            return False
        instance: Any = json.loads(value)
    elif schema.get("type") == "array":
        instance = value.split(",")
    else:
        instance = value
    try:
        CONTRACT.validate(instance, schema)
    except AssertionError:
        return False
    return True


@pytest.mark.parametrize(("path", "name", "value"), CASES)
def test_a_padded_value_is_taken_exactly_when_the_schema_allows_it(
    admin_client: APIClient, path: str, name: str, value: str
) -> None:
    response = admin_client.get(path, {name: value, **TOGETHER.get(name, {})})

    assert response.status_code in (200, 400), response.content
    if _schema_allows(value, _declared(path, name)):
        assert response.status_code == 200, response.content
    else:
        assert response.status_code == 400, f"{value!r} taken, the schema refuses it"
        assert name in response.json()["error"]["fields"]
