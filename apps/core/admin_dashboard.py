"""The admin's review dashboard: the figures of apps/real_estates/dashboard.py, formatted in the
active language and drawn as server-side SVG charts (apps/core/svg_charts.py)."""

from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.core import svg_charts
from apps.core.formatting import duration, money
from apps.real_estates import dashboard
from apps.real_estates.models import Status


def dashboard_context() -> dict[str, Any]:
    # One clock for the page: read once, the activity chart, the review times and the days
    # waited all stand on the same day even when the page renders across midnight.
    now = timezone.now()
    changelist = reverse("admin:real_estates_realestate_changelist")
    counts = [
        {
            "status": status,
            "label": Status(status).label,
            "count": count,
            "url": f"{changelist}?{urlencode({'status__exact': status})}",
        }
        for status, count in dashboard.counts_by_status().items()
    ]
    activity = dashboard.activity_per_day(now)
    activity_chart = svg_charts.grouped_columns(
        [formats.date_format(day.day, "SHORT_DATE_FORMAT")[:5] for day in activity],
        [
            (_("submissions"), [d.submissions for d in activity]),
            (_("reviews"), [d.reviews for d in activity]),
        ],
        title=_("Submissions and reviews per day, last 30 days"),
        number=_grouped,
        counted=_activity_in_words,
    )
    cities = dashboard.top_cities()
    cities_chart = svg_charts.horizontal_bars(
        [
            (
                f"{row['city']} ({formats.number_format(row['count'], force_grouping=True)})",
                float(row["avg_price_per_m2"] or 0),
                money(row["avg_price_per_m2"]) + "/m²",
            )
            for row in cities
        ],
        title=_("Average price per m² in the 10 cities with most listings"),
    )
    times = dashboard.review_times(now)
    waiting = []
    for item in dashboard.oldest_waiting():
        submitted_at = getattr(item, "submitted_at", None)  # annotated by the queryset
        waiting.append(
            {
                "real_estate": item,
                "url": reverse("admin:real_estates_realestate_change", args=[item.pk]),
                "submitted_at": submitted_at,
                "days": (now - submitted_at).days if submitted_at else None,
            }
        )
    return {
        "counts": counts,
        "total": sum(c["count"] for c in counts),
        "activity_chart": activity_chart,
        "activity_totals": {
            "submissions": sum(d.submissions for d in activity),
            "reviews": sum(d.reviews for d in activity),
        },
        "cities": cities,
        "cities_chart": cities_chart,
        "median_review_time": duration(times["median"]),
        "p90_review_time": duration(times["p90"]),
        "waiting": waiting,
        "queue_url": f"{changelist}?{urlencode({'status__exact': Status.SUBMITTED})}",
    }


def _grouped(count: int) -> str:
    return formats.number_format(count, force_grouping=True)


def _activity_in_words(series: int, count: int) -> str:
    """A day's submissions (series 0) or reviews (1), agreeing in number: "1 envio", "2 envios"."""
    # The same words as the totals above the chart (its template's `blocktranslate count`).
    if series == 0:
        return ngettext("%(s)s submission", "%(s)s submissions", count) % {"s": _grouped(count)}
    return ngettext("%(r)s review", "%(r)s reviews", count) % {"r": _grouped(count)}
