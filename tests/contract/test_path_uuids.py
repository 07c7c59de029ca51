"""A real estate's id in the path is a UUID as the schema's `format: uuid` reads it.

The routes declare `{id}` `format: uuid`: the hyphenated form, in either case (JSON Schema's
format, RFC 4122's text). The real estate's router took whatever Python's `uuid.UUID` parses:
hyphens left out, braces, a `urn:uuid:` prefix, so a PATCH or an approve of `{<uuid>}` wrote the
record although the schema refuses that path. Its photos and a user already took only the
hyphenated form (`anycase_uuid`). Another spelling is now `REAL_ESTATE_NOT_FOUND`, as an unknown id."""

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from apps.real_estates.models import RealEstate, Status
from apps.users.models import User
from tests.contract.openapi_validator import ContractValidator
from tests.real_estates.factories import RealEstateFactory

pytestmark = pytest.mark.django_db

CONTRACT = ContractValidator()
SPELLINGS: dict[str, Callable[[str], str]] = {
    "without hyphens": lambda pk: pk.replace("-", ""),
    "in braces": lambda pk: "{" + pk + "}",
    "as a URN": lambda pk: "urn:uuid:" + pk,
}
UUID_SCHEMA = {"type": "string", "format": "uuid"}


def _schema_allows(value: str) -> bool:
    try:
        CONTRACT.validate(value, UUID_SCHEMA)
    except AssertionError:
        return False
    return True


@pytest.fixture
def submitted(collector: User) -> RealEstate:
    return RealEstateFactory(collected_by=collector, status=Status.SUBMITTED)


@pytest.mark.parametrize("spelling", SPELLINGS)
@pytest.mark.parametrize(
    "call",
    [
        ("get", "", None),
        ("patch", "", {"title": "Outro título"}),
        ("post", "/approve", None),
        ("get", "/history", None),
        ("delete", "", None),
    ],
)
def test_a_real_estate_id_the_schema_refuses_is_a_404(
    manager_client: APIClient, submitted: RealEstate, spelling: str, call: tuple[str, str, Any]
) -> None:
    method, suffix, body = call
    written = SPELLINGS[spelling](str(submitted.pk))
    assert not _schema_allows(written)
    before = RealEstate.objects.values().get(pk=submitted.pk)

    response = getattr(manager_client, method)(f"/api/v1/real-estates/{written}{suffix}", body, format="json")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "REAL_ESTATE_NOT_FOUND"
    assert RealEstate.objects.values().get(pk=submitted.pk) == before


@pytest.mark.parametrize("written", [str.lower, str.upper])
def test_a_hyphenated_id_in_either_case_is_the_real_estate(
    manager_client: APIClient, submitted: RealEstate, written: Callable[[str], str]
) -> None:
    path_id = written(str(submitted.pk))
    assert _schema_allows(path_id)
    response = manager_client.get(f"/api/v1/real-estates/{path_id}")
    assert response.status_code == 200
    assert response.json()["id"] == str(submitted.pk)
    assert manager_client.post(f"/api/v1/real-estates/{path_id}/approve").status_code == 200
