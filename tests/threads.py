"""Running code at the same moment from several threads, each on its own database connection."""

import threading
import time
from collections.abc import Callable
from typing import Any

from django.db import connection, connections


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


def wait_for_a_lock_wait() -> None:
    """Until another session of this database waits for a lock (read on this thread's connection,
    inside its transaction too: the statistics snapshot is cleared before each look)."""
    waiting = (
        "SELECT count(*) FROM pg_stat_activity"
        " WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    with connection.cursor() as cursor:
        for _ in range(500):
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(waiting)
            row = cursor.fetchone()
            if row and row[0]:
                return
            time.sleep(0.01)
    raise AssertionError("no other session ever waited for a lock")
