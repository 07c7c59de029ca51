"""Query parameters of the list, stats and export: one FilterSet, so they always agree.

Invalid values are a 400 VALIDATION_ERROR naming the parameter (django-filter validates
the whole set before any SQL runs). What the OpenAPI schema declares for each parameter is
exactly what is accepted: an empty value (`?status=`) is refused like any other value outside
the parameter's domain, never silently ignored; a repeated parameter takes its last value,
except `ordering`, whose several keys go in one comma-separated value.
"""

import functools
import re
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any, ClassVar

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils.dateparse import parse_date, parse_datetime
from django_filters import rest_framework as filters
from django_filters.utils import translate_validation
from drf_spectacular.utils import extend_schema_field
from rest_framework.request import Request

from apps.core import errors
from apps.core.fields import query_number, whole_number
from apps.core.filters import ExactUUIDFilter, StrictQueryForm, field_error, padded
from apps.real_estates import list_cache
from apps.real_estates.api.pagination import rows_key
from apps.real_estates.api.serializers import UF_SCHEMA_PATTERN
from apps.real_estates.models import ROOMS_MAX, Kind, Purpose, RealEstate, Status
from apps.real_estates.querysets import RealEstateQuerySet, visibility
from apps.real_estates.search import search_terms
from apps.real_estates.validators import UFS

ORDERING_FIELDS = ("created_at", "price", "area_m2", "distance")
MAX_RADIUS_KM = 100.0
DEFAULT_RADIUS_KM = 10.0  # `near` without `radius_km`
CENTS = Decimal("0.01")
MAX_PRICE = Decimal(10**12)  # above any storable price (numeric 14,2)
MAX_AREA = Decimal(10**10)  # above any storable area (numeric 12,2)
_OFFSET_SPACE = re.compile(r" ([0-9]{2}:?[0-9]{2})$")
# The extended forms the schema declares: RFC 3339's `date` and `date-time` (its offset optional:
# naive is UTC). Python's `fromisoformat`, which Django's parsers try first, also reads ISO 8601's
# basic and week forms (`20260302`, `2026W101`) and forty digits as some moment.
_DATE_OR_DATETIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
    r"(?:[Tt ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:[.,][0-9]+)?)?(?:[Zz]|[+-][0-9]{2}(?::?[0-9]{2})?)?)?"
)


