"""A database that is busy or down answers 503 with `Retry-After` outside DRF's views too (the
admin): on the embedded default a writer waits 5 s for SQLite's write lock and then fails with
"database is locked", on PostgreSQL a lock or statement timeout does the same. DRF's handler made
it a 503 in the API; anywhere else it was a 500 (docs/architecture.md, "Errors")."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

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
    page = response.content.decode()
    assert "<h1>Service unavailable (503)</h1>" in page  # the admin's look, as its 500 page
    assert '<div id="site-name">' in page
    assert "temporarily unavailable" in page


def test_the_admins_503_page_speaks_the_visitors_language(busy_real_estates: None, admin_user: User) -> None:
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="pt-BR")
    client.force_login(admin_user)
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '200ms'")

    response = client.get("/admin/real_estates/realestate/")

    assert response.status_code == 503
    assert "<h1>Serviço indisponível (503)</h1>" in response.content.decode()


def test_a_503_page_that_cannot_render_leaves_its_message_as_text(
    busy_real_estates: None, admin_user: User, settings: Any, tmp_path: Path
) -> None:
    """Static files stored by a manifest never written: the admin's look cannot render, and the
    visitor still gets the 503 and its message."""
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    client = Client(raise_request_exception=False)
    client.force_login(admin_user)
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '200ms'")

    response = client.get("/admin/real_estates/realestate/")

    assert response.status_code == 503
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "temporarily unavailable" in response.content.decode()
