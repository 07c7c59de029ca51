"""A database that is busy or down answers 503 with `Retry-After` outside DRF's views too (the
admin): on the embedded default a writer waits 5 s for SQLite's write lock and then fails with
"database is locked", on PostgreSQL a lock or statement timeout does the same. DRF's handler made
it a 503 in the API; anywhere else it was a 500 (docs/architecture.md, "Errors")."""

from collections.abc import Iterator

import pytest
from django.db import connection
from django.test import Client

from apps.users.models import User
from tests.threads import table_held


@pytest.fixture
def busy_real_estates(transactional_db: None) -> Iterator[None]:
    """Another connection holds the real estates' table; this one gives up waiting at once."""
    with table_held("real_estates_realestate", mode="ACCESS EXCLUSIVE"):
        yield


def test_an_admin_page_answers_503_with_retry_after(busy_real_estates: None, admin_user: User) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(admin_user)
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '200ms'")  # the login's session write reconnected

    response = client.get("/admin/real_estates/realestate/")

    assert response.status_code == 503
    assert response["Retry-After"] == "2"
    assert "temporarily unavailable" in response.content.decode()