class RealEstateQueryForm(StrictQueryForm):
    """The rules between parameters: `radius_km` needs `near` (and defaults to
    `DEFAULT_RADIUS_KM` with it, so both spellings share a cache key); so does `ordering=distance`."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        near = cleaned.get("near")
        if near is None and "near" not in self.errors:
            if cleaned.get("radius_km") is not None:
                self.add_error("radius_km", field_error(errors.RADIUS_WITHOUT_NEAR))
            if any(key.lstrip("-") == "distance" for key in cleaned.get("ordering") or ()):
                self.add_error("ordering", field_error(errors.ORDERING_DISTANCE_WITHOUT_NEAR))
        elif near is not None and cleaned.get("radius_km") is None and "radius_km" not in self.errors:
            cleaned["radius_km"] = DEFAULT_RADIUS_KM
        return cleaned


# Decimal degrees within range, as the schema's patterns say (at most three integer digits and
# fifteen decimals, no spaces, no exponent); the bounds hold for the number as written (ADR 0120).
_LATITUDE = r"-?(?:0?[0-8]?[0-9](?:\.[0-9]{1,15})?|0?90(?:\.0{1,15})?)"
_LONGITUDE = r"-?(?:(?:0?[0-9]?[0-9]|1[0-7][0-9])(?:\.[0-9]{1,15})?|180(?:\.0{1,15})?)"
NEAR_PATTERN = f"^{_LATITUDE},{_LONGITUDE}$"
BBOX_PATTERN = f"^{_LONGITUDE},{_LATITUDE},{_LONGITUDE},{_LATITUDE}$"


def _numbers(text: str, pattern: str) -> list[float] | None:
    """The comma-separated decimal degrees `pattern` matches, or None."""
    if not re.fullmatch(pattern, text):
        return None
    return [float(part) for part in text.split(",")]


class NearField(forms.CharField):
    """`near=<lat>,<lng>` → (lat, lng), in range."""

    def to_python(self, value: Any) -> tuple[float, float] | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        numbers = None if padded(value) else _numbers(text, NEAR_PATTERN)
        if numbers is None:
            raise field_error(errors.NEAR_INVALID)
        return numbers[0], numbers[1]


class RadiusField(forms.CharField):
    """`radius_km`: a number of kilometres, 0 < r ≤ `MAX_RADIUS_KM`."""

    def to_python(self, value: Any) -> float | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        radius = None if padded(value) else query_number(text)
        if radius is None or not 0 < radius <= Decimal(MAX_RADIUS_KM):
            raise field_error(errors.RADIUS_INVALID, limit=int(MAX_RADIUS_KM))
        return float(radius)


class BboxField(forms.CharField):
    """`bbox=<min_lng>,<min_lat>,<max_lng>,<max_lat>` → those four, in range, each minimum
    at most its maximum (no box across the antimeridian)."""

    def to_python(self, value: Any) -> tuple[float, float, float, float] | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        numbers = None if padded(value) else _numbers(text, BBOX_PATTERN)
        if numbers is None:
            raise field_error(errors.BBOX_INVALID)
        min_lng, min_lat, max_lng, max_lat = numbers
        if min_lng > max_lng or min_lat > max_lat:
            raise field_error(errors.BBOX_REVERSED)
        return min_lng, min_lat, max_lng, max_lat


# No schema `default` or `example` on these parameters: Swagger UI's "Try it out" would fill
# them in and send them (a radius without `near` is a 400); examples are in the descriptions.
@extend_schema_field(
    {
        "type": "string",
        "pattern": NEAR_PATTERN,
        "description": "`<lat>,<lng>` in decimal degrees (latitude -90 to 90, longitude -180 to 180), "
        "e.g. `-23.5505,-46.6333`: "
        "real estates within `radius_km` of that point, great-circle distance; each item carries "
        "`distance_km` and `ordering=distance` is allowed. Those without coordinates never match.",
    }
)
class NearFilter(filters.Filter):  # type: ignore[misc]
    field_class = NearField


@extend_schema_field(
    {
        "type": "number",
        "minimum": 0,
        "exclusiveMinimum": True,
        "maximum": MAX_RADIUS_KM,
        "description": f"Kilometres around `near` (only with it; {DEFAULT_RADIUS_KM:g} when absent), "
        f"more than 0 and at most {MAX_RADIUS_KM:g}, e.g. `25`; the distance is inclusive.",
    }
)
class RadiusFilter(filters.Filter):  # type: ignore[misc]
    field_class = RadiusField


@extend_schema_field(
    {
        "type": "string",
        "pattern": BBOX_PATTERN,
        "description": "`<min_lng>,<min_lat>,<max_lng>,<max_lat>` in decimal degrees, edges included, "
        "e.g. `-47.2,-23.8,-46.3,-22.8`; "
        "each minimum at most its maximum (a box across the antimeridian is refused, split it). "
        "Combined with `near`, both apply. Real estates without coordinates never match.",
    }
)
class BboxFilter(filters.Filter):  # type: ignore[misc]
    field_class = BboxField


class DateOrDateTimeField(forms.CharField):
    """`2026-01-31` or an ISO 8601 datetime (naive means UTC) → (datetime in UTC, is_date). A
    moment outside years 1 to 9999 in UTC (`0001-01-01T00:30+01:00`) becomes the nearest one
    inside, which selects the same rows: Django's SQLite adapter converts the bound to UTC."""

    def to_python(self, value: Any) -> tuple[datetime, bool] | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        text = _OFFSET_SPACE.sub(r"+\1", text)  # an unencoded `+` of an offset arrives as a space
        if padded(value) or not _DATE_OR_DATETIME.fullmatch(text):
            raise field_error(errors.INVALID_DATETIME)
        try:
            day = parse_date(text)
            moment = None if day else parse_datetime(text)
        except ValueError:
            day = moment = None
        if day is not None:
            return datetime.combine(day, time.min, tzinfo=UTC), True
        if moment is None:
            raise field_error(errors.INVALID_DATETIME)
        try:
            return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC), False
        except OverflowError:  # before year 1 or after 9999 in UTC: the nearest moment a datetime holds
            edge = datetime.min.replace(tzinfo=UTC) if moment.year == 1 else datetime.max.replace(tzinfo=UTC)
            return edge, False


