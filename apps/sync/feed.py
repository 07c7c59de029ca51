"""One page of a client's sync: what changed after its cursor, as rows and tombstones.

A first sync (no cursor) reads the caller's real estates newest first (`created_at`, then `id`,
descending: the order the list's indexes keep for every scope), then follows the log from the
position taken when it began; a later sync follows the log. Log entries are collapsed per real
estate within a page and answered with the row as it is now: absent or no longer visible to the
caller, it is a tombstone. The API renders them (`api/serializers.py`). See docs/adr/0080.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from django.conf import settings

from apps.real_estates.models import RealEstate
from apps.real_estates.querysets import LISTING_COLUMNS
from apps.sync import cursor as cursors
from apps.sync.models import RealEstateChange
from apps.sync.querysets import Position, RowComparison, among, as_text, as_utc
from apps.sync.services import purge_mark

# A changed real estate: the list item's columns, then its `version` (`render_changes` unpacks them
# in this order).
SYNC_COLUMNS: tuple[str, ...] = (*LISTING_COLUMNS, "version")
_ID = SYNC_COLUMNS.index("id")
_CREATED_AT = SYNC_COLUMNS.index("created_at")
# Read as text on PostgreSQL (`querysets.as_text`): the renderer writes ids and decimals as the
# strings PostgreSQL sends for them, so the rows carry those strings (docs/adr/0080, 2nd addendum).
_AS_TEXT = frozenset({"id", "collected_by_id", "price", "area_m2"})
# Read as naive UTC on PostgreSQL (`querysets.as_utc`); the sync renderer writes naive datetimes
# as UTC, the same bytes as the aware ones (`api/views.SyncRenderer`).
_AS_UTC = frozenset({"created_at", "updated_at"})

# One result: a row of `SYNC_COLUMNS`, or the id of a real estate deleted (or no longer seen).
Change = tuple[Any, ...] | UUID


class CursorExpired(Exception):
    """The cursor is too old, below what the purge removed, or issued under another scope."""


@dataclass
class Page:
    results: Sequence[Change] = field(default_factory=list)
    next_cursor: str = ""
    has_more: bool = False


def sync_page(*, user: Any, cursor: str | None, limit: int) -> Page:
    """Raises `cursor.CursorInvalid` (400) or `CursorExpired` (410)."""
    scope = cursors.scope_of(user)
    if cursor is None:
        return _first_page(user=user, scope=scope, limit=limit)
    try:
        start = cursors.decode(cursor, user=user, max_age=timedelta(days=settings.SYNC_RETENTION_DAYS))
    except cursors.CursorExpired:
        raise CursorExpired() from None
    if start.scope != scope:
        raise CursorExpired()
    if start.reading_table:
        page = _table_page(user=user, start=start, limit=limit)
    else:
        page = _log_page(user=user, start=start, limit=limit)
    # The mark is read after the page: a purge committing before it is seen here (410), one
    # committing after it removed nothing the page's reads had not seen.
    if start.position < purge_mark():
        raise CursorExpired()
    return page


def _visible_rows(user: Any, *extra: Any, as_written: bool = True) -> Any:
    """The caller's rows as `SYNC_COLUMNS` (then `extra`); `as_written`: ids and decimals as text,
    times as naive UTC on PostgreSQL. A log page reads them typed: the casts' cost per row tips the
    planner from one primary-key probe per id to a bitmap of all the collector's rows (a plan test
    keeps it)."""
    columns = map(_read_as, SYNC_COLUMNS) if as_written else SYNC_COLUMNS
    return RealEstate.objects.visible_to(user).values_list(*columns, *extra)


def _read_as(column: str) -> Any:
    if column in _AS_TEXT:
        return as_text(column)
    if column in _AS_UTC:
        return as_utc(column)
    return column


def _uuid(value: UUID | str) -> UUID:
    return value if isinstance(value, UUID) else UUID(value)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _after_in_table(user: Any, after: tuple[datetime, UUID]) -> RowComparison:
    """Rows after the last one handed out, newest first. A manager's read starts there in
    `re_created_idx` (-created_at, -id). A collector's bound carries their id in front, as their
    index `re_collector_created_idx` (collected_by, -created_at, -id) is ordered: only that index can
    take it, so the read never walks everyone's rows filtering for theirs."""
    if user.is_manager_or_admin:
        return RowComparison(("created_at", "id"), "<", after)
    return RowComparison(("collected_by_id", "created_at", "id"), "<", (user.pk, *after))


