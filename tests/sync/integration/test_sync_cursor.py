"""Bad and stale cursors, bad limits, and the daily purge of the change log."""

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core import signing
from django.utils import timezone

from apps.sync import cursor as cursors
from apps.sync.models import PurgeMark, RealEstateChange
from apps.sync.tasks import purge_sync_log
from apps.users import services as user_services
from apps.users.models import Role, User
from tests.conftest import bearer_client
from tests.sync.helpers import SYNC_URL, Replica, create
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def ana() -> User:
    return UserFactory(role=Role.COLLECTOR)


def _cursor_of(user: User) -> str:
    replica = Replica()
    replica.drain(bearer_client(user))
    assert replica.cursor is not None
    return replica.cursor


CURSOR_MESSAGE = "This is not a sync cursor issued to you; send the next_cursor of your last sync, or none."
PAGE_SIZE_MESSAGE = "Enter a page size: a whole number from 1 to 500."


def _error(response: Any) -> dict[str, Any]:
    error: dict[str, Any] = response.json()["error"]
    return error


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        "eyJ2IjoxfQ",  # base64 of a payload, unsigned
        "%%%not-base64%%%",
        "a:b:c",
        "é" * 10,
        "x" * 1001,  # longer than any cursor we issue: refused before it is read
        "é" * 1001,
        " ",  # not empty: not a cursor either
        "\x00",
        "a\x00b",
        signing.dumps(["a", "list"], salt=cursors.SALT),  # signed by us, not a cursor's shape
    ],
)
def test_it_rejects_a_malformed_cursor_naming_the_cursor(ana: User, cursor: str) -> None:
    response = bearer_client(ana).get(SYNC_URL, {"cursor": cursor})
    assert response.status_code == 400
    error = _error(response)
    assert error["code"] == "VALIDATION_ERROR"
    assert error["fields"] == {"cursor": [{"code": "sync_cursor_invalid", "message": CURSOR_MESSAGE}]}


def test_a_cursor_of_ours_with_anything_around_it_is_malformed(ana: User) -> None:
    cursor = _cursor_of(ana)
    for padded in (f" {cursor}", f"{cursor}\n", cursor + "=" * (1001 - len(cursor))):
        response = bearer_client(ana).get(SYNC_URL, {"cursor": padded})
        assert response.status_code == 400
        assert _error(response)["fields"]["cursor"][0]["code"] == "sync_cursor_invalid"


def test_an_empty_cursor_is_no_cursor(ana: User) -> None:
    own = create(ana)
    response = bearer_client(ana).get(SYNC_URL, {"cursor": ""})
    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [str(own.pk)]


def test_it_rejects_a_tampered_cursor(ana: User) -> None:
    cursor = _cursor_of(ana)
    value, signature = cursor.rsplit(":", 1)
    forged = f"{value}:{signature[::-1]}"
    response = bearer_client(ana).get(SYNC_URL, {"cursor": forged})
    assert response.status_code == 400
    assert _error(response)["fields"]["cursor"][0]["code"] == "sync_cursor_invalid"


def test_it_rejects_another_users_cursor(ana: User) -> None:
    theirs = _cursor_of(UserFactory(role=Role.COLLECTOR))
    response = bearer_client(ana).get(SYNC_URL, {"cursor": theirs})
    assert response.status_code == 400
    assert _error(response)["fields"]["cursor"][0]["code"] == "sync_cursor_invalid"


def test_it_rejects_a_cursor_signed_for_something_else(ana: User) -> None:
    # Same key, other salt (another use of django.core.signing): not a sync cursor.
    other = signing.dumps({"v": 1, "u": ana.pk.hex, "s": "own", "p": [0, 0]}, salt="elsewhere")
    # Signed by us but of an unknown format version: refused as well.
    future = signing.dumps({"v": 99, "u": ana.pk.hex, "s": "own", "p": [0, 0]}, salt=cursors.SALT)
    for cursor in (other, future):
        response = bearer_client(ana).get(SYNC_URL, {"cursor": cursor})
        assert response.status_code == 400
        assert _error(response)["fields"]["cursor"][0]["code"] == "sync_cursor_invalid"


# Spellings of 5 that are not plain ASCII digits (an Arabic-Indic five among them).
NOT_DIGITS = ["5.0", "5.", "+5", " 5", "5 ", "5\n", "\u0665", "1e1", "0x5", "5_0"]


@pytest.mark.parametrize(
    "limit",
    # Out of range, not a number, and spellings of a number that are not plain ASCII digits
    # (the schema says `type: integer`; DRF's IntegerField took each of the latter as 5).
    ["0", "-1", "501", "9" * 30, "abc", "1.5", *NOT_DIGITS],
)
def test_it_rejects_a_limit_that_is_not_a_whole_number_in_range_naming_it(ana: User, limit: str) -> None:
    response = bearer_client(ana).get(SYNC_URL, {"limit": limit})
    assert response.status_code == 400
    error = _error(response)
    assert error["code"] == "VALIDATION_ERROR"
    # The list's `page_size` error (`limit` is the sync's page size), with the sync's bound.
    assert error["fields"] == {"limit": [{"code": "page_size_invalid", "message": PAGE_SIZE_MESSAGE}]}


def test_a_limit_in_plain_digits_is_taken(ana: User) -> None:
    for _ in range(3):
        create(ana)
    body = bearer_client(ana).get(SYNC_URL, {"limit": "02"}).json()
    assert len(body["results"]) == 2
    assert body["has_more"] is True


