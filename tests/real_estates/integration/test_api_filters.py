"""Every list filter, `q` (case- and accent-insensitive), ordering, and bad filter values."""

import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.http import QueryDict
from rest_framework.test import APIClient

from apps.real_estates.api.filters import RealEstateFilterSet
from apps.real_estates.models import Kind, Purpose, RealEstate, Status
from apps.users.models import Role, User
from tests.conftest import bearer_client as client_for
from tests.real_estates.factories import CITIES, RealEstateFactory
from tests.sqlite import run_on_sqlite
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/real-estates"


def ids(client: APIClient, **params: Any) -> set[str]:
    response = client.get(URL, {"page_size": 100, **params})
    assert response.status_code == 200, response.json()
    return {item["id"] for item in response.json()["results"]}


def one(real_estate: RealEstate) -> set[str]:
    return {str(real_estate.pk)}


@pytest.fixture
def pair(db: None) -> tuple[RealEstate, RealEstate]:
    """Two real estates differing in every filtered field (in São Paulo and in Curitiba)."""
    with time_machine.travel(datetime(2026, 3, 10, 12, 0, tzinfo=UTC), tick=False):
        first = RealEstateFactory(
            status=Status.DRAFT,
            place=CITIES[0],
            kind=Kind.HOUSE,
            purpose=Purpose.SALE,
            city="São Paulo",
            state="SP",
            price=Decimal("500000.00"),
            area_m2=Decimal("150.00"),
            bedrooms=4,
        )
    with time_machine.travel(datetime(2026, 5, 20, 8, 30, tzinfo=UTC), tick=False):
        second = RealEstateFactory(
            status=Status.SUBMITTED,
            place=CITIES[5],
            photos=1,
            kind=Kind.APARTMENT,
            purpose=Purpose.RENT,
            city="Curitiba",
            state="PR",
            price=Decimal("2500.00"),
            area_m2=Decimal("60.00"),
            bedrooms=1,
        )
    return first, second


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "draft"}, 0),
        ({"status": "submitted"}, 1),
        ({"kind": "house"}, 0),
        ({"purpose": "rent"}, 1),
        ({"city": "são paulo"}, 0),
        ({"city": "CURITIBA"}, 1),
        ({"state": "sp"}, 0),
        ({"state": "PR"}, 1),
        ({"min_price": "100000"}, 0),
        ({"max_price": "2500"}, 1),
        ({"min_area": "100"}, 0),
        ({"max_area": "60"}, 1),
        ({"min_bedrooms": "2"}, 0),
        ({"created_after": "2026-05-20"}, 1),
        ({"created_before": "2026-03-10"}, 0),
        ({"created_after": "2026-03-10T12:00:00Z", "created_before": "2026-03-10T12:00:01Z"}, 0),
        ({"created_after": "2026-05-20T05:30:00-03:00"}, 1),
        ({"created_after": "2026-05-20T11:30:00 03:00"}, 1),  # an unencoded `+` arrives as a space
        ({"created_before": "2026-05-20T08:30:00"}, 0),  # naive means UTC; the bound is exclusive
    ],
)
def test_each_filter_narrows_the_list(
    manager_client: APIClient,
    pair: tuple[RealEstate, RealEstate],
    params: dict[str, str],
    expected: int | None,
) -> None:
    assert ids(manager_client, **params) == (set() if expected is None else one(pair[expected]))


@pytest.mark.parametrize(
    "query",
    [
        "near=-23.55,-46.63",  # `radius_km` defaults to 10 km: a filter the request did not name
        "near=-25.43,-49.27&radius_km=100&ordering=-distance",
        "bbox=-50,-26,-46,-23&kind=apartment",
        "status=draft&city=s%C3%A3o+paulo&min_price=100000&ordering=price",
        "q=paulo&max_area=500&min_bedrooms=1",
    ],
)
def test_a_request_selects_what_the_whole_filterset_selects(
    manager_client: APIClient, pair: tuple[RealEstate, RealEstate], query: str
) -> None:
    """The backend builds a FilterSet of the request's parameters alone (docs/adr/0020, item 10)."""
    whole = RealEstateFilterSet(QueryDict(query), queryset=RealEstate.objects.all())
    assert whole.is_valid(), whole.errors
    expected = [str(pk) for pk in whole.qs.values_list("pk", flat=True)]
    assert expected, "a query that selects nothing would not tell the two apart"
    response = manager_client.get(f"{URL}?{query}")
    assert response.status_code == 200, response.json()
    found = [item["id"] for item in response.json()["results"]]
    if "ordering" not in query:  # the whole FilterSet's queryset has no order of its own
        found, expected = sorted(found), sorted(expected)
    assert found == expected


def test_the_collected_by_filter(manager_client: APIClient, pair: tuple[RealEstate, RealEstate]) -> None:
    assert ids(manager_client, collected_by=str(pair[1].collected_by_id)) == one(pair[1])


def test_filters_combine(manager_client: APIClient, pair: tuple[RealEstate, RealEstate]) -> None:
    assert ids(manager_client, state="SP", kind="apartment") == set()
    assert ids(manager_client, state="SP", kind="house", max_price="600000") == one(pair[0])


