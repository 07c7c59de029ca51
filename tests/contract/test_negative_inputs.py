"""Negative data Schemathesis found accepted or crashing: a `type: string` field given a JSON
number or boolean is refused (DRF would store its text); a coordinate far out of range is a 400,
not a 500; a lone surrogate an error echoes (an unknown key, a refused choice) is a 400, not a 500."""

import json
from decimal import Decimal
from typing import Any

import pytest
from rest_framework.test import APIClient

from apps.real_estates.models import RealEstate, Status
from apps.users.models import User
from tests.contract.openapi_validator import ContractValidator
from tests.media.factories import PhotoFactory
from tests.real_estates.factories import RealEstateFactory

pytestmark = pytest.mark.django_db
CONTRACT = ContractValidator()


@pytest.fixture
def draft(collector: User) -> RealEstate:
    return RealEstateFactory(collected_by=collector, status=Status.DRAFT)


@pytest.mark.parametrize("value", [5, 1.5, True])
@pytest.mark.parametrize(
    ("field", "body"),
    [
        ("title", lambda v: {"title": v}),
        ("description", lambda v: {"description": v}),
        ("address", lambda v: {"address": {"city": v}}),
    ],
)
def test_a_real_estate_patch_refuses_a_non_string(
    collector_client: APIClient, draft: RealEstate, field: str, body: Any, value: object
) -> None:
    response = collector_client.patch(f"/api/v1/real-estates/{draft.pk}", body(value), format="json")
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == [field]
    draft.refresh_from_db()
    assert draft.title != str(value)


@pytest.mark.parametrize("value", [5, 1.5, False])
def test_a_profile_patch_refuses_a_non_string_name(collector_client: APIClient, value: object) -> None:
    response = collector_client.patch("/api/v1/users/me", {"name": value}, format="json")
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["name"]


def test_a_rejection_refuses_a_numeric_reason(manager_client: APIClient, collector: User) -> None:
    real_estate = RealEstateFactory(collected_by=collector, status=Status.DRAFT)
    response = manager_client.post(
        f"/api/v1/real-estates/{real_estate.pk}/reject", {"reason": 42}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["reason"]


@pytest.mark.parametrize("value", [-1.7976931348623157e308, 1e30, 90.000001])
def test_a_latitude_far_out_of_range_is_a_validation_error(
    collector_client: APIClient, draft: RealEstate, value: float
) -> None:
    response = collector_client.patch(
        f"/api/v1/real-estates/{draft.pk}", {"address": {"latitude": value}}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]["address"]) == ["latitude"]


