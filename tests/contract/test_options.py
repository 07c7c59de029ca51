"""OPTIONS on every documented route: `Allow` names the methods of the resource, whoever asks.

RFC 9110 §10.2.1: `Allow` lists the methods the target resource supports. A route refuses a role
outright (`/users` to a collector) with the 403 any method gets; otherwise OPTIONS is a 200 with
the same `Allow` for every caller, as the schema lists the route's methods, and never looks up
the object (an id nobody has is a 200 as well). DRF's `actions` are not sent: they showed a
collector a POST body for `/approve`, the real estate's output fields, although a transition
reads no body and a collector may not approve (docs/adr/0111).
"""

import re
import uuid
from typing import Any

import pytest
from rest_framework.test import APIClient

from apps.users.models import Role
from tests.conftest import bearer_client
from tests.contract.openapi_validator import ContractValidator
from tests.real_estates.helpers import payload
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db

PATHS: dict[str, Any] = ContractValidator().spec["paths"]
# Routes whose role rule is the route's own: every method, OPTIONS too, is a 403 to the others.
MANAGERS_AND_ADMINS = {
    "/api/v1/users",
    "/api/v1/users/{id}",
    "/api/v1/real-estates/stats",
    "/api/v1/real-estates/export",
}
ADMINS = {"/api/v1/audit-events"}
METHODS = {"get", "post", "put", "patch", "delete"}
ANONYMOUS = {"/api/v1/sign-up", "/api/v1/sign-in", "/api/v1/token/refresh"}


def url(path: str) -> str:
    return re.sub(r"\{[^}]+\}", str(uuid.uuid4()), path)


def allowed_methods(path: str) -> set[str]:
    methods = {method.upper() for method in PATHS[path] if method in METHODS}
    return methods | ({"HEAD"} if "GET" in methods else set()) | {"OPTIONS"}


def refuses(path: str, role: str | None) -> bool:
    if path in ADMINS:
        return role != Role.ADMIN
    return path in MANAGERS_AND_ADMINS and role not in (Role.ADMIN, Role.MANAGER)


@pytest.mark.parametrize("path", sorted(PATHS))
@pytest.mark.parametrize("role", [Role.COLLECTOR, Role.MANAGER, Role.ADMIN])
def test_options_names_the_resources_methods_to_every_caller_it_admits(path: str, role: str) -> None:
    client = bearer_client(UserFactory(role=role))

    response = client.options(url(path))

    if refuses(path, role):
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "PERMISSION_DENIED"
        return
    assert response.status_code == 200, response.content
    assert set(response["Allow"].split(", ")) == allowed_methods(path)
    assert "actions" not in response.json()


@pytest.mark.parametrize("path", sorted(PATHS))
def test_options_without_credentials_is_a_401_where_the_route_needs_them(path: str) -> None:
    response = APIClient().options(url(path))

    assert response.status_code == (200 if path in ANONYMOUS else 401)
    assert set(response["Allow"].split(", ")) == allowed_methods(path)


@pytest.mark.parametrize("transition", ["submit", "approve", "reject", "archive"])
def test_a_transition_describes_no_body_to_a_collector_who_may_not_make_it(
    collector_client: APIClient, transition: str
) -> None:
    created = collector_client.post("/api/v1/real-estates", payload(), format="json").json()

    response = collector_client.options(f"/api/v1/real-estates/{created['id']}/{transition}")

    assert response.status_code == 200
    assert response["Allow"] == "POST, OPTIONS"
    assert set(response.json()) == {"name", "description", "renders", "parses"}
