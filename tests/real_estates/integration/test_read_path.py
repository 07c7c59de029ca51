"""The list's speed devices hold their contracts: per-thread queryset templates, the cached
filter form, reused validated FilterSets, the count cached with its generation, the planner's
city/state statistics."""

import threading
from typing import Any

import pytest
from django.db import connection
from django.http import QueryDict

from apps.real_estates import list_cache
from apps.real_estates.api.filters import RealEstateFilterSet, narrowing
from apps.real_estates.models import RealEstate, Status
from apps.real_estates.querysets import detailed, listing
from tests.real_estates.factories import RealEstateFactory

pytestmark = pytest.mark.django_db


def test_every_caller_gets_its_own_clone_of_the_template() -> None:
    RealEstateFactory.create_batch(3, status=Status.DRAFT)
    first, second = listing(), listing()
    assert first is not second
    assert len(first.filter(status=Status.APPROVED)) == 0
    assert len(second) == 3  # evaluating or narrowing one clone leaves the others alone
    assert len(listing()) == 3
    assert first._result_cache is None


def test_the_template_rows_are_the_list_rows() -> None:
    real_estate = RealEstateFactory()
    (row,) = listing()
    assert row["id"] == real_estate.pk
    assert row["collected_by_name"] == real_estate.collected_by.name
    assert row["cover_key"] is None
    assert detailed().get(pk=real_estate.pk) == real_estate


def test_each_thread_builds_its_own_template() -> None:
    seen: list[Any] = []

    def grab() -> None:
        listing()
        from apps.real_estates import querysets

        seen.append(querysets._templates.listing)

    threads = [threading.Thread(target=grab) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen[0] is not seen[1]


def test_the_filter_form_class_is_built_once_and_still_validates() -> None:
    first = RealEstateFilterSet(data=QueryDict("min_price=abc"), queryset=listing())
    second = RealEstateFilterSet(data=QueryDict("state=sp"), queryset=listing())
    assert first.get_form_class() is second.get_form_class()
    assert not first.is_valid()
    assert "min_price" in first.errors
    assert second.is_valid()
    assert second.form.cleaned_data["state"] == "SP"


def test_a_count_cached_under_an_older_generation_is_counted_again(settings: Any) -> None:
    settings.REAL_ESTATES_COUNT_CACHE_SECONDS = 60
    RealEstateFactory.create_batch(2)
    queryset = RealEstate.objects.all()
    assert list_cache.cached_count(queryset, key="all") == 2
    RealEstateFactory()
    assert list_cache.cached_count(queryset, key="all") == 2  # cached: no write went through a service
    list_cache.bump_generation()
    assert list_cache.cached_count(queryset, key="all") == 3


def test_the_planner_knows_a_city_decides_its_state() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT stxkind FROM pg_statistic_ext WHERE stxname = 're_city_state_stats'")
        (kinds,) = cursor.fetchone()
    assert set(kinds) >= {"f", "m"}  # functional dependencies and most-common values


def test_a_narrowing_is_reused_for_the_same_parameters(manager_client: Any) -> None:
    narrowing.cache_clear()
    RealEstateFactory(status=Status.DRAFT, city="Campinas")
    RealEstateFactory(status=Status.DRAFT, city="Santos")
    for _ in range(3):
        response = manager_client.get("/api/v1/real-estates", {"city": "campinas", "page_size": 5})
        assert [item["city"] for item in response.json()["results"]] == ["Campinas"]
    assert narrowing.cache_info().hits == 2
    # The same parameters in another order are the same entry; `page_size` is not a filter.
    manager_client.get("/api/v1/real-estates", {"page_size": 7, "city": "campinas"})
    assert narrowing.cache_info().hits == 3
    kept = narrowing(RealEstateFilterSet, (("city", ("campinas",)),))
    assert kept.filterset.request is None  # nobody's request is kept
    assert not hasattr(kept, "queryset")  # nor anybody's rows


def test_a_reused_narrowing_narrows_each_callers_own_rows(client_for: Any) -> None:
    narrowing.cache_clear()
    mine, theirs = RealEstateFactory(city="Campinas"), RealEstateFactory(city="Campinas")
    for owner in (mine, theirs):
        response = client_for(owner.collected_by).get("/api/v1/real-estates", {"city": "campinas"})
        assert [item["id"] for item in response.json()["results"]] == [str(owner.pk)]
    assert narrowing.cache_info().hits == 1


def test_invalid_parameters_are_refused_every_time(manager_client: Any) -> None:
    narrowing.cache_clear()
    for _ in range(2):
        response = manager_client.get("/api/v1/real-estates", {"min_price": "cheap"})
        assert response.status_code == 400
        assert "min_price" in response.json()["error"]["fields"]
    assert narrowing.cache_info().currsize == 0
