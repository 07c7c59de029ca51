"""A collector's table page on PostgreSQL, planned over committed, vacuumed rows (the state
autovacuum keeps, whose visibility map prices an index-only scan; docs/adr/0057's note): the
page is read from `re_collector_created_idx` alone, in its order, and a first page is one
statement that also carries the log's start position (docs/adr/0080, third addendum)."""

from datetime import timedelta
from itertools import cycle

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.real_estates.models import RealEstate
from apps.sync import feed
from apps.users.models import Role, User
from tests.real_estates.factories import RealEstateFactory
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def ana(db: None) -> User:
    """Eight collectors with 400 real estates each, one a minute apart, committed and vacuumed;
    the first of them."""
    collectors = UserFactory.create_batch(8, role=Role.COLLECTOR)
    owners = cycle(collectors)
    now = timezone.now()
    rows = [RealEstateFactory.build(collected_by=next(owners)) for _ in range(3200)]
    for minutes, row in enumerate(rows):
        row.created_at = now - timedelta(minutes=minutes)
    RealEstate.objects.bulk_create(rows)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) real_estates_realestate")
    return collectors[0]


def _statements(user: User, cursor: str | None) -> tuple[feed.Page, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        page = feed.sync_page(user=user, cursor=cursor, limit=40)
    return page, [query["sql"] for query in captured.captured_queries]


def _plan(sql: str) -> str:
    """EXPLAIN with sequential and bitmap scans priced out, as the list's plan tests do: a few
    thousand rows are too few for the planner to prefer an ordered index read on its own (at
    the bench's 100k it takes this one; docs/adr/0080, third addendum)."""
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("SET enable_bitmapscan = off")
        try:
            cursor.execute(f"EXPLAIN {sql}")
            return "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("RESET enable_seqscan")
            cursor.execute("RESET enable_bitmapscan")


def _reads_the_index_alone(plan: str) -> None:
    assert "Index Only Scan using re_collector_created_idx" in plan, plan
    assert "Sort" not in plan, plan


def test_a_collectors_first_page_is_one_index_only_read_with_the_start_position(ana: User) -> None:
    page, statements = _statements(ana, None)
    (statement,) = statements  # the rows and the start position together
    assert "pg_snapshot_xmin" in statement
    _reads_the_index_alone(_plan(statement))
    assert len(page.results) == 40
    assert page.has_more


def test_a_collectors_next_page_is_an_index_only_read_from_the_cursor(ana: User) -> None:
    first, _ = _statements(ana, None)
    _, statements = _statements(ana, first.next_cursor)
    (read,) = [sql for sql in statements if 'FROM "real_estates_realestate"' in sql]
    plan = _plan(read)
    _reads_the_index_alone(plan)
    assert "Index Cond: ((ROW(collected_by_id, created_at, id) < ROW(" in plan, plan


def test_a_first_page_without_rows_takes_the_start_position_before_reading_again(ana: User) -> None:
    """No row carried the position: it is read on its own, then the rows again, as a position
    taken after the only read could pass a change committed between the two."""
    page, statements = _statements(UserFactory(role=Role.COLLECTOR), None)
    assert page.results == []
    assert page.has_more is False
    reads = [i for i, sql in enumerate(statements) if 'FROM "real_estates_realestate"' in sql]
    position = next(i for i, sql in enumerate(statements) if sql.startswith("SELECT pg_snapshot_xmin"))
    assert len(reads) == 2
    assert reads[0] < position < reads[1]
