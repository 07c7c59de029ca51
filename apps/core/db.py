"""How a pooled PostgreSQL connection is checked before a request gets it (docs/adr/0042).

Imported by the settings: nothing here may import models or read settings.
"""

import time
import weakref
from typing import Any

from psycopg_pool import ConnectionPool


class CheckUnlessRecentlyDrawn:
    """psycopg_pool's `check` callback: ping a connection before the pool hands it out, unless
    the pool handed it out less than `window_seconds` ago.

    The ping (psycopg_pool's `check_connection`, an empty statement) is how a connection broken
    by a database restart is replaced before a request draws it. It is also a round trip on every
    request: under load the same few connections are drawn again within milliseconds, each time
    pinged, at ~0.1 ms of the worker's CPU and a GIL hand-off each way between its threads.

    Like HikariCP's `aliveBypassWindowMs`, a connection drawn again within the window is trusted:
    it was usable a moment ago. The cost: a database restarted within the window of a
    connection's previous draw fails the one request that draws that connection next, with
    503 SERVICE_UNAVAILABLE (the error handler's answer to a broken connection), and Django then
    discards it. A restart takes longer than the window, so connections drawn after it are
    pinged. `window_seconds=0` pings on every draw, as Django's own check does.
    """

    def __init__(self, window_seconds: float) -> None:
        self.window_seconds = window_seconds
        # Connections are only weakly held: one the pool closes is forgotten with it.
        self._drawn_at: weakref.WeakKeyDictionary[Any, float] = weakref.WeakKeyDictionary()

    def __call__(self, connection: Any) -> None:
        now = time.monotonic()
        previous = self._drawn_at.get(connection)
        self._drawn_at[connection] = now  # a connection failing the ping is closed by the pool
        if previous is not None and now - previous < self.window_seconds:
            return
        ConnectionPool.check_connection(connection)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(window_seconds={self.window_seconds})"
