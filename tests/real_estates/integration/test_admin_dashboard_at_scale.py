"""The review dashboard at a million real estates (docs/adr/0128): each figure's statement reads
what an index holds for it, and the figures stay those of the history (checked against it, on
data made through the services)."""

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.real_estates import dashboard
from apps.real_estates.models import Status
from tests.real_estates.conftest import MakeRealEstate

pytestmark = pytest.mark.django_db


def _plan(call: Any, *, off: tuple[str, ...] = ("seqscan", "bitmapscan", "sort")) -> str:
    """EXPLAIN of the one statement `call` runs, with the scans and the sort in `off` priced out:
    what the indexes can serve (a few rows are too few for the planner to prefer an index on its
    own); a Sort or a Seq Scan left in the plan is one no index can spare."""
    with CaptureQueriesContext(connection) as captured:
        call()
    assert len(captured.captured_queries) == 1
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE real_estates_realestate")
        cursor.execute("ANALYZE real_estates_realestatetransition")
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
