"""A cached count is valid while the generation it was computed at is current (list_cache,
docs/adr/0020). The generation can be lost (culled from the embedded default's read cache past
`CACHE_MAX_ENTRIES`, evicted by Redis' `allkeys-lru`) while counts computed under an earlier
one survive: a generation started again must be one no surviving count carries."""

import pytest
from django.core.cache import caches
from rest_framework.test import APIClient

from apps.real_estates import list_cache
from tests.real_estates.factories import RealEstateFactory

pytestmark = pytest.mark.django_db(transaction=True)  # the writes bump the generation after commit

LIST = "/api/v1/real-estates"


def _evict_generation() -> None:
    caches[list_cache.CACHE_ALIAS].delete(list_cache.GENERATION_KEY)


def test_a_count_cached_before_the_generation_was_lost_twice_is_not_read_as_current(
    manager_client: APIClient,
) -> None:
    RealEstateFactory(kind="house")
    _evict_generation()
    houses = manager_client.get(LIST, {"kind": "house"})
    assert houses.json()["count"] == 1  # cached under the generation just begun
    RealEstateFactory(kind="house")  # its write bumps the generation past that count's
    assert manager_client.get(LIST).json()["count"] == 2  # another count, under the new one

    _evict_generation()  # lost again, the houses' count of the first generation still cached

    assert manager_client.get(LIST, {"kind": "house"}).json()["count"] == 2
