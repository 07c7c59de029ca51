"""`price` and `area_m2` in a request body: JSON strings in plain notation, as the API writes them
and as the schema declares them (`type: string` with a pattern); docs/adr/0022."""

from typing import Any

import pytest
from rest_framework.test import APIClient

from apps.real_estates.models import RealEstate
from tests.audit.helpers import events_about
from tests.real_estates.conftest import MakeRealEstate
from tests.real_estates.helpers import URL, payload

pytestmark = pytest.mark.django_db

NOT_PLAIN_DECIMAL_TEXT = [
    pytest.param(350000, id="a JSON integer"),
    pytest.param(350000.5, id="a JSON float"),
    pytest.param(True, id="a JSON boolean"),
    pytest.param("1e5", id="an exponent"),
    pytest.param("1.2E+2", id="an exponent with a sign"),
    pytest.param(" 350000", id="a leading space"),
    pytest.param("350000 ", id="a trailing space"),
    pytest.param("+350000", id="a plus sign"),
    pytest.param("350_000", id="an underscore"),
    pytest.param("\u0663\u0665\u0660", id="Arabic-Indic digits"),
    pytest.param("Infinity", id="Infinity"),
    pytest.param("", id="empty"),
    pytest.param(".", id="a point alone"),
]


def field_code(response: Any, name: str) -> str:
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert set(error["fields"]) == {name}
    code: str = error["fields"][name][0]["code"]
    return code


@pytest.mark.parametrize("name", ["price", "area_m2"])
@pytest.mark.parametrize("value", NOT_PLAIN_DECIMAL_TEXT)
def test_a_create_refuses_a_decimal_that_is_not_a_string_in_plain_notation(
    collector_client: APIClient, name: str, value: Any
) -> None:
    response = collector_client.post(URL, payload(**{name: value}), format="json")
    assert field_code(response, name) == "invalid"
    assert not RealEstate.objects.exists()


@pytest.mark.parametrize("value", NOT_PLAIN_DECIMAL_TEXT)
def test_an_edit_refuses_a_decimal_that_is_not_a_string_in_plain_notation(
    collector_client: APIClient, make_real_estate: MakeRealEstate, value: Any
) -> None:
    real_estate = make_real_estate()
    response = collector_client.patch(f"{URL}/{real_estate.pk}", {"price": value}, format="json")
    assert field_code(response, "price") == "invalid"
    real_estate_now = RealEstate.objects.get(pk=real_estate.pk)
    assert (real_estate_now.price, real_estate_now.version) == (real_estate.price, real_estate.version)


@pytest.mark.parametrize(
    ("price", "area_m2", "stored"),
    [
        ("350000.00", "120.50", ("350000.00", "120.50")),
        ("350000", "120.5", ("350000.00", "120.50")),
        ("0", ".5", ("0.00", "0.50")),
        ("999999999999.99", "9999999999.99", ("999999999999.99", "9999999999.99")),
    ],
)
def test_a_decimal_in_plain_notation_is_taken_and_answered_with_two_places(
    collector_client: APIClient, price: str, area_m2: str, stored: tuple[str, str]
) -> None:
    created = collector_client.post(URL, payload(price=price, area_m2=area_m2), format="json")
    assert created.status_code == 201, created.content
    assert (created.json()["price"], created.json()["area_m2"]) == stored


def test_the_bounds_of_a_decimal_keep_their_codes(collector_client: APIClient) -> None:
    assert field_code(collector_client.post(URL, payload(price="-1"), format="json"), "price") == "min_value"
    too_many_digits = collector_client.post(URL, payload(price="1000000000000.00"), format="json")
    assert field_code(too_many_digits, "price") == "max_digits"
    too_many_places = collector_client.post(URL, payload(area_m2="1.005"), format="json")
    assert field_code(too_many_places, "area_m2") == "max_decimal_places"


@pytest.mark.parametrize(("name", "digits"), [("price", 12), ("area_m2", 10)])
def test_a_decimal_has_no_more_integer_digits_than_the_schema_allows_leading_zeros_included(
    collector_client: APIClient, name: str, digits: int
) -> None:
    # DRF counts significant digits only; the schema's pattern (`\d{0,12}` before the point)
    # counts the characters: a client validating against it would refuse the longer text.
    at_limit = collector_client.post(URL, payload(**{name: "0" * (digits - 1) + "1.50"}), format="json")
    assert at_limit.status_code == 201, at_limit.content
    longer = collector_client.post(URL, payload(**{name: "0" * digits + "1.50"}), format="json")
    assert field_code(longer, name) == "invalid"


def test_a_negative_zero_price_is_zero_in_the_answer_the_read_and_the_audit_event(
    collector_client: APIClient,
) -> None:
    created = collector_client.post(URL, payload(price="-0.00"), format="json")
    assert created.status_code == 201, created.content
    read = collector_client.get(f"{URL}/{created.json()['id']}")
    assert created.json()["price"] == read.json()["price"] == "0.00"
    assert created.json() == read.json()
    real_estate = RealEstate.objects.get(pk=created.json()["id"])
    assert events_about(real_estate)[-1].changes["price"] == [None, "0.00"]