@pytest.mark.parametrize(
    "params",
    [
        {"status": "published"},
        {"kind": "castle"},
        {"purpose": "swap"},
        {"state": "XX"},
        {"min_price": "cheap"},
        {"max_area": "1e"},
        {"min_bedrooms": "two"},
        {"collected_by": "not-a-uuid"},
        {"created_after": "yesterday"},
        {"created_before": "2026-13-45"},
        {"ordering": "title"},
    ],
)
def test_invalid_filter_values_are_a_validation_error(
    manager_client: APIClient, params: dict[str, str]
) -> None:
    response = manager_client.get(URL, params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert set(error["fields"]) == set(params)


@pytest.mark.parametrize("name", ["created_after", "created_before"])
def test_an_invalid_date_is_explained_in_the_requests_language(manager_client: APIClient, name: str) -> None:
    """The message was a literal in English, whatever `Accept-Language` asked for."""
    response = manager_client.get(URL, {name: "ontem"}, headers={"Accept-Language": "pt-BR"})
    assert response.status_code == 400
    assert response.json()["error"]["fields"][name] == [
        {
            "code": "invalid_datetime",
            "message": "Informe uma data (AAAA-MM-DD) ou uma data e hora ISO 8601.",
        }
    ]


@pytest.mark.parametrize(
    ("q", "found"),
    [
        ("sao paulo", True),
        ("SÃO PAULO", True),
        ("itaim", True),
        ("ITAÍM jardim", True),
        ("jardim", True),  # neighborhood
        ("ensolarada", True),  # description
        ("oscar freire", True),  # street
        ("cobertura", True),  # title
        ("rio de janeiro", False),
        ("100% vista", False),
    ],
)
def test_q_searches_words_ignoring_case_and_accents(manager_client: APIClient, q: str, found: bool) -> None:
    real_estate = RealEstateFactory(
        title="Cobertura no Itaím",
        description="Sala ensolarada e varanda.",
        street="Rua Oscar Freire",
        neighborhood="Jardim Paulista",
        city="São Paulo",
    )
    RealEstateFactory(title="Casa", description="", street="Rua A", neighborhood="Centro", city="Curitiba")
    assert ids(manager_client, q=q) == (one(real_estate) if found else set())


def test_q_matches_after_an_edit_through_the_api(collector_client: APIClient, collector: User) -> None:
    real_estate = RealEstateFactory(collected_by=collector, city="Campinas")
    collector_client.patch(f"{URL}/{real_estate.pk}", {"address": {"neighborhood": "Cambuí"}}, format="json")
    assert ids(collector_client, q="cambui") == one(real_estate)


@pytest.mark.parametrize(
    ("ordering", "field"),
    [
        ("price", "price"),
        ("-price", "price"),
        ("area_m2", "area_m2"),
        ("-area_m2", "area_m2"),
        ("created_at", "created_at"),
    ],
)
def test_ordering(manager_client: APIClient, ordering: str, field: str) -> None:
    for price in ("300000", "100000", "200000"):
        RealEstateFactory(price=Decimal(price), area_m2=Decimal(price) / 1000)
    results = manager_client.get(URL, {"ordering": ordering}).json()["results"]
    values = [Decimal(r[field]) if field != "created_at" else r[field] for r in results]
    assert values == sorted(values, reverse=ordering.startswith("-"))


def test_the_count_follows_every_write(
    collector_client: APIClient, collector: User, django_capture_on_commit_callbacks: Any
) -> None:
    """The cached count is invalidated by the services (after commit), never served stale."""
    RealEstateFactory(collected_by=collector)
    assert collector_client.get(URL).json()["count"] == 1
    real_estate = RealEstateFactory.build(collected_by=collector)
    with django_capture_on_commit_callbacks(execute=True):
        created = collector_client.post(
            URL,
            {
                "title": real_estate.title,
                "kind": real_estate.kind,
                "purpose": real_estate.purpose,
                "price": str(real_estate.price),
                "area_m2": str(real_estate.area_m2),
                "address": {
                    "zip_code": real_estate.zip_code,
                    "street": real_estate.street,
                    "city": real_estate.city,
                    "state": real_estate.state,
                },
            },
            format="json",
        )
    assert created.status_code == 201
    assert collector_client.get(URL).json()["count"] == 2
    with django_capture_on_commit_callbacks(execute=True):
        collector_client.delete(f"{URL}/{created.json()['id']}")
    assert collector_client.get(URL).json()["count"] == 1


def test_cached_counts_are_kept_apart_by_scope_and_filters(
    collector_client: APIClient, collector: User, manager_client: APIClient
) -> None:
    RealEstateFactory.create_batch(2, collected_by=collector, city="Recife", state="PE")
    RealEstateFactory.create_batch(3, city="Recife", state="PE")
    url = "/api/v1/real-estates"
    assert collector_client.get(url, {"city": "Recife"}).json()["count"] == 2
    assert manager_client.get(url, {"city": "Recife"}).json()["count"] == 5
    assert manager_client.get(url, {"city": "Recife", "page_size": 1}).json()["count"] == 5
    assert manager_client.get(url, {"city": "Olinda"}).json()["count"] == 0
    other = UserFactory(role=Role.COLLECTOR)
    assert client_for(other).get(url, {"city": "Recife"}).json()["count"] == 0


CITY_ON_SQLITE = """
import json
from django.core.management import call_command
from apps.real_estates.models import RealEstate
from tests.real_estates.factories import RealEstateFactory
call_command("migrate", verbosity=0)
RealEstateFactory(collected_by=None, city="Águas Lindas de Goiás", state="GO")
asked = ["Águas Lindas de Goiás", " Águas LINDAS de Goiás ", "Águas Lindas"]
print(json.dumps([RealEstate.objects.in_city(city).count() for city in asked]))
"""


def test_a_city_with_a_non_ascii_capital_is_found_on_sqlite(tmp_path: Path) -> None:
    """SQLite's lower() folds ASCII letters only: the city compared with Python's lower() (`Á` to
    `á`) never equalled the column's (`Á` kept), and `city=Águas Lindas de Goiás` found nothing
    on the embedded default database."""
    done = run_on_sqlite(tmp_path, "manage.py", "shell", "-c", CITY_ON_SQLITE)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == [1, 1, 0]
