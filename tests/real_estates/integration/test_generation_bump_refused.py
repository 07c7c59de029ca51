"""A write that committed answers its caller even when the cache refuses the list's generation bump
that follows it. Without Redis the cache is a table of the app's database (`SharedDatabaseCache`,
ADR 0045); here another session holds that table, on the suite's PostgreSQL, while a create runs."""

import logging
import threading
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings

from apps.real_estates.models import RealEstate
from apps.users.models import User
from tests.sync.helpers import create
from tests.threads import in_background

TABLE = "test_list_generation_cache"


@pytest.fixture
def db_cache(transactional_db: None) -> Iterator[None]:
    caches = {"default": {"BACKEND": "apps.core.cache.SharedDatabaseCache", "LOCATION": TABLE}}
    with override_settings(CACHES=caches):
        call_command("createcachetable", verbosity=0)
        yield
    connection.close()  # drops the lock timeout with the session
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {TABLE}")


def test_a_create_that_committed_is_answered_when_the_cache_refuses_its_generation_bump(
    db_cache: None, collector: User, caplog: pytest.LogCaptureFixture
) -> None:
    locked, release = threading.Event(), threading.Event()

    def hold_the_cache_table() -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {TABLE} IN EXCLUSIVE MODE")  # reads go on, writes wait
            locked.set()
            release.wait(30)

    holder, _ = in_background(hold_the_cache_table)
    assert locked.wait(10)
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '200ms'")
    caplog.set_level(logging.WARNING)
    try:
        created = create(collector)  # was an OperationalError raised after the commit
    finally:
        release.set()
        holder.join()

    assert RealEstate.objects.filter(pk=created.pk).exists()
    assert "list_generation_not_bumped" in caplog.text