def test_the_largest_limit_is_accepted(ana: User) -> None:
    assert bearer_client(ana).get(SYNC_URL, {"limit": "500"}).status_code == 200


def test_a_cursor_unused_for_longer_than_the_retention_is_gone(ana: User) -> None:
    cursor = _cursor_of(ana)
    with time_machine.travel(timezone.now() + timedelta(days=29), tick=False):
        assert bearer_client(ana).get(SYNC_URL, {"cursor": cursor}).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=31), tick=False):
        client = bearer_client(ana)  # a fresh access token at that time
        response = client.get(SYNC_URL, {"cursor": cursor})
        assert response.status_code == 410
        assert _error(response)["code"] == "SYNC_CURSOR_EXPIRED"
        pt = client.get(SYNC_URL, {"cursor": cursor}, HTTP_ACCEPT_LANGUAGE="pt-BR")
        assert pt.status_code == 410
        assert _error(pt)["code"] == "SYNC_CURSOR_EXPIRED"
        assert "sincronize novamente desde o início" in _error(pt)["message"]
        assert "sync again from the beginning" in _error(response)["message"]


def test_a_cursor_behind_purged_changes_is_gone_and_a_fresh_sync_recovers(ana: User) -> None:
    client = bearer_client(ana)
    replica = Replica()
    replica.drain(client)
    stale = replica.cursor
    kept = create(ana)
    RealEstateChange.objects.update(created_at=timezone.now() - timedelta(days=31))
    assert purge_sync_log() == {"deleted": 1}
    response = client.get(SYNC_URL, {"cursor": stale})
    assert response.status_code == 410
    assert _error(response)["code"] == "SYNC_CURSOR_EXPIRED"
    fresh = Replica()
    fresh.drain(client)
    assert set(fresh.items) == {str(kept.pk)}


def test_a_cursor_issued_before_a_role_change_is_gone(ana: User) -> None:
    cursor = _cursor_of(ana)
    admin = UserFactory(role=Role.ADMIN)
    user_services.user_update(user=ana, actor=admin, role=Role.MANAGER)
    ana.refresh_from_db()
    response = bearer_client(ana).get(SYNC_URL, {"cursor": cursor})
    assert response.status_code == 410


def test_a_cursor_goes_on_after_a_role_change_that_keeps_what_the_caller_sees() -> None:
    manager = UserFactory(role=Role.MANAGER)
    cursor = _cursor_of(manager)
    added = create(UserFactory(role=Role.COLLECTOR))
    user_services.user_update(user=manager, actor=UserFactory(role=Role.ADMIN), role=Role.ADMIN)
    manager.refresh_from_db()
    response = bearer_client(manager).get(SYNC_URL, {"cursor": cursor})
    assert response.status_code == 200, response.content
    assert [r["id"] for r in response.json()["results"]] == [str(added.pk)]


def test_the_purge_keeps_recent_changes_and_raises_the_mark(ana: User) -> None:
    old, recent = create(ana), create(ana)
    RealEstateChange.objects.filter(real_estate_id=old.pk).update(
        created_at=timezone.now() - timedelta(days=31)
    )
    client = bearer_client(ana)
    replica = Replica()
    replica.drain(client)  # a cursor beyond every change: the purge does not affect it
    assert purge_sync_log() == {"deleted": 1}
    assert purge_sync_log() == {"deleted": 0}  # idempotent
    assert list(RealEstateChange.objects.values_list("real_estate_id", flat=True)) == [recent.pk]
    mark = PurgeMark.objects.get()
    purged = RealEstateChange.objects.get()
    assert (mark.xid, mark.change_id) < (purged.xid, purged.id)
    assert mark.change_id > 0
    assert client.get(SYNC_URL, {"cursor": replica.cursor}).status_code == 200


def test_the_purge_task_is_scheduled_daily() -> None:
    from config.celery import BEAT_SCHEDULE

    assert BEAT_SCHEDULE["purge-sync-log-daily"]["task"] == purge_sync_log.name


def test_anonymous_callers_are_refused(api_client: Any) -> None:
    assert api_client.get(SYNC_URL).status_code == 401


def test_a_collector_polling_without_changes_of_their_own_keeps_a_live_cursor(ana: User) -> None:
    # Ana syncs every day but nothing of hers changes; others' changes age past the retention
    # and are purged. Her cursor was never unused, and she missed nothing: it stays valid.
    client = bearer_client(ana)
    replica = Replica()
    replica.drain(client)
    create(UserFactory(role=Role.COLLECTOR))
    assert replica.pull(client)["results"] == []  # polled after the other collector's change
    RealEstateChange.objects.update(created_at=timezone.now() - timedelta(days=31))
    assert purge_sync_log() == {"deleted": 1}
    response = client.get(SYNC_URL, {"cursor": replica.cursor})
    assert response.status_code == 200, response.content
    assert response.json()["results"] == []


@pytest.mark.parametrize("days", [-1, float("nan"), float("inf"), 1e9, "30"])
def test_the_purge_task_refuses_a_retention_that_is_not_a_usable_number_of_days(ana: User, days: Any) -> None:
    """By hand (`purge_sync_log.delay(retention_days=N)`): a negative retention would purge every
    change and raise the mark past every client's cursor (all 410); others were tracebacks."""
    create(ana)

    with pytest.raises(ValueError, match="retention_days must be a number of days from 0 to"):
        purge_sync_log(retention_days=days)

    assert RealEstateChange.objects.count() == 1
    assert not PurgeMark.objects.exclude(change_id=0).exists()