def date_or_datetime_schema[F: Callable[..., Any]](description: str) -> Callable[[F], F]:
    """The schema of a `DateOrDateTimeFilter`'s method (without it, a plain string: schema-driven
    clients and fuzzers would never send it a date)."""
    return extend_schema_field(
        {
            "anyOf": [{"type": "string", "format": "date"}, {"type": "string", "format": "date-time"}],
            "description": f"{description} A naive datetime is UTC.",
        }
    )


class DateOrDateTimeFilter(filters.Filter):  # type: ignore[misc]
    field_class = DateOrDateTimeField


def created_before[Q: QuerySet[Any]](queryset: Q, value: tuple[datetime, bool]) -> Q:
    """`created_before`: up to the end of a date (inclusive), or up to a datetime (exclusive)."""
    moment, is_date = value
    if not is_date:
        return queryset.filter(created_at__lt=moment)
    if moment.date() == date.max:  # no next day to stop before: every row is earlier
        return queryset
    return queryset.filter(created_at__lt=moment + timedelta(days=1))


class UfChoiceField(forms.CharField):
    def to_python(self, value: Any) -> str:
        text = (super().to_python(value) or "").strip().upper()
        if text and text not in UFS:
            raise field_error(errors.UF_INVALID)
        return text


@extend_schema_field(
    {
        "type": "string",
        # Any case (`sp`, `Sp` and `SP` alike), with the whitespace the field trims around it: the
        # pattern of the address's `state` (docs/adr/0104).
        "pattern": UF_SCHEMA_PATTERN,
        "description": "UF, any case.",
    }
)
class UfFilter(filters.CharFilter):  # type: ignore[misc]
    field_class = UfChoiceField


class BoundField(forms.DecimalField):
    """A non-negative bound on a column of two decimal places, rounded to cents towards the
    rows it admits (`rounding`): `price >= 10.001` is `price >= 10.01`, exactly."""

    def __init__(self, *, rounding: str, maximum: Decimal, **kwargs: Any) -> None:
        super().__init__(min_value=Decimal(0), max_value=maximum, **kwargs)
        self.rounding = rounding

    def clean(self, value: Any) -> Decimal | None:
        # A number as JSON writes it (`query_number`): Django's DecimalField also reads `+1`, `.5`,
        # `1_0`, an Arabic-Indic digit and whitespace around, none a `type: number` (ADR 0125).
        if value not in self.empty_values and query_number(str(value)) is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        number: Decimal | None = super().clean(value)
        return None if number is None else number.quantize(CENTS, rounding=self.rounding)


class BoundFilter(filters.NumberFilter):  # type: ignore[misc]
    """`column >= value` (`gte`) or `column <= value` (`lte`), `value` a `BoundField`."""

    field_class = BoundField
    maximum: Decimal

    def __init__(self, column: str, lookup: str) -> None:
        rounding = ROUND_CEILING if lookup == "gte" else ROUND_FLOOR
        super().__init__(field_name=column, lookup_expr=lookup, rounding=rounding, maximum=self.maximum)

    def get_max_validator(self) -> None:
        return None  # the field has its own maximum


@extend_schema_field({"type": "number", "minimum": 0, "maximum": float(MAX_PRICE)})
class PriceFilter(BoundFilter):
    maximum = MAX_PRICE


@extend_schema_field({"type": "number", "minimum": 0, "maximum": float(MAX_AREA)})
class AreaFilter(BoundFilter):
    maximum = MAX_AREA


