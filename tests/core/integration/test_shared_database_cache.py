"""The embedded default's cache (`SharedDatabaseCache`): an `incr` that keeps the expiry and
counts every call, on the test PostgreSQL (SQLite across processes: test_shared_state_without_redis)."""

import threading
import time
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.db import OperationalError, connection, transaction
from django.test import override_settings
from django.utils import timezone

from apps.core.cache import SharedDatabaseCache, count_hit
from tests.threads import in_background, run_at_once, table_held, wait_for_a_lock_wait

TABLE = "test_shared_cache"


@pytest.fixture
def db_cache(transactional_db: None) -> Iterator[SharedDatabaseCache]:
    with override_settings(
        CACHES={"default": {"BACKEND": "apps.core.cache.SharedDatabaseCache", "LOCATION": TABLE}}
    ):
        call_command("createcachetable", verbosity=0)
    yield SharedDatabaseCache(TABLE, {"OPTIONS": {"MAX_ENTRIES": 10_000}})
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {TABLE}")


def _expiry(cache: SharedDatabaseCache, key: str) -> object:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT expires FROM {TABLE} WHERE cache_key = %s", [cache.make_key(key)])  # noqa: S608
        return cursor.fetchone()[0]


def test_incr_adds_and_keeps_the_keys_expiry(db_cache: SharedDatabaseCache) -> None:
    db_cache.set("window", 1, 60)
    expires = _expiry(db_cache, "window")
    time.sleep(1.1)
    assert db_cache.incr("window", 2) == 3
    assert db_cache.get("window") == 3
    assert _expiry(db_cache, "window") == expires


def test_incr_keeps_a_key_that_never_expires_forever(db_cache: SharedDatabaseCache) -> None:
    db_cache.set("generation", 1, None)
    assert db_cache.incr("generation") == 2
    assert _expiry(db_cache, "generation").year == 9999  # type: ignore[attr-defined]


def test_incr_of_a_missing_or_expired_key_raises(db_cache: SharedDatabaseCache) -> None:
    with pytest.raises(ValueError, match="not found"):
        db_cache.incr("missing")
    db_cache.set("gone", 1, 1)
    time.sleep(2.1)
    with pytest.raises(ValueError, match="not found"):
        db_cache.incr("gone")


def test_many_incrs_keep_the_keys_expiry_to_the_second(db_cache: SharedDatabaseCache) -> None:
    db_cache.set("window", 0, 60)
    expires = _expiry(db_cache, "window")
    for _ in range(200):
        db_cache.incr("window")
    assert db_cache.get("window") == 200
    assert _expiry(db_cache, "window") == expires  # not a second shorter per hit


def test_count_hit_counts_every_hit_from_concurrent_threads(db_cache: SharedDatabaseCache) -> None:
    def hit() -> None:
        for _ in range(25):
            count_hit(db_cache, "window", 60)

    assert run_at_once(hit, hit, hit, hit) == [None] * 4
    assert db_cache.get("window") == 100


def test_the_first_hits_of_a_window_racing_are_all_counted(db_cache: SharedDatabaseCache) -> None:
    """Four first hits at once, window after window: the one that wins `add` counts 1, and the
    others, which found no row to lock (or one committed after they looked), count on it."""
    windows, threads_count = 40, 4
    start = threading.Barrier(threads_count)

    def hit() -> None:
        for window in range(windows):
            start.wait(timeout=30)
            count_hit(db_cache, f"window-{window}", 60)

    assert run_at_once(*[hit] * threads_count) == [None] * threads_count
    counts = [db_cache.get(f"window-{window}") for window in range(windows)]
    assert counts == [threads_count] * windows


def test_add_tells_a_taken_key_from_a_write_the_database_refused(db_cache: SharedDatabaseCache) -> None:
    assert db_cache.add("lock", "first", 60) is True
    assert db_cache.add("lock", "second", 60) is False  # taken: the caller's answer, no error
    assert db_cache.get("lock") == "first"

    # Another session holds the table; this one gives up waiting for it (as SQLite gives up on a
    # write lock after its timeout). Django's add answered False, "taken", for a key nobody held.
    with table_held(TABLE), pytest.raises(OperationalError):  # a 503, as for a busy database
        db_cache.add("free", "mine", 60)
    assert db_cache.add("free", "mine", 60) is True


def test_two_adds_over_an_expired_key_racing_take_it_once(db_cache: SharedDatabaseCache) -> None:
    """A crashed request leaves its idempotency lock behind, expired; two retries `add` it at
    once. Django's `add` reads the expired row, then updates it without a lock: both updated it,
    both "took" the key, and both ran the create."""
    db_cache.set("lock", "crashed request", 1)
    time.sleep(2.1)
    row_held, release = threading.Event(), threading.Event()

    def hold_the_row() -> None:  # until both adds wait on it
        with transaction.atomic(), connection.cursor() as cursor:
            hold = f"SELECT 1 FROM {TABLE} WHERE cache_key = %s FOR UPDATE"  # noqa: S608
            cursor.execute(hold, [db_cache.make_key("lock")])
            row_held.set()
            release.wait(30)

    holder, _ = in_background(hold_the_row)
    assert row_held.wait(10)
    first, first_outcome = in_background(lambda: db_cache.add("lock", "first retry", 60))
    second, second_outcome = in_background(lambda: db_cache.add("lock", "second retry", 60))
    try:
        wait_for_a_lock_wait(2)
    finally:
        release.set()
        for thread in (holder, first, second):
            thread.join()

    assert sorted([*first_outcome, *second_outcome]) == [False, True]
    assert db_cache.get("lock") in ("first retry", "second retry")


def test_add_in_the_second_a_key_expires_takes_it(db_cache: SharedDatabaseCache) -> None:
    """Expiries are whole seconds. In the second a key expires, Django's `has_key` already calls it
    gone (`expires > now`) while the expired-row delete kept it (`expires < now`): the insert
    hit the row, the check found no key, and `add` raised as for a database refusing the write
    (a retry of a crashed request's idempotency key answered 503 for that second)."""
    db_cache.set("lock", "crashed request", 60)
    while time.time() % 1 > 0.5:  # the second must not end before the `add` runs
        time.sleep(0.05)
    this_second = timezone.now().replace(microsecond=0)
    with connection.cursor() as cursor:
        expire = f"UPDATE {TABLE} SET expires = %s WHERE cache_key = %s"  # noqa: S608 - the test's own table name
        cursor.execute(expire, [this_second, db_cache.make_key("lock")])

    assert db_cache.add("lock", "retry", 60) is True
    assert db_cache.get("lock") == "retry"
