"""`RealEstateFilterSet.filter_queryset` folds the plain lookups into one `.filter()` and
answers exactly what django-filter's own `BaseFilterSet.filter_queryset` answers."""

from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.db.models import QuerySet
from django.db.models.sql.where import AND
from django.http import QueryDict
from django_filters import rest_framework as filters
from django_filters.filterset import BaseFilterSet

from apps.real_estates.api.filters import RealEstateFilterSet, UfFilter, _folded_lookup
from apps.real_estates.models import Kind, Purpose, RealEstate, Status
from apps.real_estates.querysets import listing
from apps.users.models import User
from tests.real_estates.conftest import MakeRealEstate
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db

COLLECTOR = "<the other collector's id>"  # replaced in the test: ids are made per test
TYPICAL = {
    "status": "approved",
    "state": "sp",
    "kind": "apartment",
    "purpose": "sale",
    "min_price": "200000",
    "max_price": "600000",
    "city": "campinas",
    "ordering": "-price",
}


@pytest.fixture
def other_collector(db: None) -> User:
    return UserFactory()


@pytest.fixture
def spread(make_real_estate: MakeRealEstate, other_collector: User) -> list[RealEstate]:
    """30 real estates over every status, kind, purpose, three cities, prices, areas, bedrooms,
    two collectors and a month; three of them the typical filtered list's answer."""
    places = (("Campinas", "SP"), ("São Paulo", "SP"), ("Curitiba", "PR"))
    start = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
    made = [
        make_real_estate(
            status=list(Status)[i % len(Status)],
            city=places[i % 3][0],
            state=places[i % 3][1],
            area_m2=Decimal(40 + 15 * i),
            bedrooms=i % 5,
            created_at=start + timedelta(days=i),
            **({"collected_by": other_collector} if i % 4 == 0 else {}),
        )
        for i in range(27)
    ]
    made += [
        make_real_estate(
            status=Status.APPROVED,
            kind=Kind.APARTMENT,
            purpose=Purpose.SALE,
            city="Campinas",
            state="SP",
            price=Decimal(price),
            created_at=start + timedelta(days=3, hours=i),
        )
        for i, price in enumerate(("250000", "400000", "550000"))
    ]
    return made


ALONE: list[dict[str, str]] = [
    {"status": "approved"},
    {"kind": "apartment"},
    {"purpose": "rent"},
    {"city": "campinas"},
    {"state": "sp"},
    {"min_price": "200000"},
    {"max_price": "500000"},
    {"min_area": "200"},
    {"max_area": "300"},
    {"min_bedrooms": "2"},
    {"collected_by": COLLECTOR},
    {"created_after": "2026-01-10"},
    {"created_before": "2026-01-20T12:00:00Z"},
    {"q": "campinas"},
    {"ordering": "-price"},
    {"ordering": "area_m2"},
]
TOGETHER: list[dict[str, str]] = [
    {},
    TYPICAL,
    {
        "state": "SP",
        "q": "campinas",
        "created_after": "2026-01-03",
        "created_before": "2026-01-25",
        "ordering": "price",
    },
    {
        "min_price": "1000",
        "max_price": "3000000",
        "min_area": "50",
        "max_area": "400",
        "min_bedrooms": "1",
        "collected_by": COLLECTOR,
        "ordering": "-created_at",
    },
    {
        "status": "draft",
        "city": "São Paulo",
        "q": "sao paulo",
        "created_after": "2026-01-02",
        "ordering": "-area_m2",
    },
    {"kind": "house", "purpose": "sale", "state": "PR", "city": " curitiba ", "max_area": "500"},
]


def validated(
    params: dict[str, str], collector: User, filterset_class: type[Any] = RealEstateFilterSet
) -> Any:
    data = QueryDict(mutable=True)
    data.update({name: str(collector.pk) if value == COLLECTOR else value for name, value in params.items()})
    filterset = filterset_class(data=data)
    assert filterset.is_valid(), filterset.errors
    return filterset


def ids(queryset: QuerySet[Any]) -> list[Any]:
    return [row["id"] for row in queryset]


def conditions(queryset: QuerySet[Any]) -> Counter[tuple[str, tuple[Any, ...]]]:
    """The top-level conditions of the WHERE (ANDed), each compiled to its SQL and parameters."""
    where = queryset.query.where
    assert where.connector == AND
    assert not where.negated
    compiler = queryset.query.get_compiler(connection=connection)
    return Counter((sql, tuple(params)) for sql, params in map(compiler.compile, where.children))


@pytest.mark.parametrize("params", ALONE + TOGETHER)
def test_it_answers_the_rows_of_django_filters_own_filter_queryset_in_the_same_order(
    spread: list[RealEstate], other_collector: User, params: dict[str, str]
) -> None:
    filterset = validated(params, other_collector)
    folded = filterset.filter_queryset(listing())
    original = BaseFilterSet.filter_queryset(filterset, listing())
    assert ids(folded) == ids(original)
    assert conditions(folded) == conditions(original)
    assert folded.query.order_by == original.query.order_by


