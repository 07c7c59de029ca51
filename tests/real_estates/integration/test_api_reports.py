"""Stats computed in the database and the streamed CSV export, with the list's filters."""

import csv
import io
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from django.db import connection, models
from django.db.models.functions import Cast
from rest_framework.test import APIClient

from apps.real_estates.export import HEADER
from apps.real_estates.models import Kind, RealEstate, Status
from apps.users import services as user_services
from apps.users.models import User
from tests.real_estates.factories import RealEstateFactory
from tests.real_estates.helpers import payload

pytestmark = pytest.mark.django_db

URL = "/api/v1/real-estates"


@pytest.fixture
def sample(collector: User) -> list[RealEstate]:
    return [
        RealEstateFactory(
            city="São Paulo", state="SP", kind=Kind.HOUSE, price=Decimal("300000"), area_m2=Decimal("100")
        ),
        RealEstateFactory(
            city="São Paulo", state="SP", kind=Kind.APARTMENT, price=Decimal("500000"), area_m2=Decimal("50")
        ),
        RealEstateFactory(
            city="Curitiba",
            state="PR",
            kind=Kind.HOUSE,
            price=Decimal("200000.50"),
            area_m2=Decimal("80"),
            collected_by=collector,
            title='=HYPERLINK("http://evil")',
        ),
    ]


def test_stats_by_city(manager_client: APIClient, sample: list[RealEstate]) -> None:
    response = manager_client.get(f"{URL}/stats", {"group_by": "city"})
    assert response.status_code == 200
    assert response.json() == {
        "group_by": "city",
        "results": [
            {"key": "São Paulo", "count": 2, "avg_price": "400000.00", "avg_price_per_m2": "6500.00"},
            {"key": "Curitiba", "count": 1, "avg_price": "200000.50", "avg_price_per_m2": "2500.01"},
        ],
    }


@pytest.mark.parametrize(
    ("group_by", "keys"),
    [("state", {"SP": 2, "PR": 1}), ("kind", {"house": 2, "apartment": 1}), ("status", {"draft": 3})],
)
def test_stats_by_each_grouping(
    admin_client: APIClient, sample: list[RealEstate], group_by: str, keys: dict[str, int]
) -> None:
    results = admin_client.get(f"{URL}/stats", {"group_by": group_by}).json()["results"]
    assert {row["key"]: row["count"] for row in results} == keys


def test_stats_honour_the_list_filters(manager_client: APIClient, sample: list[RealEstate]) -> None:
    results = manager_client.get(
        f"{URL}/stats", {"group_by": "kind", "state": "SP", "ordering": "-price"}
    ).json()
    assert {row["key"]: row["count"] for row in results["results"]} == {"house": 1, "apartment": 1}


def test_stats_of_nothing_are_empty(manager_client: APIClient) -> None:
    assert manager_client.get(f"{URL}/stats", {"group_by": "status"}).json()["results"] == []


@pytest.mark.parametrize("params", [{}, {"group_by": "price"}, {"group_by": "city", "status": "nope"}])
def test_stats_need_a_valid_grouping_and_filters(manager_client: APIClient, params: dict[str, str]) -> None:
    response = manager_client.get(f"{URL}/stats", params)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "VALIDATION_ERROR"


# Rounding edges, (city, [(price, area_m2), ...]) -> avg_price, avg_price_per_m2 as the API writes
# them (ROUND_HALF_UP to cents of the decimal the database's average prints as).
EDGES: dict[str, tuple[list[tuple[str, str]], str, str]] = {
    "Meio": ([("250000.50", "100")], "250000.50", "2500.01"),  # a half cent per m²: up
    "Empate": ([("0.01", "1"), ("0.02", "1")], "0.02", "0.02"),  # half a cent in both averages
    "Milésimo": ([("1000.01", "1"), ("1000.00", "1")], "1000.01", "1000.01"),  # 1000.005 as floats sum it
    "Terço": ([("100000", "3"), ("200000", "3"), ("100000.01", "7")], "133333.34", "38095.24"),
    "Grande": ([("999999999999.99", "0.01")], "999999999999.99", "99999999999999.00"),
}


