"""The SQL of a sync page on PostgreSQL: every read starts at its position in an index.

The table read (newest first) and the log read must not scan what comes before the cursor:
with a few thousand rows the planner still picks those plans once sequential scans are
discouraged, so these tests keep the plans that make a page cost the same at 100k and at 1M
(docs/adr/0080, addendum).
"""

from collections.abc import Callable
from itertools import cycle
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.real_estates.models import RealEstate
from apps.sync import cursor as cursors
from apps.sync import feed
from apps.sync.models import ChangeKind, RealEstateChange
from apps.sync.querysets import Position
from apps.sync.services import sync_record_change
from apps.users.models import Role, User
from tests.real_estates.factories import RealEstateFactory
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people() -> dict[str, User]:
    """Eight collectors with 400 real estates each, one log entry per real estate: a collector
    holds an eighth of the rows, a share at which the planner would rather walk everyone's
    creation index filtering for theirs, were the bound not only theirs to take."""
    collectors = UserFactory.create_batch(8, role=Role.COLLECTOR)
    owners = cycle(collectors)
    rows = RealEstate.objects.bulk_create(
        [RealEstateFactory.build(collected_by=next(owners)) for _ in range(3200)]
    )
    RealEstateChange.objects.bulk_create(
        RealEstateChange(
            xid=10 + i // 100, real_estate_id=r.pk, collected_by_id=r.collected_by_id, kind=ChangeKind.UPSERT
        )
        for i, r in enumerate(rows)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE real_estates_realestate")
        cursor.execute("ANALYZE sync_realestatechange")
    return {"ana": collectors[0], "manager": UserFactory(role=Role.MANAGER)}


def _plans(read: Callable[[], Any], table: str) -> list[str]:
    """EXPLAIN of each statement `read` runs against `table`."""
    with CaptureQueriesContext(connection) as captured:
        read()
    plans = []
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        for query in captured.captured_queries:
            if f'FROM "{table}"' in query["sql"]:
                cursor.execute(f"EXPLAIN {query['sql']}")
                plans.append("\n".join(row[0] for row in cursor.fetchall()))
    assert plans, f"no statement read {table}"
    return plans


def _index_condition(plan: str, index: str) -> str:
    """The `Index Cond` of the scan of `index` (an index or a bitmap index scan)."""
    lines = plan.splitlines()
    for number, line in enumerate(lines):
        if f"using {index} " in line or line.strip().startswith(f"->  Bitmap Index Scan on {index} "):
            for following in lines[number + 1 :]:
                if "Index Cond:" in following:
                    return following.split("Index Cond:", 1)[1].strip()
                if "->" in following:
                    break
    raise AssertionError(f"{index} does not bound the read:\n{plan}")


def _second_table_page(user: User) -> Callable[[], feed.Page]:
    first = feed.sync_page(user=user, cursor=None, limit=40)
    assert first.has_more
    return lambda: feed.sync_page(user=user, cursor=first.next_cursor, limit=40)


def test_a_collectors_table_read_follows_their_creation_index(people: dict[str, User]) -> None:
    (plan,) = _plans(_second_table_page(people["ana"]), "real_estates_realestate")
    condition = _index_condition(plan, "re_collector_created_idx")
    # Their rows only, from the cursor on (not from their newest row), the whole bound in the index.
    assert "(ROW(collected_by_id, created_at, id) < ROW(" in condition, plan
    assert "(collected_by_id = " in condition, plan
    assert "Sort" not in plan, plan  # the index's order is the page's, ties included


def test_a_managers_table_read_starts_at_the_cursor_in_the_creation_index(people: dict[str, User]) -> None:
    (plan,) = _plans(_second_table_page(people["manager"]), "real_estates_realestate")
    assert _index_condition(plan, "re_created_idx").startswith("(ROW(created_at, id) < ROW("), plan
    assert "Sort" not in plan, plan  # the index gives the order: the read stops after a page


@pytest.mark.parametrize(
    ("who", "index", "bound"),
    [
        ("ana", "sync_change_collector", "ROW(collected_by_id, xid, id) > ROW("),
        ("manager", "sync_change_position", "ROW(xid, id) > ROW("),
    ],
)
def test_a_log_page_starts_at_its_position_in_the_index(
    people: dict[str, User], who: str, index: str, bound: str
) -> None:
    user = people[who]
    # Inside the 100 entries of one transaction: a position an OR of terms would filter up to.
    middle = Position(25, RealEstateChange.objects.order_by("id").values_list("id", flat=True)[1550])
    cursor = cursors.encode(cursors.Cursor(user_id=user.pk, scope=cursors.scope_of(user), position=middle))
    (plan, *_) = _plans(lambda: feed.sync_page(user=user, cursor=cursor, limit=50), "sync_realestatechange")
    assert bound in _index_condition(plan, index), plan
    # The page's rows: one primary-key probe per id, never a bitmap of all the collector's rows.
    (rows,) = _plans(lambda: feed.sync_page(user=user, cursor=cursor, limit=50), "real_estates_realestate")
    assert _index_condition(rows, "real_estates_realestate_pkey").startswith("(id = (unnest("), rows
    assert "Bitmap" not in rows, rows


def test_a_write_looks_for_its_own_entry_at_its_transaction_id_in_the_position_index(
    people: dict[str, User],
) -> None:
    """Before recording, a write asks whether its transaction recorded the real estate already
    (docs/adr/0114): one probe of the position index at its own `xid`, not a walk of the log."""
    real_estate = RealEstate.objects.filter(collected_by=people["ana"]).first()
    assert real_estate is not None
    (plan,) = _plans(lambda: sync_record_change(real_estate=real_estate), "sync_realestatechange")
    assert _index_condition(plan, "sync_change_position").startswith("(xid = ")
