"""The pool's check before it hands out a connection (apps/core/db.py), on real PostgreSQL.

A connection whose backend PostgreSQL has terminated stands for one broken by a restart.
"""

import time
from collections.abc import Callable, Iterator
from typing import Any

import psycopg
import pytest
from django.db import connection as django_connection
from psycopg_pool import ConnectionPool

from apps.core.db import CheckUnlessRecentlyDrawn

pytestmark = pytest.mark.django_db


def _conninfo() -> str:
    settings = django_connection.settings_dict
    return psycopg.conninfo.make_conninfo(
        dbname=settings["NAME"],
        user=settings["USER"],
        password=settings["PASSWORD"],
        host=settings["HOST"],
        port=settings["PORT"],
    )


@pytest.fixture
def connect() -> Iterator[Callable[[], psycopg.Connection[Any]]]:
    opened: list[psycopg.Connection[Any]] = []

    def open_one() -> psycopg.Connection[Any]:
        opened.append(psycopg.connect(_conninfo(), autocommit=True))
        return opened[-1]

    yield open_one
    for each in opened:
        each.close()


def _terminate(victim: psycopg.Connection[Any]) -> None:
    """PostgreSQL ends the backend of `victim`, as a restart would (victim does not know yet)."""
    with psycopg.connect(_conninfo(), autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [victim.info.backend_pid])
    time.sleep(0.05)  # the backend has gone once its socket is closed


def test_a_connection_drawn_for_the_first_time_is_pinged(connect: Callable[[], Any]) -> None:
    check = CheckUnlessRecentlyDrawn(window_seconds=60)
    healthy, broken = connect(), connect()
    _terminate(broken)

    check(healthy)  # answers the ping
    with pytest.raises(psycopg.OperationalError):
        check(broken)


def test_a_connection_drawn_again_within_the_window_is_trusted(connect: Callable[[], Any]) -> None:
    check = CheckUnlessRecentlyDrawn(window_seconds=60)
    drawn = connect()
    check(drawn)
    _terminate(drawn)

    check(drawn)  # no ping: the trade-off the window makes (one request would get a 503)


@pytest.mark.parametrize(
    ("window", "wait"),
    [(0.2, 0.2), (0, 0)],
    ids=["drawn again after the window", "a zero window pings on every draw"],
)
def test_a_connection_drawn_again_outside_the_window_is_pinged(
    connect: Callable[[], Any], window: float, wait: float
) -> None:
    check = CheckUnlessRecentlyDrawn(window_seconds=window)
    drawn = connect()
    check(drawn)
    _terminate(drawn)
    time.sleep(wait)

    with pytest.raises(psycopg.OperationalError):
        check(drawn)


def test_the_pool_replaces_a_connection_broken_while_it_sat_idle_past_the_window() -> None:
    with ConnectionPool(
        _conninfo(), min_size=1, max_size=1, check=CheckUnlessRecentlyDrawn(window_seconds=0.2)
    ) as pool:
        first = pool.getconn()
        first_pid = first.info.backend_pid
        pool.putconn(first)
        _terminate(first)
        time.sleep(0.2)

        with pool.connection() as replacement:
            assert replacement.info.backend_pid != first_pid
            assert replacement.execute("SELECT 1").fetchone() == (1,)
