"""The figures of the admin's review dashboard, one query each (at 1M real estates: docs/adr/0128).

Counts by status and the top cities come from `stats_by`, the queryset behind
`GET /api/v1/real-estates/stats`, so the dashboard and the API cannot disagree. The
workflow figures (activity per day, time to review, the waiting queue) read the history.
"""

import statistics
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection, models
from django.db.models import Count, DurationField, ExpressionWrapper, F, OuterRef, Q, Subquery
from django.db.models.functions import TruncDate
from django.utils import timezone

from apps.real_estates.models import RealEstate, RealEstateTransition, Status

WINDOW_DAYS = 30
TOP_CITIES = 10
OLDEST_WAITING = 10
REVIEWED = (Status.APPROVED, Status.REJECTED)
# The review queue's order, longest waiting first: while a real estate is submitted nothing writes
# it but the step that takes it out, so its `updated_at` is its submission (the transition's
# transaction writes both). The order of the partial index `re_submitted_queue_idx` (migration
# 0015), which serves a page of the queue without sorting the submitted rows (docs/adr/0128).
QUEUE_ORDER = ("updated_at", "created_at", "-id")


class PercentilesCont(models.Aggregate):
    """PostgreSQL's `percentile_cont(ARRAY[f, ...]) WITHIN GROUP (ORDER BY seconds)` over a
    duration: every fraction from one sort, the expression evaluated once per row (two
    `percentile_cont` each evaluated it, and its subquery, again: docs/adr/0128)."""

    function = "percentile_cont"
    template = (
        "%(function)s(ARRAY[%(fractions)s]) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM %(expressions)s))"
    )

    def __init__(self, expression: Any, fractions: tuple[float, ...]) -> None:
        from django.contrib.postgres.fields import ArrayField  # PostgreSQL only: imports psycopg

        listed = ", ".join(f"{float(f)!r}::double precision" for f in fractions)
        super().__init__(expression, fractions=listed, output_field=ArrayField(models.FloatField()))


@dataclass(frozen=True)
class DayActivity:
    day: date
    submissions: int
    reviews: int


def counts_by_status() -> dict[str, int]:
    """Every status with its count (0 when none), in the workflow's order."""
    counts = {row["status"]: row["count"] for row in RealEstate.objects.stats_by("status")}
    return {status.value: counts.get(status.value, 0) for status in Status}


def top_cities(limit: int = TOP_CITIES) -> list[dict[str, Any]]:
    """The cities with most listings: `city`, `count`, `avg_price`, `avg_price_per_m2`."""
    return list(RealEstate.objects.stats_by("city")[:limit])


def _window_start(now: datetime | None = None) -> datetime:
    now = now or timezone.now()
    return timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(
        days=WINDOW_DAYS - 1
    )


def activity_per_day(now: datetime | None = None) -> list[DayActivity]:
    """Submissions and reviews (approvals and rejections) per day, the last 30 days, oldest first."""
    start = _window_start(now)
    # Counted on `at` (never null), not `id`: `re_transition_window_idx` (migration 0016) holds the
    # month's transitions by `at` with their statuses, so the month is read from the index alone
    # (docs/adr/0128).
    rows = (
        RealEstateTransition.objects.filter(at__gte=start)
        .filter(Q(to_status=Status.SUBMITTED) | Q(from_status=Status.SUBMITTED, to_status__in=REVIEWED))
        .annotate(day=TruncDate("at", tzinfo=timezone.get_current_timezone()))
        .values("day")
        .annotate(
            submissions=Count("at", filter=Q(to_status=Status.SUBMITTED)),
            reviews=Count("at", filter=Q(to_status__in=REVIEWED)),
        )
        .order_by("day")
    )
    by_day: dict[date, tuple[int, int]] = {row["day"]: (row["submissions"], row["reviews"]) for row in rows}
    first = start.date()
    days = [first + timedelta(days=i) for i in range(WINDOW_DAYS)]
    return [DayActivity(day, *by_day.get(day, (0, 0))) for day in days]


def _submitted_at() -> Subquery:
    """The latest submission of the outer row's real estate at or before the outer row's time."""
    return Subquery(
        RealEstateTransition.objects.filter(
            real_estate_id=OuterRef("real_estate_id"), to_status=Status.SUBMITTED, at__lte=OuterRef("at")
        )
        .order_by("-at", "-id")
        .values("at")[:1]
    )


def review_times(now: datetime | None = None) -> dict[str, timedelta | None]:
    """Median and 90th percentile of submission → review over reviews of the last 30 days: the
    month's reviews a range of `re_transition_window_idx`, each one's submission looked up once."""
    reviews = (
        RealEstateTransition.objects.filter(
            at__gte=_window_start(now), from_status=Status.SUBMITTED, to_status__in=REVIEWED
        )
        # No `submitted_at IS NOT NULL` filter: PostgreSQL would run the subquery twice per row,
        # and percentile_cont skips NULLs anyway.
        .annotate(submitted_at=_submitted_at())
        .annotate(waited=ExpressionWrapper(F("at") - F("submitted_at"), output_field=DurationField()))
    )
    if connection.vendor == "postgresql":
        seconds = reviews.aggregate(seconds=PercentilesCont("waited", (0.5, 0.9)))["seconds"] or [None, None]
    else:  # SQLite (local development) has no percentile_cont: the same figure, in Python
        waits = sorted(w.total_seconds() for w in reviews.values_list("waited", flat=True) if w is not None)
        seconds = _percentiles(waits)
    return {
        "median": None if seconds[0] is None else timedelta(seconds=seconds[0]),
        "p90": None if seconds[1] is None else timedelta(seconds=seconds[1]),
    }


def _percentiles(values: list[float]) -> list[float | None]:
    if not values:
        return [None, None]
    if len(values) == 1:
        return [values[0], values[0]]
    deciles = statistics.quantiles(values, n=10, method="inclusive")  # as percentile_cont
    return [statistics.median(values), deciles[8]]


def oldest_waiting(limit: int = OLDEST_WAITING) -> "models.QuerySet[RealEstate]":
    """Submitted real estates, the longest waiting first, with `submitted_at` and the collector:
    the review queue's first `limit`, in its order (`QUEUE_ORDER`), ties (submissions of one
    instant) broken as the queue breaks them, by primary key, last first: the first rows of
    `re_submitted_queue_idx`, not a join to every submission nor a sort (docs/adr/0116, 0128)."""
    return (
        awaiting_review_annotation(RealEstate.objects.filter(status=Status.SUBMITTED))
        .select_related("collected_by")
        .order_by(*QUEUE_ORDER)[:limit]
    )


def awaiting_review_annotation(queryset: "models.QuerySet[RealEstate]") -> "models.QuerySet[RealEstate]":
    """`submitted_at`: for a submitted real estate, when it was submitted (None for one with no
    history); for another, when it last changed status.

    A submitted real estate's latest transition is its submission (any later one would have moved
    it out of `submitted`), so this is the time of each row's latest transition: a backward
    index-only scan of `re_transition_history_idx` that stops at its first entry. Filtering on
    the target status, as it did, read each of those transitions from the table too
    (docs/adr/0116)."""
    latest_transition = Subquery(
        RealEstateTransition.objects.filter(real_estate_id=OuterRef("pk")).order_by("-at").values("at")[:1]
    )
    return queryset.annotate(submitted_at=latest_transition)
