"""The cursor alone (no database): what decodes, what is refused, and why."""

import uuid
from datetime import timedelta
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
    after = uuid.uuid4()
    cursor = cursors.Cursor(
        user_id=USER.pk, scope="own", position=Position(5, 7), reading_table=True, after_id=after
    )
    assert cursors.decode(cursors.encode(cursor), user=USER, max_age=DAY) == cursor
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
