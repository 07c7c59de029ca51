"""Reads of real estates: the vocabulary views, services, the admin and commands query with."""

import math
from datetime import datetime
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import TYPE_CHECKING, Any

from django.db import connections, models
from django.db.models import F, Func, Q, Subquery, Value
from django.db.models.functions import Cast, StrIndex
from django.db.models.lookups import GreaterThan

from apps.core.unicode_case import UnicodeLower
from apps.real_estates.search import search_terms

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.models.sql.compiler import SQLCompiler

    from apps.real_estates.models import RealEstate, RealEstateTransition
    from apps.users.models import User

# A list item's (and the CSV export's) columns, read as plain rows: `.values()` spares a
# model instance per row, the page's largest cost. All of them live on the row itself (the
# collector's name and the cover's key are denormalised), so a page joins no table.
LISTING_COLUMNS: tuple[str, ...] = (
    "id",
    "title",
    "kind",
    "purpose",
    "status",
    "price",
    "area_m2",
    "bedrooms",
    "city",
    "state",
    "photo_count",
    "created_at",
    "updated_at",
    "collected_by_id",
    "collected_by_name",
    "cover_key",
)


# The sphere both backends measure on: earthdistance's `earth()` (metres), so the distance a
# PostgreSQL index pre-selects by and the exact one (haversine, below) agree.
EARTH_RADIUS_KM = 6378.168


def _float(column: str) -> Cast:
    return Cast(column, models.FloatField())


