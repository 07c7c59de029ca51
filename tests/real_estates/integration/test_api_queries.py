"""List and detail run a fixed number of SQL queries, whatever the page size."""

from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from apps.media.models import Photo
from apps.real_estates.models import Status
from tests.real_estates.factories import RealEstateFactory
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/real-estates"


def queries_of(client: APIClient, url: str, **params: Any) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("params", [{}, {"status": "draft", "q": "casa", "ordering": "-price"}])
def test_the_list_costs_the_same_for_1_and_100_items(
    manager_client: APIClient, params: dict[str, str]
) -> None:
    for _ in range(3):
        collector = UserFactory()
        RealEstateFactory.create_batch(40, collected_by=collector, title="Casa ampla")
    cache.clear()
    cold_one = queries_of(manager_client, URL, page_size=1, **params)
    cache.clear()
    cold_hundred = queries_of(manager_client, URL, page_size=100, **params)
    # The user (authentication), the count, the page with its collectors and covers.
    assert cold_one == cold_hundred == 3
    # Once the user and the count are cached, only the page.
    assert queries_of(manager_client, URL, page_size=1, **params) == 1
    assert queries_of(manager_client, URL, page_size=100, **params) == 1


def test_the_list_does_not_count_again_until_a_write(manager_client: APIClient) -> None:
    RealEstateFactory.create_batch(5)
    assert queries_of(manager_client, URL) == 3  # the user, the count, the page
    assert queries_of(manager_client, URL) == 1  # the page


def test_the_detail_with_its_photos_is_one_query(manager_client: APIClient) -> None:
    real_estate = RealEstateFactory(status=Status.APPROVED, photos=3)
    photos = list(Photo.objects.filter(real_estate=real_estate).order_by("position"))
    # The user (authentication), then the real estate with its users and photos, joined.
    assert queries_of(manager_client, f"{URL}/{real_estate.pk}") == 2
    with CaptureQueriesContext(connection) as captured:
        body = manager_client.get(f"{URL}/{real_estate.pk}").json()
    assert len(captured) == 1
    assert [photo["id"] for photo in body["photos"]] == [str(photo.pk) for photo in photos]
    assert body["reviewed_by"]["name"] == real_estate.reviewed_by.name


def test_the_detail_of_a_real_estate_without_photos_is_one_query(manager_client: APIClient) -> None:
    real_estate = RealEstateFactory()
    queries_of(manager_client, f"{URL}/{real_estate.pk}")  # the user is cached from here on
    with CaptureQueriesContext(connection) as captured:
        response = manager_client.get(f"{URL}/{real_estate.pk}")
    assert response.json()["photos"] == []
    assert len(captured) == 1