class CountField(forms.IntegerField):
    """A count as the schema's `type: integer` has it (`whole_number`): not `2.0`, `+2`, ` 2` or
    an Arabic-Indic two, which Django's IntegerField reads as 2."""

    def to_python(self, value: Any) -> int | None:
        if value not in self.empty_values and whole_number(str(value)) is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


@extend_schema_field({"type": "integer", "minimum": 0, "maximum": ROOMS_MAX})
class BedroomsFilter(filters.NumberFilter):  # type: ignore[misc]
    field_class = CountField

    def __init__(self) -> None:
        super().__init__(field_name="bedrooms", lookup_expr="gte", min_value=0, max_value=ROOMS_MAX)

    def get_max_validator(self) -> None:
        return None  # the field has its own maximum


class SearchField(forms.CharField):
    """`q`: at most `REAL_ESTATES_SEARCH_MAX_LENGTH` characters and `REAL_ESTATES_SEARCH_MAX_TERMS`
    words of two or more characters (shorter words are ignored, `search.search_terms`)."""

    def validate(self, value: Any) -> None:
        super().validate(value)
        if len(value) > settings.REAL_ESTATES_SEARCH_MAX_LENGTH:
            raise field_error(errors.SEARCH_TOO_LONG, limit=settings.REAL_ESTATES_SEARCH_MAX_LENGTH)
        if len(search_terms(value)) > settings.REAL_ESTATES_SEARCH_MAX_TERMS:
            raise field_error(errors.SEARCH_TOO_MANY_TERMS, limit=settings.REAL_ESTATES_SEARCH_MAX_TERMS)


class SearchFilter(filters.CharFilter):  # type: ignore[misc]
    field_class = SearchField


class StableOrderingFilter(filters.OrderingFilter):  # type: ignore[misc]
    """Orders by the chosen keys, then by id in the direction of the last: pages never overlap."""

    def filter(self, qs: Any, value: Any) -> Any:
        if not value:
            return qs
        ordering = [self.get_ordering_value(param) for param in value]
        tiebreak = "-id" if ordering[-1].startswith("-") else "id"
        return qs.order_by(*ordering, tiebreak)


