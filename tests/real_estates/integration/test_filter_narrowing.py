"""The narrowing kept per parameter set (`api/filters.py: Narrowing`) answers exactly what
django-filter's own `BaseFilterSet.filter_queryset` answers, on any caller's queryset."""

from collections import Counter
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

from apps.real_estates.api.filters import Narrowing, RealEstateFilterSet, narrowing
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


def params_of(params: dict[str, Any], collector: User) -> Any:
    """`params` as the backend keys them: sorted names, each with its values."""
    listed = {name: value if isinstance(value, list) else [value] for name, value in params.items()}
    return tuple(
        sorted(
            (name, tuple(str(collector.pk) if value == COLLECTOR else value for value in values))
            for name, values in listed.items()
        )
    )


def validated(
    params: dict[str, Any], collector: User, filterset_class: type[Any] = RealEstateFilterSet
) -> Any:
    data = QueryDict(mutable=True)
    for name, values in params_of(params, collector):
        data.setlist(name, list(values))
    filterset = filterset_class(data=data)
    assert filterset.is_valid(), filterset.errors
    return filterset


def ids(queryset: QuerySet[Any]) -> list[Any]:
    return [row["id"] if isinstance(row, dict) else row.pk for row in queryset]


def conditions(queryset: QuerySet[Any]) -> Counter[tuple[str, tuple[Any, ...]]]:
    """The top-level conditions of the WHERE (ANDed), each compiled to its SQL and parameters."""
    where = queryset.query.where
    assert where.connector == AND
    assert not where.negated
    compiler = queryset.query.get_compiler(connection=connection)
    return Counter((sql, tuple(params)) for sql, params in map(compiler.compile, where.children))


def assert_same_answer(narrowed: QuerySet[Any], original: QuerySet[Any]) -> None:
    assert ids(narrowed) == ids(original)
    assert narrowed.count() == original.count()
    assert conditions(narrowed) == conditions(original)
    assert narrowed.query.order_by == original.query.order_by


@pytest.mark.parametrize("params", ALONE + TOGETHER)
def test_it_answers_the_rows_of_django_filters_own_filter_queryset_in_the_same_order(
    spread: list[RealEstate], other_collector: User, params: dict[str, str]
) -> None:
    kept = narrowing(RealEstateFilterSet, params_of(params, other_collector))
    assert kept.conditions is not None  # every filter of the list narrows the plain way
    filterset = validated(params, other_collector)
    for base in (listing, RealEstate.objects.all, lambda: listing().visible_to(other_collector)):
        assert_same_answer(kept.apply(base()), BaseFilterSet.filter_queryset(filterset, base()))


def test_one_narrowing_serves_many_callers_and_stays_as_it_was_built(
    spread: list[RealEstate], other_collector: User
) -> None:
    kept = narrowing(RealEstateFilterSet, params_of(TYPICAL, other_collector))
    built = [str(condition) for condition in kept.conditions or ()]
    filterset = validated(TYPICAL, other_collector)
    everyones = ids(BaseFilterSet.filter_queryset(filterset, listing()))
    theirs = ids(BaseFilterSet.filter_queryset(filterset, listing().visible_to(other_collector)))
    stats = list(BaseFilterSet.filter_queryset(filterset, RealEstate.objects.all()).stats_by("city"))
    assert {real_estate.pk for real_estate in spread[-3:]} <= set(everyones)
    assert set(theirs) < set(everyones)  # the last three are not theirs
    for _ in range(3):
        assert ids(kept.apply(listing())) == everyones
        assert ids(kept.apply(listing().visible_to(other_collector))) == theirs
        assert list(kept.apply(RealEstate.objects.all()).stats_by("city")) == stats
    assert [str(condition) for condition in kept.conditions or ()] == built
    assert narrowing(RealEstateFilterSet, params_of(TYPICAL, other_collector)) is kept


def test_the_typical_filtered_list_narrows_without_resolving_its_conditions_again(
    spread: list[RealEstate], other_collector: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept = Narrowing(validated(TYPICAL, other_collector))
    assert kept.conditions is not None
    assert len(kept.conditions) == 7  # status, state, kind, purpose, both prices and the city
    calls: list[tuple[Any, ...]] = []
    real_filter = QuerySet.filter

    def counted(queryset: QuerySet[Any], *args: Any, **kwargs: Any) -> QuerySet[Any]:
        calls.append(args)
        return real_filter(queryset, *args, **kwargs)

    theirs = listing().visible_to(other_collector)
    monkeypatch.setattr(QuerySet, "filter", counted)
    narrowed = kept.apply(theirs)
    monkeypatch.undo()
    assert calls == []
    children = narrowed.query.where.children
    assert all(any(child is condition for child in children) for condition in kept.conditions)
    assert len(theirs.query.where.children) == 1  # the caller's queryset is left as it was
    rows = list(kept.apply(listing()))
    assert {real_estate.pk for real_estate in spread[-3:]} <= {row["id"] for row in rows}
    assert [row["price"] for row in rows] == sorted((row["price"] for row in rows), reverse=True)


def test_a_sliced_queryset_is_refused_as_django_filter_refuses_it(
    spread: list[RealEstate], other_collector: User
) -> None:
    for params in (TYPICAL, {"status": "approved"}):  # with an ordering and without one
        kept = narrowing(RealEstateFilterSet, params_of(params, other_collector))
        with pytest.raises(TypeError, match="slice"):
            kept.apply(listing()[:5])


class WiderFilterSet(RealEstateFilterSet):
    """Filters with behaviour of their own: they must take django-filter's path."""

    not_status = filters.ChoiceFilter(field_name="status", choices=Status.choices, exclude=True)
    price_from = filters.NumberFilter(field_name="price", lookup_expr="gte")  # min_price's lookup
    any_state = filters.CharFilter(field_name="state", distinct=True)
    unreviewed = filters.ChoiceFilter(field_name="reviewed_by", choices=[], null_label="Unreviewed")
    collector_name = filters.CharFilter(field_name="collected_by__name", lookup_expr="icontains")
    kinds = filters.MultipleChoiceFilter(field_name="kind", choices=Kind.choices)


@pytest.mark.parametrize(
    ("params", "plain"),
    [
        ({"not_status": "draft", "kind": "house"}, True),
        ({"min_price": "200000", "price_from": "300000"}, True),
        ({"price_from": "300000", "min_price": "200000", "max_price": "500000"}, True),
        ({"any_state": "SP", "ordering": "price"}, False),  # DISTINCT: applied per caller
        ({"unreviewed": "null", "state": "SP"}, True),
        ({"collector_name": "a", "purpose": "sale"}, False),  # a join: applied per caller
        ({"kinds": ["house", "land"], "min_bedrooms": "1", "ordering": "-area_m2"}, False),  # DISTINCT
    ],
)
def test_filters_with_behaviour_of_their_own_keep_django_filters_meaning(
    spread: list[RealEstate], other_collector: User, params: dict[str, Any], plain: bool
) -> None:
    filterset = validated(params, other_collector, WiderFilterSet)
    kept = Narrowing(filterset)
    assert (kept.conditions is not None) is plain
    for base in (listing, RealEstate.objects.all):
        assert_same_answer(kept.apply(base()), BaseFilterSet.filter_queryset(filterset, base()))
