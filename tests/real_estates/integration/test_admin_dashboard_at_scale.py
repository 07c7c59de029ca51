"""The review dashboard at a million real estates (docs/adr/0128): each figure's statement reads
what an index holds for it, and the figures stay those of the history (checked against it, on
data made through the services)."""

import statistics
from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.real_estates import dashboard, services
from apps.real_estates.models import RealEstateTransition, Status
from apps.users.models import User
from tests.real_estates.conftest import MakeRealEstate

pytestmark = pytest.mark.django_db


def _plan(call: Any, *, off: tuple[str, ...] = ("seqscan", "bitmapscan", "sort")) -> str:
    """EXPLAIN of the one statement `call` runs, with the scans and the sort in `off` priced out:
    what the indexes can serve (a few rows are too few for the planner to prefer an index on its
    own); a Sort or a Seq Scan left in the plan is one no index can spare."""
    with CaptureQueriesContext(connection) as captured:
        call()
    assert len(captured.captured_queries) == 1
    with transaction.atomic(), connection.cursor() as cursor:  # SET LOCAL: this transaction only
        cursor.execute("ANALYZE real_estates_realestate")
        cursor.execute("ANALYZE real_estates_realestatetransition")
        cursor.execute("SET LOCAL jit = off")
        for setting in off:
            cursor.execute(f"SET LOCAL enable_{setting} = off")
        cursor.execute(f"EXPLAIN {captured.captured_queries[0]['sql']}")
        return "\n".join(row[0] for row in cursor.fetchall())


def test_the_items_waiting_longest_are_the_first_entries_of_the_queues_index(
    make_real_estate: MakeRealEstate,
) -> None:
    """They sorted every submitted real estate on its latest transition: 2.9 s at 158k submitted."""
    for status in (Status.SUBMITTED, Status.SUBMITTED, Status.APPROVED):
        make_real_estate(status=status)

    plan = _plan(lambda: list(dashboard.oldest_waiting()))

    assert "re_submitted_queue_idx" in plan
    assert "Sort" not in plan


def _reviewed_history(make_real_estate: MakeRealEstate, manager: User, collector: User) -> None:
    """Within the window: two approvals, a rejection then a resubmission (the reopening edit is
    a transition to draft), one left submitted; outside it: an approval 40 days ago."""
    now = timezone.now()
    with time_machine.travel(now - timedelta(days=40, hours=5), tick=False):
        old = make_real_estate(status=Status.SUBMITTED)
    with time_machine.travel(now - timedelta(days=40), tick=False):
        services.real_estate_approve(real_estate=old, actor=manager)
    for hours in (3, 7):
        with time_machine.travel(now - timedelta(days=2, hours=hours), tick=False):
            estate = make_real_estate(status=Status.SUBMITTED)
        with time_machine.travel(now - timedelta(days=2), tick=False):
            services.real_estate_approve(real_estate=estate, actor=manager)
    with time_machine.travel(now - timedelta(days=6, hours=10), tick=False):
        sent_back = make_real_estate(status=Status.SUBMITTED)
    with time_machine.travel(now - timedelta(days=6), tick=False):
        services.real_estate_reject(real_estate=sent_back, actor=manager, reason="Fotos escuras")
    with time_machine.travel(now - timedelta(days=5), tick=False):
        services.real_estate_update(
            real_estate=sent_back, actor=collector, fields={"title": "Casa, fotos novas"}
        )
        services.real_estate_submit(real_estate=sent_back, actor=collector)
    with time_machine.travel(now - timedelta(days=1), tick=False):
        make_real_estate(status=Status.SUBMITTED)


@pytest.mark.django_db(transaction=True)  # committed and vacuumed: the visibility map prices index-only
def test_the_workflow_figures_read_the_30_days_from_an_index(
    make_real_estate: MakeRealEstate, manager: User, collector: User
) -> None:
    """The activity per day and the review times read every transition ever made (1.75M at 1M real
    estates, 0.3 s each) to keep a month's: now the month's, from `re_transition_window_idx`,
    the activity from the index alone; each review's submission is looked up once, not once per
    percentile (60k reviews: 1.1 s)."""
    _reviewed_history(make_real_estate, manager, collector)
    # A year of older history, as a table has: the month is then a small part of it, and reading
    # it all (or all of an index that is not by time) costs the planner what it costs there.
    estate = make_real_estate()
    steps = [
        (Status.DRAFT, Status.SUBMITTED),
        (Status.SUBMITTED, Status.REJECTED),
        (Status.REJECTED, Status.DRAFT),
    ]
    RealEstateTransition.objects.bulk_create(
        RealEstateTransition(
            real_estate=estate,
            from_status=steps[i % 3][0],
            to_status=steps[i % 3][1],
            at=timezone.now() - timedelta(days=40 + i / 10),
        )
        for i in range(3000)
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM real_estates_realestatetransition")
    now = timezone.now()

    activity = _plan(lambda: dashboard.activity_per_day(now))
    review_times = _plan(lambda: dashboard.review_times(now))

    assert "Index Only Scan using re_transition_window_idx" in activity, activity
    assert "re_transition_window_idx" in review_times
    assert "SubPlan 1" in review_times
    assert "SubPlan 2" not in review_times


def test_the_workflow_figures_stay_those_of_the_history(
    make_real_estate: MakeRealEstate, manager: User, collector: User
) -> None:
    """The figures, against the history read in Python: submissions and reviews per day of the
    last 30 days, and the median and 90th percentile wait of those reviews from the submission
    before each."""
    _reviewed_history(make_real_estate, manager, collector)
    with time_machine.travel(timezone.now(), tick=False):
        now = timezone.now()
        days = dashboard.activity_per_day(now)
        times = dashboard.review_times(now)
        start = timezone.localdate() - timedelta(days=29)

    history = list(RealEstateTransition.objects.order_by("at", "id"))
    in_window = [t for t in history if timezone.localdate(t.at) >= start]
    submissions = Counter(timezone.localdate(t.at) for t in in_window if t.to_status == Status.SUBMITTED)
    reviews = [
        t for t in in_window if t.from_status == Status.SUBMITTED and t.to_status in dashboard.REVIEWED
    ]
    waits = sorted(
        (
            r.at
            - max(
                t.at
                for t in history
                if t.real_estate_id == r.real_estate_id and t.to_status == Status.SUBMITTED and t.at <= r.at
            )
        ).total_seconds()
        for r in reviews
    )
    assert {d.day: d.submissions for d in days if d.submissions} == dict(submissions)
    assert {d.day: d.reviews for d in days if d.reviews} == dict(
        Counter(timezone.localdate(r.at) for r in reviews)
    )
    assert len(reviews) == 3
    assert times["median"] == timedelta(seconds=statistics.median(waits))
    assert times["p90"] == timedelta(seconds=waits[1] + 0.8 * (waits[2] - waits[1]))
