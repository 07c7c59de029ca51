"""Nearby search: `near` + `radius_km` and `bbox` on the list, stats and export, `distance_km`,
`ordering=distance`, the bad inputs, and the index behind each on PostgreSQL."""

import csv
import io
import json
import math
import random
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import storages
from django.db import connection, transaction
from rest_framework.test import APIClient

from apps.real_estates.export import HEADER, real_estate_export_to_storage
from apps.real_estates.models import RealEstate
from apps.real_estates.querysets import EARTH_RADIUS_KM
from tests.real_estates.factories import RealEstateFactory
from tests.sqlite import run_on_sqlite

pytestmark = pytest.mark.django_db

URL = "/api/v1/real-estates"
SE = (-23.5505, -46.6333)  # São Paulo, Praça da Sé
GUARULHOS = (-23.4538, -46.5333)  # ~15 km
CAMPINAS = (-22.9056, -47.0608)  # ~84 km
RIO = (-22.9068, -43.1729)  # ~357 km
NEAR_SE = "-23.5505,-46.6333"
AROUND_SP = {"se", "guarulhos", "campinas"}


def haversine(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lng1, lat2, lng2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def at(point: tuple[float, float], city: str) -> RealEstate:
    return RealEstateFactory(
        city=city, state="RJ" if city == "Rio de Janeiro" else "SP", latitude=point[0], longitude=point[1]
    )


@pytest.fixture
def places(db: None) -> dict[str, RealEstate]:
    return {
        "se": at(SE, "São Paulo"),
        "guarulhos": at(GUARULHOS, "Guarulhos"),
        "campinas": at(CAMPINAS, "Campinas"),
        "rio": at(RIO, "Rio de Janeiro"),
        "nowhere": RealEstateFactory(city="São Paulo", state="SP", latitude=None, longitude=None),
        "half": RealEstateFactory(city="São Paulo", state="SP", latitude=Decimal(SE[0]), longitude=None),
    }


def items(client: APIClient, **params: Any) -> list[dict[str, Any]]:
    response = client.get(URL, {"page_size": 100, **params})
    assert response.status_code == 200, response.json()
    results: list[dict[str, Any]] = response.json()["results"]
    return results


def names(found: list[dict[str, Any]], places: dict[str, RealEstate]) -> set[str]:
    by_id = {str(real_estate.pk): name for name, real_estate in places.items()}
    return {by_id[item["id"]] for item in found}


def test_the_sanity_of_the_reference_distances() -> None:
    assert 83 < haversine(SE, CAMPINAS) < 86
    assert 350 < haversine(SE, RIO) < 365
    assert 13 < haversine(SE, GUARULHOS) < 17


def test_a_radius_includes_what_is_within_and_excludes_the_rest(
    manager_client: APIClient, places: dict[str, RealEstate]
) -> None:
    assert names(items(manager_client, near=NEAR_SE, radius_km=100), places) == AROUND_SP
    assert names(items(manager_client, near=NEAR_SE, radius_km=50), places) == {"se", "guarulhos"}
    # Without a radius, 10 km.
    assert names(items(manager_client, near=NEAR_SE), places) == {"se"}
    assert names(items(manager_client, near="-22.9068,-43.1729", radius_km=1), places) == {"rio"}


def test_the_radius_is_inclusive_at_its_edge(
    manager_client: APIClient, places: dict[str, RealEstate]
) -> None:
    edge = haversine(SE, CAMPINAS)
    just_over, just_under = f"{edge + 0.001:.3f}", f"{edge - 0.01:.3f}"
    assert "campinas" in names(items(manager_client, near=NEAR_SE, radius_km=just_over), places)
    assert "campinas" not in names(items(manager_client, near=NEAR_SE, radius_km=just_under), places)


def test_items_carry_their_distance_with_near_and_not_without(
    manager_client: APIClient, places: dict[str, RealEstate]
) -> None:
    found = {item["id"]: item["distance_km"] for item in items(manager_client, near=NEAR_SE, radius_km=100)}
    assert found[str(places["se"].pk)] == 0
    assert found[str(places["campinas"].pk)] == pytest.approx(haversine(SE, CAMPINAS), abs=0.002)
    assert found[str(places["guarulhos"].pk)] == pytest.approx(haversine(SE, GUARULHOS), abs=0.002)
    assert not any("distance_km" in item for item in items(manager_client))


def test_ordering_by_distance_nearest_first_or_farthest_first(
    manager_client: APIClient, places: dict[str, RealEstate]
) -> None:
    nearest = items(manager_client, near=NEAR_SE, radius_km=100, ordering="distance")
    assert [item["id"] for item in nearest] == [str(places[n].pk) for n in ("se", "guarulhos", "campinas")]
    farthest = items(manager_client, near=NEAR_SE, radius_km=100, ordering="-distance")
    assert [item["id"] for item in farthest] == [item["id"] for item in reversed(nearest)]


def test_a_box_selects_what_lies_in_it_edges_included(
    manager_client: APIClient, places: dict[str, RealEstate]
) -> None:
    assert names(items(manager_client, bbox="-47.5,-24,-46,-22.5"), places) == {"se", "guarulhos", "campinas"}
    assert names(items(manager_client, bbox="-50,-30,-40,-20"), places) == {*AROUND_SP, "rio"}
    # A degenerate box on the point itself: edges are inside.
    assert names(items(manager_client, bbox="-46.6333,-23.5505,-46.6333,-23.5505"), places) == {"se"}
    assert not any("distance_km" in item for item in items(manager_client, bbox="-50,-30,-40,-20"))


def test_near_and_a_box_together_must_both_hold(
    manager_client: APIClient, places: dict[str, RealEstate]
) -> None:
    # Within 100 km of the Sé, and east of 46.8° W: Campinas is left out.
    found = items(manager_client, near=NEAR_SE, radius_km=100, bbox="-46.8,-24,-46,-23")
    assert names(found, places) == {"se", "guarulhos"}


def test_real_estates_without_coordinates_never_match(
    manager_client: APIClient, places: dict[str, RealEstate]
) -> None:
    everything = names(items(manager_client, near=NEAR_SE, radius_km=100), places) | names(
        items(manager_client, bbox="-180,-90,180,90"), places
    )
    assert "nowhere" not in everything
    assert "half" not in everything
    assert "nowhere" in names(items(manager_client, city="São Paulo"), places)


def test_a_collector_sees_only_their_own_nearby(
    collector_client: APIClient, collector: Any, places: dict[str, RealEstate]
) -> None:
    mine = RealEstateFactory(
        collected_by=collector, latitude=Decimal("-23.5600"), longitude=Decimal("-46.6400")
    )
    assert [item["id"] for item in items(collector_client, near=NEAR_SE, radius_km=100)] == [str(mine.pk)]


def test_the_count_depends_on_the_point_and_radius(
    manager_client: APIClient, places: dict[str, RealEstate]
) -> None:
    # Counts are cached under the validated filters: each radius and box is its own entry.
    def count(**params: Any) -> int:
        response = manager_client.get(URL, params)
        assert response.status_code == 200
        return int(response.json()["count"])

    assert count(near=NEAR_SE, radius_km=50) == 2
    assert count(near=NEAR_SE, radius_km=100) == 3
    assert count(near=NEAR_SE) == 1
    assert count(near=NEAR_SE, radius_km=10) == 1
    assert count(near="-22.9056,-47.0608", radius_km=100) == 3
    assert count(bbox="-47.5,-24,-46,-22.5") == 3
    assert count(bbox="-46.8,-24,-46,-22.5") == 2


def test_stats_honour_near_and_the_box(manager_client: APIClient, places: dict[str, RealEstate]) -> None:
    response = manager_client.get(f"{URL}/stats", {"group_by": "city", "near": NEAR_SE, "radius_km": 100})
    assert response.status_code == 200, response.json()
    counts = {row["key"]: row["count"] for row in response.json()["results"]}
    assert counts == {"São Paulo": 1, "Guarulhos": 1, "Campinas": 1}
    response = manager_client.get(f"{URL}/stats", {"group_by": "state", "bbox": "-50,-30,-40,-20"})
    assert {row["key"]: row["count"] for row in response.json()["results"]} == {"SP": 3, "RJ": 1}


def _csv(response: Any) -> tuple[list[str], list[dict[str, str]]]:
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    reader = csv.DictReader(io.StringIO(text))
    return list(reader.fieldnames or ()), list(reader)


def test_the_export_honours_near_with_a_distance_column(
    manager_client: APIClient, places: dict[str, RealEstate]
) -> None:
    header, rows = _csv(manager_client.get(f"{URL}/export", {"near": NEAR_SE, "radius_km": 100}))
    assert header == [*HEADER, "distance_km"]
    distances = {row["id"]: float(row["distance_km"]) for row in rows}
    assert set(distances) == {str(places[n].pk) for n in ("se", "guarulhos", "campinas")}
    assert distances[str(places["campinas"].pk)] == pytest.approx(haversine(SE, CAMPINAS), abs=0.002)
    header, rows = _csv(manager_client.get(f"{URL}/export", {"bbox": "-43.5,-23,-43,-22.5"}))
    assert header == list(HEADER)
    assert [row["id"] for row in rows] == [str(places["rio"].pk)]


def test_an_export_to_storage_with_near_equals_the_apis(
    manager_client: APIClient, places: dict[str, RealEstate]
) -> None:
    filters = {"near": NEAR_SE, "radius_km": "100", "ordering": "distance"}
    key = real_estate_export_to_storage(filters=filters)
    with storages["default"].open(key, "rb") as file:
        stored = file.read().decode()
    response = manager_client.get(f"{URL}/export", filters)
    assert stored == b"".join(response.streaming_content).decode()
    assert stored.splitlines()[0].endswith(",distance_km")
    assert len(stored.splitlines()) == 4


@pytest.mark.parametrize(
    "params",
    [
        {"near": "-91,0"},
        {"near": "0,180.5"},
        {"near": "abc"},
        {"near": "1,2,3"},
        {"near": "1e1,2"},
        {"near": "nan,0"},
        {"near": ""},
        {"radius_km": "0", "near": NEAR_SE},
        {"radius_km": "100.5", "near": NEAR_SE},
        {"radius_km": "-1", "near": NEAR_SE},
        {"radius_km": "inf", "near": NEAR_SE},
        {"radius_km": "1_0", "near": NEAR_SE},
        {"radius_km": "10"},
        {"bbox": "1,2,3"},
        {"bbox": "-46,-24,-47,-23"},  # longitudes reversed (or across the antimeridian)
        {"bbox": "-47,-23,-46,-24"},  # latitudes reversed
        {"bbox": "-181,0,0,1"},
        {"bbox": "0,-91,1,0"},
        {"ordering": "distance"},
        {"ordering": "-price,-distance"},
    ],
)
@pytest.mark.parametrize("path", ["", "/stats", "/export"])
def test_bad_nearby_inputs_are_a_400_naming_the_parameter(
    manager_client: APIClient, params: dict[str, str], path: str
) -> None:
    query = {**params, "group_by": "city"} if path == "/stats" else params
    response = manager_client.get(f"{URL}{path}", query)
    assert response.status_code == 400, params
    error = response.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    bad = next(name for name in params if name != "near") if len(params) > 1 else next(iter(params))
    assert set(error["fields"]) == {bad}


def test_bad_input_messages_carry_catalog_codes(manager_client: APIClient) -> None:
    def code(**params: str) -> str:
        field = manager_client.get(URL, params).json()["error"]["fields"]
        ((_, [message]),) = field.items()
        return str(message["code"])

    assert code(near="91,0") == "near_invalid"
    assert code(near=NEAR_SE, radius_km="101") == "radius_invalid"
    assert code(radius_km="5") == "radius_without_near"
    assert code(bbox="x") == "bbox_invalid"
    assert code(bbox="10,0,-10,1") == "bbox_reversed"
    assert code(ordering="distance") == "ordering_distance_without_near"


def _plan(sql_and_params: Any, *, seqscan: bool) -> str:
    with transaction.atomic(), connection.cursor() as cursor:  # SET LOCAL lasts until its end
        if not seqscan:
            cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("ANALYZE real_estates_realestate")
        sql, params = sql_and_params
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.fixture
def many(db: None) -> None:
    """3000 real estates spread over Brazil (a few without coordinates)."""
    rng = random.Random(81)
    rows = [
        RealEstateFactory.build(
            collected_by=None,
            latitude=None if i % 50 == 0 else Decimal(f"{rng.uniform(-33, 5):.6f}"),
            longitude=None if i % 50 == 0 else Decimal(f"{rng.uniform(-73, -35):.6f}"),
        )
        for i in range(3000)
    ]
    RealEstate.objects.bulk_create(rows)
    with connection.cursor() as cursor:  # committed and vacuumed, as autovacuum keeps a table
        cursor.execute("VACUUM (ANALYZE) real_estates_realestate")


@pytest.mark.django_db(transaction=True)  # `many` commits and vacuums its rows
def test_near_is_served_by_the_gist_index_on_postgresql(many: None) -> None:
    assert connection.vendor == "postgresql"
    queryset = RealEstate.objects.near(*SE, radius_km=25).values("id")
    plan = _plan(queryset.query.sql_with_params(), seqscan=True)
    assert "re_earth_idx" in plan, plan
    assert "re_earth_idx" in _plan(queryset.query.sql_with_params(), seqscan=False)


@pytest.mark.django_db(transaction=True)  # `many` commits and vacuums its rows
def test_a_box_is_served_by_the_coordinates_index_on_postgresql(many: None) -> None:
    queryset = RealEstate.objects.in_bbox(-46.8, -23.7, -46.4, -23.4).values("id")
    assert "re_lat_lng_idx" in _plan(queryset.query.sql_with_params(), seqscan=False)


@pytest.mark.parametrize("by_area", [True, False])  # the GiST box, or the bounding box on the row
@pytest.mark.django_db(transaction=True)  # `many` commits and vacuums its rows
def test_near_agrees_with_a_computation_in_python(many: None, by_area: bool) -> None:
    located = RealEstate.objects.filter(latitude__isnull=False, longitude__isnull=False)
    expected = {
        pk
        for pk, lat, lng in located.values_list("id", "latitude", "longitude")
        if haversine(SE, (float(lat), float(lng))) <= 100
    }
    assert expected  # the sample has some
    found = RealEstate.objects.near(*SE, radius_km=100, by_area=by_area).values_list("id", flat=True)
    assert set(found) == expected


@pytest.mark.parametrize("by_area", [True, False])
def test_near_keeps_the_rim_and_drops_the_corners_of_its_box(db: None, by_area: bool) -> None:
    """Due north at the radius (rounded to the columns' micro-degrees, inwards) is in; the corners of
    the circle's bounding box, inside every latitude and longitude bound, are out."""
    radius = 5.0
    band = math.degrees(radius / EARTH_RADIUS_KM)
    rim = RealEstateFactory(
        collected_by=None, latitude=Decimal(f"{SE[0] + band - 0.000001:.6f}"), longitude=Decimal(str(SE[1]))
    )
    corner = RealEstateFactory(
        collected_by=None,
        latitude=Decimal(f"{SE[0] + band * 0.95:.6f}"),
        longitude=Decimal(f"{SE[1] + band * 0.95 / math.cos(math.radians(SE[0])):.6f}"),
    )
    nowhere = RealEstateFactory(collected_by=None, latitude=None, longitude=None)
    found = dict(
        RealEstate.objects.near(*SE, radius_km=radius, by_area=by_area).values_list("id", "distance_km")
    )
    assert rim.pk in found
    assert found[rim.pk] == pytest.approx(radius, abs=0.001)
    assert corner.pk not in found
    assert nowhere.pk not in found


SQLITE_CHECK = """
import json
from decimal import Decimal
from django.core.management import call_command
from apps.real_estates.models import RealEstate
from tests.real_estates.factories import RealEstateFactory
call_command("migrate", verbosity=0)
points = {
    "se": (-23.5505, -46.6333),
    "guarulhos": (-23.4538, -46.5333),
    "campinas": (-22.9056, -47.0608),
    "rio": (-22.9068, -43.1729),
    "nowhere": (None, None),
}
names = {
    RealEstateFactory(collected_by=None, latitude=lat, longitude=lng).pk: name
    for name, (lat, lng) in points.items()
}
near = RealEstate.objects.near(-23.5505, -46.6333, radius_km=100).order_by("distance_km")
print(json.dumps([(names[row["id"]], row["distance_km"]) for row in near.values("id", "distance_km")]))
box = RealEstate.objects.in_bbox(-47.5, -24, -46, -22.5).values_list("id", flat=True)
print(json.dumps(sorted(names[pk] for pk in box)))
newest = RealEstate.objects.near(-23.5505, -46.6333, radius_km=100).order_by("-created_at", "-id")
ids_first = [names[pk] for pk in newest.page_ids(1, 3).values_list("id", flat=True)]
print(json.dumps([ids_first, [names[pk] for pk in newest.values_list("id", flat=True)[1:3]]]))
"""


def test_near_and_a_box_are_correct_on_sqlite(tmp_path: Path) -> None:
    """The embedded default database: the same QuerySet methods, run by manage.py on SQLite."""
    done = run_on_sqlite(tmp_path, "manage.py", "shell", "-c", SQLITE_CHECK)
    assert done.returncode == 0, done.stderr
    near, box, page = done.stdout.strip().splitlines()[-3:]
    found = json.loads(near)
    assert [name for name, _ in found] == ["se", "guarulhos", "campinas"]
    assert found[2][1] == pytest.approx(haversine(SE, CAMPINAS), abs=0.002)
    assert found[1][1] == pytest.approx(haversine(SE, GUARULHOS), abs=0.002)
    assert json.loads(box) == ["campinas", "guarulhos", "se"]
    ids_first, sliced = json.loads(page)  # a page read ids first (`AmongIds`: `IN` on SQLite)
    assert len(ids_first) == 2
    assert ids_first == sliced


# --- the list's shapes without a status (docs/adr/0051), on the same 3000 rows ----------------


@pytest.mark.django_db(transaction=True)  # `many` commits and vacuums its rows
def test_city_kind_and_purpose_by_price_scan_their_index_in_order(many: None) -> None:
    page = RealEstate.objects.in_city("Campinas").filter(kind="apartment", purpose="sale")
    plan = _plan(page.order_by("price", "id").values("id")[:50].query.sql_with_params(), seqscan=False)
    assert "re_city_kind_price_idx" in plan, plan


@pytest.mark.django_db(transaction=True)  # `many` commits and vacuums its rows
def test_kind_and_purpose_by_price_descending_then_age_scan_their_index(many: None) -> None:
    page = RealEstate.objects.filter(kind="house", purpose="rent").order_by("-price", "created_at", "id")
    plan = _plan(page.values("id")[:50].query.sql_with_params(), seqscan=False)
    assert "re_kind_price_idx" in plan, plan
