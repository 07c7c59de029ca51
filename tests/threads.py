"""Running code at the same moment from several threads, each on its own database connection."""

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection, connections, transaction


def _outcome(action: Callable[[], object]) -> object:
    """What `action` returns, or the exception it raised; then this thread's connections close."""
    try:
        return action()
    except Exception as exc:  # noqa: BLE001 - the outcome is what the test checks
        return exc
    finally:
        connections.close_all()


def run_at_once(*actions: Callable[[], object]) -> list[object]:
    """Run each action in its own thread, released together by a barrier; its result, or the
    exception it raised, at its index."""
    barrier = threading.Barrier(len(actions))
    outcomes: list[object] = [None] * len(actions)

    def run(index: int, action: Callable[[], object]) -> None:
        def released() -> object:
            barrier.wait()
            return action()

        outcomes[index] = _outcome(released)

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def in_background(action: Callable[[], object]) -> tuple[threading.Thread, list[Any]]:
    """Start `action` in its own thread (and connection); once the thread is joined, the list
    holds its result, or the exception it raised."""
    outcome: list[Any] = []
    thread = threading.Thread(target=lambda: outcome.append(_outcome(action)))
    thread.start()
    return thread, outcome


def wait_for_a_lock_wait(count: int = 1) -> None:
    """Until `count` other sessions of this database wait for a lock at once (read on this
    thread's connection, inside its transaction too: the statistics snapshot is cleared before
    each look)."""
    waiting = (
        "SELECT count(*) FROM pg_stat_activity"
        " WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    with connection.cursor() as cursor:
        for _ in range(500):
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(waiting)
            row = cursor.fetchone()
            if row and row[0] >= count:
                return
            time.sleep(0.01)
    raise AssertionError(f"{count} session(s) never waited for a lock at once")


def waiting_for(hold: Callable[[], object], action: Callable[[], object]) -> object:
    """`action`'s outcome (its result, or the exception it raised), run on its own thread and
    connection while `hold` runs in a transaction of this one: it starts once `hold` has run, waits
    for a lock `hold` took (checked), and goes on when that transaction commits."""
    with transaction.atomic():
        hold()
        thread, outcome = in_background(action)
        wait_for_a_lock_wait()
    thread.join(timeout=30)
    assert not thread.is_alive()
    return outcome[0]


@contextmanager
def table_held(table: str, *, mode: str = "EXCLUSIVE", lock_timeout: str | None = "200ms") -> Iterator[None]:
    """Another session holds `table` locked in `mode` (EXCLUSIVE: reads go on, writes wait) for the
    block; this connection gives up a lock wait after `lock_timeout` (None: as it is). Leaving,
    the lock goes and this connection closes, dropping the timeout with its session."""
    locked, release = threading.Event(), threading.Event()

    def hold() -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {table} IN {mode} MODE")
            locked.set()
            release.wait(30)

    thread, _ = in_background(hold)
    try:
        assert locked.wait(10)
        if lock_timeout is not None:
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = %s", [lock_timeout])
        yield
    finally:
        release.set()
        thread.join()
        connection.close()