def test_the_typical_filtered_list_is_one_filter_call_instead_of_six(
    spread: list[RealEstate], other_collector: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[dict[str, Any]] = []
    real_filter = QuerySet.filter

    def counted(queryset: QuerySet[Any], *args: Any, **kwargs: Any) -> QuerySet[Any]:
        calls.append(kwargs)
        return real_filter(queryset, *args, **kwargs)

    filterset = validated(TYPICAL, other_collector)
    monkeypatch.setattr(QuerySet, "filter", counted)
    original = BaseFilterSet.filter_queryset(filterset, listing())
    assert len(calls) == 7  # six lookups, then the city's
    calls.clear()
    folded = filterset.filter_queryset(listing())
    assert len(calls) == 2  # the six lookups at once, then the city's
    assert set(calls[0]) == {
        "status__exact",
        "state__exact",
        "kind__exact",
        "purpose__exact",
        "price__gte",
        "price__lte",
    }
    monkeypatch.undo()
    assert len(conditions(folded)) == 7
    assert conditions(folded) == conditions(original)
    rows = list(folded)
    assert {real_estate.pk for real_estate in spread[-3:]} <= {row["id"] for row in rows}
    assert [row["price"] for row in rows] == sorted((row["price"] for row in rows), reverse=True)


class WiderFilterSet(RealEstateFilterSet):
    """Filters with behaviour of their own: they must take django-filter's path."""

    not_status = filters.ChoiceFilter(field_name="status", choices=Status.choices, exclude=True)
    price_from = filters.NumberFilter(field_name="price", lookup_expr="gte")  # min_price's lookup
    any_state = filters.CharFilter(field_name="state", distinct=True)
    unreviewed = filters.ChoiceFilter(field_name="reviewed_by", choices=[], null_label="Unreviewed")
    collector_name = filters.CharFilter(field_name="collected_by__name", lookup_expr="icontains")
    kinds = filters.MultipleChoiceFilter(field_name="kind", choices=Kind.choices)


@pytest.mark.parametrize(
    "params",
    [
        {"not_status": "draft", "kind": "house"},
        {"min_price": "200000", "price_from": "300000"},
        {"price_from": "300000", "min_price": "200000", "max_price": "500000"},
        {"any_state": "SP", "ordering": "price"},
        {"unreviewed": "null", "state": "SP"},
        {"collector_name": "a", "purpose": "sale"},
        {"kinds": ["house", "land"], "min_bedrooms": "1", "ordering": "-area_m2"},
    ],
)
def test_filters_with_behaviour_of_their_own_keep_django_filters_meaning(
    spread: list[RealEstate], other_collector: User, params: dict[str, Any]
) -> None:
    data = QueryDict(mutable=True)
    for name, value in params.items():
        data.setlist(name, value if isinstance(value, list) else [value])
    filterset = WiderFilterSet(data=data)
    assert filterset.is_valid(), filterset.errors
    folded = filterset.filter_queryset(listing())
    original = BaseFilterSet.filter_queryset(filterset, listing())
    assert ids(folded) == ids(original)
    assert conditions(folded) == conditions(original)


class OwnFilter(filters.NumberFilter):
    def filter(self, qs: Any, value: Any) -> Any:
        return qs.filter(price__gte=value * 2)


class OwnMethod(filters.CharFilter):
    def get_method(self, qs: Any) -> Any:
        return qs.exclude


PLAIN: list[tuple[Callable[[], Any], Any, str]] = [
    (lambda: filters.ChoiceFilter(choices=Status.choices, field_name="status"), "approved", "status__exact"),
    (lambda: filters.NumberFilter(field_name="price", lookup_expr="gte"), Decimal(1), "price__gte"),
    (lambda: filters.UUIDFilter(field_name="collected_by_id"), "x", "collected_by_id__exact"),
    (lambda: filters.CharFilter(field_name="city", lookup_expr="iexact"), "x", "city__iexact"),
    (lambda: UfFilter(field_name="state"), "SP", "state__exact"),
]
NOT_PLAIN: list[tuple[Callable[[], Any], Any]] = [
    (lambda: filters.CharFilter(field_name="city", method="filter_city"), "x"),
    (lambda: filters.CharFilter(field_name="city", exclude=True), "x"),
    (lambda: filters.CharFilter(field_name="city", distinct=True), "x"),
    (lambda: filters.ChoiceFilter(field_name="status", choices=Status.choices, null_label="-"), "null"),
    (lambda: OwnFilter(field_name="price"), Decimal(1)),
    (lambda: OwnMethod(field_name="city"), "x"),
    (lambda: filters.CharFilter(field_name="collected_by__name"), "x"),  # a join
    (lambda: filters.CharFilter(field_name="photos"), "x"),  # a relation to many
    (lambda: filters.CharFilter(field_name="city_lower"), "x"),  # an annotation, not a field
    (lambda: filters.MultipleChoiceFilter(field_name="kind", choices=Kind.choices), ["house"]),
    (lambda: filters.OrderingFilter(fields=["price"]), ["price"]),
]


@pytest.mark.parametrize(("make", "value", "lookup"), PLAIN)
def test_a_plain_lookup_is_folded(make: Callable[[], Any], value: Any, lookup: str) -> None:
    assert _folded_lookup(make(), value, RealEstate.objects.all()) == lookup


@pytest.mark.parametrize(("make", "value"), NOT_PLAIN)
def test_a_filter_with_behaviour_of_its_own_is_not_folded(make: Callable[[], Any], value: Any) -> None:
    assert _folded_lookup(make(), value, RealEstate.objects.all()) is None
