"""The list, stats and export refuse what their schema forbids, alike, with a 400 naming the
parameter: empty values, `q` past its bounds, bad pages, repeated `ordering`."""

from decimal import Decimal
from typing import Any

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from apps.real_estates.api.filters import RealEstateFilterSet
from apps.real_estates.models import Status
from tests.real_estates.conftest import MakeRealEstate
from tests.real_estates.factories import RealEstateFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/real-estates"
ENDPOINTS = {
    "list": (LIST, {}),
    "stats": (f"{LIST}/stats", {"group_by": "city"}),
    "export": (f"{LIST}/export", {}),
}


def refused(
    client: APIClient, url: str, params: Any, headers: dict[str, str] | None = None
) -> dict[str, Any]:
    response = client.get(url, params, headers=headers or {})
    assert response.status_code == 400, response.content
    error: dict[str, Any] = response.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    return error


def field_code(error: dict[str, Any], name: str) -> str:
    assert set(error["fields"]) == {name}
    code: str = error["fields"][name][0]["code"]
    return code


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("name", sorted(RealEstateFilterSet.base_filters))
def test_an_empty_value_is_refused_on_every_endpoint(
    manager_client: APIClient, endpoint: str, name: str
) -> None:
    url, base = ENDPOINTS[endpoint]
    error = refused(manager_client, url, {**base, name: ""})
    assert field_code(error, name) == "parameter_empty"


def test_an_empty_format_on_the_export_is_refused(manager_client: APIClient) -> None:
    error = refused(manager_client, f"{LIST}/export", {"format": ""})
    assert field_code(error, "format") == "parameter_empty"


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("min_bedrooms", "0.5"),
        ("min_bedrooms", "-1"),
        ("min_bedrooms", "1001"),
        # Django's IntegerField reads each of these as 2; the schema says an integer.
        ("min_bedrooms", "2.0"),
        ("min_bedrooms", "+2"),
        ("min_bedrooms", " 2"),
        ("min_bedrooms", "2\n"),
        ("min_bedrooms", "\u0662"),  # an Arabic-Indic two
        ("min_price", "-1"),
        ("max_price", "1e999999"),
        ("max_area", "NaN"),
        ("min_area", "10000000001"),
        ("purpose", "swap"),
        ("state", "XX"),
        ("ordering", "title"),
        ("ordering", "-price,"),
        ("created_after", "2026-02-30"),
        ("q", "x" * 201),
    ],
)
def test_a_value_outside_its_domain_is_refused_on_every_endpoint(
    manager_client: APIClient, endpoint: str, name: str, value: str
) -> None:
    url, base = ENDPOINTS[endpoint]
    assert set(refused(manager_client, url, {**base, name: value})["fields"]) == {name}


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize(
    "params",
    [
        {"created_before": "9999-12-31"},
        {"created_after": "9999-12-31", "created_before": "9999-12-31T23:59:59.999999Z"},
        {"created_after": "0001-01-01", "created_before": "0001-01-01"},
    ],
)
def test_the_first_and_last_days_a_date_can_name_are_valid_bounds_on_every_endpoint(
    manager_client: APIClient, make_real_estate: MakeRealEstate, endpoint: str, params: dict[str, str]
) -> None:
    make_real_estate()
    url, base = ENDPOINTS[endpoint]
    response = manager_client.get(url, {**base, **params})
    assert response.status_code == 200, response.content
    everything = params == {"created_before": "9999-12-31"}
    if endpoint == "list":
        assert response.json()["count"] == (1 if everything else 0)
    if endpoint == "stats":
        assert len(response.json()["results"]) == (1 if everything else 0)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_the_same_valid_filters_are_accepted_on_every_endpoint(
    manager_client: APIClient, endpoint: str
) -> None:
    url, base = ENDPOINTS[endpoint]
    params = {
        **base,
        "state": "sp",
        "min_bedrooms": "1",
        "min_price": "1e5",
        "max_price": "999999999999.99",
        "created_after": "2026-01-01",
        "created_before": "2026-12-31T23:00:00-03:00",
        "ordering": "-price,created_at",
        "q": "casa a",
    }
    assert manager_client.get(url, params).status_code == 200


def test_q_of_200_characters_is_searched_and_of_201_is_refused(manager_client: APIClient) -> None:
    assert manager_client.get(LIST, {"q": "casa " + "x" * 195}).status_code == 200
    error = refused(manager_client, LIST, {"q": "casa " + "x" * 196})
    assert field_code(error, "q") == "search_too_long"
    assert "200" in error["fields"]["q"][0]["message"]