LONE_SURROGATE = "\ud800"  # JSON can carry one (`"\ud800"`); UTF-8, and so the renderer, cannot


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({LONE_SURROGATE: 1}, LONE_SURROGATE),
        ({"title": "Casa", LONE_SURROGATE: 1}, LONE_SURROGATE),
        ({"address": {LONE_SURROGATE: 1}}, f"address.{LONE_SURROGATE}"),
        ({"kind": LONE_SURROGATE}, "kind"),
    ],
)
def test_a_lone_surrogate_echoed_in_a_real_estate_error_is_a_validation_error(
    collector_client: APIClient, draft: RealEstate, body: dict[str, Any], field: str
) -> None:
    response = collector_client.patch(
        f"/api/v1/real-estates/{draft.pk}", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert list(error["fields"]) == [field.replace(LONE_SURROGATE, "\ufffd")]


def test_a_lone_surrogate_as_an_unknown_profile_field_is_a_validation_error(
    collector_client: APIClient,
) -> None:
    response = collector_client.patch(
        "/api/v1/users/me", json.dumps({LONE_SURROGATE: "x"}), content_type="application/json"
    )
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["\ufffd"]


def test_a_lone_surrogate_as_a_role_is_a_validation_error(admin_client: APIClient) -> None:
    body = {"cpf": "52998224725", "name": "Ana Souza", "password": "senha-longa-9", "role": LONE_SURROGATE}
    response = admin_client.post("/api/v1/users", json.dumps(body), content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["role"][0]["code"] == "invalid_choice"
    assert not User.objects.filter(cpf="52998224725").exists()


@pytest.mark.parametrize("value", [0, 1, "false", "no", "off", "0", "true"])
def test_a_user_edit_refuses_a_non_boolean_is_active(
    admin_client: APIClient, collector: User, value: object
) -> None:
    """`is_active` is a JSON boolean in the schema; DRF's field took `0`, `"no"` or `"off"` for false
    (and deactivated the account, revoking its tokens) and `1` or `"true"` for true."""
    response = admin_client.patch(f"/api/v1/users/{collector.pk}", {"is_active": value}, format="json")
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["is_active"]
    collector.refresh_from_db()
    assert collector.is_active


@pytest.mark.parametrize("value", ["3", " 3 ", "+3", "\u0663"])
@pytest.mark.parametrize("field", ["bedrooms", "bathrooms", "parking_spaces"])
def test_a_real_estate_patch_refuses_an_integer_sent_as_a_string(
    collector_client: APIClient, draft: RealEstate, field: str, value: str
) -> None:
    """`type: integer` in the schema; DRF's IntegerField parsed any numeric text (an Arabic-Indic
    `٣` included) as the number."""
    before = getattr(draft, field)
    response = collector_client.patch(f"/api/v1/real-estates/{draft.pk}", {field: value}, format="json")
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == [field]
    draft.refresh_from_db()
    assert getattr(draft, field) == before


def _declared_allows(component: str, field: str, instance: object) -> bool:
    try:
        CONTRACT.validate(instance, CONTRACT.spec["components"]["schemas"][component]["properties"][field])
    except AssertionError:
        return False
    return True


@pytest.mark.parametrize("text", ["4.0", "4e0", "4E+0", "40e-1"])
@pytest.mark.parametrize("field", ["bedrooms", "bathrooms", "parking_spaces"])
def test_a_number_with_a_fraction_or_exponent_is_no_integer(
    collector_client: APIClient, draft: RealEstate, field: str, text: str
) -> None:
    """OpenAPI 3.0's `integer` (JSON Schema draft 4/Wright 00, as the schema's validator and
    Schemathesis read it) is a JSON number without a fraction or exponent part: `4.0` is
    negative data, which was stored as 4."""
    assert not _declared_allows("PatchedRealEstateInputRequest", field, json.loads(text))
    before = getattr(draft, field)
    response = collector_client.patch(
        f"/api/v1/real-estates/{draft.pk}", f'{{"{field}": {text}}}', content_type="application/json"
    )
    assert response.status_code == 400
    assert [item["code"] for item in response.json()["error"]["fields"][field]] == ["invalid"]
    draft.refresh_from_db()
    assert getattr(draft, field) == before


def test_a_photo_position_with_a_fraction_is_no_integer(
    collector_client: APIClient, draft: RealEstate
) -> None:
    assert not _declared_allows("PatchedPhotoUpdateRequest", "position", 0.0)
    first, second = PhotoFactory(real_estate=draft), PhotoFactory(real_estate=draft)
    url = f"/api/v1/real-estates/{draft.pk}/photos/{second.pk}"
    response = collector_client.patch(url, '{"position": 0.0}', content_type="application/json")
    assert response.status_code == 400
    assert [item["code"] for item in response.json()["error"]["fields"]["position"]] == ["invalid"]
    assert collector_client.patch(url, {"position": 0}, format="json").json()["position"] == 0
    first.refresh_from_db()
    assert first.position == 1


def test_an_integer_json_number_is_taken(collector_client: APIClient, draft: RealEstate) -> None:
    assert _declared_allows("PatchedRealEstateInputRequest", "bedrooms", 4)
    response = collector_client.patch(f"/api/v1/real-estates/{draft.pk}", {"bedrooms": 4}, format="json")
    assert response.status_code == 200
    assert response.json()["bedrooms"] == 4


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("latitude", 90.0000001),
        ("latitude", -90.00000049),
        ("longitude", 180.0000001),
        ("longitude", -180.0000004),
    ],
)
def test_a_coordinate_just_past_its_bound_is_refused_before_it_is_rounded(
    collector_client: APIClient, draft: RealEstate, field: str, value: float
) -> None:
    """The schema's number branch declares `maximum: 90` (180); a latitude of 90.0000001 was
    rounded to the column's six places first, so it was stored as 90 and answered 200: negative
    data accepted. The decimal string of the same value is refused alike."""
    assert not _declared_allows("PatchedAddressInputRequest", field, value)
    before = getattr(draft, field)
    for sent in (value, repr(value)):
        response = collector_client.patch(
            f"/api/v1/real-estates/{draft.pk}", {"address": {field: sent}}, format="json"
        )
        assert response.status_code == 400, sent
        codes = [item["code"] for item in response.json()["error"]["fields"]["address"][field]]
        assert codes == ["max_value" if value > 0 else "min_value"]
    draft.refresh_from_db()
    assert getattr(draft, field) == before


@pytest.mark.parametrize(
    ("field", "value"), [("latitude", 90), ("latitude", -89.9999999), ("longitude", 180.0)]
)
def test_a_coordinate_within_its_bounds_is_rounded_to_six_places(
    collector_client: APIClient, draft: RealEstate, field: str, value: float
) -> None:
    assert _declared_allows("PatchedAddressInputRequest", field, value)
    response = collector_client.patch(
        f"/api/v1/real-estates/{draft.pk}", {"address": {field: value}}, format="json"
    )
    assert response.status_code == 200
    assert abs(Decimal(response.json()["address"][field]) - Decimal(repr(value))) <= Decimal("0.0000005")