class HaversineKm(Func):
    """The great-circle distance in km from (`lat`, `lng`) to a row's coordinates; NULL without
    coordinates. One expression that writes the haversine formula in SQL with functions both
    backends have (SQLite's are Django's own), so a request resolves and compiles two columns
    instead of a tree of some thirty math expressions (docs/adr/0057)."""

    output_field = models.FloatField()

    def __init__(self, lat: float, lng: float) -> None:
        super().__init__(_float("latitude"), _float("longitude"))
        self.lat_r, self.lng_r = math.radians(lat), math.radians(lng)

    def as_sql(
        self,
        compiler: "SQLCompiler",
        connection: "BaseDatabaseWrapper",
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> tuple[str, tuple[Any, ...]]:  # Django's documented custom-expression hook
        (lat_sql, lat_params), (lng_sql, lng_params) = (
            compiler.compile(expression) for expression in self.get_source_expressions()
        )
        least = "MIN" if connection.vendor == "sqlite" else "LEAST"  # as Django's `Least`
        # min(a, 1): floating point may leave `a` a hair above 1 for antipodal points.
        sql = (
            f"(%s * ASIN(SQRT({least}(POWER(SIN((RADIANS({lat_sql}) - %s) / 2.0), 2)"
            f" + %s * COS(RADIANS({lat_sql})) * POWER(SIN((RADIANS({lng_sql}) - %s) / 2.0), 2), 1.0))))"
        )
        params: list[Any] = [2 * EARTH_RADIUS_KM, *lat_params, self.lat_r, math.cos(self.lat_r), *lat_params]
        params += [*lng_params, self.lng_r]
        return sql, (*params,)


class WithinCircle(Func):
    """PostgreSQL, a dense circle read newest first: the row lies within the circle's
    `bounding_box`, then within `radius_km` by the haversine distance. One boolean expression in
    place of three lookups, so a request builds the box once and compiles it as two columns and
    the distance (docs/adr/0081); the box is compared on the raw columns (or the covering index's
    tuple) before the distance is computed.

    The box's four comparisons are written as calls of `numeric_ge`/`numeric_le`, the functions
    behind numeric's `>=` and `<=`: the same test at the same cost, but no index condition. As
    operators, the planner would estimate the box from the latitudes' and the longitudes'
    histograms as if they were independent, far too few rows, and read the box through the btree
    on (latitude, longitude) and sort it (docs/adr/0081's addenda have the figures). NULL
    (so false) without coordinates."""

    output_field = models.BooleanField()

    def __init__(self, lat: float, lng: float, radius_km: float) -> None:
        super().__init__(F("latitude"), F("longitude"), HaversineKm(lat, lng))
        self.radius_km = radius_km
        min_lat, max_lat, min_lng, max_lng = bounding_box(lat, lng, radius_km)
        # (lowest, highest) of the latitudes, and of the longitudes when the box has them
        self.ranges = [(min_lat, max_lat)]
        if min_lng is not None and max_lng is not None:
            self.ranges.append((min_lng, max_lng))

    def as_sql(
        self,
        compiler: "SQLCompiler",
        connection: "BaseDatabaseWrapper",
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> tuple[str, tuple[Any, ...]]:  # Django's documented custom-expression hook
        *columns, (distance_sql, distance_params) = (
            compiler.compile(expression) for expression in self.get_source_expressions()
        )
        tests: list[str] = []
        params: list[Any] = []
        for (column_sql, column_params), (lowest, highest) in zip(columns, self.ranges, strict=False):
            tests.append(f"numeric_ge({column_sql}, %s) AND numeric_le({column_sql}, %s)")
            params += [*column_params, lowest, *column_params, highest]
        tests.append(f"{distance_sql} <= %s")
        params += [*distance_params, self.radius_km]
        return f"({' AND '.join(tests)})", (*params,)


class AmongIds(Func):
    """The row's primary key is one of `ids`' (a sliced queryset of primary keys). On PostgreSQL
    `id = ANY(ARRAY(<ids>))`: the ids' statement runs once, as an init plan, and the primary key's
    index looks up its array. As `id IN (<ids>)` the planner makes it a semi-join to plan and run
    (a unique aggregate of the ids, a nested loop, a memoize node over the probes), more to plan
    and run for a page (docs/adr/0057, addendum of 2026-12-03). Elsewhere `IN`."""

    output_field = models.BooleanField()

    def __init__(self, ids: "models.QuerySet[Any, Any]") -> None:
        super().__init__(F("pk"), Subquery(ids))

    def as_sql(
        self,
        compiler: "SQLCompiler",
        connection: "BaseDatabaseWrapper",
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> tuple[str, tuple[Any, ...]]:  # Django's documented custom-expression hook
        (pk_sql, pk_params), (ids_sql, ids_params) = (
            compiler.compile(expression) for expression in self.get_source_expressions()
        )
        # Compiled here, not by `Func.as_sql`, which would write an empty page's ids (an
        # `EmptyResultSet`) as NULL: raised, it empties the whole statement, as `pk__in` does.
        among = f"= ANY(ARRAY{ids_sql})" if connection.vendor == "postgresql" else f"IN {ids_sql}"
        return f"{pk_sql} {among}", (*pk_params, *ids_params)


_MICRO = Decimal("0.000001")  # the coordinates' resolution (numeric(9,6))


def bounding_box(
    lat: float, lng: float, radius_km: float
) -> tuple[Decimal, Decimal, Decimal | None, Decimal | None]:
    """(min_lat, max_lat, min_lng, max_lng) that every point within `radius_km` of (`lat`, `lng`)
    lies between, rounded outwards to the columns' micro-degrees: a superset of the circle, which
    comparisons on the raw columns test before the distance. No longitude bounds (None) when the
    circle reaches a pole or crosses the antimeridian (the distance still decides there).

    From the haversine formula, hav(d) = hav(Δφ) + cos φ₁ cos φ₂ hav(Δλ) for an angular distance
    d: |Δφ| ≤ d, and hav(Δλ) ≤ hav(d) / (cos φ₁ cos φ₂), largest where |φ₂| is."""
    angle = radius_km / EARTH_RADIUS_KM
    band = math.degrees(angle) + 1e-9  # the float error of these few operations, far below 1e-6
    low, high = lat - band, lat + band

    def down(value: float) -> Decimal:
        return Decimal(value).quantize(_MICRO, rounding=ROUND_FLOOR)

    def up(value: float) -> Decimal:
        return Decimal(value).quantize(_MICRO, rounding=ROUND_CEILING)

    if low <= -90 or high >= 90:
        return down(max(low, -90.0)), up(min(high, 90.0)), None, None
    widest = max(abs(low), abs(high))
    ratio = math.sin(angle / 2) ** 2 / (math.cos(math.radians(lat)) * math.cos(math.radians(widest)))
    if ratio >= 1:
        return down(low), up(high), None, None
    spread = math.degrees(2 * math.asin(math.sqrt(ratio))) + 1e-9
    if lng - spread < -180 or lng + spread > 180:
        return down(low), up(high), None, None
    return down(low), up(high), down(lng - spread), up(lng + spread)


def _in_bounding_box(lat: float, lng: float, radius_km: float) -> Q:
    """`latitude` and `longitude` between the circle's `bounding_box`, what a btree on (latitude,
    longitude) serves."""
    min_lat, max_lat, min_lng, max_lng = bounding_box(lat, lng, radius_km)
    box = Q(latitude__gte=min_lat, latitude__lte=max_lat)
    if min_lng is not None:
        box &= Q(longitude__gte=min_lng, longitude__lte=max_lng)
    return box


class StoredPricePerM2(Func):
    """PostgreSQL: the row's `price_per_m2`, its price over its area in floating point, a stored
    generated column of the real estates that the model does not declare (migration 0011)."""

    template = '"real_estates_realestate"."price_per_m2"'
    output_field = models.FloatField()


def _ll_to_earth(lat: Any, lng: Any) -> Func:
    return Func(lat, lng, function="ll_to_earth", output_field=models.FloatField())


def _earth_box_contains(lat: float, lng: float, radius_km: float) -> Func:
    """PostgreSQL (cube + earthdistance): the row's point lies in the cube around the centre
    that holds every point within `radius_km`, `earth_box(ll_to_earth(lat, lng), m) @>
    ll_to_earth(latitude, longitude)`, the expression the GiST index `re_earth_idx` is on
    (migration 0007). A superset of the circle: the exact distance is checked beside it."""
    box = Func(
        _ll_to_earth(Value(lat), Value(lng)),
        Value(radius_km * 1000.0),
        function="earth_box",
        output_field=models.FloatField(),
    )
    return Func(
        box,
        _ll_to_earth(F("latitude"), F("longitude")),
        template="%(expressions)s",
        arg_joiner=" @> ",
        output_field=models.BooleanField(),
    )


# What `with_listing_data()` answers: one dict per real estate.
type ListingRows = models.QuerySet["RealEstate", dict[str, Any]]


def visibility(user: "User | Any") -> str:
    """Which real estates `user` sees, as a key: `all`, `collector:<id>` or `none`."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return "none"
    if user.is_manager_or_admin:
        return "all"
    return f"collector:{user.pk}"


class RealEstateQuerySet(models.QuerySet["RealEstate"]):
    def visible_to(self, user: "User | Any") -> "RealEstateQuerySet":
        """Collectors see their own; managers and admins see all; anyone else nothing
        (`visibility(user)` names the same scope)."""
        scope = visibility(user)
        if scope == "none":
            return self.none()
        if scope == "all":
            return self
        return self.filter(collected_by=user)

    def with_listing_data(self) -> ListingRows:
        """One query for a page of list items, as dicts of `LISTING_COLUMNS`, from the real
        estate's table alone: the collector's name (`collected_by_name`) and the cover, the first
        photo's 256 px thumbnail key (`cover_key`: "" until it is made, None without photos),
        are copies kept on the row."""
        rows: ListingRows = self.values(*LISTING_COLUMNS)
        return rows

    def with_detail_data(self) -> "RealEstateQuerySet":
        """Both users joined, the heavy columns left out: the instance a write service takes.
        The API's detail reads plain rows instead (`api.serializers.DETAIL_COLUMNS`)."""
        return self.select_related("collected_by", "reviewed_by").defer(
            "search_text",
            *(f"{rel}__{field}" for rel in ("collected_by", "reviewed_by") for field in _USER_HEAVY_FIELDS),
        )

    def in_city(self, city: str) -> "RealEstateQuerySet":
        """Case-insensitive, every letter (`são paulo` finds `SÃO PAULO`); served by the
        `Lower(city)` index on PostgreSQL. Lower-cased by the database on both sides: on SQLite,
        whose lower() folds ASCII letters only, by `unicode_lower` (apps/core/unicode_case.py)."""
        return self.alias(city_lower=UnicodeLower("city")).filter(
            city_lower=UnicodeLower(Value(city.strip()))
        )

    def search(self, q: str, *, by_index: bool = True) -> "RealEstateQuerySet":
        """Every word of `q` in title, description, street, neighborhood or city, ignoring
        case and accents (`sao paulo` finds `São Paulo`). `LIKE '%word%'` on the normalised
        `search_text`, served by its trigram index on PostgreSQL.

        `by_index=False`: the same test as `strpos(search_text, word) > 0` (`instr` on SQLite),
        which no index serves, for words so common that a page is found sooner by reading newest
        first and checking each candidate on the covering index (`RealEstateFilterBackend`
        decides from the counts, docs/adr/0057). The same rows."""
        queryset = self
        for term in search_terms(q):
            if by_index:
                queryset = queryset.filter(search_text__contains=term)
            else:
                queryset = queryset.filter(GreaterThan(StrIndex("search_text", Value(term)), 0))
        return queryset

    def near(self, lat: float, lng: float, radius_km: float, *, by_area: bool = True) -> "RealEstateQuerySet":
        """Real estates within `radius_km` of (`lat`, `lng`) (great-circle, inclusive), annotated
        with `distance_km`; those without coordinates never match.

        Index-backed on both backends: on PostgreSQL the GiST index on `ll_to_earth(latitude,
        longitude)` pre-selects a box around the circle; elsewhere the btree on (latitude,
        longitude) the circle's `bounding_box`. The haversine distance then decides exactly.

        `by_area=False` (PostgreSQL): no GiST box, for a circle that holds so many of the rows
        that a page is found sooner by reading newest first and checking each candidate on the
        covering index than by collecting the whole circle and sorting it (the planner cannot
        tell: it estimates any `@>` on a cube at 0.1 % of the rows; `RealEstateFilterBackend`
        decides from the counts, docs/adr/0057). Each candidate is first compared with the
        `bounding_box` (two or four numeric comparisons on the index tuple), and only those
        inside it pay the distance. The same rows."""
        postgresql = connections[self.db].vendor == "postgresql"
        annotated = self.annotate(distance_km=HaversineKm(lat, lng))  # each annotate or filter clones
        if postgresql and not by_area:
            # No `IS NOT NULL` (the box and the distance are NULL, so false, without
            # coordinates): the btree on (latitude, longitude) would serve it, and the planner
            # could take it.
            return annotated.filter(WithinCircle(lat, lng, radius_km))
        area = (_earth_box_contains if postgresql else _in_bounding_box)(lat, lng, radius_km)
        located = Q(latitude__isnull=False, longitude__isnull=False)
        return annotated.filter(located, area, distance_km__lte=radius_km)

    def in_bbox(self, min_lng: float, min_lat: float, max_lng: float, max_lat: float) -> "RealEstateQuerySet":
        """Real estates whose coordinates lie in the box, edges included (no wrap across the
        antimeridian); served by the btree on (latitude, longitude)."""
        return self.filter(
            latitude__gte=min_lat, latitude__lte=max_lat, longitude__gte=min_lng, longitude__lte=max_lng
        )

    def page_ids(self, bottom: int, top: int) -> "RealEstateQuerySet":
        """Rows `bottom` to `top` of this ordered queryset, found in two steps: the page's ids
        first (a statement that reads only the ids, so on PostgreSQL an index-only scan of a
        covering index can check `q` and `near` without reading a table row per candidate,
        migration 0009), then those rows, by primary key (`AmongIds`), under the same conditions
        and order."""
        return self.filter(AmongIds(self.values("pk")[bottom:top]))

    def cities_in_uf(self, uf: str, *, among: int = 5000) -> set[str]:
        """The cities the newest `among` real estates of `uf` name, for the admin's city filter:
        one scan of `re_state_created_idx` that stops after `among` rows, however large the UF,
        where the distinct cities of the whole table were a pass over it (docs/adr/0116)."""
        return set(self.filter(state=uf).order_by("-created_at").values_list("city", flat=True)[:among])

    def created_bounds(self) -> "tuple[datetime | None, datetime | None]":
        """The first and the last `created_at` (None, None without rows), for the admin's date
        hierarchy. On the whole table, two reads at the ends of `re_created_idx`, where the
        distinct years of the rows were a pass over them (docs/adr/0128)."""
        bounds = self.order_by().aggregate(first=models.Min("created_at"), last=models.Max("created_at"))
        return bounds["first"], bounds["last"]

    def stats_by(self, group_by: str) -> "models.QuerySet[RealEstate, dict[str, Any]]":
        """One row per `group_by` value: count, average price and average price per m²,
        computed in the database, largest groups first.

        The price per m² is each row's price over its area in floating point, averaged. On
        PostgreSQL each row's quotient is stored (`price_per_m2`, a generated column the model
        does not declare, migration 0011) and the covering `re_stats_idx` carries it, so the
        query converts no decimal; elsewhere it is computed in the query, the same value."""
        per_m2: Any
        if connections[self.db].vendor == "postgresql":
            per_m2 = StoredPricePerM2()
        else:
            # In floating point: SQLite would otherwise divide integer-valued decimals as integers.
            per_m2 = _float("price") / _float("area_m2")
        rows: models.QuerySet[RealEstate, dict[str, Any]] = (
            self.order_by()
            .values(group_by)
            .annotate(
                # COUNT(*), not of a column: the covering `re_stats_idx` (migrations 0010, 0011)
                # then answers it all by an index-only scan.
                count=models.Count("*"),
                avg_price=models.Avg("price"),
                avg_price_per_m2=models.Avg(per_m2),
            )
            .order_by("-count", group_by)
        )
        return rows


class RealEstateTransitionQuerySet(models.QuerySet["RealEstateTransition"]):
    def history(self) -> "models.QuerySet[RealEstateTransition]":
        """The steps oldest first, each with what the API shows of it: its statuses, time, reason
        and its actor's id and name (one query, no other column of the user)."""
        return (
            self.select_related("actor")
            .only("from_status", "to_status", "at", "reason", "actor__id", "actor__name")
            .order_by("at", "id")
        )


# Columns of a user a nested `{id, name}` never needs (the password hash above all).
_USER_HEAVY_FIELDS: tuple[str, ...] = ("password", "last_login", "email", "cpf", "date_joined", "updated_at")
