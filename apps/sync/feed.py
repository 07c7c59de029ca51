"""One page of a client's sync: what changed after its cursor, as list items and tombstones.

A first sync (no cursor) reads the caller's real estates in id order, then follows the log
from the position taken when it began; a later sync follows the log. Log entries are
collapsed per real estate within a page and rendered from the row as it is now: absent or
no longer visible to the caller, it is a tombstone. See docs/adr/0080.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from uuid import UUID

from django.conf import settings

from apps.real_estates.models import RealEstate
from apps.real_estates.querysets import LISTING_COLUMNS
from apps.sync import cursor as cursors
from apps.sync.models import RealEstateChange
from apps.sync.querysets import Position
from apps.sync.services import purge_mark

SYNC_COLUMNS: tuple[str, ...] = (*LISTING_COLUMNS, "version")


class CursorExpired(Exception):
    """The cursor is too old, below what the purge removed, or issued under another scope."""


@dataclass
class Page:
    # Rows of `SYNC_COLUMNS` (a changed real estate) or `{"id": ..., "deleted": True}`.
    results: list[dict[str, Any]] = field(default_factory=list)
    next_cursor: str = ""
    has_more: bool = False


def _retention() -> timedelta:
    return timedelta(days=settings.SYNC_RETENTION_DAYS)


def sync_page(*, user: Any, cursor: str | None, limit: int) -> Page:
    """Raises `cursor.CursorInvalid` (400) or `CursorExpired` (410)."""
    scope = cursors.scope_of(user)
    if cursor is None:
        start = cursors.Cursor(
            user_id=user.pk,
            scope=scope,
            position=RealEstateChange.objects.start_position(),
            reading_table=True,
        )
    else:
        try:
            start = cursors.decode(cursor, user=user, max_age=_retention())
        except cursors.CursorExpired:
            raise CursorExpired() from None
        if start.scope != scope or start.position < purge_mark():
            raise CursorExpired()
    if start.reading_table:
        return _table_page(user=user, start=start, limit=limit)
    return _log_page(user=user, start=start, limit=limit)


def _visible_rows(user: Any) -> Any:
    return RealEstate.objects.visible_to(user).values(*SYNC_COLUMNS)


def _table_page(*, user: Any, start: cursors.Cursor, limit: int) -> Page:
    rows = _visible_rows(user).order_by("id")
    if start.after_id is not None:
        rows = rows.filter(id__gt=start.after_id)
    results = list(rows[: limit + 1])
    if len(results) > limit:
        results = results[:limit]
        following = cursors.Cursor(
            user_id=user.pk,
            scope=start.scope,
            position=start.position,
            reading_table=True,
            after_id=results[-1]["id"],
        )
        return Page(results=results, next_cursor=cursors.encode(following), has_more=True)
    # The table is read: follow the log from where it stood when this sync began.
    following = cursors.Cursor(user_id=user.pk, scope=start.scope, position=start.position)
    pending = RealEstateChange.objects.seen_by(user).after(start.position).finished().exists()
    return Page(results=results, next_cursor=cursors.encode(following), has_more=pending)


def _log_page(*, user: Any, start: cursors.Cursor, limit: int) -> Page:
    entries = list(
        RealEstateChange.objects.seen_by(user)
        .after(start.position)
        .finished()
        .in_log_order()
        .values_list("xid", "id", "real_estate_id")[: limit + 1]
    )
    has_more = len(entries) > limit
    entries = entries[:limit]
    position = Position(entries[-1][0], entries[-1][1]) if entries else start.position
    # Each real estate once, where its last change in the page stands.
    last_seen: dict[UUID, int] = {}
    for index, (_, _, real_estate_id) in enumerate(entries):
        last_seen[real_estate_id] = index
    ordered = sorted(last_seen, key=last_seen.__getitem__)
    current = {row["id"]: row for row in _visible_rows(user).filter(id__in=ordered)} if ordered else {}
    results = [current.get(pk) or {"id": pk, "deleted": True} for pk in ordered]
    following = cursors.Cursor(user_id=user.pk, scope=start.scope, position=position)
    return Page(results=results, next_cursor=cursors.encode(following), has_more=has_more)
