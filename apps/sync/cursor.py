"""The opaque sync cursor: where a client's sync stands, signed so it cannot be forged.

A cursor is `django.core.signing.dumps` of a small dict (timestamped, salted for this use):
its format version, the user it was issued to, the scope they saw (`all` or `own`), the log
position it continues from and, while a first sync still reads the table (newest first), the
creation time and id of the last real estate it handed out. `decode` raises `CursorInvalid` for
anything we did not issue to this user, and `CursorExpired` for a cursor issued longer than the
retention ago (or one it can no longer continue).
"""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.core import signing

from apps.sync.querysets import Position

SALT = "apps.sync.cursor"
FORMAT = 1
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


class CursorInvalid(Exception):
    """Not a cursor we issued to this user (garbage, tampered, another user's, another format)."""


class CursorExpired(Exception):
    """Issued longer ago than the retention: the changes after it may be purged."""


@dataclass(frozen=True)
class Cursor:
    user_id: uuid.UUID
    scope: str
    # The log continues after this position (during a first sync's table read: once it ends).
    position: Position
    # A first sync reads the table first, newest first (`created_at`, then `id`, descending);
    # `after` is the (`created_at`, `id`) of the last real estate handed out.
    reading_table: bool = False
    after: tuple[datetime, uuid.UUID] | None = None


def scope_of(user: Any) -> str:
    """What the user sees: a cursor issued under another scope cannot be continued."""
    return "all" if user.is_manager_or_admin else "own"


def encode(cursor: Cursor) -> str:
    payload: dict[str, Any] = {
        "v": FORMAT,
        "u": cursor.user_id.hex,
        "s": cursor.scope,
        "p": [cursor.position.xid, cursor.position.id],
    }
    if cursor.reading_table:
        payload["t"] = ""
        if cursor.after is not None:
            created_at, after_id = cursor.after
            # Exact microseconds (a float timestamp could round them).
            payload["t"] = after_id.hex
            payload["c"] = (created_at - _EPOCH) // _MICROSECOND
    return signing.dumps(payload, salt=SALT, compress=True)


def decode(text: str, *, user: Any, max_age: timedelta) -> Cursor:
    try:
        payload = signing.loads(text, salt=SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise CursorExpired() from None
    except (signing.BadSignature, ValueError, TypeError, UnicodeError):
        raise CursorInvalid() from None
    try:
        if payload["v"] != FORMAT or payload["s"] not in ("all", "own"):
            raise CursorInvalid()
        user_id = uuid.UUID(hex=payload["u"])
        xid, change_id = payload["p"]
        if type(xid) is not int or type(change_id) is not int:
            raise CursorInvalid()
        table = payload.get("t")
        after = None
        in_id_order = False
        if table:
            after_id = uuid.UUID(hex=table)
            micros = payload.get("c", None)
            # Without `c`: issued while the table was read in id order (before ADR 0080's
            # addendum); this read cannot continue from it.
            in_id_order = micros is None
            if not in_id_order:
                if type(micros) is not int:
                    raise CursorInvalid()
                after = (_EPOCH + micros * _MICROSECOND, after_id)
    except (KeyError, ValueError, TypeError, AttributeError, OverflowError):
        raise CursorInvalid() from None
    if user_id != user.pk:
        raise CursorInvalid()
    if in_id_order:
        raise CursorExpired()
    return Cursor(
        user_id=user_id,
        scope=payload["s"],
        position=Position(xid, change_id),
        reading_table=table is not None,
        after=after,
    )