class RealEstateFilterSet(filters.FilterSet):  # type: ignore[misc]
    status = filters.ChoiceFilter(choices=Status.choices)
    kind = filters.ChoiceFilter(choices=Kind.choices)
    purpose = filters.ChoiceFilter(choices=Purpose.choices)
    city = filters.CharFilter(method="filter_city", help_text="Exact city, case-insensitive.")
    state = UfFilter(field_name="state")
    min_price = PriceFilter("price", "gte")
    max_price = PriceFilter("price", "lte")
    min_area = AreaFilter("area_m2", "gte")
    max_area = AreaFilter("area_m2", "lte")
    min_bedrooms = BedroomsFilter()
    collected_by = ExactUUIDFilter(field_name="collected_by_id")
    created_after = DateOrDateTimeFilter(method="filter_created_after")
    created_before = DateOrDateTimeFilter(method="filter_created_before")
    q = SearchFilter(method="filter_q", strip=False)
    near = NearFilter(method="filter_near")
    radius_km = RadiusFilter(method="filter_radius_km")
    bbox = BboxFilter(method="filter_bbox")
    # Declared last: `distance` orders by what `near` annotated.
    ordering = StableOrderingFilter(
        fields=tuple((key, key) if key != "distance" else ("distance_km", key) for key in ORDERING_FIELDS),
        help_text="One or more keys, comma-separated (`-price,created_at`); `-` for descending. "
        "`distance` only with `near`. Send the parameter once.",
    )

    # Whether `q` and `near` pre-select their matches on an index (the trigram index, the
    # circle's area); `RealEstateFilterBackend` turns it off for dense matches read newest first.
    by_index = True
    # Whether `near` pre-selects the circle's area on its GiST index; off for the stats, which
    # test the circle on `re_stats_idx`'s tuples instead (`RealEstateFilterBackend`).
    near_by_area = True

    class Meta:
        model = RealEstate
        fields: list[str] = []
        form = RealEstateQueryForm

    built_form_class: ClassVar[type[forms.Form]]

    def get_form_class(self) -> type[forms.Form]:
        """django-filter's form class, built once per FilterSet class: its fields depend on the
        class alone (no choices read from the request or the database), and each form instance
        copies them, as with any form class declared at import."""
        cls = type(self)
        if "built_form_class" not in vars(cls):
            cls.built_form_class = super().get_form_class()
        return cls.built_form_class

    # Not blank (`StrictQueryForm` refuses whitespace alone, as an empty value).
    @extend_schema_field({"type": "string", "pattern": r"\S", "description": "Exact city, case-insensitive."})
    def filter_city(self, queryset: RealEstateQuerySet, name: str, value: str) -> RealEstateQuerySet:
        return queryset.in_city(value)

    @extend_schema_field(
        {
            "type": "string",
            "minLength": 1,
            "maxLength": settings.REAL_ESTATES_SEARCH_MAX_LENGTH,
            "description": "Words in title, description, street, neighborhood or city (any case and "
            f"accents); every word must occur. At most {settings.REAL_ESTATES_SEARCH_MAX_TERMS} words "
            "of two or more characters; one-character words are ignored.",
        }
    )
    def filter_q(self, queryset: RealEstateQuerySet, name: str, value: str) -> RealEstateQuerySet:
        return queryset.search(value, by_index=self.by_index)

    def filter_near(
        self, queryset: RealEstateQuerySet, name: str, value: tuple[float, float]
    ) -> RealEstateQuerySet:
        return queryset.near(
            *value, radius_km=self.form.cleaned_data["radius_km"], by_area=self.by_index and self.near_by_area
        )

    def filter_radius_km(self, queryset: RealEstateQuerySet, name: str, value: float) -> RealEstateQuerySet:
        return queryset  # `near` applies it

    def filter_bbox(
        self, queryset: RealEstateQuerySet, name: str, value: tuple[float, float, float, float]
    ) -> RealEstateQuerySet:
        return queryset.in_bbox(*value)

    @date_or_datetime_schema("A date (from its start) or an ISO 8601 datetime, inclusive.")
    def filter_created_after(
        self, queryset: RealEstateQuerySet, name: str, value: tuple[datetime, bool]
    ) -> RealEstateQuerySet:
        return queryset.filter(created_at__gte=value[0])

    @date_or_datetime_schema("A date (up to its end, inclusive) or an ISO 8601 datetime (exclusive).")
    def filter_created_before(
        self, queryset: RealEstateQuerySet, name: str, value: tuple[datetime, bool]
    ) -> RealEstateQuerySet:
        return created_before(queryset, value)


# Filters that another filter reads: `near` applies `radius_km` (the form sets its default).
_COMPANIONS = {"near": "radius_km"}


def filterset_for(parameters: Iterable[str]) -> type[RealEstateFilterSet]:
    """`RealEstateFilterSet` with the filters of `parameters` alone (and their companions): what a
    request's parameters select. The others would validate and apply nothing, yet each request
    would copy all 18 filters and their form fields (docs/adr/0020, item 10)."""
    given = set(parameters) & RealEstateFilterSet.base_filters.keys()
    given |= {_COMPANIONS[name] for name in given if name in _COMPANIONS}
    return _narrowed(frozenset(given))


@functools.lru_cache(maxsize=256)
def _narrowed(names: frozenset[str]) -> type[RealEstateFilterSet]:
    # A filter named in a subclass's attributes is not inherited (django-filter's metaclass, as
    # Django's forms do with fields); the declared order stays, `ordering` last.
    dropped = {name: None for name in RealEstateFilterSet.base_filters if name not in names}
    return type("RealEstateFilterSet", (RealEstateFilterSet,), dropped)


