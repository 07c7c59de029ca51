"""The list's cached counts and stats are keyed by the validated meaning of the request: the
caller's visibility and the cleaned filters, never the spelling of the query string."""

from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from apps.real_estates import list_cache
from apps.real_estates.models import Status
from apps.users.models import Role, User
from apps.users.services import user_delete
from tests.real_estates.conftest import MakeRealEstate
from tests.real_estates.factories import RealEstateFactory
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/real-estates"
STATS = "/api/v1/real-estates/stats"


@pytest.fixture(autouse=True)
def _counts_cached(settings: Any) -> None:
    settings.REAL_ESTATES_COUNT_CACHE_SECONDS = 60


def counted(client: APIClient, query: str) -> tuple[int, bool]:
    """The list's `count` for `query`, and whether answering it ran a COUNT."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"{LIST}?{query}")
    assert response.status_code == 200, response.json()
    return response.json()["count"], any("COUNT(" in q["sql"] for q in captured)


@pytest.fixture
def statuses(make_real_estate: MakeRealEstate) -> None:
    for _ in range(2):
        make_real_estate(status=Status.DRAFT, city="Recife", state="PE", price=Decimal("100000.00"))
    for _ in range(3):
        make_real_estate(status=Status.APPROVED, city="Recife", state="PE", price=Decimal("250000.00"))


def test_a_repeated_parameter_is_keyed_by_the_value_that_counts(
    statuses: None, manager_client: APIClient
) -> None:
    # The last value wins, so these two ask for different rows and must not share a count.
    assert counted(manager_client, "status=draft&status=approved") == (3, True)
    assert counted(manager_client, "status=approved&status=draft") == (2, True)
    assert counted(manager_client, "status=approved") == (3, False)
    assert counted(manager_client, "status=draft") == (2, False)


def test_the_same_filters_in_another_order_or_spelling_share_a_count(
    statuses: None, manager_client: APIClient
) -> None:
    assert counted(manager_client, "city=Recife&state=PE&min_price=200000") == (3, True)
    assert counted(manager_client, "min_price=200000.00&state=pe&city=Recife") == (3, False)
    assert counted(manager_client, "min_price=200000&city=Recife&state=PE&page_size=1&ordering=-price") == (
        3,
        False,
    )
    assert counted(manager_client, "city=Recife&state=PE&min_price=250000.01") == (0, True)


def test_an_empty_value_is_refused_and_caches_nothing(statuses: None, manager_client: APIClient) -> None:
    for query in ("status=", "status=approved&status=", "q=", "city=&status=draft"):
        response = manager_client.get(f"{LIST}?{query}")
        assert response.status_code == 400
        assert set(response.json()["error"]["fields"]) <= {"status", "q", "city"}
    assert counted(manager_client, "") == (5, True)
    assert counted(manager_client, "status=draft") == (2, True)


def test_each_scope_has_its_own_count(statuses: None, collector: User, client_for: Any) -> None:
    someone_else = UserFactory(role=Role.COLLECTOR)
    manager = UserFactory(role=Role.MANAGER)
    assert counted(client_for(collector), "city=Recife") == (5, True)
    assert counted(client_for(someone_else), "city=Recife") == (0, True)
    assert counted(client_for(manager), "city=Recife") == (5, True)


def test_stats_are_keyed_by_the_value_that_counts(statuses: None, manager_client: APIClient) -> None:
    def counts(query: str) -> list[int]:
        response = manager_client.get(f"{STATS}?group_by=status&{query}")
        assert response.status_code == 200, response.json()
        return [row["count"] for row in response.json()["results"]]

    assert counts("status=draft&status=approved") == [3]
    assert counts("status=approved&status=draft") == [2]
    assert manager_client.get(f"{STATS}?group_by=city&status=draft").json()["results"][0]["key"] == "Recife"


def test_a_count_is_counted_again_once_a_service_write_commits(
    statuses: None, manager_client: APIClient, django_capture_on_commit_callbacks: Any
) -> None:
    assert counted(manager_client, "city=Recife") == (5, True)
    assert counted(manager_client, "city=Recife") == (5, False)
    with django_capture_on_commit_callbacks(execute=True):
        RealEstateFactory(city="Recife", state="PE")  # real_estate_create
    assert counted(manager_client, "city=Recife") == (6, True)


def test_a_count_by_collector_is_counted_again_once_the_collector_is_erased(
    statuses: None, collector: User, manager_client: APIClient, django_capture_on_commit_callbacks: Any
) -> None:
    """The erasure empties `collected_by` on their real estates (the foreign key's SET_NULL): a
    count cached before it must not answer after it (it did, for the cache's TTL, with no rows)."""
    assert counted(manager_client, f"collected_by={collector.pk}") == (5, True)
    with django_capture_on_commit_callbacks(execute=True):
        user_delete(user=collector, actor=None)

    assert counted(manager_client, f"collected_by={collector.pk}") == (0, True)


def test_pages_follow_the_ordering_without_overlap(
    make_real_estate: MakeRealEstate, client_for: Any, collector: User, manager: User
) -> None:
    for i in range(12):
        make_real_estate(status=Status.APPROVED if i % 2 else Status.DRAFT, price=Decimal(100_000 + 1000 * i))
    query = "?status=approved&ordering=-price&page_size=4"
    first = client_for(collector).get(f"{LIST}{query}").json()
    prices = [item["price"] for item in first["results"]]
    assert prices == ["111000.00", "109000.00", "107000.00", "105000.00"]
    second = client_for(collector).get(first["next"]).json()
    assert [item["price"] for item in second["results"]] == ["103000.00", "101000.00"]
    assert second["next"] is None
    again = client_for(collector).get(second["previous"]).json()
    assert [item["id"] for item in again["results"]] == [item["id"] for item in first["results"]]
    everyone = client_for(manager).get(f"{LIST}?ordering=price&page_size=5&page=3").json()
    assert [item["price"] for item in everyone["results"]] == ["110000.00", "111000.00"]


def test_no_request_reads_the_rows_an_earlier_request_read(manager_client: APIClient) -> None:
    """The list, the export and the detail clone querysets assembled once per process (the view's
    `listing_rows` and `detail_rows`): whatever a request evaluates, the next reads afresh."""
    first = RealEstateFactory()
    exported = b"".join(manager_client.get(f"{LIST}/export").streaming_content).decode()  # type: ignore[attr-defined]
    assert str(first.pk) in exported
    second = RealEstateFactory()
    exported = b"".join(manager_client.get(f"{LIST}/export").streaming_content).decode()  # type: ignore[attr-defined]
    assert str(second.pk) in exported
    list_cache.bump_generation()
    assert {item["id"] for item in manager_client.get(LIST).json()["results"]} == {
        str(first.pk),
        str(second.pk),
    }
    second.title = "Casa nova"
    second.save()
    assert manager_client.get(f"{LIST}/{second.pk}").json()["title"] == "Casa nova"
