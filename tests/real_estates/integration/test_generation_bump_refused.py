"""A write that committed answers its caller even when the cache refuses the list's generation bump
that follows it. Without Redis the cache is a table of the app's database (`SharedDatabaseCache`,
ADR 0045); here another session holds that table, on the suite's PostgreSQL, while a create runs."""

import logging

import pytest

from apps.real_estates.models import RealEstate
from apps.users.models import User
from tests.sync.helpers import create
from tests.threads import table_held


def test_a_create_that_committed_is_answered_when_the_cache_refuses_its_generation_bump(
    database_cache: None, collector: User, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    with table_held("test_read_cache"):  # the generation's table (ADR 0130): reads go on, writes wait
        created = create(collector)  # was an OperationalError raised after the commit

    assert RealEstate.objects.filter(pk=created.pk).exists()
    assert "list_generation_not_bumped" in caplog.text