# Matches of `q` or `near` are read newest first, without their index (`by_index = False`),
# when a page is expected among the first `DENSE_FACTOR` x (their number) rows of the ordered
# scan: with `c` matches among the `n` rows it walks, the scan meets a page of `DENSE_PAGE` after
# about DENSE_PAGE x n / c candidates (matches spread evenly in time), checked on the covering
# index, while the index's plan reads all `c` table rows and sorts them; a candidate costs about
# a twelfth of such a row (measured, docs/adr/0057's addendum of 2026-12-03). The planner cannot
# decide this itself: it estimates any `@>` on a cube at 0.1 % of the rows, and a `LIKE '%word%'`
# from a sample of 100 values.
DENSE_PAGE = 50  # a page of 50 (the default is 20, the largest 100)
DENSE_FACTOR = 12


class RealEstateFilterBackend(filters.DjangoFilterBackend):  # type: ignore[misc]  # django-filter: no stubs
    """django-filter's backend, which also leaves the validated filters on the view as
    `filters`: what the list's count and the stats are cached under (`list_cache.filters_key`),
    `page_ids_first`: whether the list's pages are found ids first (`page_ids`), and
    `list_count`: the list's count when it read it (else None), which the paginator then reuses."""

    def get_filterset(self, request: Request, queryset: QuerySet[Any], view: Any) -> Any:
        """The view's FilterSet, narrowed to the request's parameters (`filterset_for`)."""
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None:
            return None
        if filterset_class is RealEstateFilterSet:
            filterset_class = filterset_for(request.query_params.keys())
        return filterset_class(**self.get_filterset_kwargs(request, queryset, view))

    def filter_queryset(self, request: Request, queryset: QuerySet[Any], view: Any) -> QuerySet[Any]:
        view.page_ids_first = False
        view.list_count = None
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None or not request.query_params.keys() & filterset_class.base_filters.keys():
            view.filters = {}  # nothing to validate or apply: the list as it is
            return queryset
        filterset = self.get_filterset(request, queryset, view)
        if not filterset.is_valid():
            raise translate_validation(filterset.errors)
        cleaned = filterset.form.cleaned_data
        view.filters = cleaned
        if (
            getattr(view, "action", None) == "list"
            and (cleaned.get("q") or cleaned.get("near") is not None)
            and _newest_first(cleaned)
            # The covering indexes hold no collector: a collector's scan would read a row per
            # candidate, and their own lists are small.
            and visibility(request.user) == "all"
            and settings.REAL_ESTATES_COUNT_CACHE_SECONDS > 0  # the decision reads cached counts
        ):
            built: list[bool] = []

            def count_matches() -> int:
                built.append(True)
                return int(filterset.qs.count())  # through the indexes

            # The list's own count (left on the view for the paginator), and the count of the rows
            # the ordered scan walks: those of the status when one is given (re_status_created_idx),
            # else all (re_created_idx); each the count of that list, cached under its key, both
            # read in one round trip.
            walked = {"status": cleaned["status"]} if cleaned.get("status") else {}
            list_key = rows_key(request, view)
            walked_key = list_cache.filters_key(scope="all", filters=walked)
            counts = list_cache.cached_results(
                "count", {list_key: count_matches, walked_key: lambda: queryset.filter(**walked).count()}
            )
            matches, total = counts[list_key], counts[walked_key]
            view.list_count = matches
            if DENSE_FACTOR * matches * matches >= DENSE_PAGE * total:
                if built:  # its queryset is built: a fresh FilterSet builds the other one
                    filterset = self.get_filterset(request, queryset, view)
                    filterset.is_valid()
                filterset.by_index = False
                view.page_ids_first = True
        if getattr(view, "action", None) == "stats" and cleaned.get("near") is not None:
            # The stats read every row in view: a circle's are tested on `re_stats_idx`, which
            # carries the coordinates (an index-only scan whatever the radius), rather than taken
            # from the GiST index and read from the table one by one (docs/adr/0057, addendum).
            filterset.near_by_area = False
        narrowed: QuerySet[Any] = filterset.qs
        return narrowed


def _newest_first(cleaned: dict[str, Any]) -> bool:
    ordering = cleaned.get("ordering") or ["-created_at"]
    return str(ordering[0]).lstrip("-") == "created_at"