def test_q_takes_eight_words_and_ignores_words_of_one_character(manager_client: APIClient) -> None:
    RealEstateFactory(title="Casa ampla com quintal", description="Perto do metrô", city="Campinas")
    eight = "casa ampla com quintal perto do metro campinas"
    found = manager_client.get(LIST, {"q": f"{eight} a e o"}).json()["results"]
    assert len(found) == 1
    error = refused(manager_client, LIST, {"q": f"{eight} sp"})
    assert field_code(error, "q") == "search_too_many_terms"
    assert len(manager_client.get(LIST, {"q": "a"}).json()["results"]) == 1  # nothing left to match


def test_the_messages_follow_accept_language(manager_client: APIClient) -> None:
    error = refused(manager_client, LIST, {"q": "x" * 201}, headers={"Accept-Language": "pt-BR"})
    assert error["fields"]["q"][0]["message"] == "Uma busca pode ter no máximo 200 caracteres."
    error = refused(manager_client, LIST, {"page": "0"}, headers={"Accept-Language": "pt-BR"})
    assert error["fields"]["page"][0]["message"].startswith("Informe o número da página")


# Spellings of 5 that are not plain ASCII digits (an Arabic-Indic five among them): the schema
# says `type: integer`.
NOT_DIGITS = ["5.0", "5.", "+5", " 5", "5 ", "5\n", "\u0665", "1e1", "0x5", "5_0"]


@pytest.mark.parametrize("value", ["0", "-1", "abc", "1.5", "last", "", "1000000001", "9" * 30, *NOT_DIGITS])
def test_a_page_that_is_not_a_whole_number_from_1_is_refused(manager_client: APIClient, value: str) -> None:
    assert field_code(refused(manager_client, LIST, {"page": value}), "page") == "page_invalid"


@pytest.mark.parametrize("value", ["0", "101", "abc", "", *NOT_DIGITS])
def test_a_page_size_outside_1_to_100_is_refused(manager_client: APIClient, value: str) -> None:
    assert field_code(refused(manager_client, LIST, {"page_size": value}), "page_size") == "page_size_invalid"


def test_a_page_past_the_last_is_not_found_and_the_first_page_of_nothing_is_empty(
    manager_client: APIClient,
) -> None:
    empty = manager_client.get(LIST, {"page": "1"})
    assert empty.status_code == 200
    assert empty.json() == {"count": 0, "next": None, "previous": None, "results": []}
    RealEstateFactory()
    past = manager_client.get(LIST, {"page": "2"})
    assert past.status_code == 404
    assert past.json()["error"]["code"] == "NOT_FOUND"


def test_several_ordering_keys_go_in_one_value_and_a_repeated_ordering_is_refused(
    manager_client: APIClient, make_real_estate: MakeRealEstate
) -> None:
    for price, area in (("300000", "90"), ("100000", "50"), ("300000", "60")):
        make_real_estate(status=Status.DRAFT, price=Decimal(price), area_m2=Decimal(area))
    results = manager_client.get(LIST, {"ordering": "-price,area_m2"}).json()["results"]
    assert [(r["price"], r["area_m2"]) for r in results] == [
        ("300000.00", "60.00"),
        ("300000.00", "90.00"),
        ("100000.00", "50.00"),
    ]
    error = refused(manager_client, f"{LIST}?ordering=-price&ordering=created_at", {})
    assert field_code(error, "ordering") == "parameter_repeated"


def test_a_price_bound_with_more_decimals_is_exact_on_cents(
    manager_client: APIClient, make_real_estate: MakeRealEstate
) -> None:
    for price in ("100.00", "100.01"):
        make_real_estate(price=Decimal(price), area_m2=Decimal("50"))

    def prices(**params: str) -> list[str]:
        return sorted(r["price"] for r in manager_client.get(LIST, params).json()["results"])

    assert prices(min_price="100.001") == ["100.01"]
    assert prices(max_price="100.009") == ["100.00"]
    assert prices(min_price="100", max_price="100.01") == ["100.00", "100.01"]


def test_stats_and_export_declare_the_lists_filters_in_the_schema() -> None:
    schema = SchemaGenerator().get_schema(request=None, public=True)

    def parameters(path: str) -> dict[str, Any]:
        return {p["name"]: p for p in schema["paths"][path]["get"]["parameters"]}

    listed = parameters(LIST)
    for path in (f"{LIST}/stats", f"{LIST}/export"):
        declared = parameters(path)
        assert {name: declared[name] for name in RealEstateFilterSet.base_filters} == {
            name: listed[name] for name in RealEstateFilterSet.base_filters
        }
    assert listed["page"]["schema"]["minimum"] == 1
    assert listed["page_size"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 100}
    assert listed["q"]["schema"]["maxLength"] == 200
    assert listed["ordering"]["explode"] is False
    assert set(listed["ordering"]["schema"]["items"]["enum"]) == {
        "created_at",
        "-created_at",
        "price",
        "-price",
        "area_m2",
        "-area_m2",
        "distance",
        "-distance",
    }
