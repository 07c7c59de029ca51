"""The admin's review dashboard: its figures equal the API's stats for the same data, each
figure costs one query, and only staff open it."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from apps.real_estates import dashboard, services
from apps.real_estates.models import RealEstateTransition, Status
from apps.users.models import Role, User
from tests.real_estates.factories import RealEstateFactory
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo() -> None:
    call_command("seed_demo", "--users", "6", "--real-estates", "300", "--seed", "11", "-v", "0")


def _api_stats(client: Any, group_by: str) -> list[dict[str, Any]]:
    response = client.get("/api/v1/real-estates/stats", {"group_by": group_by})
    assert response.status_code == 200
    return response.json()["results"]


def _money(value: Any) -> str:
    return str(Decimal(str(value)).quantize(Decimal("0.01")))


def test_counts_by_status_equal_the_api_stats(demo: None, manager_client: Any) -> None:
    api = {row["key"]: row["count"] for row in _api_stats(manager_client, "status")}

    assert {k: v for k, v in dashboard.counts_by_status().items() if v} == api
    assert sum(dashboard.counts_by_status().values()) == 300


def test_top_cities_equal_the_first_ten_rows_of_the_api_stats(demo: None, manager_client: Any) -> None:
    api = _api_stats(manager_client, "city")[:10]

    ours = dashboard.top_cities()

    assert [(r["city"], r["count"], _money(r["avg_price_per_m2"])) for r in ours] == [
        (r["key"], r["count"], r["avg_price_per_m2"]) for r in api
    ]


def test_review_times_are_the_median_and_90th_percentile_of_the_last_30_days() -> None:
    now = timezone.now()
    reviewer = UserFactory(role=Role.MANAGER)
    for hours in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10):
        submitted = now - timedelta(days=2, hours=hours)
        with time_machine.travel(submitted, tick=False):
            estate = RealEstateFactory(status=Status.SUBMITTED)
        with time_machine.travel(submitted + timedelta(hours=hours), tick=False):
            services.real_estate_approve(real_estate=estate, actor=reviewer)
    with time_machine.travel(now - timedelta(days=60), tick=False):
        old = RealEstateFactory(status=Status.SUBMITTED)
    with time_machine.travel(now - timedelta(days=40), tick=False):  # outside the window
        services.real_estate_reject(real_estate=old, actor=reviewer, reason="Fotos escuras")

    times = dashboard.review_times()

    assert times["median"] == timedelta(hours=5.5)
    assert times["p90"] == timedelta(hours=9.1)


def test_activity_counts_submissions_and_reviews_per_day(demo: None) -> None:
    # The clock stands still: the figures and the expected days are read on the same day, even
    # when the test runs across midnight.
    with time_machine.travel(timezone.now(), tick=False):
        days = dashboard.activity_per_day()
        today = timezone.localdate()
    start = today - timedelta(days=29)
    window = RealEstateTransition.objects.filter(at__date__gte=start)

    assert len(days) == 30
    assert days[-1].day == today
    assert sum(d.submissions for d in days) == window.filter(to_status=Status.SUBMITTED).count()
    assert (
        sum(d.reviews for d in days)
        == window.filter(
            from_status=Status.SUBMITTED, to_status__in=(Status.APPROVED, Status.REJECTED)
        ).count()
    )


def test_oldest_waiting_are_submitted_and_longest_waiting_first(demo: None) -> None:
    waiting = list(dashboard.oldest_waiting())

    assert waiting
    assert {w.status for w in waiting} == {Status.SUBMITTED}
    assert [w.submitted_at for w in waiting] == sorted(w.submitted_at for w in waiting)
    # Against the history read in Python: each submitted real estate's latest submission.
    submitted_at: dict[Any, Any] = {}
    for transition in RealEstateTransition.objects.filter(
        to_status=Status.SUBMITTED, real_estate__status=Status.SUBMITTED
    ).order_by("at"):
        submitted_at[transition.real_estate_id] = transition.at
    assert {w.pk: w.submitted_at for w in waiting}.items() <= submitted_at.items()
    assert waiting[0].submitted_at == min(submitted_at.values())


def test_oldest_waiting_are_the_review_queues_first_ten_even_when_submitted_at_once(manager: User) -> None:
    """Submissions of one instant (a bulk load, a held clock) tie on every time: the dashboard
    lists the review queue's first ten in its order, not in an order of the database's choosing."""
    with time_machine.travel(timezone.now(), tick=False):
        RealEstateFactory.create_batch(11, status=Status.SUBMITTED)
    client = Client()
    client.force_login(manager)

    queue = client.get("/admin/real_estates/realestate/", {"status__exact": Status.SUBMITTED}).context["cl"]

    assert [w.pk for w in dashboard.oldest_waiting()] == [r.pk for r in queue.result_list][:10]


def test_the_dashboard_page_costs_one_query_per_figure(
    demo: None, client: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    manager = User.objects.filter(role=Role.MANAGER).first()
    client.force_login(manager)
    client.get("/admin/")  # session and user loaded once before counting

    # The admin's own four (session, user, the user's and the groups' permissions for the
    # navigation), then one per figure: counts, activity, top cities, review times, oldest waiting.
    with django_assert_num_queries(4 + 5):
        response = client.get("/admin/dashboard/")

    assert response.status_code == 200
    assert response.context["total"] == 300


def test_only_staff_open_the_dashboard(client: Client) -> None:
    client.force_login(UserFactory(role=Role.COLLECTOR))

    response = client.get("/admin/dashboard/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_the_dashboard_has_the_admins_breadcrumbs(client: Client, manager: User) -> None:
    """Django 6's breadcrumbs are a list (`<ol class="breadcrumbs">`, styled as the bar under the
    header); a `<div class="breadcrumbs">` of Django 4 showed as a bare line above the sidebar."""
    client.force_login(manager)

    page = client.get("/admin/dashboard/").content.decode()

    assert '<ol class="breadcrumbs">' in page
    assert '<div class="breadcrumbs">' not in page
