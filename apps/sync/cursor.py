"""The opaque sync cursor: where a client's sync stands, signed so it cannot be forged.

A cursor is `django.core.signing.dumps` of a small dict (timestamped, salted for this use):
its format version, the user it was issued to, the scope they saw (`all` or `own`), the log
position it continues from and, while a first sync still reads the table, the last real estate
id it handed out. `decode` raises `CursorInvalid` for anything we did not issue to this user,
and `CursorExpired` for a cursor issued longer than the retention ago.
"""

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core import signing

from apps.sync.querysets import Position

SALT = "apps.sync.cursor"
FORMAT = 1


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
    # A first sync reads the table first, in id order; `after_id` is the last id handed out.
    reading_table: bool = False
    after_id: uuid.UUID | None = None


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
        payload["t"] = cursor.after_id.hex if cursor.after_id is not None else ""
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
        after = payload.get("t")
        after_id = uuid.UUID(hex=after) if after else None
    except (KeyError, ValueError, TypeError, AttributeError):
        raise CursorInvalid() from None
    if user_id != user.pk:
        raise CursorInvalid()
    return Cursor(
        user_id=user_id,
        scope=payload["s"],
        position=Position(xid, change_id),
        reading_table=after is not None,
        after_id=after_id,
    )
