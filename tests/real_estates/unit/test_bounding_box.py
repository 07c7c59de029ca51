"""`querysets.bounding_box`: the latitudes and longitudes a `near` candidate is compared with before
its distance is computed must hold every point of the circle (docs/adr/0081), at any place."""

import math
import random
from decimal import Decimal

import pytest

from apps.real_estates.querysets import EARTH_RADIUS_KM, bounding_box


def _haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lng1, lat2, lng2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(h, 1.0)))


def _destination(start: tuple[float, float], bearing: float, km: float) -> tuple[float, float]:
    """The point `km` away from `start` on the initial `bearing` (radians), longitude in [-180, 180)."""
    lat, lng, d = math.radians(start[0]), math.radians(start[1]), km / EARTH_RADIUS_KM
    lat2 = math.asin(math.sin(lat) * math.cos(d) + math.cos(lat) * math.sin(d) * math.cos(bearing))
    lng2 = lng + math.atan2(
        math.sin(bearing) * math.sin(d) * math.cos(lat), math.cos(d) - math.sin(lat) * math.sin(lat2)
    )
    return math.degrees(lat2), (math.degrees(lng2) + 180) % 360 - 180


def _inside(box: tuple[Decimal, Decimal, Decimal | None, Decimal | None], point: tuple[float, float]) -> bool:
    min_lat, max_lat, min_lng, max_lng = box
    lat, lng = point
    if not float(min_lat) <= lat <= float(max_lat):
        return False
    if min_lng is None or max_lng is None:
        return min_lng is max_lng  # no longitude bounds: both are None
    return float(min_lng) <= lng <= float(max_lng)


@pytest.mark.parametrize(
    ("centre", "radius_km"),
    [
        ((-23.55, -46.63), 5),  # the bench's São Paulo
        ((-25.43, -49.27), 0.01),
        ((-23.5505, -46.6333), 100),
        ((0.0, 0.0), 100),  # the equator: the widest longitudes per km are narrowest
        ((-60.0, -70.0), 100),  # far south: a degree of longitude is short
        ((64.1, -21.9), 37.5),
    ],
)
def test_every_point_of_the_circle_lies_in_its_box(centre: tuple[float, float], radius_km: float) -> None:
    box = bounding_box(*centre, radius_km)
    assert box[2] is not None  # these circles have longitude bounds
    rng = random.Random(81)
    for step in range(720):  # the rim, every half degree of bearing, and points inside
        bearing = math.radians(step / 2)
        for km in (radius_km, radius_km * rng.random()):
            point = _destination(centre, bearing, km)
            assert _haversine_km(centre, point) <= radius_km * (1 + 1e-9) + 1e-9
            assert _inside(box, point), (point, box)


def test_the_box_is_tight_around_the_circle() -> None:
    min_lat, max_lat, min_lng, max_lng = bounding_box(-23.55, -46.63, 5)
    assert min_lng is not None
    assert max_lng is not None
    # A 5 km radius is 0.0449 degrees of latitude and, at 23.5 degrees south, 0.049 of longitude.
    assert float(max_lat - min_lat) == pytest.approx(2 * 0.04492, abs=1e-4)
    assert float(max_lng - min_lng) == pytest.approx(2 * 0.04900, abs=2e-4)


def test_the_bounds_are_in_the_columns_micro_degrees_rounded_outwards() -> None:
    box = bounding_box(-23.55, -46.63, 5)
    for bound in box:
        assert bound is not None
        assert bound.as_tuple().exponent == -6
    exact_band = math.degrees(5 / EARTH_RADIUS_KM)
    assert float(box[0]) <= -23.55 - exact_band
    assert float(box[1]) >= -23.55 + exact_band


@pytest.mark.parametrize("centre", [(89.99, 10.0), (-89.5, -170.0)])
def test_a_circle_reaching_a_pole_has_no_longitude_bounds(centre: tuple[float, float]) -> None:
    min_lat, max_lat, min_lng, max_lng = bounding_box(*centre, 100)
    assert (min_lng, max_lng) == (None, None)
    assert -90 <= min_lat <= max_lat <= 90
    across = _destination(centre, 0 if centre[0] > 0 else math.pi, 90)  # over the pole
    assert _inside((min_lat, max_lat, min_lng, max_lng), across)


@pytest.mark.parametrize("centre", [(-16.0, 179.95), (-16.0, -179.99)])
def test_a_circle_across_the_antimeridian_has_no_longitude_bounds(centre: tuple[float, float]) -> None:
    box = bounding_box(*centre, 20)
    assert (box[2], box[3]) == (None, None)
    east, west = _destination(centre, math.pi / 2, 19), _destination(centre, -math.pi / 2, 19)
    assert _inside(box, east)
    assert _inside(box, west)
