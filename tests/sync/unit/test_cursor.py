"""The cursor alone (no database): what decodes, what is refused, and why."""

import uuid
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.core import signing

from apps.sync import cursor as cursors
from apps.sync.querysets import Position

USER = SimpleNamespace(pk=uuid.uuid4(), is_manager_or_admin=False)
DAY = timedelta(days=1)


def _signed(**payload: Any) -> str:
    return signing.dumps({"v": 1, "u": USER.pk.hex, "s": "own", "p": [5, 7], **payload}, salt=cursors.SALT)


def test_a_cursor_round_trips_with_its_table_read_position() -> None:
    # To the microsecond: the next page starts strictly after this (created_at, id).
    after = (datetime(2026, 12, 1, 9, 45, 3, 117_001, tzinfo=UTC), uuid.uuid4())
    cursor = cursors.Cursor(
        user_id=USER.pk, scope="own", position=Position(5, 7), reading_table=True, after=after
    )
    assert cursors.decode(cursors.encode(cursor), user=USER, max_age=DAY) == cursor
    starting = cursors.Cursor(user_id=USER.pk, scope="all", position=Position(5, 0), reading_table=True)
    assert cursors.decode(cursors.encode(starting), user=USER, max_age=DAY) == starting
    following = cursors.Cursor(user_id=USER.pk, scope="own", position=Position(9, 0))
    assert cursors.decode(cursors.encode(following), user=USER, max_age=DAY) == following


@pytest.mark.parametrize(
    "text",
    [
        _signed(p=["5", 7]),
        _signed(p=[5.0, 7]),
        _signed(p=[5]),
        _signed(s="everything"),
        _signed(u="not-a-uuid"),
        _signed(t="zz"),
        _signed(t=uuid.uuid4().hex, c="1764582303117001"),
        _signed(t=uuid.uuid4().hex, c=1.5),
        _signed(t=uuid.uuid4().hex, c=10**20),
        signing.dumps(["a", "list"], salt=cursors.SALT),
        signing.dumps({"v": 1}, salt=cursors.SALT),
    ],
)
def test_it_refuses_a_signed_payload_of_the_wrong_shape(text: str) -> None:
    with pytest.raises(cursors.CursorInvalid):
        cursors.decode(text, user=USER, max_age=DAY)


def test_it_refuses_another_users_cursor() -> None:
    other = SimpleNamespace(pk=uuid.uuid4(), is_manager_or_admin=False)
    with pytest.raises(cursors.CursorInvalid):
        cursors.decode(_signed(), user=other, max_age=DAY)


def test_an_old_cursor_is_expired_not_invalid() -> None:
    with pytest.raises(cursors.CursorExpired):
        cursors.decode(_signed(), user=USER, max_age=timedelta(seconds=-1))


def test_a_table_read_cursor_of_the_id_order_is_expired() -> None:
    # Issued while a first sync read the table in id order (before ADR 0080's addendum): the
    # newest-first read cannot continue it, so the client starts again (410), as after a purge.
    with pytest.raises(cursors.CursorExpired):
        cursors.decode(_signed(t=uuid.uuid4().hex), user=USER, max_age=DAY)
    other = SimpleNamespace(pk=uuid.uuid4(), is_manager_or_admin=False)
    with pytest.raises(cursors.CursorInvalid):  # still not theirs first
        cursors.decode(_signed(t=uuid.uuid4().hex), user=other, max_age=DAY)
