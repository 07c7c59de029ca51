"""The hand-built list item and detail (api/serializers.py) carry exactly the fields the OpenAPI
schema declares for them, nested objects included: no field missing, none undeclared."""

from decimal import Decimal
from typing import Any

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from apps.real_estates.models import Status
from tests.real_estates.conftest import MakeRealEstate
from tests.real_estates.factories import CITIES

pytestmark = pytest.mark.django_db

LIST = "/api/v1/real-estates"
RECIFE = next(place for place in CITIES if place[0] == "Recife")


@pytest.fixture(scope="module")
def schema(django_db_blocker: Any) -> dict[str, Any]:
    with django_db_blocker.unblock():
        generated: dict[str, Any] = SchemaGenerator().get_schema(request=None, public=True)
    return generated


def resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """`node` with its `$ref` followed and a single-member `allOf` (how a nullable nested
    object is declared) unwrapped."""
    while True:
        if "$ref" in node:
            node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
        elif len(node.get("allOf", ())) == 1:
            node = node["allOf"][0]
        else:
            return node


def mismatches(schema: dict[str, Any], node: dict[str, Any], value: Any, where: str) -> list[str]:
    """Where `value` has fields other than those `node` declares, or lacks one it requires,
    walking every nested object and array; a null value is not walked."""
    node = resolve(schema, node)
    found: list[str] = []
    if isinstance(value, dict) and "properties" in node:
        declared, required = set(node["properties"]), set(node.get("required", ()))
        if not required <= set(value) <= declared:
            found.append(f"{where}: missing {required - set(value)}, undeclared {set(value) - declared}")
        for name in declared & set(value):
            found += mismatches(schema, node["properties"][name], value[name], f"{where}.{name}")
    elif isinstance(value, dict) and isinstance(node.get("additionalProperties"), dict):
        for name, item in value.items():
            found += mismatches(schema, node["additionalProperties"], item, f"{where}[{name}]")
    elif isinstance(value, list) and "items" in node:
        for index, item in enumerate(value):
            found += mismatches(schema, node["items"], item, f"{where}[{index}]")
    return found


def response_schema(
    schema: dict[str, Any], path: str, method: str = "get", status: str = "200"
) -> dict[str, Any]:
    operation = schema["paths"][path][method]
    return resolve(schema, operation["responses"][status]["content"]["application/json"]["schema"])


@pytest.fixture
def reviewed(make_real_estate: MakeRealEstate) -> Any:
    return make_real_estate(status=Status.APPROVED, latitude=Decimal("-23.5"), longitude=Decimal("-46.6"))


def test_a_list_item_has_exactly_the_declared_fields(
    schema: dict[str, Any], manager_client: APIClient, reviewed: Any, make_real_estate: MakeRealEstate
) -> None:
    make_real_estate(collected_by=None, place=RECIFE)  # never within a kilometre of `reviewed`
    body = manager_client.get(LIST).json()
    assert len(body["results"]) == 2
    assert mismatches(schema, response_schema(schema, LIST), body, "list") == []
    item = resolve(schema, response_schema(schema, LIST)["properties"]["results"]["items"])
    # Every declared field but `distance_km`, which only a `near` query fills.
    assert set(item["required"]) == set(body["results"][0]) == set(item["properties"]) - {"distance_km"}
    nearby = manager_client.get(LIST, {"near": "-23.5,-46.6", "radius_km": 1}).json()
    assert len(nearby["results"]) == 1
    assert mismatches(schema, response_schema(schema, LIST), nearby, "list") == []
    assert set(item["properties"]) == set(nearby["results"][0])


def test_a_detail_has_exactly_the_declared_fields(
    schema: dict[str, Any], manager_client: APIClient, reviewed: Any
) -> None:
    body = manager_client.get(f"{LIST}/{reviewed.pk}").json()
    assert body["photos"]
    assert body["reviewed_by"]
    assert body["collected_by"]
    declared = response_schema(schema, f"{LIST}/{{id}}")
    assert mismatches(schema, declared, body, "detail") == []
    assert set(declared["properties"]) == set(body)


def test_the_walk_sees_an_undeclared_field(
    schema: dict[str, Any], manager_client: APIClient, reviewed: Any
) -> None:
    body = manager_client.get(f"{LIST}/{reviewed.pk}").json()
    body["address"]["extra"] = 1
    del body["photos"][0]["id"]
    found = mismatches(schema, response_schema(schema, f"{LIST}/{{id}}"), body, "detail")
    assert len(found) == 2


def test_a_create_and_a_bare_detail_have_exactly_the_declared_fields(
    schema: dict[str, Any], collector_client: APIClient
) -> None:
    """The create renders the instance the service returned, not a read: the same fields, with
    the nulls of a draft (no reviewer, no coordinates, no photos)."""
    body = {
        "title": "Casa",
        "kind": "house",
        "purpose": "sale",
        "price": "1.00",
        "area_m2": "1.00",
        "address": {"zip_code": "01310100", "street": "Av. Paulista", "city": "São Paulo", "state": "SP"},
    }
    created = collector_client.post(LIST, body, format="json").json()
    declared = response_schema(schema, LIST, "post", "201")
    assert created["reviewed_by"] is None
    assert created["address"]["latitude"] is None
    assert mismatches(schema, declared, created, "create") == []
    assert set(declared["properties"]) == set(created)
    detail = collector_client.get(f"{LIST}/{created['id']}").json()
    assert mismatches(schema, response_schema(schema, f"{LIST}/{{id}}"), detail, "detail") == []
    assert detail == created
