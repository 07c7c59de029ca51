"""`rebuild_thumbnails` when its database connection is lost mid-run (a restart, a failover, an
operator's `pg_terminate_backend`): the blob it was on is tried once more on a new connection and
the run goes on; a database that takes no new connection stops the run at once, naming how many
blobs were done. Real PostgreSQL: the command's own backend terminated from another connection
as the run reaches the second blob."""

from collections.abc import Callable, Iterator
from io import StringIO
from typing import Any

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from psycopg import sql

from apps.media.models import Blob, ThumbnailState
from tests.media import samples
from tests.media.factories import BlobFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def other_connection() -> Iterator[psycopg.Connection[Any]]:
    """A connection of its own, outside Django's, as an operator's psql: to the cluster's
    `postgres` database (PostgreSQL refuses to lock the database a session is in out of it)."""
    settings = connection.settings_dict
    with psycopg.connect(
        dbname="postgres",
        user=settings["USER"],
        password=settings["PASSWORD"],
        host=settings["HOST"],
        port=settings["PORT"],
        autocommit=True,
    ) as other:
        yield other
        # Whatever the test did to the database, connections are let in again for the teardown.
        other.execute(
            sql.SQL("ALTER DATABASE {} WITH ALLOW_CONNECTIONS true").format(sql.Identifier(settings["NAME"]))
        )


@pytest.fixture
def pending_blobs() -> list[Blob]:
    blobs = [
        BlobFactory(image=samples.image_bytes(size=(320, 240), color=c)) for c in ("#e33", "#3e3", "#33e")
    ]
    assert all(blob.thumbnail_state == ThumbnailState.PENDING for blob in blobs)
    return sorted(blobs, key=lambda blob: blob.pk)


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid: int = cursor.fetchone()[0]
    return pid


class Terminator:
    """An execute wrapper (Django's database instrumentation) that, before the first statement
    about `blob`, has `other` terminate the backend of the connection about to run it (and first
    refuse new connections to the database, with `lock_out`: a failover not over yet), then runs
    the statement on the dead connection."""

    def __init__(self, other: psycopg.Connection[Any], blob: Blob, *, lock_out: bool = False) -> None:
        self.other, self.blob, self.lock_out = other, blob, lock_out
        self.killed: list[int] = []

    def __call__(self, execute: Callable[..., Any], query: str, params: Any, many: bool, context: Any) -> Any:
        if not self.killed and '"media_blob"' in query and params and self.blob.pk in params:
            self.killed.append(_backend_pid())
            if self.lock_out:
                name = sql.Identifier(connection.settings_dict["NAME"])
                self.other.execute(sql.SQL("ALTER DATABASE {} WITH ALLOW_CONNECTIONS false").format(name))
            # Waits (up to 5 s) until the backend is gone.
            terminated = self.other.execute("SELECT pg_terminate_backend(%s, 5000)", [self.killed[0]])
            assert terminated.fetchone() == (True,)
        return execute(query, params, many, context)


def test_a_connection_lost_mid_run_is_opened_again_and_every_blob_made(
    other_connection: psycopg.Connection[Any], pending_blobs: list[Blob]
) -> None:
    first, second, third = pending_blobs
    terminator = Terminator(other_connection, second)
    out = StringIO()

    with connection.execute_wrapper(terminator):
        call_command("rebuild_thumbnails", stdout=out)

    [killed] = terminator.killed
    assert _backend_pid() != killed  # the run went on on a new connection
    assert "3 blob(s) done, 0 failed" in out.getvalue()
    states = Blob.objects.filter(pk__in=[first.pk, second.pk, third.pk]).values_list(
        "thumbnail_state", flat=True
    )
    assert list(states) == [ThumbnailState.READY] * 3


def test_a_database_that_takes_no_new_connection_stops_the_run_naming_what_was_done(
    other_connection: psycopg.Connection[Any], pending_blobs: list[Blob]
) -> None:
    first, second, _ = pending_blobs
    terminator = Terminator(other_connection, second, lock_out=True)
    out = StringIO()

    with connection.execute_wrapper(terminator), pytest.raises(CommandError) as raised:
        call_command("rebuild_thumbnails", stdout=out)

    assert "1 blob(s) done, 0 failed, 2 not tried" in str(raised.value)
    assert "database" in str(raised.value)
    name = sql.Identifier(connection.settings_dict["NAME"])
    other_connection.execute(sql.SQL("ALTER DATABASE {} WITH ALLOW_CONNECTIONS true").format(name))
    ready = Blob.objects.filter(thumbnail_state=ThumbnailState.READY).values_list("pk", flat=True)
    assert list(ready) == [first.pk]  # the second and third left pending, for the next run