def _first_page(*, user: Any, scope: str, limit: int) -> Page:
    """A first sync's first page. On PostgreSQL the start position rides on the rows' read as a
    last column (`StatementHorizon`, one value for the statement's snapshot, which shows every
    change below it): one statement less a first page. Without rows (or on SQLite) it is read
    on its own, before the rows are read (again): a position taken after a read could pass a
    change committed between the two."""
    changes = RealEstateChange.objects
    horizon = changes.start_horizon()
    rows: list[tuple[Any, ...]] = []
    if horizon is not None:
        rows = list(_visible_rows(user, horizon).order_by("-created_at", "-id")[: limit + 1])
    if rows:
        start = cursors.Cursor(
            user_id=user.pk, scope=scope, position=Position(xid=rows[0][-1], id=0), reading_table=True
        )
        return _table_page(user=user, start=start, limit=limit, read=[row[:-1] for row in rows])
    start = cursors.Cursor(
        user_id=user.pk, scope=scope, position=changes.start_position(), reading_table=True
    )
    return _table_page(user=user, start=start, limit=limit)


def _table_page(
    *, user: Any, start: cursors.Cursor, limit: int, read: list[tuple[Any, ...]] | None = None
) -> Page:
    """`read`: the page's rows when `_first_page` has read them already."""
    if read is None:
        rows = _visible_rows(user).order_by("-created_at", "-id")
        if start.after is not None:
            rows = rows.filter(_after_in_table(user, start.after))
        read = list(rows[: limit + 1])
    results = read
    if len(results) > limit:
        results = results[:limit]
        last = results[-1]
        following = cursors.Cursor(
            user_id=user.pk,
            scope=start.scope,
            position=start.position,
            reading_table=True,
            after=(_aware(last[_CREATED_AT]), _uuid(last[_ID])),
        )
        return Page(results=results, next_cursor=cursors.encode(following), has_more=True)
    # The table is read: follow the log from where it stood when this sync began.
    following = cursors.Cursor(user_id=user.pk, scope=start.scope, position=start.position)
    pending = RealEstateChange.objects.seen_by_after(user, start.position).finished().exists()
    return Page(results=results, next_cursor=cursors.encode(following), has_more=pending)


def _log_entries(user: Any, position: Position, limit: int) -> tuple[list[tuple[Any, ...]], Position]:
    """Up to `limit + 1` of the caller's entries after `position`, and a horizon below which every
    entry of theirs was visible to the read. On PostgreSQL the horizon rides on the read's rows
    (`StatementHorizon`, as a first page's does); without rows (or on SQLite) it is taken on its
    own and the entries read again after it (a horizon taken after the only read could pass an
    entry committed between the two)."""
    changes = RealEstateChange.objects
    read = changes.seen_by_after(user, position).finished().in_log_order()
    horizon = changes.start_horizon()
    if horizon is not None:
        rows = list(read.values_list("xid", "id", "real_estate_id", horizon)[: limit + 1])
        if rows:
            return [row[:-1] for row in rows], Position(xid=rows[0][-1], id=0)
    taken = changes.start_position()
    return list(read.values_list("xid", "id", "real_estate_id")[: limit + 1]), taken


def _log_page(*, user: Any, start: cursors.Cursor, limit: int) -> Page:
    entries, horizon = _log_entries(user, start.position, limit)
    if start.position > horizon:
        # Every position handed out is at or below the horizon of any read after it: this cursor
        # was issued by another database (restored from a backup into a new cluster, which counts
        # transactions from the start again) and would skip every change until the count caught up.
        raise CursorExpired()
    has_more = len(entries) > limit
    entries = entries[:limit]
    position = Position(entries[-1][0], entries[-1][1]) if entries else start.position
    if not has_more:
        # Every entry of the caller's below the horizon is in this page, so the cursor moves up
        # to it: a collector whose own real estates are quiet would otherwise keep a position
        # that others' entries, once purged, leave behind the purge mark (a 410 for a cursor in
        # daily use that missed nothing).
        position = max(position, horizon)
    # Each real estate once, where its last change in the page stands.
    last_seen: dict[UUID, int] = {}
    for index, (_, _, real_estate_id) in enumerate(entries):
        last_seen[real_estate_id] = index
    ordered = sorted(last_seen, key=last_seen.__getitem__)
    # No order: the log's order is the page's.
    # Keyed by the id's text, as the log's UUIDs are looked up.
    current = (
        {
            str(row[_ID]): row
            for row in _visible_rows(user, as_written=False).filter(among("id", ordered)).order_by()
        }
        if ordered
        else {}
    )
    results: list[Change] = [current.get(str(pk), pk) for pk in ordered]
    following = cursors.Cursor(user_id=user.pk, scope=start.scope, position=position)
    return Page(results=results, next_cursor=cursors.encode(following), has_more=has_more)