def _money(value: Any) -> str | None:
    if value is None:
        return None
    return str(Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _as_before(group_by: str) -> list[dict[str, Any]]:
    """The stats as computed before the price per m² was stored (migration 0011): the quotient of
    the two decimals cast to floating point, per row, in the query."""
    per_m2 = Cast("price", models.FloatField()) / Cast("area_m2", models.FloatField())
    rows = (
        RealEstate.objects.order_by()
        .values(group_by)
        .annotate(count=models.Count("*"), avg_price=models.Avg("price"), avg_price_per_m2=models.Avg(per_m2))
        .order_by("-count", group_by)
    )
    return [
        {
            "key": row[group_by],
            "count": row["count"],
            "avg_price": _money(row["avg_price"]),
            "avg_price_per_m2": _money(row["avg_price_per_m2"]),
        }
        for row in rows
    ]


@pytest.mark.parametrize("group_by", ["city", "state", "kind", "status"])
def test_the_stored_price_per_m2_averages_as_the_quotient_did(
    manager_client: APIClient, sample: list[RealEstate], group_by: str
) -> None:
    for city, (rows, _, _) in EDGES.items():
        for price, area in rows:
            RealEstateFactory(city=city, price=Decimal(price), area_m2=Decimal(area))
    results = manager_client.get(f"{URL}/stats", {"group_by": group_by}).json()["results"]
    assert results == _as_before(group_by)
    if group_by == "city":
        by_city = {row["key"]: (row["avg_price"], row["avg_price_per_m2"]) for row in results}
        assert by_city == {
            "São Paulo": ("400000.00", "6500.00"),
            "Curitiba": ("200000.50", "2500.01"),
            **{city: (avg_price, per_m2) for city, (_, avg_price, per_m2) in EDGES.items()},
        }


def test_the_stored_price_per_m2_is_the_quotient_after_every_write(
    collector_client: APIClient, django_capture_on_commit_callbacks: Any
) -> None:
    """PostgreSQL computes the column on every write, whichever path makes it (an area of 0 still
    breaks `re_area_gt_0`: `test_model_constraints`)."""
    assert connection.vendor == "postgresql"

    def stored(pk: Any) -> float:
        with connection.cursor() as cursor:
            cursor.execute("SELECT price_per_m2 FROM real_estates_realestate WHERE id = %s", [pk])
            (value,) = cursor.fetchone()
        return float(value)

    created = collector_client.post(URL, payload(price="333333.33", area_m2="77.70"), format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert stored(pk) == 333333.33 / 77.7
    with django_capture_on_commit_callbacks(execute=True):
        patched = collector_client.patch(f"{URL}/{pk}", {"price": "100000.10"}, format="json")
    assert patched.status_code == 200, patched.content
    assert stored(pk) == 100000.1 / 77.7
    RealEstate.objects.filter(pk=pk).update(area_m2=Decimal("0.03"))  # behind the services' back
    assert stored(pk) == 100000.1 / 0.03


def _csv(response: Any) -> list[dict[str, str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode()
    reader = csv.DictReader(io.StringIO(text))
    assert tuple(reader.fieldnames or ()) == HEADER
    return list(reader)


def test_the_export_streams_a_header_and_one_row_per_real_estate(
    manager_client: APIClient, sample: list[RealEstate], collector: User
) -> None:
    response = manager_client.get(f"{URL}/export")
    assert response.streaming
    rows = _csv(response)
    assert {row["id"] for row in rows} == {str(r.pk) for r in sample}
    curitiba = next(row for row in rows if row["city"] == "Curitiba")
    assert curitiba["collected_by_id"] == str(collector.pk)
    assert curitiba["collected_by_name"] == collector.name
    assert curitiba["price"] == "200000.50"
    assert curitiba["status"] == "draft"
    assert curitiba["cover"] == ""
    assert curitiba["created_at"].endswith("Z")
    # A cell a spreadsheet would evaluate is neutralised.
    assert curitiba["title"].startswith("'=")


def test_the_export_honours_the_filters_and_accepts_text_csv(
    admin_client: APIClient, sample: list[RealEstate]
) -> None:
    rows = _csv(
        admin_client.get(f"{URL}/export", {"city": "são paulo", "kind": "house"}, HTTP_ACCEPT="text/csv")
    )
    assert [row["id"] for row in rows] == [str(sample[0].pk)]


@pytest.mark.parametrize("accept", ["text/csv", "text/*", "*/*", "application/json;q=0.9, text/csv"])
def test_the_export_answers_csv_to_an_accept_that_admits_it(
    manager_client: APIClient, sample: list[RealEstate], accept: str
) -> None:
    response = manager_client.get(f"{URL}/export", HTTP_ACCEPT=accept)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert len(_csv(response)) == len(sample)


@pytest.mark.parametrize("accept", ["application/json", "application/json, text/html;q=0.9", "text/html"])
def test_the_export_refuses_an_accept_without_csv_with_a_406(
    manager_client: APIClient, sample: list[RealEstate], accept: str
) -> None:
    """The export answered CSV to `Accept: application/json`: a client asking for JSON only (and
    parsing the body as such) got a body of another type than it said it could read."""
    response = manager_client.get(f"{URL}/export", {"state": "SP"}, HTTP_ACCEPT=accept)
    assert response.status_code == 406
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "NOT_ACCEPTABLE"


def test_the_export_asked_for_json_by_format_is_not_found_as_any_unknown_format(
    manager_client: APIClient, sample: list[RealEstate]
) -> None:
    response = manager_client.get(f"{URL}/export", {"format": "json"})
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "NOT_FOUND"


def test_the_exports_options_are_json_labelled_as_json(manager_client: APIClient) -> None:
    response = manager_client.options(f"{URL}/export")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json()["renders"] == ["text/csv"]


def test_the_export_of_a_real_estate_without_collector_leaves_its_columns_empty(
    manager_client: APIClient, sample: list[RealEstate]
) -> None:
    user_services.user_delete(user=User.objects.get(pk=sample[0].collected_by_id), actor=None)
    row = next(r for r in _csv(manager_client.get(f"{URL}/export")) if r["id"] == str(sample[0].pk))
    assert (row["collected_by_id"], row["collected_by_name"]) == ("", "")


def test_an_export_with_bad_filters_is_a_400_before_streaming(manager_client: APIClient) -> None:
    response = manager_client.get(f"{URL}/export", {"min_price": "abc"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "VALIDATION_ERROR"


def test_an_export_in_a_status_lists_only_that_status(
    manager_client: APIClient, sample: list[RealEstate]
) -> None:
    assert _csv(manager_client.get(f"{URL}/export", {"status": Status.APPROVED})) == []


def test_stats_are_cached_until_a_service_writes(
    manager_client: APIClient,
    collector_client: APIClient,
    sample: list[RealEstate],
    django_capture_on_commit_callbacks: Any,
) -> None:
    first = manager_client.get(f"{URL}/stats", {"group_by": "city"}).json()
    # A write behind the services' back is not seen: the answer comes from the cache.
    RealEstate.objects.filter(pk=sample[0].pk).update(city="Curitiba", state="PR")
    assert manager_client.get(f"{URL}/stats", {"group_by": "city"}).json() == first
    # A write through a service invalidates it once committed.
    with django_capture_on_commit_callbacks(execute=True):
        response = collector_client.patch(
            f"{URL}/{sample[2].pk}", {"title": "Casa em Curitiba"}, format="json"
        )
    assert response.status_code == 200
    results = manager_client.get(f"{URL}/stats", {"group_by": "city"}).json()["results"]
    assert {row["key"]: row["count"] for row in results} == {"Curitiba": 2, "São Paulo": 1}


def test_stats_are_computed_every_time_when_the_cache_is_off(
    manager_client: APIClient, sample: list[RealEstate], settings: Any
) -> None:
    settings.REAL_ESTATES_COUNT_CACHE_SECONDS = 0
    manager_client.get(f"{URL}/stats", {"group_by": "city"})
    RealEstate.objects.filter(pk=sample[0].pk).update(city="Curitiba", state="PR")
    results = manager_client.get(f"{URL}/stats", {"group_by": "city"}).json()["results"]
    assert {row["key"]: row["count"] for row in results} == {"Curitiba": 2, "São Paulo": 1}


def test_the_export_carries_each_items_cover_like_the_list(manager_client: APIClient) -> None:
    from tests.media.factories import PhotoFactory

    with_cover = PhotoFactory().real_estate  # its thumbnail made: the list shows it as the cover
    RealEstateFactory()  # no photo: an empty cover cell
    response = manager_client.get(f"{URL}/export")
    rows = {
        row["id"]: row for row in csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
    }
    listed = {item["id"]: item["cover"] for item in manager_client.get(URL).json()["results"]}
    assert rows[str(with_cover.pk)]["cover"].startswith("/media/")
    assert rows[str(with_cover.pk)]["cover"].split(":")[0] == listed[str(with_cover.pk)].split(":")[0]
    assert [row["cover"] for key, row in rows.items() if key != str(with_cover.pk)] == [""]
